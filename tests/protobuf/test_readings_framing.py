"""Ranked readings, pins and .proto export; framing detection and text input."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelorus.api import job_pb2
from pelorus.protobuf import framing
from pelorus.protobuf.readings import Pins, best, export_proto, readings
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.wire import encode_varint


def test_varint_readings_rank_negative_int64_and_bool() -> None:
    neg = job_pb2.JobSpec(priority=-3).SerializeToString()
    f = decode(neg)[0]
    assert best(f).kind == "int64" and best(f).value == -3
    flag = decode(b"\x08\x01")[0]
    kinds = [r.kind for r in readings(flag)]
    assert kinds[0] == "bool" and "uint64" in kinds and "sint64" in kinds


def test_printable_string_beats_accidental_message_and_float_beats_int() -> None:
    # "\x08\x01" would parse as a message; "hi there" is printable text and must win.
    f = decode(b"\x0a\x08hi there")[0]
    assert best(f).kind == "string"
    f64 = decode(b"\x09" + struct.pack("<d", 3.25))[0]
    assert best(f64).kind == "double" and best(f64).value == 3.25
    f32 = decode(b"\x0d" + struct.pack("<f", -1.5))[0]
    assert best(f32).kind == "float"


def test_nested_message_and_packed_readings() -> None:
    spec = job_pb2.JobSpec()
    spec.default_spec.command = "x"
    f = decode(spec.SerializeToString())[0]
    assert best(f).kind == "message"
    packed = b"".join(encode_varint(v) for v in (3, 270, 86942))
    f = decode(b"\x22" + bytes([len(packed)]) + packed)[0]
    kinds = {r.kind: r.value for r in readings(f)}
    assert kinds["packed_varint"] == [3, 270, 86942]


def test_pins_move_a_reading_to_the_front() -> None:
    f = decode(b"\x08\x03")[0]
    pinned = readings(f, pinned="sint64")
    assert pinned[0].kind == "sint64" and pinned[0].pinned and pinned[0].value == -2


def test_exported_proto_compiles_and_reads_the_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = job_pb2.JobSpec(name="a", instance_count=2, priority=-1)
    spec.labels["k"] = "v"
    spec.labels["k2"] = "v2"
    spec.default_spec.resources.cpu = 2.5
    data = spec.SerializeToString()
    msg = decode(data)
    pins = Pins()
    pins.pin((8,), "int64")
    text = export_proto(msg, pins, message_name="Guessed", package="guess")
    assert "repeated Field4 field_4 = 4;" in text  # map entries seen twice → repeated
    (tmp_path / "guessed.proto").write_text(text)
    reg = SchemaRegistry(builtin=False)
    reg.compile_protos([tmp_path / "guessed.proto"])
    parsed = reg.parse("guess.Guessed", data)
    assert getattr(parsed, "field_8") == -1
    assert parsed.SerializeToString() == data or len(parsed.SerializeToString()) == len(data)


def test_framing_detects_varint_and_grpc_streams() -> None:
    records = [job_pb2.JobSpec(name=f"job{i}", instance_count=i + 1).SerializeToString() for i in range(5)]
    varint_stream = b"".join(encode_varint(len(r)) + r for r in records)
    grpc_stream = b"".join(b"\x00" + len(r).to_bytes(4, "big") + r for r in records)
    assert framing.detect(varint_stream) == "varint"
    assert framing.detect(grpc_stream) == "grpc"
    assert framing.detect(records[0]) == "single"
    idx = framing.index(varint_stream)
    assert len(idx) == 5 and [idx.payload(i) for i in range(5)] == records
    g = framing.index(grpc_stream, "grpc")
    assert g[2].prefix_offset == sum(5 + len(r) for r in records[:2]) and g.payload(2) == records[2]
    cut = framing.index(varint_stream[:-3], "varint")
    assert len(cut) == 4 and cut.error is not None and cut.error.offset == idx[4].prefix_offset


def test_text_input_hex_and_base64() -> None:
    data = job_pb2.JobSpec(name="hello", owner="me").SerializeToString()
    assert framing.decode_text(data.hex().encode()) == (data, "hex")
    spaced = " ".join(f"{b:02x}" for b in data).encode()
    assert framing.decode_text(spaced)[0] == data
    assert framing.decode_text(base64.b64encode(data)) == (data, "base64")
    assert framing.decode_text(data) == (data, "binary")


def _big_message(records: int) -> bytes:
    """A single message whose leading bytes also read as a plausible varint stream for a while."""
    item = job_pb2.Progress(successful=123456, failed=7, remaining=99).SerializeToString()
    rec = b"\x0a" + encode_varint(len(item)) + item
    inner = rec * records
    return job_pb2.JobSpec(name="big").SerializeToString() + b"\x3a" + encode_varint(len(inner)) + inner + b"\x40\x05"


@pytest.mark.slow
def test_detection_on_large_buffers_is_bounded_and_falls_back() -> None:
    """Over 4 MiB only a prefix is judged; index() then verifies and falls back when a stream fails."""
    big = _big_message(600_000)
    assert len(big) > framing._DETECT_WHOLE_BELOW
    found = framing.candidates(big)
    assert found[0].framing == "single" and found[0].reason == "parses cleanly as one message"
    assert framing.index(big).framing == "single"

    rec = job_pb2.Progress(successful=1, failed=2, remaining=3).SerializeToString()
    n = framing._DETECT_RECORDS * 10
    stream = (encode_varint(len(rec)) + rec) * n
    assert len(stream) > framing._DETECT_WHOLE_BELOW
    found = framing.candidates(stream)
    assert found[0].framing == "varint" and "first 65,536" in found[0].reason
    idx = framing.index(stream)
    assert idx.framing == "varint" and len(idx) == n and idx.error is None and idx.complete

    # a stream cut short past the detection prefix: still indexed as a stream, with the error at the cut
    cut = stream[:-3]
    idx = framing.index(cut)
    assert idx.framing == "varint" and len(idx) == n - 1 and idx.error is not None
    assert idx.error.offset == (n - 1) * (1 + len(rec))

    # garbage after a long run of good records: a stream with the error where the garbage starts
    good = len(stream)
    junk = stream + b"\xff\xff\xff\xff\x0f" + b"\x00" * 1000
    idx = framing.index(junk)
    assert idx.framing == "varint" and idx.error is not None and idx.error.offset == good

    # bytes that read both as one message and (for the first 65,536 records) as a stream, but whose
    # last record is cut: the full index fails, so index() falls back to the single message
    unit = b"\x10" + b"\x08\x18" * 8
    both = unit * 300_000 + b"\x08\x01"
    found = framing.candidates(both)
    assert [c.framing for c in found[:2]] == ["varint", "single"]
    idx = framing.index(both)
    assert idx.framing == "single" and len(idx) == 1


def _reference_varint_index(buf: bytes) -> tuple[list[tuple[int, int, int]], int | None]:
    from pelorus.protobuf.wire import WireError, read_varint

    out, pos = [], 0
    while pos < len(buf):
        start = pos
        try:
            length, pos = read_varint(buf, pos)
        except WireError:
            return out, start
        if pos + length > len(buf):
            return out, start
        out.append((start, pos, length))
        pos += length
    return out, None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=30), st.integers(0, 3), st.data())
def test_varint_index_matches_a_plain_walk(payloads: list[bytes], pad: int, d: st.DataObject) -> None:
    data = b"".join(encode_varint(len(p), width=min(10, len(encode_varint(len(p))) + pad)) + p for p in payloads)
    data = data[: d.draw(st.integers(0, len(data)))] + d.draw(st.binary(max_size=3))
    idx = framing.RecordIndex(data, "varint")
    want, err_at = _reference_varint_index(data)
    assert [(r.prefix_offset, r.offset, r.length) for r in idx] == want
    assert (idx.error is None) == (err_at is None)
    if idx.error is not None:
        assert idx.error.offset == err_at


def test_record_index_reports_progress_and_can_be_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexing a long stream under a Progress scope moves the token through the buffer and stops
    with Cancelled when asked; without a scope it indexes the same records."""
    from pelorus.protobuf import schemaless

    monkeypatch.setattr(framing, "_PROGRESS_RECORDS", 100)
    records = [b"\x08" + encode_varint(i) for i in range(5_000)]
    streams = {"varint": b"".join(encode_varint(len(r)) + r for r in records),
               "grpc": b"".join(b"\x00" + struct.pack(">I", len(r)) + r for r in records)}
    for kind, data in streams.items():
        seen: list[int] = []

        class Watching(schemaless.Progress):
            def __setattr__(self, name: str, value: object) -> None:
                if name == "done":
                    seen.append(int(value))  # type: ignore[call-overload]  # noqa: B023 (one class per loop pass)
                super().__setattr__(name, value)

        token = Watching()
        with schemaless.progress_scope(token):
            idx = framing.index(data, kind)  # type: ignore[arg-type]
        assert len(idx) == 5_000 and idx.error is None, kind
        assert list(idx.offsets) == list(framing.index(data, kind).offsets)  # type: ignore[arg-type]
        assert token.total == len(data) and token.done == len(data), kind
        inner = [v for v in seen if 0 < v < len(data)]
        assert len(inner) >= 40 and inner == sorted(inner), kind  # every 100 records, in order
        cancelled = schemaless.Progress()
        cancelled.cancel()
        with schemaless.progress_scope(cancelled), pytest.raises(schemaless.Cancelled):
            framing.index(data, kind)  # type: ignore[arg-type]


