"""The batch renderer (fastrender) prints exactly what the reference renderer prints, field by field:
on seeded random wire data, on damaged data, with pinned readings, in tiny batches; and the CLI's
streamed path prints what the whole-file path prints."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pelorus.protobuf import cli, fastrender, render
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.render import raw_json_text, raw_text
from pelorus.protobuf.schemaless import decode
from pelorus.protobuf.wire import encode_varint

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import proto_corpus as corpus  # noqa: E402


def _both(data: bytes, pins: Pins | None, monkeypatch: pytest.MonkeyPatch, batch: int = 200
          ) -> tuple[tuple[str, str], tuple[str, str]]:
    """(text, JSON) of the reference renderer and of the batch renderer in batches of ``batch`` bytes,
    both in pure Python (else an installed C extension would render both)."""
    with monkeypatch.context() as m:
        m.setenv(render.PURE_ENV, "1")
        m.setattr(fastrender, "FAST_FROM_FIELDS", 1 << 62)
        ref = raw_text(decode(data), pins), raw_json_text(decode(data), pins)
    with monkeypatch.context() as m:
        m.setenv(render.PURE_ENV, "1")
        m.setattr(fastrender, "FAST_FROM_FIELDS", 0)
        m.setattr(fastrender, "BATCH_BYTES", batch)
        fast = raw_text(decode(data), pins), raw_json_text(decode(data), pins)
    return ref, fast


def _field(number: int, wt: int, body: bytes) -> bytes:
    return encode_varint(number << 3 | wt) + (encode_varint(len(body)) if wt == 2 else b"") + body


@pytest.mark.parametrize("batch", [16, 64, 100, 256])
def test_a_batch_boundary_inside_a_chain_of_like_fields_makes_no_run(batch: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain of fields of one key and one length whose bytes are not all the same is no run; the part of
    it a batch holds may be (all the same bytes): that batch must not show it as one."""
    r = random.Random(batch)
    for _ in range(40):
        parts = []
        for _ in range(r.randrange(1, 8)):
            kind = r.randrange(3)
            if kind == 0:  # strings of one length: a few different, then copies of one
                same = _field(1, 2, b"abc")
                parts.append(b"".join(_field(1, 2, r.choice([b"abd", b"xyz", b"q\\z"]))
                                      for _ in range(r.randrange(1, 4))) + same * r.randrange(1, 9))
            elif kind == 1:  # varints of one width
                parts.append(_field(2, 0, bytes([r.randrange(2, 127)])) + _field(2, 0, b"\x05") * r.randrange(1, 9))
            else:  # a nested message, then copies of a like-sized one
                parts.append(_field(3, 2, _field(1, 0, b"\x07")) + _field(3, 2, _field(1, 0, b"\x09"))
                             * r.randrange(1, 9))
            if r.random() < 0.5:
                parts.append(corpus.random_wire(r, 2, 4))
        data = b"".join(parts)
        ref, fast = _both(data, None, monkeypatch, batch)
        assert fast[0] == ref[0], data.hex()
        assert fast[1] == ref[1], data.hex()


@pytest.mark.slow
def test_random_and_damaged_wire_data_render_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    r = random.Random(1515)
    for _ in range(150):
        data = b"".join(corpus.random_wire(r, 3, 10) for _ in range(r.randrange(1, 5)))
        if r.random() < 0.3:
            data = corpus.damaged(r, data)
        ref, fast = _both(data, None, monkeypatch)
        assert fast == ref, data.hex()


@pytest.mark.slow
def test_pinned_readings_render_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus.list_pods(6_000, seed=7)
    pins = Pins()
    pins.pin((1, 4, 7), "sint64")  # pid
    pins.pin((1, 1), "bytes")  # pod_name
    pins.pin((1, 4, 17, 1), "fixed64")  # usage.cpu_seconds
    pins.pin((1, 4, 9), "bytes")  # created_at, a message shown as bytes
    ref, fast = _both(data, pins, monkeypatch)
    assert fast == ref
    assert "# sint64 @" in fast[0] and "# fixed64 @" in fast[0]


@pytest.mark.slow
def test_every_kind_of_message_renders_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for data in (corpus.all_types(30_000, seed=9), corpus.descriptor_set(60_000), corpus.list_pods(20_000, seed=8)):
        ref, fast = _both(data, None, monkeypatch)
        assert fast == ref


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["raw", "json"])
def test_a_large_stream_is_printed_record_by_record_as_a_whole_read_prints_it(
        tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    records = [corpus.list_pods(2_000, seed=k) for k in range(30)]
    path = tmp_path / "stream.bin"
    path.write_bytes(corpus.delimited(records) + b"\x0a\xff")  # a last record cut short
    assert cli.main(["decode", str(path), "--format", fmt]) == 1
    whole = capsys.readouterr()
    monkeypatch.setattr(cli, "STREAM_FROM", 1)
    monkeypatch.setattr(cli, "_RELEASE_EVERY", 4096)
    monkeypatch.setattr(cli, "_DETECT_HEAD", 5000)  # framing judged on a head that cuts a record
    events: list[str] = []
    frame = cli._frame_stream

    def framed(*a: object) -> object:
        for rec in frame(*a):  # type: ignore[arg-type]
            events.append("frame")
            yield rec

    class Out:
        def __init__(self, real: object) -> None:
            self.real = real

        def write(self, text: str) -> int:
            events.append("write")
            return self.real.write(text)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(cli, "_frame_stream", framed)
    monkeypatch.setattr(cli.sys, "stdout", Out(sys.stdout))
    assert cli.main(["decode", str(path), "--format", fmt]) == 1
    streamed = capsys.readouterr()
    assert events.count("frame") == len(records), "the streamed path was not taken"
    # output starts before the stream is framed to its end
    assert events.index("write") < len(events) - 1 - events[::-1].index("frame")
    assert streamed.out == whole.out
    assert streamed.err == whole.err and "stream damaged at offset" in streamed.err


def test_the_best_reading_is_the_first_of_all_readings() -> None:
    from pelorus.protobuf.readings import best, readings, walk

    r = random.Random(77)
    samples = [corpus.random_wire(r, 3, 10) for _ in range(120)]
    samples += [corpus.all_types(3_000, seed=3), corpus.list_pods(3_000, seed=3)]
    seen = 0
    for data in samples:
        for _path, f in walk(decode(data)):
            want, got = readings(f)[0], best(f)
            assert (got.kind, got.score, got.reason, repr(got.value)) == (want.kind, want.score, want.reason,
                                                                          repr(want.value)), f
            seen += 1
    assert seen > 1000


@pytest.mark.parametrize("data", [corpus.list_pods(30_000, seed=4), b"0a05" * 100])
def test_a_large_file_that_is_no_stream_is_read_whole(tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """One message (or hex text) above the streaming size: mapped, judged, and decoded as before."""
    path = tmp_path / "one.bin"
    path.write_bytes(data)
    rc = cli.main(["decode", str(path)])
    want = capsys.readouterr()
    monkeypatch.setattr(cli, "STREAM_FROM", 1)
    assert cli.main(["decode", str(path)]) == rc
    got = capsys.readouterr()
    assert (got.out, got.err) == (want.out, want.err)
