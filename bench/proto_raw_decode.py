"""Schemaless decode throughput (MB/s): ours vs bbpb, protobuf-inspector and protoc --decode_raw.

    python bench/proto_raw_decode.py [--mb 10] [--peer-mb 10] [--repeat 3]

The message is a pelorus.v1.ListPodsResponse of ~10 MB: repeated PodInfo with strings, varints
(incl. negative int32), doubles, nested timestamps/progress/usage — the mixed shape the editor
sees. Ours is measured twice: "first_level" (the lazy open: top-level tags and offsets only) and
"full_recursive" (every nested message expanded, every length-delimited field classified: the
vectorised fastscan tree, from which any level's Message is built on access without re-parsing).
Peers run best of 2, ours best of --repeat, all in the same process and run, on the same 10 MB
message by default (the pure-Python peers take ~30 s each on it; --peer-mb 1 runs them on a
smaller message of the same shape, normalised to MB/s, and adds our figure at that size). One
JSON object per line.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pelorus.api import job_service_pb2  # noqa: E402
from pelorus.protobuf.schemaless import decode, expand_all  # noqa: E402


def build(target: int, seed: int = 1) -> bytes:
    """A ListPodsResponse of at least ``target`` bytes (deterministic for a seed)."""
    r = random.Random(seed)
    resp = job_service_pb2.ListPodsResponse()
    i = 0
    size = 0
    while size < target:
        p = resp.pods.add()
        p.pod_name = f"job-{i // 10}-{i % 10}"
        p.job_id = f"job-{i // 10}"
        p.instance_id = i % 10
        p.revision = r.randrange(1, 1 << 40)
        s = p.status
        s.state = r.randrange(0, 16)
        s.desired_state = 9
        s.pod_id = p.pod_name + "-1"
        s.run = r.randrange(5)
        s.attempt = 1
        s.host = f"host{r.randrange(100)}.example"
        s.pid = r.randrange(1 << 20)
        s.executor = "local"
        s.created_at.seconds = 1_700_000_000 + i
        s.created_at.nanos = r.randrange(10**9)
        s.started_at.seconds = 1_700_000_005 + i
        s.exit_code = r.choice([0, 1, -9])
        s.has_exit_code = True
        s.reason = "FAILED" if s.exit_code else "SUCCEEDED"
        s.message = f"exit status {s.exit_code}"
        s.progress.successful = r.randrange(1000)
        s.progress.remaining = r.randrange(1000)
        s.usage.cpu_seconds = r.random() * 100
        s.usage.memory_rss_bytes = r.randrange(1 << 32)
        s.version.value = r.randrange(1000)
        size += p.ByteSize() + 3
        i += 1
    resp.revision = 12345
    resp.last = True
    return resp.SerializeToString()


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def emit(**obj: object) -> None:
    print(json.dumps(obj), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--peer-mb", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    data = build(int(args.mb * 1e6))
    small = data if args.peer_mb == args.mb else build(int(args.peer_mb * 1e6), seed=2)
    mb, small_mb = len(data) / 1e6, len(small) / 1e6
    emit(note=f"message {mb:.2f} MB (ListPodsResponse); " + ("the peers decode the same message" if small is data
              else f"peers run on a {small_mb:.2f} MB message of the same shape, normalised to MB/s"))

    first = mb / best_of(args.repeat, lambda: decode(data))
    full = mb / best_of(args.repeat, lambda: expand_all(decode(data)))
    sizes = [("first_level", first), ("full_recursive", full)]
    if small is not data:
        small_s = best_of(args.repeat, lambda: expand_all(decode(small)))
        sizes.append((f"full_recursive_{args.peer_mb:g}mb", small_mb / small_s))

    peers: dict[str, float] = {}
    try:
        import blackboxprotobuf

        peers["bbpb"] = small_mb / best_of(2, lambda: blackboxprotobuf.decode_message(small))
    except ImportError:
        emit(note="bbpb not installed (pip install bbpb); skipped")
    try:
        from protobuf_inspector.types import StandardParser

        def inspect() -> None:
            StandardParser().parse_message(io.BytesIO(small), "message")

        peers["protobuf-inspector"] = small_mb / best_of(2, inspect)
    except ImportError:
        emit(note="protobuf-inspector not installed (pip install protobuf-inspector); skipped")
    protoc = shutil.which("protoc")
    if protoc:
        def run_protoc() -> None:
            subprocess.run([protoc, "--decode_raw"], input=data, stdout=subprocess.DEVNULL, check=True)

        peers["protoc --decode_raw"] = mb / best_of(args.repeat, run_protoc)
    else:
        emit(note="protoc not on PATH (apt-get install protobuf-compiler); native reference skipped")

    for name, value in sizes:
        if not peers:
            emit(name=f"proto_raw_decode.{name}", value=round(value, 2), unit="MB/s")
        for peer, pv in peers.items():
            emit(name=f"proto_raw_decode.{name}", value=round(value, 2), unit="MB/s", peer=peer,
                 peer_value=round(pv, 3), ratio=round(value / pv, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
