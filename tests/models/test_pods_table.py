"""PodsTableModel: snapshot, batched watch changes, columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.models.pods_table import PodColumn, PodsTableModel
from pelorus.api import pod_pb2


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


def run_of(i: int, run: int, state: int, revision: int, **status: Any) -> pod_pb2.PodInfo:
    p = pod(i, state, revision, **status)
    p.status.run = run
    p.status.pod_id = f"job-{i}-{run}"
    return p


def test_previous_runs_are_children_newest_first(qapp: Any) -> None:
    from PySide6.QtCore import QModelIndex

    m = PodsTableModel()
    m.reset([run_of(0, 3, pod_pb2.POD_STATE_RUNNING, 5), pod(1)])
    top0, top1 = m.index(0, 0), m.index(1, 0)
    # Known from the run number before anything is loaded; no child rows until fetched.
    assert m.hasChildren(top0) and not m.hasChildren(top1) and m.rowCount(top0) == 0
    # Expanding asks for them (once); the answer becomes the child rows.
    wanted: list[str] = []
    m.previousRunsWanted.connect(wanted.append)
    assert m.canFetchMore(top0) and not m.canFetchMore(top1)
    m.fetchMore(top0)
    m.fetchMore(top0)
    assert wanted == ["job-0"]
    inserted: list[tuple[int, int, int]] = []
    m.rowsInserted.connect(lambda parent, a, b: inserted.append((parent.row(), a, b)))
    r2 = run_of(0, 2, pod_pb2.POD_STATE_KILLED, 4, reason="KILLED_ON_REQUEST")
    r1 = run_of(0, 1, pod_pb2.POD_STATE_FAILED, 3, has_exit_code=True, exit_code=2)
    assert m.set_previous("job-0", [r2, r1])
    assert inserted == [(0, 0, 1)] and not m.canFetchMore(top0) and m.rowCount(top0) == 2
    child = m.index(0, PodColumn.POD_ID, top0)
    assert m.parent(child) == top0 and m.parent(top0) == QModelIndex() and m.is_previous(child)
    assert m.data(child) == "job-0-2" and m.data(m.index(1, PodColumn.POD_ID, top0)) == "job-0-1"
    assert m.data(m.index(0, PodColumn.STATE, top0)) == "KILLED"
    assert m.data(m.index(0, PodColumn.INSTANCE, top0)) == ""  # beneath its instance
    assert m.data(m.index(1, PodColumn.EXIT, top0)) == "2"
    assert m.data(m.index(0, PodColumn.REASON, top0)) == "KILLED_ON_REQUEST"
    assert m.current_at(m.index(1, 0, top0)).status.pod_id == "job-0-3"  # actions: the current run
    assert m.pod_at(m.index(1, 0, top0)).status.pod_id == "job-0-1"
    # A new run of a loaded instance: the old current run slides in as the newest child at once
    # (one insert), and it is asked for again (the old run's final state).
    m.push([(run_of(0, 4, pod_pb2.POD_STATE_PENDING, 9), False)])
    m.flush()
    assert inserted[-1] == (0, 0, 0) and wanted == ["job-0", "job-0"]
    assert m.rowCount(top0) == 3 and m.data(m.index(0, PodColumn.POD_ID, top0)) == "job-0-3"
    assert m.data(m.index(0, PodColumn.STATE, top0)) == "RUNNING"  # last seen, until the refetch
    assert m.pod(0).status.pod_id == "job-0-4"
    # An instance never expanded: no structural change, only the row (its arrow follows hasChildren).
    changed: list[tuple[int, int, int]] = []
    m.dataChanged.connect(lambda a, b, _r=(): changed.append((a.row(), a.column(), b.column())))
    n_inserts = len(inserted)
    m.push([(run_of(1, 2, pod_pb2.POD_STATE_RUNNING, 10), False)])
    m.flush()
    assert len(inserted) == n_inserts and m.hasChildren(top1) and m.rowCount(top1) == 0
    last = len(PodColumn) - 1
    assert changed == [(1, 1, last), (1, 0, 0)]  # the row, and its instance cell (the expand arrow)
    changed.clear()
    m.push([(run_of(1, 2, pod_pb2.POD_STATE_SUCCEEDED, 11), False)])  # same run: the instance cell stays
    m.flush()
    assert changed == [(1, 1, last)]
    # Fewer runs stored than numbered (e.g. purged): the rows follow the answer.
    m.set_previous("job-0", [r1])
    assert m.rowCount(top0) == 1 and m.data(m.index(0, PodColumn.POD_ID, top0)) == "job-0-1"


def test_tree_under_a_sort_filter_proxy(qapp: Any) -> None:
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtTest import QAbstractItemModelTester

    from console.models.pods_table import FilterRole, SortRole

    m = PodsTableModel()
    QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
    m.reset([run_of(i, 1 + i % 3, pod_pb2.POD_STATE_RUNNING, 1) for i in range(30)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(m)
    proxy.setSortRole(SortRole)
    proxy.setFilterRole(FilterRole)
    proxy.setFilterKeyColumn(0)
    proxy.setDynamicSortFilter(True)
    proxy.sort(int(PodColumn.INSTANCE), Qt.SortOrder.DescendingOrder)
    for i in range(30):
        m.set_previous(f"job-{i}", [run_of(i, r, pod_pb2.POD_STATE_KILLED, 1) for r in range(i % 3, 0, -1)])
    top = proxy.index(0, 0)
    assert proxy.data(top) == "29" and proxy.rowCount(top) == 2
    assert [proxy.data(proxy.index(r, PodColumn.RUN, top)) for r in range(2)] == ["1 / 1", "2 / 1"]  # reversed
    proxy.sort(int(PodColumn.INSTANCE), Qt.SortOrder.AscendingOrder)
    top = proxy.index(2, 0)
    assert [proxy.data(proxy.index(r, PodColumn.RUN, top)) for r in range(2)] == ["2 / 1", "1 / 1"]  # newest first
    for k in range(5):  # churn: new runs while sorted
        m.push([(run_of(i, 2 + i % 3 + k, pod_pb2.POD_STATE_PENDING, 2 + k), False) for i in range(0, 30, 2)])
        m.flush()
    assert proxy.rowCount(proxy.index(0, 0)) == 5  # instance 0 is on run 6: its 5 previous runs
    assert proxy.hasChildren(proxy.index(1, 0))
    # The filter picks instances; an accepted instance keeps its runs (they match through it).
    proxy.setFilterFixedString("job-2-1")  # instance 2's first run id, and nobody's current one
    assert proxy.rowCount() == 0
    proxy.setFilterFixedString("job-4-")
    assert proxy.rowCount() == 1 and proxy.rowCount(proxy.index(0, 0)) == 6  # all its previous runs


def test_the_model_sorts_itself_and_keeps_runs_and_persistent_indexes(qapp: Any) -> None:
    from PySide6.QtCore import QPersistentModelIndex
    from PySide6.QtTest import QAbstractItemModelTester

    S = pod_pb2
    m = PodsTableModel()
    QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
    states = [S.POD_STATE_SUCCEEDED, S.POD_STATE_RUNNING, S.POD_STATE_PENDING, S.POD_STATE_RUNNING]
    m.reset([run_of(i, 2, states[i], 1) for i in range(4)])
    m.set_previous("job-0", [run_of(0, 1, S.POD_STATE_KILLED, 1)])
    kept = QPersistentModelIndex(m.index(0, PodColumn.POD_ID, m.index(0, 0)))  # instance 0's run 1
    top = QPersistentModelIndex(m.index(2, 0))  # instance 2
    m.sort(int(PodColumn.STATE), Qt.SortOrder.AscendingOrder)
    assert [m.pod(r).instance_id for r in range(4)] == [2, 1, 3, 0]  # PENDING < RUNNING (ties by instance) < SUCC.
    assert m.row_of("job-0") == 3 and top.row() == 0
    assert kept.isValid() and kept.parent().row() == 3 and m.data(kept) == "job-0-1"
    m.sort(int(PodColumn.INSTANCE), Qt.SortOrder.DescendingOrder)
    assert [m.pod(r).instance_id for r in range(4)] == [3, 2, 1, 0] and kept.parent().row() == 3
    # Sorted by a column that changes: rows move soon after (not once per frame), then stay sorted.
    m.sort(int(PodColumn.STATE), Qt.SortOrder.AscendingOrder)
    m.push([(run_of(0, 2, S.POD_STATE_PENDING, 2), False)])
    m.flush()
    assert m.pod(3).instance_id == 0  # not yet
    assert m.resort() and m.pod(0).instance_id == 0 and kept.parent().row() == 0
    assert not m.resort()  # nothing moved: no layout change
    # A snapshot keeps the chosen order.
    m.reset([run_of(i, 1, states[i], 3) for i in range(4)])
    assert [m.pod(r).instance_id for r in range(4)] == [2, 1, 3, 0]