# -- incremental re-index after an edit (RecordIndex.after_splices) ----------------------------------


def _frames(kind: str, payloads: list[bytes], widths: list[int]) -> list[bytes]:
    """Each payload framed; varint prefixes padded to a drawn width (editors keep a prefix's width)."""
    if kind == "grpc":
        return [b"\x01" + struct.pack(">I", len(p)) + p if w % 2 else b"\x00" + struct.pack(">I", len(p)) + p
                for p, w in zip(payloads, widths, strict=False)]
    out = []
    for p, w in zip(payloads, widths, strict=False):
        natural = len(encode_varint(len(p)))
        out.append(encode_varint(len(p), width=min(10, natural + w % 3)) + p)
    return out


def _same_index(got: framing.RecordIndex, want: framing.RecordIndex) -> None:
    assert list(got.prefix_offsets) == list(want.prefix_offsets)
    assert list(got.offsets) == list(want.offsets)
    assert list(got.lengths) == list(want.lengths)
    assert list(got.flags) == list(want.flags)
    assert (got.error is None) == (want.error is None)
    if want.error is not None:
        assert got.error is not None
        assert (got.error.offset, got.error.reason) == (want.error.offset, want.error.reason)
    assert got.complete == want.complete and bytes(got.buf) == bytes(want.buf)


