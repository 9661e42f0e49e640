"""The Workflows timeline of a 1,000-instance job: every instance has its lane (loaded with a few
ListJobPodEvents pages, not one call per pod), only the lanes on screen are drawn, the axis stays
on top while the lanes scroll, and ended runs are end markers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from enginehelp import sh_spec
from guihelp import run, screenshot, until
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from timelinehelp import pod_event

from console.models.timeline import build_timeline
from console.views.job_detail import JobDetailDialog
from console.views.main_window import MainWindow
from console.views.timeline_view import AXIS_H, GUTTER, LANE_H
from pelorus.api import pod_pb2, workflow_pb2

P = pod_pb2
INSTANCES = 1000


def _synthetic() -> Any:
    """1,000 instances, each: pending, running, then succeeded or failed, a quiet half hour, a second run."""
    t0 = 1_770_000_000.0
    events = {}
    for i in range(INSTANCES):
        a = t0 + (i % 50) * 2.0
        end = P.POD_STATE_FAILED if i % 97 == 5 else P.POD_STATE_SUCCEEDED
        events[i] = [pod_event(a, P.POD_STATE_PENDING, f"j-{i}-1"), pod_event(a + 1, P.POD_STATE_RUNNING, f"j-{i}-1"),
                     pod_event(a + 30 + i % 7, end, f"j-{i}-1"), pod_event(a + 1900, P.POD_STATE_PENDING, f"j-{i}-2"),
                     pod_event(a + 1901, P.POD_STATE_RUNNING, f"j-{i}-2"),
                     pod_event(a + 1930 + i % 11, P.POD_STATE_SUCCEEDED, f"j-{i}-2")]
    wf = workflow_pb2.WorkflowInfo()
    wf.status.type = workflow_pb2.WORKFLOW_TYPE_RESTART
    for k, state in enumerate((workflow_pb2.WORKFLOW_STATE_ROLLING_FORWARD, workflow_pb2.WORKFLOW_STATE_SUCCEEDED)):
        w = wf.events.add(state=state, message="restart")
        w.timestamp.seconds = int(t0 + 1898 + k * 140)
    return build_timeline([wf], events, now=t0 + 2100)


@pytest.mark.slow
def test_every_instance_of_a_1000_instance_job_has_a_lane(embedded_window: MainWindow, qloop: Any) -> None:
    session = embedded_window.session

    async def body() -> None:
        created = await session.client.create_job(sh_spec("thousand", "true", instances=INSTANCES),
                                                  start_paused=True)  # 1,000 pods, no process
        job_id = created.job_id
        detail = JobDetailDialog(session, job_id, embedded_window)
        detail.resize(1280, 800)
        detail.show()
        await detail.load()
        await until(lambda: detail.pods_model.rowCount() == INSTANCES, timeout=20, what="1,000 pods")
        detail.tabs.setCurrentWidget(detail.workflows_tab)
        await detail.load_workflows()
        view, tl = detail.timeline, detail.timeline.timeline
        assert len(tl.lanes) == INSTANCES + 1 and tl.lanes[-1] == "instance 999"
        assert detail.timeline_events.pages <= 2, "one page per load (load() and this one), not one call per pod"
        pages = detail.timeline_events.pages
        await detail.load_workflows()  # a refresh asks only for what is new: one (empty) page
        assert detail.timeline_events.pages == pages + 1
        view.repaint()
        assert 0 < view.painted_lanes < 60, view.painted_lanes  # only what is on screen
        assert view.vbar.isVisible() and view.vbar.maximum() > 900 * LANE_H
        # the wheel over the lane names scrolls the lanes; the axis stays
        y = AXIS_H + 5 * LANE_H
        wheel = QWheelEvent(QPointF(10, y), QPointF(view.mapToGlobal(QPoint(10, y))), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        view.wheelEvent(wheel)
        assert view.y_off == 3 * LANE_H and view.lane_at(AXIS_H + 1) == 3
        view.vbar.setValue(view.vbar.maximum())
        view.repaint()
        last_y = AXIS_H + INSTANCES * LANE_H - view.y_off + LANE_H // 2
        assert view.lane_at(last_y) == INSTANCES and view.lane_at(AXIS_H - 2) == -1
        clicked: list[int] = []
        view.instanceClicked.connect(clicked.append)
        view.scroll_to_lane(500)
        lane_y = view.lane_y(500) + LANE_H // 2
        assert "instance 499" in view.describe_at(GUTTER + 50, lane_y) or view.lane_at(lane_y) == 500
        detail.close()

    run(qloop, body(), timeout=120)


def test_a_synthetic_1000_instance_timeline_draws_end_markers_and_collapses_idle(embedded_window: MainWindow,
                                                                                   qloop: Any) -> None:
    session = embedded_window.session

    async def body() -> None:
        detail = JobDetailDialog(session, "synthetic", embedded_window)
        detail.tabs.setCurrentWidget(detail.workflows_tab)
        detail.resize(1280, 800)
        detail.show()
        view = detail.timeline
        assert view.collapsed, "idle stretches are collapsed by default"
        tl = _synthetic()
        view.set_timeline(tl)
        assert view.timemap.gaps and max(e - s for s, e in view.timemap.gaps) > 1500
        ended = [iv for iv in tl.intervals_in(1) if iv.state in ("SUCCEEDED", "FAILED")]
        assert ended and all(iv.end == iv.start for iv in ended), "a run's end is a point"
        await asyncio.sleep(0.1)
        view.repaint()
        assert view.painted_lanes < 60
        screenshot(detail, "timeline_1000_instances_1280x800")
        detail.collapse_button.setChecked(False)  # real time: the quiet half hour takes its width
        assert not view.timemap
        detail.resize(1920, 1080)
        await asyncio.sleep(0.1)
        screenshot(detail, "timeline_1000_instances_real_time_1920x1080")
        detail.collapse_button.setChecked(True)
        view.vbar.setValue(view.vbar.maximum() // 2)
        await asyncio.sleep(0.1)
        screenshot(detail, "timeline_1000_instances_scrolled_1920x1080")
        detail.close()

    run(qloop, body(), timeout=60)
