"""A progress chart opened on a finished job shows the whole curve, from the engine's stored
history (it used to show empty axes: only samples since the window opened)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from enginehelp import EngineProcess, sh_spec
from guihelp import run, screenshot, until, until_async

from console.views.progress_chart import ProgressChart
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient

SCRIPT = ("for i in 1 2 3 4 5 6 7 8 9 10; do echo \"::progress successful=$i failed=0 remaining=$((10-i))\"; "
          "sleep 0.25; done")


@pytest.mark.slow
def test_chart_opened_on_a_finished_job_shows_the_whole_curve(engine_factory: type[EngineProcess], qloop: Any,
                                                               tmp_path: Path) -> None:
    eng = engine_factory().start()

    async def body() -> None:
        async with EngineClient(ConnectionConfig(eng.address)) as client:
            job_id = (await client.create_job(sh_spec("finished-curve", SCRIPT, instances=2))).job_id

            async def finished() -> bool:
                st = (await client.get_job(job_id)).job_info.status
                return st.state == job_pb2.JOB_STATE_SUCCEEDED

            await until_async(finished, timeout=20, what="the job finished")
            chart = ProgressChart()
            chart.resize(900, 600)
            chart.show()
            chart.watch(client, job_id)
            await until(lambda: chart.state_name == "SUCCEEDED" and not chart.streaming, timeout=10,
                        what="the chart filled and its stream ended")
            d = chart.series.data
            done = list(d.view("successful"))
            assert chart.backfilled >= 5 and len(done) >= 5, done
            assert done[-1] == 20 and done == sorted(done) and done[0] <= 4
            assert d.last("t") >= 1.5  # seconds of curve, not one point
            assert "20 ok" in chart.summary.text() and "ETA done" in chart.summary.text()
            chart.redraw(force=True)
            screenshot(chart, "progress-backfilled")
            chart.close()

    run(qloop, body(), timeout=60)


def test_summary_says_which_instances_the_share_and_eta_cover(engine_factory: type[EngineProcess], qloop: Any,
                                                               tmp_path: Path) -> None:
    """2 of 3 instances running (parallelism 2), the third has reported nothing: the share and
    the ETA say they cover the reporting instances only (it used to read "100 %, done")."""
    eng = engine_factory().start()

    async def body() -> None:
        async with EngineClient(ConnectionConfig(eng.address)) as client:
            spec = sh_spec("partial", 'echo "::progress successful=5 failed=0 remaining=0"; exec sleep 60',
                           instances=3, kill_grace_period=0.2)
            spec.parallelism = 2
            job_id = (await client.create_job(spec)).job_id
            chart = ProgressChart()
            chart.resize(900, 600)
            chart.show()
            chart.period_box.setCurrentIndex(0)
            chart.watch(client, job_id)
            await until(lambda: chart.reporting == (2, 3), timeout=10, what="2 of 3 reporting")
            chart.redraw(force=True)
            text = chart.summary.text()
            assert "(100% · 2/3 reporting)" in text, text
            assert "the 2 of 3 instances that have reported" in chart.summary.toolTip()
            assert "ETA done" not in text and "ETA —" in text, text
            screenshot(chart, "progress-partial")
            chart.close()
            resp = await client.get_job(job_id)
            await client.stop_job(job_id, resp.job_info.status.version.value)

    run(qloop, body(), timeout=60)