def _apply_splices(data: bytes, splices: list[Any]) -> bytes:
    out, pos = [], 0
    for s in splices:
        out += [data[pos : s.offset], s.new]
        pos = s.offset + len(s.old)
    return b"".join(out) + data[pos:]


_payload = st.binary(max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["varint", "grpc"]), st.lists(_payload, max_size=25), st.data())
@pytest.mark.slow
def test_incremental_index_after_record_edits_equals_a_full_rebuild(kind: str, payloads: list[bytes],
                                                                      d: st.DataObject) -> None:
    """Record-level edits as the editor makes them (a record's payload rewritten with its prefix,
    records inserted, removed, several at once): the spliced index equals a fresh one."""
    from pelorus.protobuf.document import Splice

    widths = d.draw(st.lists(st.integers(0, 5), min_size=len(payloads), max_size=len(payloads)))
    frames = _frames(kind, payloads, widths)
    data = b"".join(frames)
    old = framing.RecordIndex(data, kind)  # type: ignore[arg-type]
    assert old.error is None and len(old) == len(payloads)
    starts = [0]
    for f in frames:
        starts.append(starts[-1] + len(f))
    # up to 3 disjoint record-level changes, ascending: (record position, what happens there)
    ops = d.draw(st.lists(st.tuples(st.integers(0, len(frames)), st.sampled_from(["edit", "insert", "remove"]),
                                    _payload, st.integers(0, 5)), max_size=3, unique_by=lambda o: o[0]))
    splices = []
    for at, op, payload, w in sorted(ops):
        new_frame = _frames(kind, [payload], [w])[0]
        if op == "insert" or at == len(frames):
            splices.append(Splice(starts[at], b"", new_frame))
        elif op == "remove":
            splices.append(Splice(starts[at], frames[at], b""))
        else:  # replace the payload (keeping the prefix when the new length fits it, as the document does)
            splices.append(Splice(starts[at], frames[at], new_frame))
    if not splices:
        return
    new = _apply_splices(data, splices)
    _same_index(old.after_splices(new, splices), framing.RecordIndex(new, kind))  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["varint", "grpc"]), st.lists(_payload, max_size=25), st.data())
