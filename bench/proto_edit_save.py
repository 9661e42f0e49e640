"""Edit one deep field of a 100 MB message and save (byte-preserving). JSON lines, no asserts.

    python bench/proto_edit_save.py [--mb 100]
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
from console.protobuf.document import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proto_open_large import big_message


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
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


if __name__ == "__main__":
    main()
