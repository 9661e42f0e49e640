"""Compare two messages (field diff + byte diff) on 1 MB and 10 MB pairs. JSON lines, no asserts.

    python bench/proto_compare.py [--sizes 1,10] [--repeat 2]

Pairs (a pelorus.v1.ListPodsResponse of the given size, the shape bench/proto_raw_decode.py uses):
- "few_edits": the right side is the left with 3 deep fields edited through Document (start,
  middle, end) — the common case of comparing a message with an edited copy;
- "all_different": the right side is another message of the same shape and size (other random
  values), so nearly every pod differs — the worst case, bounded by max_differences (100,000);
- "front_insert": the right side is the left with one pod inserted before the first and one
  removed from the middle — repeated items are aligned (pelorus.protobuf.align), so this is two
  differences; the peer value is the same pair paired by index (alignment switched off in the
  same run), which reports a change in nearly every pod.
Each is timed schemaless and with the schema (pelorus.v1.ListPodsResponse), then the byte diff
(``Comparison.byte_ops``). The peer is difflib.SequenceMatcher over the raw bytes, the obvious
alternative: it is run on growing prefixes (4, 16, 64 KB) with a time budget, because on 1 MB it
does not finish in minutes (bytes take 256 values, so without autojunk every byte value matches
thousands of positions; with autojunk every value is "popular" and nothing matches at all).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proto_raw_decode import build  # noqa: E402

from pelorus.protobuf import align as al  # noqa: E402
from pelorus.protobuf import compare as compare_mod  # noqa: E402
from pelorus.protobuf.compare import compare  # noqa: E402
from pelorus.protobuf.document import Document  # noqa: E402
from pelorus.protobuf.schema import SchemaRegistry  # noqa: E402

TYPE = "pelorus.v1.ListPodsResponse"


def emit(**obj: object) -> None:
    print(json.dumps(obj), flush=True)


CPU: list[float] = []  # process CPU seconds of the last timed() call's best run (the machine is shared)


def timed(repeat: int, fn: Callable[[], object]) -> tuple[float, float, object]:
    times: list[float] = []
    cpu: list[float] = []
    out: object = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU[:] = [min(cpu)]
    return min(times), max(times), out


def edited_copy(data: bytes) -> bytes:
    """Three deep edits: a pod's status.host near the start, middle and end."""
    doc = Document(data)
    pods = [i for i in range(len(doc.root)) if doc.root.key_at(i) >> 3 == 1]
    for k in (pods[1], pods[len(pods) // 2], pods[-2]):
        pod = doc.root[k].message()
        assert pod is not None
        s = next(i for i in range(len(pod)) if pod.key_at(i) >> 3 == 4)  # status
        status = pod[s].message()
        assert status is not None
        h = next(i for i in range(len(status)) if status.key_at(i) >> 3 == 6)  # host
        doc.set_field((k, s, h), "edited-host.example", "string")
    return doc.to_bytes()


def shifted_copy(data: bytes) -> bytes:
    """One pod inserted at the front (a copy of the first, renamed) and one removed from the middle."""
    doc = Document(data)
    pods = [i for i in range(len(doc.root)) if doc.root.key_at(i) >> 3 == 1]
    first = doc.root[pods[0]]
    new = bytes(data[first.tag_offset:first.end]).replace(b"job-", b"new-", 1)
    mid = doc.root[pods[len(pods) // 2]]
    return (data[:first.tag_offset] + new + data[first.tag_offset:mid.tag_offset] + data[mid.end:])


@contextmanager
def by_index() -> Iterator[None]:
    """Switch alignment off (every middle paired by index): the behaviour before align.py."""
    saved = compare_mod.align

    def plain(n_left: int, n_right: int, *_args: object) -> tuple[int, list[al.Step]]:
        n = min(n_left, n_right)
        return 0, ([al.Step(k, k) for k in range(n)] + [al.Step(i, None) for i in range(n, n_left)]
                   + [al.Step(None, j) for j in range(n, n_right)])

    compare_mod.align = plain  # type: ignore[assignment]
    try:
        yield
    finally:
        compare_mod.align = saved


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10", help="pair sizes in MB, comma-separated")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    reg = SchemaRegistry()
    for mb in [int(x) for x in args.sizes.split(",")]:
        left = build(mb << 20, seed=1)
        pairs = {"few_edits": edited_copy(left), "all_different": build(mb << 20, seed=2),
                 "front_insert": shifted_copy(left)}
        for pair, right in pairs.items():
            for mode, type_name in (("schemaless", None), ("schema", TYPE)):
                lo, hi, res = timed(args.repeat, lambda r=right, t=type_name, left=left: compare(left, r, reg, t))
                emit(name=f"proto_compare_{pair}_{mode}_{mb}mb", value=round(lo, 3), max=round(hi, 3), unit="s",
                     cpu_s=round(CPU[0], 3),
                     bytes=len(left), differences=len(res.differences),  # type: ignore[attr-defined]
                     truncated=res.truncated, fields_compared=res.fields_compared)  # type: ignore[attr-defined]
                if pair == "front_insert":
                    with by_index():
                        plo, _phi, peer = timed(1, lambda r=right, t=type_name, left=left: compare(left, r, reg, t))
                    emit(name=f"peer_by_index_{pair}_{mode}_{mb}mb", value=round(plo, 3), unit="s",
                         differences=len(peer.differences), truncated=peer.truncated,  # type: ignore[attr-defined]
                         note="the same pair with repeated items paired by index (alignment off)")
                blo, bhi, ops = timed(args.repeat, res.byte_ops)  # type: ignore[attr-defined]
                emit(name=f"proto_byte_diff_{pair}_{mode}_{mb}mb", value=round(blo, 3), max=round(bhi, 3), unit="s",
                     cpu_s=round(CPU[0], 3),
                     ops=len(ops))  # type: ignore[arg-type]
    # the peer: SequenceMatcher over raw bytes, on prefixes of a 1 MB few-edits pair (with a budget)
    left = build(1 << 20, seed=1)
    right = edited_copy(left)
    budget = 20.0
    for kb in (4, 16, 64):
        n = kb << 10
        t = time.perf_counter()
        ops = [o for o in SequenceMatcher(None, left[:n], right[:n], autojunk=False).get_opcodes() if o[0] != "equal"]
        took = time.perf_counter() - t
        emit(name=f"peer_difflib_bytes_{kb}kb", value=round(took, 3), unit="s", ops=len(ops),
             note="difflib.SequenceMatcher(autojunk=False) over raw bytes")
        budget -= took
        if budget < took * 16:  # roughly quadratic: the next size would take ~16x
            emit(name="peer_difflib_bytes_note", value=0, unit="",
                 note=f"stopped at {kb} KB: the next size would exceed the time budget; 1 MB is ~{(1024 // kb) ** 2}x "
                      f"the {kb} KB time")
            break
    n = 64 << 10
    t = time.perf_counter()
    junk = [o for o in SequenceMatcher(None, left[:n], right[:n]).get_opcodes() if o[0] != "equal"]
    emit(name="peer_difflib_bytes_autojunk_64kb", value=round(time.perf_counter() - t, 3), unit="s", ops=len(junk),
         note="with autojunk (the default) every byte value is 'popular': the diff is one big replace")
    return 0


if __name__ == "__main__":
    sys.exit(main())