@pytest.mark.slow
def test_incremental_index_after_arbitrary_byte_splices_equals_a_full_rebuild(kind: str, payloads: list[bytes],
                                                                               d: st.DataObject) -> None:
    """Any bytes anywhere (a prefix damaged, a record cut, garbage added at the end): re-framing
    finds the old chain again or reports the same damage a full index reports, or falls back."""
    from pelorus.protobuf.document import Splice

    widths = d.draw(st.lists(st.integers(0, 5), min_size=len(payloads), max_size=len(payloads)))
    data = b"".join(_frames(kind, payloads, widths))
    old = framing.RecordIndex(data, kind)  # type: ignore[arg-type]
    cuts = sorted(d.draw(st.lists(st.integers(0, len(data)), min_size=2, max_size=6)))
    splices = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if splices and a < splices[-1].offset + len(splices[-1].old):
            continue
        splices.append(Splice(a, data[a:b], d.draw(st.binary(max_size=8))))
    new = _apply_splices(data, splices)
    _same_index(old.after_splices(new, splices), framing.RecordIndex(new, kind))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["varint", "grpc"])
def test_incremental_index_follows_document_edits_undo_and_redo(kind: str) -> None:
    """Real edits through the document inside a scoped record of a long stream (the prefix grows
    from 1 to 2 bytes), a record added and removed, undo and redo: the spliced index always equals
    a rebuild and keeps the untouched records' entries (the edit reuses the old arrays' tails)."""
    from pelorus.protobuf.document import Document, encode_frame

    records = [b"\x08" + encode_varint(i) + b"\x12\x03abc" for i in range(3000)]
    doc = Document(b"".join(encode_frame(kind, r) for r in records))
    idx = framing.RecordIndex(doc.data, kind)  # type: ignore[arg-type]

    def follow(splices: Any) -> None:
        nonlocal idx
        got = idx.after_splices(doc.data, splices)
        _same_index(got, framing.RecordIndex(doc.data, kind))  # type: ignore[arg-type]
        idx = got

    doc.set_scope(idx[1500].prefix_offset, kind)
    follow(doc.set_field((1,), b"x" * 200).splices)  # field 2's string: 3 -> 200 bytes, its prefix 1 -> 2
    prefix = 5 if kind == "grpc" else 1
    assert idx[1500].length == len(records[1500]) + 198 and idx[1501].offset == idx[1500].end + prefix
    follow(doc.insert_record(idx[10].end, b"\x08\x07", kind).splices)
    follow(doc.remove_record(idx[2999].prefix_offset, kind).splices)
    for _ in range(3):
        e = doc.undo()
        assert e is not None
        follow(e.inverse().splices)
    for _ in range(3):
        e = doc.redo()
        assert e is not None
        follow(e.splices)
    assert len(idx) == 3000


def test_incremental_index_falls_back_when_it_cannot_be_sure() -> None:
    """Splices that do not describe the change (the un-inverted edit of an undo), a damaged old
    stream, an unsynchronised rewrite of the whole buffer: still exactly a full rebuild."""
    from pelorus.protobuf.document import Splice

    recs = b"".join(encode_varint(2) + b"\x08" + bytes([i]) for i in range(100))
    idx = framing.RecordIndex(recs, "varint")
    edit = [Splice(0, recs[:3], encode_varint(3) + b"\x08\x81\x01")]
    new = _apply_splices(recs, edit)
    _same_index(idx.after_splices(recs, edit), framing.RecordIndex(recs, "varint"))  # wrong direction
    _same_index(idx.after_splices(new, edit), framing.RecordIndex(new, "varint"))
    damaged = recs + b"\x05\x08"
    bad = framing.RecordIndex(damaged, "varint")
    assert bad.error is not None
    fixed = damaged + b"\x01\x02\x03"
    _same_index(bad.after_splices(fixed, [Splice(len(damaged), b"", b"\x01\x02\x03")]),
                framing.RecordIndex(fixed, "varint"))
    shifted = b"\x00" + recs  # an empty record in front: every old entry moves by one byte
    _same_index(idx.after_splices(shifted, [Splice(0, b"", b"\x00")]), framing.RecordIndex(shifted, "varint"))
    many = b"".join(encode_varint(2) + b"\x08" + bytes([i % 128]) for i in range(400))
    wider = b"".join(encode_varint(3) + b"\x08\x81" + bytes([i % 128]) for i in range(400))
    big = framing.RecordIndex(many, "varint")  # the whole buffer rewritten: no old start is reusable before
    _same_index(big.after_splices(wider, [Splice(0, many, wider)]), framing.RecordIndex(wider, "varint"))


