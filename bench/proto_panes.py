"""The editor's Text and JSON panes as the user gets them: open a message, switch to the pane, see it.

    python bench/proto_panes.py [--mb 10] [--kinds list_pods,all_types,descriptor_set] [--peer-cap 60]
        [--shots DIR]

Per kind of message (bench/proto_corpus.py) at ``--mb`` MB, in one process with a real ProtoEditor
(offscreen, on the qasync loop as the console runs it), one JSON line per pane and step:

- ``first_screen``: from switching to the pane (the tab's currentChanged starts the render) to its
  first screen painted (the virtual view holds a screenful of lines and ``grab()`` paints it);
- ``rendered``: from the switch to the whole text indexed (the scroll range final, find sees all);
- ``scroll_end``: Ctrl+End on the view until the last line is painted;
- ``find``: a string on the text's last line typed in the find bar, F3, until the match is shown
  (the search runs in a worker thread, in 4 MB slices);
- ``ui_gap``: the longest the event loop went without running while the pane rendered and searched
  (how long the UI was frozen).

Peer (``--peer-cap`` > 0): the widget the panes used up to 4 MB, a QPlainTextEdit, given the same text
(``pane_text``'s) with ``setPlainText`` and painted once, in a child process that is stopped after
``--peer-cap`` seconds ("> N s"); the text's rendering is not in its figure. ``--shots DIR`` saves the
editor with each pane shown (light and dark theme) as PNG files; ``--typed`` adds ListPodsResponse
with its type chosen (the typed text: upb and protobuf's printers, streamed).

Transport: in-process (the message is a file opened with ProtoEditor.open_path). Quote ``uptime``
with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import proto_corpus as corpus

KINDS = {"list_pods": corpus.list_pods, "all_types": corpus.all_types, "descriptor_set": corpus.descriptor_set}

PEER = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/bench")
import proto_corpus as corpus
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pelorus.protobuf.textedit import pane_text
app = QApplication([])
data = getattr(corpus, sys.argv[2])(int(float(sys.argv[3]) * 1e6))
text = pane_text(corpus.registry(), None, data, sys.argv[4], None).text
w = QPlainTextEdit(); w.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap); w.resize(660, 700); w.show()
print("ready", len(text), flush=True)
t = time.perf_counter()
w.setPlainText(text)
w.grab()
print("took", time.perf_counter() - t, flush=True)
"""


def emit(**kw: Any) -> None:
    print(json.dumps(kw), flush=True)


