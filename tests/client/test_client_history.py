"""EngineClient.get_job at a version and progress_history, against a real engine."""

from __future__ import annotations

import asyncio

import pytest
from enginehelp import EngineProcess, arun, sh_spec

from pelorus import errors
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient


def test_spec_at_a_version_and_the_progress_history(engine: EngineProcess) -> None:
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as client:
            spec = sh_spec("history", 'echo "::progress successful=3 failed=1 remaining=0"')
            spec.labels["v"] = "1"
            created = await client.create_job(spec)
            job_id = created.job_id
            for _ in range(100):
                if (await client.get_job(job_id)).job_info.status.state == job_pb2.JOB_STATE_SUCCEEDED:
                    break
                await asyncio.sleep(0.1)
            spec.labels["v"] = "2"
            v2 = await client.replace_job(job_id, created.version.value, spec)
            assert (await client.get_job(job_id, version=1)).job_info.spec.labels["v"] == "1"
            assert (await client.get_job(job_id, version=v2)).job_info.spec.labels["v"] == "2"
            with pytest.raises(errors.NotFound) as err:
                await client.get_job(job_id, version=v2 + 5)
            assert f"versions 1 to {v2}" in str(err.value)
            history = await client.progress_history(job_id)
            assert history.run == 1 and history.samples
            last = history.samples[-1]
            assert last.state == job_pb2.JOB_STATE_SUCCEEDED
            assert (last.progress.successful, last.progress.failed) == (3, 1)
            assert (last.progress.instances_reporting, last.progress.instances_total) == (1, 1)

    arun(body(), 30)