def _reference_index(data: bytes, kind: str, cap: int | None) -> tuple[list[tuple[int, int, int, int]], Any, bool]:
    """Record by record, every check before the next record (the index's loops defer them)."""
    out: list[tuple[int, int, int, int]] = []
    pos, n = 0, len(data)
    while pos < n:
        if cap is not None and len(out) >= cap:
            return out, None, False
        frame = framing._frame_one(data, kind, pos, len(out))
        if not isinstance(frame, tuple):
            return out, (frame.offset, frame.reason), True
        out.append(frame)
        pos = frame[1] + frame[2]
    return out, None, True


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["varint", "grpc"]), st.lists(st.tuples(_payload, st.integers(0, 5)), max_size=30),
       st.data())
@pytest.mark.slow
def test_record_index_matches_a_record_by_record_walk(kind: str, recs: list[tuple[bytes, int]],
                                                      d: st.DataObject) -> None:
    """Offsets, flags, the first damage (offset and sentence) and the record budget: as if every
    frame were checked before the next (bad gRPC flags, headers cut short, lengths past the end)."""
    frames = _frames(kind, [p for p, _ in recs], [w for _, w in recs])
    if kind == "grpc" and frames:
        for i in d.draw(st.lists(st.integers(0, len(frames) - 1), max_size=2)):
            frames[i] = bytes([d.draw(st.integers(2, 255))]) + frames[i][1:]  # a bad compressed flag
    data = b"".join(frames)
    data = data[: d.draw(st.integers(0, len(data)))] + d.draw(st.binary(max_size=6))
    cap = d.draw(st.one_of(st.none(), st.integers(0, 35)))
    idx = framing.RecordIndex(data, kind, cap)  # type: ignore[arg-type]
    want, err, complete = _reference_index(data, kind, cap)
    assert list(zip(idx.prefix_offsets, idx.offsets, idx.lengths, idx.flags, strict=False)) == want
    assert (None if idx.error is None else (idx.error.offset, idx.error.reason)) == err
    assert idx.complete == complete


def test_encode_text_round_trips_and_keeps_the_style() -> None:
    from pelorus.protobuf.framing import decode_text, encode_text

    data, new = bytes(range(250, 256)) + b"\x08\x01", b"\x08\x02\xff"
    for original in (data.hex().encode() + b"\n", b"0x" + data.hex().encode(), data.hex(":").encode(),
                     base64.b64encode(data), base64.urlsafe_b64encode(data).rstrip(b"=") + b"\r\n"):
        enc = decode_text(original, "auto")[1]
        assert enc in ("hex", "base64")
        assert encode_text(data, enc, original) == original  # untouched: the very text
        again = encode_text(new, enc, original)
        assert decode_text(again, enc)[0] == new  # type: ignore[arg-type]
        assert again.endswith(original[len(original.rstrip()):])
    assert encode_text(new, "base64", base64.urlsafe_b64encode(data).rstrip(b"=")) == b"CAL_"


@pytest.mark.parametrize("framing", ["varint", "grpc"])
def test_a_stream_cut_short_is_still_detected_as_a_stream(framing: str) -> None:
    """Whole records that tile and parse, then a last record that runs past the end: auto framing
    says stream (with the cut named), not "nothing fits" over one damaged message."""
    from pelorus.protobuf import framing as fr
    from pelorus.protobuf.wire import encode_varint

    msgs = [job_pb2.JobSpec(name=f"r{i}", instance_count=i + 1).SerializeToString() for i in range(3)]
    whole = b"".join((encode_varint(len(m)) if framing == "varint" else b"\0" + len(m).to_bytes(4, "big")) + m
                     for m in msgs)
    cut = whole[:-3]
    best = fr.candidates(cut)[0]
    assert best.framing == framing and "cut short" in best.reason
    idx = fr.index(cut)
    assert idx.framing == framing and len(idx) == 2
    assert idx.error is not None and idx.error.offset == len(whole) - len(msgs[2]) - (1 if framing == "varint" else 5)
    # a clean single message still wins over a cut stream reading of it
    one = msgs[0] + msgs[1]
    assert fr.candidates(one)[0].framing == "single"


def test_export_proto_of_very_deep_nesting() -> None:
    from pelorus.protobuf.readings import Pins, export_proto
    from pelorus.protobuf.schemaless import decode
    from pelorus.protobuf.wire import encode_varint

    data = b""
    for _ in range(3000):
        data = b"\x0a" + encode_varint(len(data)) + data
    text = export_proto(decode(data), Pins())
    assert text.count("message Field1 {") == 100 and "optional bytes field_1 = 1;" in text
