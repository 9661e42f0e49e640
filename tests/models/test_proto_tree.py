"""ProtoTreeModel against known messages: rows, lazy children, roles, schema vs schemaless, Any,
damage, editing through setData, and the hex model's highlight."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import any_pb2
from PySide6.QtCore import QModelIndex, QSize, Qt

from console.models.hex_model import HexModel
from console.models.proto_tree import (
    BATCH,
    Column,
    EditorRole,
    ErrorRole,
    PathRole,
    ProtoTreeModel,
    ReadingsRole,
    SpanRole,
)
from pelorus.api import job_pb2
from pelorus.protobuf.document import Document
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.wire import encode_varint

REG = SchemaRegistry()


def spec_bytes() -> bytes:
    spec = job_pb2.JobSpec(name="etl", owner="ann", instance_count=3, priority=-2, labels={"team": "web"})
    spec.schedule.cron = "*/5 * * * *"
    spec.data.Pack(job_pb2.Progress(successful=5, failed=1))
    return spec.SerializeToString(deterministic=True)


def model_for(data: bytes, type_name: str | None = None) -> ProtoTreeModel:
    m = ProtoTreeModel()
    m.set_document(Document(data))
    if type_name:
        m.set_schema(REG, type_name)
    return m


def row(m: ProtoTreeModel, name: str, parent: QModelIndex | None = None, column: int = Column.NAME) -> QModelIndex:
    parent = parent or QModelIndex()
    m.fetch_all(parent)
    for r in range(m.rowCount(parent)):
        if m.index(r, column, parent).data() == name:
            return m.index(r, 0, parent)
    raise AssertionError(f"no row {name!r}: {[m.index(r, column, parent).data() for r in range(m.rowCount(parent))]}")


def value(ix: QModelIndex) -> Any:
    return ix.siblingAtColumn(Column.VALUE).data()


def test_schema_rows_names_types_values(qapp: Any) -> None:
    m = model_for(spec_bytes(), "pelorus.v1.JobSpec")
    assert m.rowCount() == 0 and m.canFetchMore(QModelIndex())  # lazy until fetched
    m.fetch_all()
    names = [m.index(r, Column.NAME).data() for r in range(m.rowCount())]
    assert names == ["name", "owner", 'labels["team"]', "instance_count", "priority", "schedule", "data"]
    prio = row(m, "priority")
    assert value(prio) == "-2" and prio.siblingAtColumn(Column.TYPE).data() == "int32"
    assert row(m, 'labels["team"]').siblingAtColumn(Column.TYPE).data() == "map<string, string>"
    assert value(row(m, 'labels["team"]')) == '"web"'
    sched = row(m, "schedule")
    assert m.hasChildren(sched)
    cron = row(m, "cron", sched)
    assert cron.siblingAtColumn(Column.TYPE).data() == "string (oneof when)"
    assert m.data(cron, PathRole) == (5, 0)


def test_any_is_unpacked_when_its_type_is_known(qapp: Any) -> None:
    m = model_for(spec_bytes(), "JobSpec")
    data = row(m, "data")
    assert value(data) == "pelorus.v1.Progress"
    inner = row(m, "value", data)
    assert inner.siblingAtColumn(Column.TYPE).data() == "pelorus.v1.Progress"
    assert value(row(m, "successful", inner)) == "5"
    assert value(row(m, "failed", inner)) == "1"


def test_any_inside_any_and_unknown_any_type(qapp: Any) -> None:
    inner = any_pb2.Any()
    inner.Pack(job_pb2.Progress(remaining=7))
    outer = job_pb2.JobSpec(name="w")
    outer.data.Pack(inner)
    m = model_for(outer.SerializeToString(), "JobSpec")
    v1 = row(m, "value", row(m, "data"))
    assert v1.siblingAtColumn(Column.TYPE).data() == "google.protobuf.Any"
    v2 = row(m, "value", v1)
    assert value(row(m, "remaining", v2)) == "7"

    spec = job_pb2.JobSpec()
    spec.data.type_url = "type.googleapis.com/acme.Missing"
    spec.data.value = b"\x08\x96\x01"
    m = model_for(spec.SerializeToString(), "JobSpec")
    data = row(m, "data")
    assert "not loaded" in value(data)
    raw = row(m, "value", data)
    assert "acme.Missing not loaded" in raw.siblingAtColumn(Column.TYPE).data()
    assert value(row(m, "1", raw, Column.NUMBER)) == "150"  # decoded schemaless


def test_unknown_enum_value_and_unknown_field_shown(qapp: Any) -> None:
    data = bytes([0x08, 0x63]) + bytes([0xB8, 0x3E, 0x07])  # state = 99; field 999 = 7
    m = model_for(data, "JobStatus")
    assert value(row(m, "state")) == "99 (unknown)"
    unknown = row(m, "(unknown)")
    assert unknown.siblingAtColumn(Column.NUMBER).data() == "999"
    assert m.data(unknown.siblingAtColumn(Column.VALUE), Qt.ItemDataRole.ForegroundRole) is not None
    spec = m.data(row(m, "state").siblingAtColumn(Column.VALUE), EditorRole)
    assert spec.widget == "enum" and ("JOB_STATE_RUNNING", 3) in spec.choices


def test_schemaless_rows_readings_and_pins(qapp: Any) -> None:
    m = model_for(spec_bytes())
    m.fetch_all()
    assert [m.index(r, 0).data() for r in range(m.rowCount())] == ["1", "2", "4", "6", "8", "10", "17"]
    prio = row(m, "8", column=Column.NUMBER)
    readings = m.data(prio, ReadingsRole)
    assert [r.kind for r in readings][:2] == ["int64", "uint64"]
    assert value(prio) == "-2"
    m.pin(prio, "uint64")
    prio = row(m, "8", column=Column.NUMBER)
    assert prio.siblingAtColumn(Column.TYPE).data() == "uint64 (pinned)"
    assert value(prio) == str((1 << 64) - 2)
    sched = row(m, "10", column=Column.NUMBER)
    assert value(row(m, "3", sched, Column.NUMBER)) == '"*/5 * * * *"'


def test_span_role_and_offset_lookup(qapp: Any) -> None:
    data = spec_bytes()
    m = model_for(data, "JobSpec")
    sched = row(m, "schedule")
    span = m.data(sched, SpanRole)
    f = decode(data).find(10)[0]
    assert (span.start, span.value_start, span.end) == (f.tag_offset, f.value_offset, f.end)
    assert span.tag_end == span.start + 1 and span.value_start == span.tag_end + 1
    ix = m.index_at_offset(span.value_start + 3)  # inside cron's value
    assert ix.siblingAtColumn(Column.NAME).data() == "cron"
    assert m.index_for_path((5, 0)).siblingAtColumn(Column.NAME).data() == "cron"
    assert m.byte_span(sched) == span


def test_qt_span_keeps_its_meaning(qapp: Any) -> None:
    """QAbstractItemModel.span() is Qt's cell span (a QSize); the byte ranges are byte_span().
    The model used to override span() with the byte ranges, which Qt's views would misread."""
    m = model_for(spec_bytes(), "JobSpec")
    sched = row(m, "schedule")
    assert m.span(sched) == QSize(1, 1)
    assert m.byte_span(sched) is not None and m.byte_span(sched) == m.data(sched, SpanRole)


