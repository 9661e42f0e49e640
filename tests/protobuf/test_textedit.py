"""Text format / JSON apply: unknown fields survive at every depth, inside Any and Any inside Any."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import any_pb2
from google.protobuf.message import Message as PbMessage
from hypothesis import given, settings
from hypothesis import strategies as st
from proto_strategies import job_specs

from pelorus.api import job_pb2, job_service_pb2
from pelorus.protobuf.schema import SchemaRegistry
from pelorus.protobuf.textedit import (
    TextEditError,
    apply_text,
    editable_text,
    pane_text,
    unknown_count,
    write_pane_text,
)
from pelorus.protobuf.wire import encode_tag, encode_varint

SPEC = "pelorus.v1.JobSpec"


@st.composite
def unknown_fields(draw: Any) -> bytes:
    """One to three fields with numbers no schema here uses (1000+), of every wire type."""
    out = b""
    for _ in range(draw(st.integers(1, 3))):
        number = draw(st.integers(1000, 5000))
        wt = draw(st.sampled_from([0, 1, 2, 5]))
        out += encode_tag(number, wt)
        if wt == 0:
            out += encode_varint(draw(st.integers(0, 2**64 - 1)))
        elif wt == 1:
            out += draw(st.binary(min_size=8, max_size=8))
        elif wt == 5:
            out += draw(st.binary(min_size=4, max_size=4))
        else:
            payload = draw(st.binary(max_size=12))
            out += encode_varint(len(payload)) + payload
    return out


def _inject(draw: Any, msg: PbMessage) -> int:
    """Maybe add unknown fields to ``msg``; how many were added."""
    if not draw(st.booleans()):
        return 0
    raw = draw(unknown_fields())
    msg.MergeFromString(raw)
    return len(_fields_in(raw))


def _fields_in(raw: bytes) -> list[int]:
    from pelorus.protobuf.schemaless import decode

    return [f.number for f in decode(raw)]


def _pack(target: any_pb2.Any, inner: PbMessage) -> None:
    target.type_url = "type.googleapis.com/" + inner.DESCRIPTOR.full_name
    target.value = inner.SerializeToString(deterministic=True)


@st.composite
def specs_with_unknowns(draw: Any) -> tuple[bytes, int]:
    """A JobSpec (wire bytes) with unknown fields at random levels, including inside its ``data``
    Any: packing a Progress, an Any packing a Progress, or a JobSpec whose own ``data`` packs one."""
    spec = draw(job_specs())
    n = _inject(draw, spec)
    if spec.HasField("default_spec"):
        n += _inject(draw, spec.default_spec) + _inject(draw, spec.default_spec.resources)
    if spec.HasField("ttl_after_finished"):
        n += _inject(draw, spec.ttl_after_finished)
    if spec.HasField("schedule"):
        n += _inject(draw, spec.schedule)
    shape = draw(st.sampled_from(["none", "progress", "any_in_any", "spec_in_any"]))
    if shape != "none":
        progress = job_pb2.Progress(successful=draw(st.integers(0, 2**64 - 1)), failed=draw(st.integers(0, 99)))
        n += _inject(draw, progress)
        if progress.failed % 2:
            n += _inject(draw, progress.elapsed)
        if shape == "progress":
            _pack(spec.data, progress)
        elif shape == "any_in_any":
            middle = any_pb2.Any()
            _pack(middle, progress)
            n += _inject(draw, middle)
            _pack(spec.data, middle)
        else:
            inner = job_pb2.JobSpec(name=draw(st.text(max_size=5)))
            _pack(inner.data, progress)
            n += _inject(draw, inner)
            _pack(spec.data, inner)
    return spec.SerializeToString(deterministic=True), n


@settings(max_examples=80, deadline=None)
@given(specs_with_unknowns(), st.sampled_from(["text", "json"]))
def test_apply_unchanged_text_keeps_every_unknown_field(registry: SchemaRegistry, case: tuple[bytes, int],
                                                        fmt: str) -> None:
    raw, injected = case
    assert unknown_count(registry, SPEC, raw) == injected
    text = editable_text(registry, SPEC, raw, fmt)  # type: ignore[arg-type]
    applied = apply_text(registry, SPEC, raw, text, fmt)  # type: ignore[arg-type]
    # canonical re-encoding keeps unknown fields where they were (and Any values verbatim): applying
    # the untouched text must give exactly that
    assert applied.payload == registry.parse(SPEC, raw).SerializeToString(deterministic=True)
    assert applied.unknown_kept == injected


def test_unknown_fields_inside_any_inside_any_survive_an_edit(registry: SchemaRegistry) -> None:
    u_top, u_middle, u_inner, u_deep = b"\xb8\x3e\x07", b"\xc0\x3e\x08", b"\xc8\x3e\x09", b"\xd0\x3e\x0a"
    progress = job_pb2.Progress(successful=5)
    progress.elapsed.seconds = 3
    progress.elapsed.MergeFromString(u_deep)  # below the packed message, in its Duration
    progress.MergeFromString(u_inner)
    middle = any_pb2.Any()
    _pack(middle, progress)
    middle.MergeFromString(u_middle)  # on the inner Any itself
    spec = job_pb2.JobSpec(name="wrapper")
    _pack(spec.data, middle)
    spec.MergeFromString(u_top)
    raw = spec.SerializeToString(deterministic=True)

    text = editable_text(registry, SPEC, raw, "text")
    assert text.startswith("# 4 unknown fields")
    assert "successful: 5" in text and "3000" not in text  # expanded, unknowns not printed
    applied = apply_text(registry, SPEC, raw, text.replace("successful: 5", "successful: 6"), "text")
    assert applied.unknown_kept == 4

    out = job_pb2.JobSpec.FromString(applied.payload)
    assert out.name == "wrapper" and out.SerializeToString().endswith(u_top)
    got_middle = any_pb2.Any()
    assert out.data.Unpack(got_middle) and got_middle.SerializeToString().endswith(u_middle)
    got = job_pb2.Progress()
    assert got_middle.Unpack(got)
    assert got.successful == 6 and got.elapsed.seconds == 3
    assert got.SerializeToString().endswith(u_inner) and got.elapsed.SerializeToString().endswith(u_deep)
    # and the same through JSON
    js = editable_text(registry, SPEC, raw, "json")
    again = apply_text(registry, SPEC, raw, js.replace('"successful": "5"', '"successful": "7"'), "json")
    assert again.unknown_kept == 4 and again.payload.replace(b"\x08\x07", b"\x08\x06", 1) == applied.payload


def test_any_with_a_changed_type_gets_no_unknowns_from_the_old_one(registry: SchemaRegistry) -> None:
    spec = job_pb2.JobSpec()
    progress = job_pb2.Progress(successful=1)
    progress.MergeFromString(b"\xb8\x3e\x07")
    _pack(spec.data, progress)
    raw = spec.SerializeToString()
    text = editable_text(registry, SPEC, raw, "text").replace(
        "[type.googleapis.com/pelorus.v1.Progress] {\n    successful: 1", "[type.googleapis.com/pelorus.v1.SlaSpec] {\n"
        "    max_unavailable_instances: 1")
    applied = apply_text(registry, SPEC, raw, text, "text")
    assert applied.unknown_kept == 0
    assert job_pb2.JobSpec.FromString(applied.payload).data.value == b"\x08\x01"


def test_pane_text_schemaless_and_errors(registry: SchemaRegistry) -> None:
    raw = job_pb2.JobSpec(name="n").SerializeToString()
    shown = pane_text(registry, None, raw, "text", None)
    assert not shown.editable and "1:" in shown.text and "Schemaless" in (shown.note or "")
    shown = pane_text(registry, SPEC, raw, "json", None)
    assert shown.editable and '"name": "n"' in shown.text
    bad = pane_text(registry, SPEC, b"\x0a\x05ab", "text", None)  # truncated: does not parse
    assert not bad.editable and bad.text.startswith("# ")
    with pytest.raises(TextEditError):
        apply_text(registry, SPEC, raw, "name: ", "text")


def test_pane_on_damaged_bytes_shows_what_decodes_before_the_damage(registry: SchemaRegistry) -> None:
    """The text/JSON pane with a type on cut bytes: read-only, the valid prefix, the offset named."""
    import json

    from pelorus.api import job_pb2
    from pelorus.protobuf.textedit import pane_text

    data = job_pb2.JobSpec(name="ok", owner="ann").SerializeToString() + b"\x1a\x0ahel"
    text = pane_text(registry, "pelorus.v1.JobSpec", data, "text", None)
    assert not text.editable and text.note is not None and "damaged at offset 10" in text.note
    assert text.text.startswith("# damaged at offset 10: ") and 'name: "ok"\nowner: "ann"\n' in text.text
    js = pane_text(registry, "pelorus.v1.JobSpec", data, "json", None)
    assert not js.editable and json.loads(js.text) == {"name": "ok", "owner": "ann"}
    # nothing before the damage: just the error, as before
    bare = pane_text(registry, "pelorus.v1.JobSpec", b"\x0a\x05ab", "text", None)
    assert bare.text.startswith("# bytes do not parse as pelorus.v1.JobSpec") and not bare.editable


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_write_pane_text_streams_the_same_characters_as_pane_text(fmt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the virtual view is fed (write_pane_text, in pieces) is pane_text's text: typed (streamed where
    the printers match: no unknown field, no Any), typed with an unknown field deep down and with an Any
    (printed whole), and schemaless (the renderer's batches, as bytes and str)."""
    import sys
    from pathlib import Path

    from pelorus.protobuf import render, schema

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import proto_corpus as corpus

    monkeypatch.setattr(schema, "_STREAM_MIN_BYTES", 1)
    monkeypatch.setattr(schema, "_CHUNK", 64)
    monkeypatch.setattr(render, "NATIVE_BATCH_BYTES", 256)
    reg = corpus.registry()
    pods = corpus.list_pods(20_000)
    deep_msg = job_service_pb2.ListPodsResponse.FromString(pods)
    deep_msg.pods[0].MergeFromString(encode_tag(99, 0) + b"\x01")  # an unknown field inside the first pod
    deep = deep_msg.SerializeToString()
    spec = job_pb2.JobSpec(name="n")
    spec.data.Pack(job_pb2.Progress(successful=1))
    cases = [(corpus.LIST_PODS, pods), (corpus.LIST_PODS, deep), (corpus.ALLTYPES, corpus.all_types(20_000)),
             ("pelorus.v1.JobSpec", spec.SerializeToString()), (None, pods)]
    parts: list[str] = []

    def as_text(b: bytes) -> None:
        parts.append(b.decode("utf-8"))

    for type_name, data in cases:
        want = pane_text(reg, type_name, data, fmt, None)
        parts.clear()
        got = write_pane_text(reg, type_name, data, fmt, None, parts.append, as_text)
        assert "".join(parts) == want.text and got.editable == want.editable and got.note == want.note
        assert got.text == ""