def peer(kind: str, mb: float, fmt: str, cap: float) -> str | float:
    """QPlainTextEdit's setPlainText + first paint of the same text, in a child process (capped)."""
    proc = subprocess.Popen([sys.executable, "-c", PEER, str(ROOT), kind, str(mb), fmt], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    ready = proc.stdout.readline()  # the text is made first (not timed)
    if not ready.startswith("ready"):
        proc.wait()
        return "failed"
    t = time.perf_counter()
    try:
        out, _ = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        proc.kill()  # our own child, by its handle
        proc.wait()
        return f"> {cap:g} s (stopped after {time.perf_counter() - t:.0f} s)"
    for line in out.splitlines():
        if line.startswith("took"):
            return round(float(line.split()[1]), 3)
    return "failed"


def _needle(lines: Any) -> str:
    """Text to find near the end: the last of the last 50 lines naming a byte offset (unique), else the last."""
    n = lines.line_count
    for i in range(n - 1, max(-1, n - 51), -1):
        line = lines.line(i).strip()
        if '"offset":' in line or "@" in line:
            return str(line.rstrip(","))
    return str(lines.line(n - 1).strip())


class GapMeter:
    """The longest stretch the event loop did not run a 5 ms ticker (the UI's longest freeze)."""

    def __init__(self) -> None:
        self.gap = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.gap = max(self.gap, now - last - 0.005)
            last = now

    def start(self) -> None:
        self.gap = 0.0
        self._task = asyncio.ensure_future(self._tick())

    def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
        return self.gap


async def until(pred: Any, timeout: float = 300.0) -> None:
    end = time.perf_counter() + timeout
    while not pred():
        if time.perf_counter() > end:
            raise TimeoutError
        await asyncio.sleep(0.002)


async def run_kind(editor: Any, kind: str, mb: float, tmp: Path, shots: Path | None, cap: float,
                   type_name: str | None = None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    data = KINDS[kind](int(mb * 1e6))
    path = tmp / f"{kind}.bin"
    path.write_bytes(data)
    t = time.perf_counter()
    assert await editor.open_path(path)
    if type_name is not None:
        assert editor.set_type(type_name)
        kind = f"{kind}_typed"
    await until(lambda: not editor.tasks)
    emit(name=f"proto_panes.open.{kind}.{mb:g}mb", value=round(time.perf_counter() - t, 3), unit="s",
         path="ProtoEditor.open_path (mmap, framing, first level) until its tasks end", transport="in-process",
         mb=round(len(data) / 1e6, 2))
    for pane in (editor.text_pane, editor.json_pane):
        fmt = pane.fmt
        view = pane.large.view
        gaps = GapMeter()
        gaps.start()
        t = time.perf_counter()
        editor.side.setCurrentWidget(pane)  # starts the render (currentChanged)
        await until(lambda v=view: v.lines is not None and (v.lines.line_count >= v.visible_lines() or v.lines.done))
        await asyncio.sleep(0)  # the follower's grown() runs, then the paint
        view.grab()
        first = time.perf_counter() - t
        await until(lambda v=view: v.lines is not None and v.lines.done and not editor.tasks)
        done = time.perf_counter() - t
        ui_gap = gaps.stop()
        assert view.lines is not None
        lines = view.lines
        emit(name=f"proto_panes.{fmt}.first_screen.{kind}.{mb:g}mb", value=round(first, 3), unit="s",
             path=f"switch to the {fmt} pane -> first screen painted (virtual view)", transport="in-process",
             goal_seconds=1.0, chars=len(lines.data), lines=lines.line_count,
             peer_qplaintextedit_s=peer(kind, mb, fmt, cap) if cap > 0 else None,
             peer_path="QPlainTextEdit.setPlainText(same text) + first paint, child process, text made beforehand")
        emit(name=f"proto_panes.{fmt}.rendered.{kind}.{mb:g}mb", value=round(done, 3), unit="s",
             path=f"switch to the {fmt} pane -> whole text rendered and indexed", transport="in-process",
             ui_gap_s=round(ui_gap, 3), peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
             worker={k: round(v, 3) for k, v in editor.text_panes.timings.items() if k.startswith(fmt)})
        if shots is not None:
            editor.grab().save(str(shots / f"{kind}_{fmt}_{mb:g}mb.png"))
        view.setFocus()
        t = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        view.grab()
        emit(name=f"proto_panes.{fmt}.scroll_end.{kind}.{mb:g}mb", value=round(time.perf_counter() - t, 4),
             unit="s", path="Ctrl+End -> last line painted", transport="in-process",
             last_painted=view.painted[1], lines=lines.line_count)
        needle = _needle(lines)
        box = pane.large
        QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        box.find_edit.setText(needle)
        gaps.start()
        t = time.perf_counter()
        box.find_next()
        await until(lambda b=box: not b.searching)
        view.grab()
        took = time.perf_counter() - t
        emit(name=f"proto_panes.{fmt}.find.{kind}.{mb:g}mb", value=round(took, 3), unit="s",
             path="find bar: a string on the last line, from the top -> match shown (worker thread, 4 MB slices, "
                  "with the match count)", transport="in-process", needle=needle[:40], hits=box.hits.text(),
             ui_gap_s=round(gaps.stop(), 3))
        if shots is not None:
            editor.grab().save(str(shots / f"{kind}_{fmt}_{mb:g}mb_find.png"))
    editor.side.setCurrentWidget(editor.hex)


async def main_async(args: argparse.Namespace) -> None:
    from console.views.proto_editor import ProtoEditor
    from console.views.theme import Mode, controller

    shots = Path(args.shots) if args.shots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        editor = ProtoEditor()
        editor.resize(1440, 800)
        editor.show()
        for kind in args.kinds.split(","):
            await run_kind(editor, kind, args.mb, tmp, shots, args.peer_cap)
        if args.typed:  # the editable paths' text (upb + text_format / json_format), streamed
            await run_kind(editor, "list_pods", args.mb, tmp, None, 0, corpus.LIST_PODS)
        if shots is not None:  # the ListPodsResponse panes in the dark theme too
            controller().set_mode(Mode.DARK)
            await run_kind(editor, "list_pods", args.mb, tmp, shots / "dark", 0)
            controller().set_mode(Mode.LIGHT)
        editor.close_tasks()
        editor.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--peer-cap", type=float, default=60.0, help="seconds before the QPlainTextEdit peer is stopped; "
                                                                  "0 skips it")
    ap.add_argument("--typed", action="store_true", help="also ListPodsResponse with its type chosen (the "
                                                          "typed text, no peer)")
    ap.add_argument("--shots", default="", help="save the editor with each pane shown here (PNG)")
    args = ap.parse_args()
    from pelorus.protobuf.session import TEXT_VIEW_LIMIT

    if args.mb * 1e6 <= TEXT_VIEW_LIMIT:
        ap.error(f"--mb must be over the editable widget's limit ({TEXT_VIEW_LIMIT / 1e6:g} MB): smaller messages "
                 "go to the QPlainTextEdit, which this benchmark does not time")
    import qasync
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    settings = tempfile.mkdtemp(prefix="pelorus-bench-settings-")
    QCoreApplication.setOrganizationName("PelorusBench")
    QCoreApplication.setApplicationName("proto-panes")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app = QApplication.instance() or QApplication([])
    if args.shots:
        (Path(args.shots) / "dark").mkdir(parents=True, exist_ok=True)
    uptime = Path("/proc/loadavg").read_text().split()[:3]
    emit(name="proto_panes.load", value=float(uptime[0]), unit="loadavg-1min", loadavg=uptime)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main_async(args))
    uptime = Path("/proc/loadavg").read_text().split()[:3]
    emit(name="proto_panes.load_after", value=float(uptime[0]), unit="loadavg-1min", loadavg=uptime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