def test_corrupt_input_keeps_the_valid_prefix(qapp: Any) -> None:
    good = job_pb2.JobSpec(name="ok", owner="me").SerializeToString()
    nested = job_pb2.Schedule(cron="x" * 20).SerializeToString()
    bad = good + b"\x52" + encode_varint(len(nested)) + nested[:10]  # schedule cut short
    m = model_for(bad, "JobSpec")
    m.fetch_all()
    names = [m.index(r, Column.NAME).data() for r in range(m.rowCount())]
    assert names == ["name", "owner", "schedule", "error"]
    err = m.index(3, 0)
    assert f"offset {len(good) + 1}" in m.data(err, Qt.ItemDataRole.DisplayRole) or \
        f"offset {len(good) + 1}" in err.siblingAtColumn(Column.VALUE).data()
    assert m.root_error() is not None and m.root_error().offset == len(good) + 1
    sched = m.index(2, 0)
    assert m.data(sched, ErrorRole).startswith("truncated")
    assert m.data(sched, PathRole) is None  # not editable
    assert m.hasChildren(sched)


def test_set_data_edits_exactly_and_rejects_out_of_range(qapp: Any) -> None:
    data = spec_bytes()
    m = model_for(data, "JobSpec")
    edited: list[Any] = []
    rejected: list[str] = []
    m.edited.connect(edited.append)
    m.editRejected.connect(rejected.append)
    ic = row(m, "instance_count").siblingAtColumn(Column.VALUE)
    assert m.flags(ic) & Qt.ItemFlag.ItemIsEditable
    assert not m.setData(ic, "4294967296")  # uint32 max + 1
    assert rejected and "out of range" in rejected[-1]
    assert m.setData(ic, "4")
    assert len(edited) == 1
    out = m.document.to_bytes()
    diff = [i for i in range(len(data)) if data[i] != out[i]]
    assert len(out) == len(data) and len(diff) == 1 and out[diff[0]] == 4
    assert value(row(m, "instance_count")) == "4"
    # a string inside a nested message: the value and the length prefix above it change
    sched = row(m, "schedule")
    cron = row(m, "cron", sched).siblingAtColumn(Column.VALUE)
    assert m.setData(cron, "@daily")
    assert REG.parse("JobSpec", m.document.to_bytes()).schedule.cron == "@daily"


