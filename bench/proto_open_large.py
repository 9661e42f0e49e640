"""Time to first screen in the protobuf editor for a 100 MB message and a 1,000,000-record
varint-delimited stream (and the same records as gRPC frames); peak RSS. JSON lines on stdout, no asserts.

"First screen" = what ProtoEditor.open_path does off the UI thread (mmap, framing detection, first
level's scan) plus, on the UI side, the tree model's first fetch and the hex model's reset.

    python bench/proto_open_large.py [--mb 100] [--records 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QModelIndex

from console.models.hex_model import HexModel
from console.models.proto_tree import ProtoTreeModel
from pelorus.api import job_pb2
from pelorus.protobuf.schemaless import decode_span
from pelorus.protobuf.session import load_file
from pelorus.protobuf.wire import encode_varint


def big_message(mb: int) -> bytes:
    """A JobSpec-like message: a few scalars, then field 7 holding ~mb MB of nested records."""
    item = job_pb2.Progress(successful=123456, failed=7, remaining=99).SerializeToString()
    rec = b"\x0a" + encode_varint(len(item)) + item
    inner = rec * (mb * (1 << 20) // len(rec))
    head = job_pb2.JobSpec(name="big", owner="bench", instance_count=3).SerializeToString()
    return head + b"\x3a" + encode_varint(len(inner)) + inner + b"\x40\x05"


def stream(n: int) -> bytes:
    rec = job_pb2.Progress(successful=1, failed=2, remaining=3).SerializeToString()
    return (encode_varint(len(rec)) + rec) * n


def grpc_stream(n: int) -> bytes:
    """The same records as gRPC frames (flag byte + 4-byte big-endian length)."""
    rec = job_pb2.Progress(successful=1, failed=2, remaining=3).SerializeToString()
    return (b"\x00" + len(rec).to_bytes(4, "big") + rec) * n


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def first_screen(path: Path, framing: str) -> dict[str, float | int | str]:
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    loaded = load_file(path, framing)
    t1 = time.perf_counter()
    tree = ProtoTreeModel()
    hexm = HexModel()
    hexm.set_data(loaded.doc.data)
    if loaded.index.framing == "single":
        tree.set_document(loaded.doc)
    else:
        r = loaded.index[0]
        tree.set_message(decode_span(loaded.index.buf, r.offset, r.end))
    tree.fetchMore(QModelIndex())
    for row in range(tree.rowCount()):
        for col in range(tree.columnCount()):
            tree.index(row, col).data()
    t2 = time.perf_counter()
    return {"framing": loaded.index.framing, "records": len(loaded.index), "open_s": round(t1 - t0, 3),
            "first_screen_s": round(t2 - t0, 3), "rows": tree.rowCount(),
            "rss_growth_mb": round(_rss_mb() - rss0, 1)}  # resident growth while opening (mmap pages included)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    _app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, framing in (("message_100mb", big_message(args.mb), "auto"),
                                    ("varint_stream", stream(args.records), "auto"),
                                    ("grpc_stream", grpc_stream(args.records), "auto")):
            p = Path(tmp) / f"{name}.bin"
            p.write_bytes(data)
            size = len(data)
            del data
            out = {"bench": "proto_open_large", "case": name, "bytes": size, **first_screen(p, framing),
                   "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
