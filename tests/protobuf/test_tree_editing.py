"""The Qt-free document tree (pelorus.protobuf.tree) and its edits (pelorus.protobuf.editing).

No Qt here: the tree is driven directly and its events are recorded in lists, as the Qt adapter
(console.models.proto_tree) would receive them. The adapter's own behaviour is covered by
tests/models/test_proto_tree.py and the editor's GUI tests.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pelorus.api import job_pb2
from pelorus.protobuf.document import Document, Edit
from pelorus.protobuf.editing import TreeEditor
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.tree import BATCH, Column, Node, ProtoTree, Tone
from pelorus.protobuf.wire import VARINT, encode_varint


def spec_bytes() -> bytes:
    spec = job_pb2.JobSpec(name="etl", owner="ann", instance_count=3, labels={"team": "web"})
    spec.default_spec.args.extend(["a", "b", "c"])
    return spec.SerializeToString(deterministic=True)


class Recorder:
    """Every event of a tree and its editor, in order, as plain tuples."""

    def __init__(self, tree: ProtoTree, editor: TreeEditor | None = None) -> None:
        self.log: list[tuple[object, ...]] = []
        tree.resetting.connect(lambda: self.log.append(("resetting",)))
        tree.reset.connect(lambda: self.log.append(("reset",)))
        tree.inserting.connect(lambda n, a, b: self.log.append(("inserting", n.path, a, b)))
        tree.inserted.connect(lambda n, a, b: self.log.append(("inserted", n.path, a, b)))
        tree.changed.connect(lambda n: self.log.append(("changed", n.path)))
        if editor is not None:
            editor.edited.connect(lambda e: self.log.append(("edited", e.description)))
            editor.rejected.connect(lambda why: self.log.append(("rejected", why)))


def tree_for(data: bytes, type_name: str | None = None, registry: SchemaRegistry | None = None) -> ProtoTree:
    t = ProtoTree()
    t.set_document(Document(data))
    if type_name:
        t.set_schema(registry or SchemaRegistry(), type_name)
    return t


def by_name(t: ProtoTree, name: str, parent: Node | None = None) -> Node:
    parent = parent or t.root
    t.fetch_all(parent)
    for r in range(parent.exposed):
        n = t.child(parent, r)
        if t.text(n, Column.NAME) == name:
            return n
    raise AssertionError(f"no row {name!r}")


def test_the_tree_modules_import_no_qt() -> None:
    """The editor's model runs where PySide6 is not imported (import-linter checks the static imports)."""
    code = ("import sys, pelorus.protobuf.editing, pelorus.protobuf.session; "
            "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_rows_are_exposed_in_batches_and_announced_as_insertions() -> None:
    data = b"".join(b"\x08" + encode_varint(i) for i in range(BATCH + 10))
    t = tree_for(data)
    rec = Recorder(t)
    assert t.root.exposed == 0 and t.can_fetch_more(t.root)
    t.fetch_more(t.root)
    t.fetch_more(t.root)
    assert not t.can_fetch_more(t.root)
    assert rec.log == [("inserting", (), 0, BATCH - 1), ("inserted", (), 0, BATCH - 1),
                       ("inserting", (), BATCH, BATCH + 9), ("inserted", (), BATCH, BATCH + 9)]
    assert t.text(t.child(t.root, BATCH + 3), Column.VALUE) == str(BATCH + 3)


def test_path_and_offset_lookup_expose_only_up_to_the_row() -> None:
    n = 10_000
    data = b"".join(b"\x08" + encode_varint(i) for i in range(n))
    t = tree_for(data)
    rec = Recorder(t)
    node = t.node_for_path((n - 2,))
    assert node is not None and node.row == n - 2 and t.root.exposed == n - 1
    assert rec.log == [("inserting", (), 0, n - 2), ("inserted", (), 0, n - 2)]
    assert len(t.root.rows) == 1  # only the row asked for was built
    span = t.byte_span(node)
    assert span is not None and t.node_at_offset(span.value_start) is node
    assert t.node_for_path((n + 5,)) is None


def test_schema_labels_types_values_and_tones() -> None:
    t = tree_for(spec_bytes(), "pelorus.v1.JobSpec")
    name = by_name(t, "name")
    assert t.text(name, Column.VALUE) == '"etl"' and t.text(name, Column.TYPE) == "string"
    assert t.tone(name, Column.VALUE) is None and t.tone(name, Column.NUMBER) == Tone.MUTED
    spec = by_name(t, "default_spec")
    assert t.has_children(spec)
    arg = by_name(t, "args[1]", spec)
    assert t.text(arg, Column.VALUE) == '"b"' and arg.path is not None and len(arg.path) == 2
    team = by_name(t, 'labels["team"]')
    assert team.numpath == (job_pb2.JobSpec.DESCRIPTOR.fields_by_name["labels"].number,)


def test_pins_choose_the_reading_and_reload() -> None:
    t = tree_for(b"\x0a\x03abc")
    row = t.node_for_path((0,))
    assert row is not None and [r.kind for r in t.readings_of(row)][0] == "string"
    rec = Recorder(t)
    t.pin(row, "bytes")
    assert rec.log == [("resetting",), ("reset",)]
    row = t.node_for_path((0,))
    assert row is not None and t.text(row, Column.TYPE) == "bytes (pinned)"
    t.pin(row, None)
    row = t.node_for_path((0,))
    assert row is not None and t.text(row, Column.TYPE) == "string"


def test_assigned_type_reads_bytes_as_a_message_without_editing() -> None:
    inner = job_pb2.Progress(successful=5).SerializeToString()
    data = b"\x0a" + bytes([len(inner)]) + inner
    t = tree_for(data)
    t.set_schema(SchemaRegistry(), None)  # schemaless, with types loaded to choose from
    row = t.node_for_path((0,))
    assert row is not None and t.can_assign_type(row)
    assert t.assign_type(row, "no.such.Type") == "type no.such.Type is not loaded"
    assert t.assign_type(row, "pelorus.v1.Progress") is None
    row = t.node_for_path((0,))
    assert row is not None and t.text(row, Column.TYPE) == "pelorus.v1.Progress (assigned)"
    assert t.document is not None and not t.document.modified


def test_set_value_edits_exactly_and_rejects_what_does_not_fit() -> None:
    t = tree_for(spec_bytes(), "pelorus.v1.JobSpec")
    ed = TreeEditor(t)
    rec = Recorder(t, ed)
    count = by_name(t, "instance_count")
    spec = ed.editor_spec(count)
    assert spec is not None and spec.widget == "int" and spec.current == 3
    assert not ed.set_value(count, "99999999999")
    assert rec.log[-1][0] == "rejected" and "out of range" in str(rec.log[-1][1])
    assert ed.set_value(count, "7")
    assert [e[0] for e in rec.log[-3:]] == ["resetting", "reset", "edited"]
    doc = t.document
    assert doc is not None and job_pb2.JobSpec.FromString(doc.to_bytes()).instance_count == 7
    assert not ed.set_value(by_name(t, "instance_count"), "7")  # unchanged: no edit


def test_structure_edits_return_the_path_to_select() -> None:
    t = tree_for(spec_bytes(), "pelorus.v1.JobSpec")
    ed = TreeEditor(t)
    edits: list[Edit] = []
    ed.edited.connect(edits.append)
    spec = by_name(t, "default_spec")
    arg = by_name(t, "args[0]", spec)
    info = ed.struct_info(arg)
    assert info is not None and info.item and info.can_down and not info.can_up and info.occurrences == 3
    assert ed.move_row(arg, +1) is not None
    doc = t.document
    assert doc is not None and list(job_pb2.JobSpec.FromString(doc.to_bytes()).default_spec.args) == ["b", "a", "c"]
    new = ed.add_item(by_name(t, "args[2]", by_name(t, "default_spec")))
    assert new is not None and t.node_for_path(new) is not None
    assert list(job_pb2.JobSpec.FromString(doc.to_bytes()).default_spec.args) == ["b", "a", "c", ""]
    assert ed.clear_row_field(by_name(t, "args[0]", by_name(t, "default_spec"))) is not None
    assert list(job_pb2.JobSpec.FromString(doc.to_bytes()).default_spec.args) == []
    assert len(edits) == 3 and doc.undo() is not None


def test_schemaless_add_field_goes_after_the_row_or_at_the_end() -> None:
    t = tree_for(b"\x08\x01")
    ed = TreeEditor(t)
    assert ed.raw_add_target(t.root) == ((), None)
    row = t.node_for_path((0,))
    assert row is not None and ed.raw_add_target(row) == ((), 0)
    assert ed.add_raw_field(t.root, 5, VARINT, "300") is not None
    doc = t.document
    assert doc is not None and doc.to_bytes() == b"\x08\x01\x28" + encode_varint(300)


def test_read_only_tree_allows_no_edits() -> None:
    from pelorus.protobuf.schemaless import decode

    t = ProtoTree()
    t.set_message(decode(b"\x08\x01"))
    ed = TreeEditor(t)
    row = t.node_for_path((0,))
    assert row is not None
    assert ed.editor_spec(row) is None and ed.struct_info(row) is None and ed.raw_add_target(t.root) is None


def test_a_big_level_is_pending_until_decoded_then_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from pelorus.protobuf import tree as tree_mod

    inner = b"".join(b"\x08" + encode_varint(i) for i in range(50))
    t = tree_for(b"\x0a" + encode_varint(len(inner)) + inner)
    row = t.node_for_path((0,))
    assert row is not None
    monkeypatch.setattr(tree_mod, "BIG_VALUE", 16)
    t.reload()
    row = t.node_for_path((0,))
    assert row is not None and t.is_pending(row) and t.has_children(row)
    rec = Recorder(t)
    assert t.level_decoder(row)() == 1  # what a worker thread runs: no events
    assert rec.log == []
    t.children_resolved(row)
    assert rec.log[0] == ("changed", (0,)) and rec.log[1][0] == "inserting"
    assert t.text(t.child(row, 49), Column.VALUE) == "49"


@pytest.mark.parametrize("value,expected", [("true", True), ("0", False)])
def test_bool_reading_edits(value: str, expected: bool) -> None:
    from pelorus.protobuf.editing import EditorSpec, parse_edit

    assert parse_edit(EditorSpec("bool", "bool", False), value) is expected


def test_the_schemaless_accessors_the_tree_relies_on() -> None:
    """Message.index_at / keys / child_cached and Field.value_head / message_cached: what the tree
    used to read from the levels' private records."""
    from pelorus.protobuf.schemaless import decode

    inner = b"\x08\x01"
    msg = decode(b"\x08\x05" + b"\x12\x02" + inner + b"\x1a\x03abc")
    assert list(msg.keys()) == [0x08, 0x12, 0x1A]
    assert [msg.index_at(o) for o in (0, 1, 2, 5, 6, 10, 11)] == [0, 0, 1, 1, 2, 2, None]
    f = msg[2]
    assert f.value_head(2) == b"ab" and f.value_head(99) == b"abc"
    assert not msg.child_cached(1) and not msg[1].message_cached
    assert msg[1].message() is not None
    assert msg.child_cached(1) and msg[1].message_cached


def test_a_listener_fetching_while_rows_are_announced_gets_no_nested_insertion() -> None:
    """Qt's model tester (and any listener) may ask for more rows from inside an insertion, before
    ``exposed`` moved: the tree must not announce those rows a second time inside the first."""
    data = b"".join(b"\x08" + encode_varint(i) for i in range(BATCH * 2))
    t = tree_for(data)
    log: list[tuple[str, int, int]] = []

    def greedy(node: Node, first: int, last: int) -> None:
        log.append(("inserting", first, last))
        assert not t.can_fetch_more(node)
        t.fetch_more(node)  # ignored while announcing
        assert t.node_for_path((BATCH + 5,)) is None  # a row that cannot be announced now is not handed out

    t.inserting.connect(greedy)
    t.inserted.connect(lambda _n, a, b: log.append(("inserted", a, b)))
    t.fetch_more(t.root)
    assert log == [("inserting", 0, BATCH - 1), ("inserted", 0, BATCH - 1)] and t.root.exposed == BATCH
    assert t.can_fetch_more(t.root)  # the rows stay fetchable afterwards
    reset_rows: list[int] = []
    t.reset.connect(lambda: reset_rows.append(t.node_for_path((5,)) is not None and t.root.exposed))
    t.reload()  # a reset listener may expose rows of the new tree (the editor re-expands rows)
    assert reset_rows == [6]