def test_large_level_is_fetched_in_batches(qapp: Any) -> None:
    data = b"".join(b"\x08" + encode_varint(i) for i in range(BATCH * 3 + 5))
    m = model_for(data)
    m.fetchMore(QModelIndex())
    assert m.rowCount() == BATCH and m.canFetchMore(QModelIndex())
    m.fetch_all()
    assert m.rowCount() == BATCH * 3 + 5


def test_hex_model_rows_and_highlight(qapp: Any) -> None:
    hm = HexModel()
    hm.set_data(bytes(range(40)))
    assert hm.rowCount() == 3 and hm.columnCount() == 32
    assert hm.headerData(2, Qt.Orientation.Vertical) == "00000020"
    assert hm.data(hm.index(1, 0)) == "10" and hm.data(hm.index(2, 16 + 1)) == "!"
    assert hm.offset_of(hm.index(1, 16 + 3)) == 19
    changed: list[tuple[int, int]] = []
    hm.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), b.row())))
    hm.set_highlight([(14, 15, "tag"), (15, 16, "length"), (16, 20, "value")])
    assert hm.part_at(14) == "tag" and hm.part_at(17) == "value" and hm.part_at(20) is None
    assert hm.data(hm.index(1, 2), Qt.ItemDataRole.BackgroundRole) is not None
    assert (0, 1) in changed
    assert hm.highlight_range() == (14, 20)


@pytest.fixture
def qapp_fixture(qapp: Any) -> Any:  # pragma: no cover - pytest-qt provides qapp
    return qapp


@pytest.mark.slow
def test_row_near_the_end_of_a_huge_level_is_reached_without_building_the_rows_before(qapp: Any) -> None:
    """Row i is built straight from the level's records: index_for_path and index_at_offset jump there."""
    n = 1_000_000
    data = b"".join(b"\x08" + encode_varint(i) for i in range(n))
    m = model_for(data)
    last = m.index_for_path((n - 2,))
    assert last.isValid() and last.row() == n - 2
    assert m.rowCount() == n - 1  # exposed up to the row; nothing after it yet
    assert value(last) == str(n - 2)
    root = m.tree.root
    assert len(root.rows) == 1  # only the row asked for was built
    doc = m.document
    assert doc is not None
    f = doc.root[n - 2]
    hit = m.index_at_offset(f.value_offset)
    assert hit.row() == n - 2 and hit.internalPointer() is last.internalPointer()
    assert len(root.rows) == 1
    m.fetch_all()
    assert m.rowCount() == n and value(m.index(n - 1, 0)) == str(n - 1)
    mid = m.index(123_456, Column.BYTES).data()
    assert mid and m.index(123_456, 0).data(SpanRole) is not None
    assert len(root.rows) == 3


