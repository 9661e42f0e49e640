"""Edit one deep field of a 100 MB message and save (byte-preserving); re-index a 1,000,000-record
stream after editing one record (full rebuild vs the incremental RecordIndex.after_splices).
JSON lines, no asserts.

    python bench/proto_edit_save.py [--mb 100] [--records 1000000]
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

from PySide6.QtCore import QCoreApplication

from console.models.proto_tree import Column, ProtoTreeModel
from pelorus.protobuf import framing as fr
from pelorus.protobuf.document import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proto_open_large import big_message, stream


def stream_reindex(records: int) -> dict[str, object]:
    """What the editor does after an edit inside one record of a long stream: re-index the records.
    Before: a full RecordIndex of the new bytes; after: the old index spliced (only the touched record
    re-framed, the rest shifted). The edit makes record ``records // 2`` one byte longer (its varint
    value 1 -> 300), so every later record moves."""
    doc = Document(stream(records))
    t = time.perf_counter()
    idx = fr.RecordIndex(doc.data, "varint")
    t_index = time.perf_counter() - t
    mid = records // 2
    doc.set_scope(idx[mid].prefix_offset, "varint")
    edit = doc.set_field((0,), 300, kind="uint64")
    full_s, inc_s = [], []
    for _ in range(3):
        t = time.perf_counter()
        full = fr.RecordIndex(doc.data, "varint")
        full_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        inc = idx.after_splices(doc.data, edit.splices)
        inc_s.append(time.perf_counter() - t)
    same = (inc.prefix_offsets == full.prefix_offsets and inc.offsets == full.offsets
            and inc.lengths == full.lengths and inc.flags == full.flags)
    return {"bench": "proto_edit_save", "case": "stream_reindex_after_record_edit", "records": records,
            "bytes": len(doc), "open_index_s": round(t_index, 3), "full_rebuild_s": round(min(full_s), 4),
            "incremental_s": round(min(inc_s), 4), "speedup": round(min(full_s) / min(inc_s), 1),
            "equal": same}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    _app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.bin"
        data = big_message(args.mb)
        src.write_bytes(data)
        size = len(data)
        del data
        t0 = time.perf_counter()
        doc = Document.open(src)
        model = ProtoTreeModel()
        model.set_document(doc)
        t1 = time.perf_counter()
        # the deep field: the last nested record inside field 7, its field 2 ("failed"), reached through the
        # tree model as the editor does (index_for_path: one scan of the 7M-field level, then row i directly)
        top = doc.root
        big_i = next(i for i in range(len(top)) if top.key_at(i) >> 3 == 7)
        inner = top[big_i].message()
        assert inner is not None
        path = (big_i, len(inner) - 1, 1)
        t_scan = time.perf_counter()
        ix = model.index_for_path(path)
        assert ix.isValid()
        t2 = time.perf_counter()
        ok = model.setData(ix.siblingAtColumn(Column.VALUE), "8")
        t3 = time.perf_counter()
        out = Path(tmp) / "out.bin"
        doc.save(out)
        t4 = time.perf_counter()
        print(json.dumps({"bench": "proto_edit_save", "bytes": size, "edited": ok, "open_s": round(t1 - t0, 3),
                          "scan_inner_level_s": round(t_scan - t1, 3),
                          "locate_deep_row_s": round(t2 - t_scan, 3), "path": list(path), "edit_s": round(t3 - t2, 3),
                          "save_s": round(t4 - t3, 3), "edit_and_save_s": round(t4 - t2, 3),
                          "changed_bytes": doc.history[-1].changed_bytes if doc.history else 0,
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}),
              flush=True)
    print(json.dumps(stream_reindex(args.records)), flush=True)


if __name__ == "__main__":
    main()
