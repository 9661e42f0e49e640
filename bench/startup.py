"""Start-up: `python main.py` to its first painted window, against a bare PySide6 window, each
as a fresh process, alternating, several repeats; medians.  Also lists what the console's
imports cost (`python -X importtime`, the largest cumulative ones).

    python bench/startup.py [--repeats 7]

Path timed (ours): `python main.py --data-dir DIR` (the console attaching to an engine already
running on DIR's unix socket, as after the first start) from the Popen call to the first
window's first paint (console.startup_probe: the first Paint event of a window, then the rest
of that event-loop pass; the process prints time.monotonic() and exits).  That window is the one
the operator keeps: console.app paints it (console.views.window_frame) and then builds the
console into it.
Peer: `python -c '...'` making a QApplication and a shown 1400x900 QMainWindow, same probe.
Also the CPU time (user + system) each process used up to its exit at the first paint
(getrusage of the reaped child): on this shared machine the wall time follows the load, the CPU
time much less, so the CPU ratio is the steadier figure.
Platform: QT_QPA_PLATFORM as set (offscreen when unset).  Exit 1 when a run did not paint.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import ROOT, emit, engine, machine, note  # noqa: E402

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
from console.startup_probe import install_if_asked
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1400, 900)
install_if_asked(w)
w.show()
app.exec()
"""
PATH = "python main.py --data-dir DIR (engine already running there) -> first window's first paint"
PEER_PATH = "python -c: QApplication + shown QMainWindow -> first paint"


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def first_paint(cmd: list[str], env: dict[str, str], timeout: float = 60.0, cpu: list[float] | None = None) -> float:
    """Seconds from Popen to the first paint; the process's CPU seconds appended to ``cpu``."""
    cpu0 = _children_cpu()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(5)
        raise RuntimeError(f"{cmd[:3]} did not paint in {timeout} s") from None
    m = re.search(rb"painted ([0-9.]+)", out)
    if m is None:
        raise RuntimeError(f"{cmd[:3]} exited ({proc.returncode}) without painting")
    if cpu is not None:
        cpu.append(_children_cpu() - cpu0)  # (the engine, also our child, is not reaped until the end)
    return float(m.group(1)) - t0


def import_costs(data_dir: Path, env: dict[str, str], top: int = 15) -> list[tuple[int, str]]:
    """Largest cumulative import times (µs) of the console up to its first paint."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "main.py", "--data-dir", str(data_dir)],
                          cwd=ROOT, env=env, capture_output=True, timeout=60, check=False)
    rows = []
    for line in proc.stderr.decode(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and len(m.group(3)) <= 3:  # top-level imports (and their direct children)
            rows.append((int(m.group(2)), m.group(3) + m.group(4)))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    env = dict(os.environ, PELORUS_STARTUP_PROBE="1", QT_API="pyside6")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    ours: list[float] = []
    bare: list[float] = []
    ours_cpu: list[float] = []
    bare_cpu: list[float] = []
    with engine(label="startup") as eng:
        ours_cmd = [sys.executable, "main.py", "--data-dir", str(eng.data_dir)]
        bare_cmd = [sys.executable, "-c", BARE]
        first_paint(bare_cmd, env)  # warm the file cache for both before timing
        first_paint(ours_cmd, env)
        for _ in range(args.repeats):
            bare.append(first_paint(bare_cmd, env, cpu=bare_cpu))
            ours.append(first_paint(ours_cmd, env, cpu=ours_cpu))
        costs = import_costs(eng.data_dir, env)
    note("largest imports (cumulative µs):")
    for us, name in costs:
        note(f"  {us:>9} {name}")
    ours_med, bare_med = statistics.median(ours), statistics.median(bare)
    ctx = {"path": PATH, "peer_path": PEER_PATH, "transport": "none (process start; the console attaches over a "
           "unix socket after its first paint)", "repeats": args.repeats, "load": os.getloadavg()[0],
           "platform": env["QT_QPA_PLATFORM"], **machine()}
    emit("startup.first_paint_median", round(ours_med, 3), "s", peer_value=round(bare_med, 3),
         runs=[round(x, 3) for x in ours], peer_runs=[round(x, 3) for x in bare], **ctx)
    emit("startup.ratio_to_bare", round(ours_med / bare_med, 2), "x", peer_value=1.0, target=1.2, **ctx)
    cpu_med, bare_cpu_med = statistics.median(ours_cpu), statistics.median(bare_cpu)
    emit("startup.first_paint_cpu_median", round(cpu_med, 3), "s", peer_value=round(bare_cpu_med, 3),
         runs=[round(x, 3) for x in ours_cpu], peer_runs=[round(x, 3) for x in bare_cpu], **ctx)
    emit("startup.cpu_ratio_to_bare", round(cpu_med / bare_cpu_med, 2), "x", peer_value=1.0, **ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        note(f"startup: could not measure: {exc}")
        sys.exit(1)