def test_repeated_occurrence_names_in_any_order(qapp: Any) -> None:
    """name[i] for repeated items is the same whether rows are built in order or jumped to."""
    spec = job_pb2.JobSpec(name="x")
    spec.default_spec.args.extend(f"a{i}" for i in range(5000))
    spec.default_spec.env["k"] = "v"
    data = spec.SerializeToString()
    jumped = model_for(data, "pelorus.v1.JobSpec")
    ds = row(jumped, "default_spec")
    path = ds.data(PathRole)
    far = jumped.index_for_path((*path, 4321))
    assert far.siblingAtColumn(Column.NAME).data() == "args[4321]" and value(far) == '"a4321"'
    seq = model_for(data, "pelorus.v1.JobSpec")
    ds2 = row(seq, "default_spec")
    seq.fetch_all(ds2)
    names = [seq.index(r, Column.NAME, ds2).data() for r in range(seq.rowCount(ds2))]
    assert names[names.index("args[0]") + 4321] == "args[4321]"


def test_damage_rows_come_after_the_fields_and_are_reached_by_offset(qapp: Any) -> None:
    data = job_pb2.JobSpec(name="abc", owner="me").SerializeToString() + b"\x1a\x10cut"
    m = model_for(data)
    m.fetch_all()
    assert m.rowCount() == 4  # name, owner, the truncated field, the error row
    assert m.index(3, 0).data(ErrorRole)
    hit = m.index_at_offset(len(data) - 1)
    assert hit.row() == 2


def test_packed_repeated_field_is_edited_as_a_list(qapp: Any) -> None:
    from pelorus.api import workflow_pb2

    ws = workflow_pb2.WorkflowStatus(instances_current=[3, 1, 2], state=1)
    data = ws.SerializeToString()
    m = model_for(data, "pelorus.v1.WorkflowStatus")
    packed = row(m, "instances_current (packed ×3)")
    assert value(packed).startswith("[3, 1, 2]")
    spec = packed.siblingAtColumn(Column.VALUE).data(EditorRole)
    assert spec is not None and spec.widget == "list" and spec.current == "3, 1, 2"
    # remove one, reorder, add one: one edit of the packed payload (and its length prefix)
    assert m.setData(packed.siblingAtColumn(Column.VALUE), "2, 3, 300, 0")
    got = workflow_pb2.WorkflowStatus.FromString(m.document.to_bytes())
    assert list(got.instances_current) == [2, 3, 300, 0] and got.state == 1
    # a bad item is refused with its position; nothing changes
    before = m.document.to_bytes()
    rejected: list[str] = []
    m.editRejected.connect(rejected.append)
    assert not m.setData(row(m, "instances_current (packed ×4)").siblingAtColumn(Column.VALUE), "1, -4")
    assert rejected and "item 2" in rejected[0] and m.document.to_bytes() == before
    m.document.undo()
    assert m.document.to_bytes() == data


def test_out_of_range_names_the_schema_type(qapp: Any) -> None:
    """The reason names the field's declared type, not the encoding used to write it (uint32, not uint64)."""
    m = model_for(spec_bytes(), "JobSpec")
    rejected: list[str] = []
    m.editRejected.connect(rejected.append)
    assert not m.setData(row(m, "instance_count").siblingAtColumn(Column.VALUE), "4294967296")
    assert "out of range for uint32: 0 … 4294967295" in rejected[-1]
    assert not m.setData(row(m, "priority").siblingAtColumn(Column.VALUE), str(1 << 31))
    assert "out of range for int32: -2147483648 … 2147483647" in rejected[-1]


def test_bytes_edit_takes_hex_or_base64(qapp: Any) -> None:
    from google.protobuf import wrappers_pb2

    m = model_for(wrappers_pb2.BytesValue(value=b"\x00\x01").SerializeToString(), "google.protobuf.BytesValue")
    rejected: list[str] = []
    m.editRejected.connect(rejected.append)
    assert m.setData(row(m, "value").siblingAtColumn(Column.VALUE), "base64: AAEC/w==")
    assert wrappers_pb2.BytesValue.FromString(m.document.to_bytes()).value == b"\x00\x01\x02\xff"
    assert m.setData(row(m, "value").siblingAtColumn(Column.VALUE), "0a ff")
    assert wrappers_pb2.BytesValue.FromString(m.document.to_bytes()).value == b"\x0a\xff"
    assert not m.setData(row(m, "value").siblingAtColumn(Column.VALUE), "base64: A")
    assert "base64" in rejected[-1]


