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


def test_list_versions_pages_and_a_stale_revert_is_a_conflict(engine: EngineProcess) -> None:
    """EngineClient.list_versions: newest first, paged, oldest first on request; replacing with an
    old version's spec at a version that is no longer current is a Conflict and changes nothing."""
    async def body() -> None:
        async with EngineClient(ConnectionConfig(engine.address)) as client:
            spec = sh_spec("versions-client", "true")
            created = await client.create_job(spec, start_paused=True)
            job_id, version = created.job_id, created.version.value
            for n in range(2, 6):
                spec.instance_count = n
                version = await client.replace_job(job_id, version, spec)
            first = await client.list_versions(job_id, limit=2)
            assert [v.version.value for v in first.versions] == [version, version - 1]
            assert first.pagination.total == 5 and first.job_version.value == version
            oldest = await client.list_versions(job_id, oldest_first=True, limit=1)
            assert oldest.versions[0].version.value == 1
            old = (await client.get_job(job_id, version=1)).job_info.spec
            with pytest.raises(errors.Conflict):
                await client.replace_job(job_id, version - 1, old)
            assert (await client.list_versions(job_id)).pagination.total == 5
            reverted = await client.replace_job(job_id, version, old)
            now = await client.list_versions(job_id, limit=1)
            assert now.versions[0].version.value == reverted
            assert (await client.get_job(job_id)).job_info.spec.instance_count == 1
            with pytest.raises(errors.NotFound):
                await client.list_versions("00000000-0000-0000-0000-000000000000")

    arun(body(), 30)
