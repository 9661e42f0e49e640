"""The golden corpus: inputs made from seeds (bench/proto_corpus.py) and what Pelorus printed for them
when the corpus was captured, so a faster decoder that changes any reading or any character fails.

    .venv/bin/python tests/protobuf/golden_cases.py --write    # capture again (only on purpose)

Per case: the ranked readings of every field (kind, score, reason, value) and the exact stdout,
stderr and exit code of ``proto decode --format raw`` and ``--format json`` (and, for typed cases,
``--type T`` as text and JSON). Stored gzipped in tests/protobuf/data/golden.json.gz with the
sha256 of each input, so a change in the generators is told apart from a change in the output.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import proto_corpus as corpus  # noqa: E402

from pelorus.protobuf import cli  # noqa: E402
from pelorus.protobuf.readings import readings, walk  # noqa: E402
from pelorus.protobuf.schemaless import Message, decode  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json.gz"
ALLTYPES_ARGS = ["--proto", str(corpus.ALLTYPES_PROTO), "-I", str(corpus.PROTOS)]


def _random_cases() -> dict[str, bytes]:
    r = random.Random(15)
    out: dict[str, bytes] = {}
    for i in range(40):
        data = corpus.random_wire(r)
        out[f"random{i}"] = data
        if i % 2:
            out[f"random{i}-damaged"] = corpus.damaged(r, data)
    return out


def _crafted() -> dict[str, bytes]:
    from pelorus.protobuf.wire import encode_varint

    deep = b"\x08\x01"
    for _ in range(130):
        deep = b"\x0a" + encode_varint(len(deep)) + deep
    big_packed = b"".join(encode_varint(k * 977) for k in range(100))
    return {
        "empty": b"",
        "empty-fields-run": b"\x0a\x00" * 5000,
        "zeros": bytes(4096),
        "deep": deep,
        "strings": b"".join(b"\x0a" + encode_varint(len(s)) + s for s in (
            b"plain", "ünïcödé ✓".encode(), b"tab\tnl\ncr\r", b"\x00nul", b"quote\"back\\",
            b"\xff\xfe not utf8", b"x" * 200, b"\x7fdel")),
        "packed-big": b"\x0a" + encode_varint(len(big_packed)) + big_packed,
        "floats": b"\x0d\x00\x00\x80\x3f\x0d\xff\xff\xff\xff\x09" + bytes(8) + b"\x09\x00\x00\x00\x00\x00\x00\xf0\xbf",
        "varints": b"\x08\x00\x08\x01\x08\x96\x01" + b"\x08" + b"\xff" * 9 + b"\x01" + b"\x08\x81\x00",
        "group": b"\x0b\x08\x01\x12\x02hi\x0c\x10\x05",
        "truncated-string": b"\x0a\x10hello",
        "truncated-message": b"\x12\x20\x08\x01\x12\x10abc",
        "delimited": corpus.delimited([corpus.list_pods(300, seed=k) for k in range(5)]),
    }


def cases() -> dict[str, tuple[bytes, list[str]]]:
    """name → (input bytes, extra arguments for the typed decode, or [] when schemaless only)."""
    out: dict[str, tuple[bytes, list[str]]] = {}
    out["list_pods"] = (corpus.list_pods(20_000), ["--type", corpus.LIST_PODS])
    out["list_pods_vector"] = (corpus.list_pods(70_000, seed=3), ["--type", corpus.LIST_PODS])
    out["all_types"] = (corpus.all_types(20_000), ["--type", corpus.ALLTYPES, *ALLTYPES_ARGS])
    out["all_types_big"] = (corpus.all_types(60_000, seed=4), ["--type", corpus.ALLTYPES, *ALLTYPES_ARGS])
    out["descriptor_set"] = (corpus.descriptor_set(30_000), ["--type", corpus.FILE_DESCRIPTOR_SET])
    out["list_pods_damaged"] = (corpus.list_pods(3_000, seed=5)[:-7], ["--type", corpus.LIST_PODS])
    for name, data in {**_crafted(), **_random_cases()}.items():
        out[name] = (data, [])
    return out


def _short(value: object) -> object:
    if isinstance(value, Message):
        return f"<message {len(value)} fields @{value.start}..{value.end}>"
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return [_short(v) for v in value]
    return value


def ranked_readings(data: bytes) -> list[Any]:
    """Every field's readings, best first, as plain JSON values."""
    out: list[Any] = []
    for path, f in walk(decode(data)):
        out.append([list(path), f.tag_offset, [[r.kind, r.score, r.reason, _short(r.value)] for r in readings(f)]])
    return out


def run_cli(argv: list[str]) -> dict[str, Any]:
    """``proto decode`` in this process: stdout, stderr and the exit code."""
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        rc = cli.main(argv)
    return {"rc": rc, "stdout": so.getvalue(), "stderr": se.getvalue()}


KEEP_WHOLE = 40_000
"""Texts up to this many characters are kept whole; longer ones as their sha256 and their head (the
test shows the first difference within the head, else says that the digest changed)."""


def kept(value: Any) -> Any:
    """``value`` as the golden file keeps it: whole when small, else a digest and a head."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) <= KEEP_WHOLE:
        return value
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "head": text[:KEEP_WHOLE // 4]}


def outputs(name: str, data: bytes, typed: list[str], run: Callable[[list[str]], dict[str, Any]] = run_cli
            ) -> dict[str, Any]:
    """Everything the golden file keeps for one case (file paths in stderr are made neutral)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.bin"
        path.write_bytes(data)
        got: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "readings": kept(ranked_readings(data))}
        formats = [("raw", ["--format", "raw"]), ("json", ["--format", "json"])]
        if typed:
            formats += [("typed_text", ["--format", "text", *typed]), ("typed_json", ["--format", "json", *typed])]
        for key, args in formats:
            res = run(["decode", str(path), *args])
            res["stderr"] = res["stderr"].replace(str(path), "<FILE>")
            if key == "typed_json":  # protobuf prints map entries in hash order: compare the objects
                res["stdout"] = _canonical_json(res["stdout"])
            res["stdout"] = kept(res["stdout"])
            got[key] = res
    return got


def _canonical_json(text: str) -> str:
    try:
        docs = [json.loads(text)] if text.strip() else []
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
    return "".join(json.dumps(d, ensure_ascii=False, sort_keys=True, indent=1) + "\n" for d in docs)


def load() -> dict[str, Any]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def write() -> None:
    golden = {name: outputs(name, data, typed) for name, (data, typed) in cases().items()}
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(GOLDEN, "wb", mtime=0) as fh:
        fh.write(json.dumps(golden, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    print(f"{len(golden)} cases → {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    write()
