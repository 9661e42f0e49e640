"""PodsTableModel: snapshot, batched watch changes, columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.api import pod_pb2
from console.models.pods_table import PodColumn, PodsTableModel


def pod(i: int, state: int = pod_pb2.POD_STATE_PENDING, revision: int = 1, **status: Any) -> pod_pb2.PodInfo:
    p = pod_pb2.PodInfo(pod_name=f"job-{i}", job_id="job", instance_id=i, revision=revision)
    p.status.state = state
    p.status.pod_id = f"job-{i}-1"
    p.status.run = 1
    p.status.attempt = 1
    for k, v in status.items():
        setattr(p.status, k, v)
    return p


def test_snapshot_then_batched_changes(qapp: Any) -> None:
    m = PodsTableModel()
    m.reset([pod(1), pod(0)], revision=5)
    assert m.rowCount() == 2 and m.pod(0).instance_id == 0
    changed: list[tuple[int, int]] = []
    m.dataChanged.connect(lambda a, b, _r=(): changed.append((a.row(), b.row())))
    m.push([(pod(0, pod_pb2.POD_STATE_RUNNING, 6), False)])
    m.push([(pod(0, pod_pb2.POD_STATE_SUCCEEDED, 7, has_exit_code=True, exit_code=0), False),
            (pod(1, pod_pb2.POD_STATE_RUNNING, 8), False)])
    assert m.data(m.index(0, PodColumn.STATE)) == "PENDING"  # not yet: once a frame
    assert m.flush() == 2  # latest change per pod
    assert changed == [(0, 1)]
    assert m.data(m.index(0, PodColumn.STATE)) == "SUCCEEDED"
    assert m.data(m.index(0, PodColumn.EXIT)) == "0"
    assert m.data(m.index(1, PodColumn.STATE), Qt.ItemDataRole.ForegroundRole) is not None
    # A stale change (older revision) does not overwrite a newer one.
    m.push([(pod(0, pod_pb2.POD_STATE_RUNNING, 6), False)])
    m.flush()
    assert m.data(m.index(0, PodColumn.STATE)) == "SUCCEEDED"


def test_new_pods_are_appended_in_instance_order(qapp: Any) -> None:
    m = PodsTableModel()
    m.reset([pod(0)])
    m.push([(pod(2), False), (pod(1), False)])
    m.flush()
    assert [m.pod(r).instance_id for r in range(3)] == [0, 1, 2]
    m.push([(pod(1), True)])
    m.flush()
    assert [m.pod(r).instance_id for r in range(2)] == [0, 2]


def test_progress_reason_and_duration(qapp: Any) -> None:
    m = PodsTableModel()
    p = pod(0, pod_pb2.POD_STATE_RUNNING, reason="", message="")
    p.status.progress.successful, p.status.progress.failed, p.status.progress.remaining = 7, 1, 22
    p.status.started_at.seconds = 1000
    m.now = lambda: 1012.5
    m.reset([p])
    assert m.data(m.index(0, PodColumn.PROGRESS)) == "8/30 (1 failed)"
    assert m.data(m.index(0, PodColumn.DURATION)) == "12.5s"
    assert m.data(m.index(0, PodColumn.RUN)) == "1 / 1"


def test_usage_columns_and_sort_keys(qapp: Any) -> None:
    from console.models.pods_table import SortRole

    m = PodsTableModel()
    a, b = pod(0, pod_pb2.POD_STATE_RUNNING), pod(1, pod_pb2.POD_STATE_RUNNING)
    a.status.usage.cpu_seconds, a.status.usage.memory_rss_bytes = 1.25, 64 * 2**20
    b.status.has_exit_code, b.status.exit_code = True, 3
    m.reset([a, b])
    assert m.data(m.index(0, PodColumn.CPU)) == "1.2" or m.data(m.index(0, PodColumn.CPU)) == "1.3"
    assert m.data(m.index(0, PodColumn.MEMORY)) == "64 MiB"
    assert m.data(m.index(1, PodColumn.MEMORY)) == ""
    assert m.data(m.index(0, PodColumn.INSTANCE), SortRole) == 0
    assert m.data(m.index(1, PodColumn.EXIT), SortRole) == 3
    assert m.data(m.index(0, PodColumn.EXIT), SortRole) < 0  # no exit code sorts first
