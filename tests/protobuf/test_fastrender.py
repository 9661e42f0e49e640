"""The batch renderer (fastrender) prints exactly what the reference renderer prints, field by field:
on seeded random wire data, on damaged data, with pinned readings, in tiny batches; and the CLI's
streamed path prints what the whole-file path prints."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pelorus.protobuf import cli, fastrender
from pelorus.protobuf.readings import Pins
from pelorus.protobuf.render import raw_json_text, raw_text
from pelorus.protobuf.schemaless import decode

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import proto_corpus as corpus  # noqa: E402


def _both(data: bytes, pins: Pins | None, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[str, str], tuple[str, str]]:
    with monkeypatch.context() as m:
        m.setattr(fastrender, "FAST_FROM_FIELDS", 1 << 62)
        ref = raw_text(decode(data), pins), raw_json_text(decode(data), pins)
    with monkeypatch.context() as m:
        m.setattr(fastrender, "FAST_FROM_FIELDS", 0)
        m.setattr(fastrender, "BATCH_BYTES", 200)
        fast = raw_text(decode(data), pins), raw_json_text(decode(data), pins)
    return ref, fast


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