def test_truncated_string_shows_what_survives(qapp: Any) -> None:
    good = job_pb2.JobSpec(name="ok").SerializeToString()
    data = good + b"\x1a\x0ahel"  # description: 10 bytes announced, 3 left
    for type_name in ("JobSpec", None):
        m = model_for(data, type_name)
        m.fetch_all()
        cut = m.index(1, 0)
        assert value(cut) == f'"hel…" ⚠ truncated at offset {len(data)}: needs 10 bytes, 3 left', type_name
        assert not m.hasChildren(cut)  # a cut string is not expanded as a message ("hel" scans as one field)
        assert m.data(cut, ErrorRole).startswith("truncated")
    # a cut multi-byte character is dropped, not shown as a replacement character
    m = model_for(good + b"\x1a\x0ah\xc3", "JobSpec")
    m.fetch_all()
    assert value(m.index(1, 0)).startswith('"h…" ⚠ truncated')
    # bytes as hex
    m = model_for(b"\x0a\x08\xff\x00\x01", "google.protobuf.BytesValue")
    m.fetch_all()
    assert [m.index(r, Column.NUMBER).data() for r in range(m.rowCount())] == ["1", "⚠"]
    assert value(m.index(0, 0)) == "0xff0001… ⚠ truncated at offset 5: needs 8 bytes, 3 left"


def test_cut_repeated_item_is_named_with_its_index(qapp: Any) -> None:
    spec = job_pb2.JobSpec()
    spec.default_spec.args.extend(["a", "hello world"])
    m = model_for(spec.SerializeToString()[:-4], "JobSpec")
    pod = row(m, "default_spec")
    cut = row(m, "args[1]", pod)
    assert value(cut).startswith('"hello w…" ⚠ truncated at offset')


def test_packed_run_is_labelled_as_the_whole_run(qapp: Any) -> None:
    from pelorus.api import workflow_pb2

    ws = workflow_pb2.WorkflowStatus(instances_current=list(range(12)), state=1)
    m = model_for(ws.SerializeToString(), "pelorus.v1.WorkflowStatus")
    run = row(m, "instances_current (packed ×12)")
    assert value(run).endswith("(12)")
    # two runs of the same field: each is named with its count and its place
    data = ws.SerializeToString() + workflow_pb2.WorkflowStatus(instances_current=[300, 1]).SerializeToString()
    m = model_for(data, "pelorus.v1.WorkflowStatus")
    row(m, "instances_current (packed ×12)")
    row(m, "instances_current (packed ×2, run 2)")


def test_the_adapter_passes_qts_model_tester_through_lazy_rows_and_lookups(qtmodeltester: Any) -> None:
    """ProtoTreeModel only translates the Qt-free tree's events into Qt's begin/end calls; Qt's own
    QAbstractItemModelTester watches it through fetches and jumps to a deep row by path and by
    offset. The tester fetches more rows from inside rowsAboutToBeInserted: before the tree ignored
    such a nested request, the same rows were announced twice (an insertion inside an insertion)."""
    spec = job_pb2.JobSpec(name="etl", owner="ann", instance_count=3, labels={"team": "web"})
    spec.default_spec.args.extend(f"a{i}" for i in range(BATCH + 50))
    data = spec.SerializeToString()
    for step in ("path", "offset", "fetch"):
        m = model_for(data, "JobSpec")
        qtmodeltester.check(m)
        if step == "path":
            deep = m.index_for_path((4, BATCH + 20))
            assert deep.isValid() and deep.parent().isValid() and deep.row() == BATCH + 20
        elif step == "offset":
            hit = m.index_at_offset(len(data) - 2)
            assert hit.isValid() and hit.siblingAtColumn(Column.NAME).data() == f"args[{BATCH + 49}]"
        else:
            spec_row = row(m, "default_spec")
            m.fetch_all(spec_row)
            assert not m.canFetchMore(spec_row) and m.rowCount(spec_row) > BATCH + 49
