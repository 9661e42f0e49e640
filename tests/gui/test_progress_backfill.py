"""A progress chart opened on a finished job shows the whole curve, from the engine's stored
history (it used to show empty axes: only samples since the window opened)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from enginehelp import EngineProcess, sh_spec
from guihelp import run, screenshot, until, until_async

from console.views.progress_chart import ProgressChart
from pelorus.api import job_pb2
from pelorus.client import ConnectionConfig, EngineClient

SCRIPT = ("for i in 1 2 3 4 5 6 7 8 9 10; do echo \"::progress successful=$i failed=0 remaining=$((10-i))\"; "
          "sleep 0.25; done")


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
            await until(lambda: chart.state_name == "SUCCEEDED" and not chart._tasks, timeout=10,
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
