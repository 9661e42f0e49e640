"""Re-attach: `python main.py` on a data dir whose engine is running with 100,000 jobs; how long
after the window's first paint the jobs table shows its first rows, and all of them.

    python bench/reattach.py [--jobs 100000] [--repeats 3] [--reuse DIR] [--old CHECKOUT]

Path timed (ours): `python main.py --data-dir DIR` (the console re-attaching to the engine already
running on DIR's unix socket) -> EngineClient.list_jobs_raw (ListJobs pages as wire bytes) ->
each page decoded in bulk into JobsTableModel as it arrives -> JobsProxyModel -> the main
window's jobs table.  console.startup_probe (PELORUS_STARTUP_PROBE=rows:N) prints the first
paint, the paint after the first rows appear and the paint once all N are there.
Peer (same run, same engine): a bare grpc.aio client in this process, protobuf stubs, no Qt:
ListJobs' first page and the whole stream (the transport's floor for both figures).
Also the CPU the console's process used from its first paint to the paint showing the first rows
(the probe's time.thread_time for the UI thread, time.process_time for every thread: at load 8 on
2 cores every CPU-ms costs several ms of wall time, so the CPU is the load-robust figure), and where
it went: the phases console.startup_marks records between those paints (wall, UI thread CPU,
process CPU per phase; a phase ending on another thread has no UI figure).
--old CHECKOUT: the same console path from another checkout (say `git worktree add /tmp/old REV`),
run alternately with this one on the same engine, as the peer of the console figures (an older
checkout whose probe prints no CPU is given this one's console/startup_probe.py and
console/startup_marks.py by copying them in first: it then has the CPU figures but no phases).
Both checkouts are byte-compiled first (`python -m compileall`, as installing a wheel does and as
any `python main.py` run without PYTHONDONTWRITEBYTECODE leaves them): with that variable set and no
__pycache__, every run compiled the console's modules from source, ~0.1-0.2 s of CPU after the
first paint that an operator's console does not spend.
Transport: unix socket (grpc.aio).  Platform: QT_QPA_PLATFORM as set (offscreen when unset).
Filling 100,000 jobs takes minutes: --reuse DIR keeps the data dir for the next run.
Exit status 1 when a figure could not be measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _engine import ROOT, BenchEngine, Client, emit, job_spec, machine, note  # noqa: E402

from pelorus.api import job_service_pb2 as js  # noqa: E402

PATH = ("python main.py --data-dir DIR (engine running there) -> list_jobs_raw pages -> decoded into "
        "JobsTableModel as they arrive -> JobsProxyModel -> the window's jobs table painted")
PEER_PATH = "grpc.aio stub in the benchmark process: ListJobs first page / whole stream, parsed, no Qt"
TRANSPORT = "unix socket (grpc.aio)"


async def count(address: str) -> int:
    async with Client(address) as c:
        n = 0
        async for resp in c.jobs.ListJobs(js.ListJobsRequest(), timeout=300):
            n += len(resp.jobs)
        return n


async def fill(address: str, target: int) -> None:
    have = await count(address)
    async with Client(address) as c:
        sem = asyncio.Semaphore(48)

        async def create(i: int) -> None:
            async with sem:
                spec = job_spec(f"reattach-{i:06d}", 1, "/bin/true", owner=f"owner{i % 13}",
                                labels={"team": f"t{i % 5}"})
                await c.create(spec, start_paused=True)

        t0 = time.perf_counter()
        for lo in range(have, target, 5000):
            await asyncio.gather(*(create(i) for i in range(lo, min(target, lo + 5000))))
            note(f"  {min(target, lo + 5000)} jobs ({time.perf_counter() - t0:.0f} s)")


async def peer(address: str) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    async with Client(address) as c:
        first = 0.0
        n = 0
        async for resp in c.jobs.ListJobs(js.ListJobsRequest(), timeout=300):
            if not first:
                first = time.perf_counter() - t0
            n += len(resp.jobs)
        return first, time.perf_counter() - t0, n


class Run:
    """One console run: seconds from Popen to the first paint, from it to the first rows and to all
    rows; CPU seconds from the first paint to the first rows (UI thread, process); the phases."""

    def __init__(self, out: bytes, t0: float) -> None:
        got = {k: float(v) for k, v in re.findall(rb"(painted|rows_first|rows_all) ([0-9.]+)", out)}
        self.complete = set(got) == {b"painted", b"rows_first", b"rows_all"}
        if not self.complete:
            return
        self.paint = got[b"painted"] - t0
        self.first = got[b"rows_first"] - got[b"painted"]
        self.all = got[b"rows_all"] - got[b"painted"]
        cpu = dict(re.findall(rb"(painted|rows_first) [0-9.]+(?: [0-9]+)? cpu ([0-9.]+ [0-9.]+)", out))
        self.ui_cpu = self.proc_cpu = None
        if b"painted" in cpu and b"rows_first" in cpu:
            (u0, p0), (u1, p1) = (map(float, cpu[k].split()) for k in (b"painted", b"rows_first"))
            self.ui_cpu, self.proc_cpu = u1 - u0, p1 - p0
        m = re.search(rb"^marks (.*)$", out, re.M)
        # phase name -> (wall, UI CPU or None, process CPU) since the previous mark
        self.phases: dict[str, tuple[float, float | None, float]] = {}
        if m:
            marks = json.loads(m.group(1))
            last_ui = marks[0][2]
            for prev, cur in zip(marks, marks[1:], strict=False):
                ui = None
                if cur[2] is not None and last_ui is not None:
                    ui, last_ui = cur[2] - last_ui, cur[2]
                self.phases[cur[0]] = (cur[1] - prev[1], ui, cur[3] - prev[3])


def console_run(data_dir: Path, want: int, env: dict[str, str], root: Path = ROOT, timeout: float = 120) -> Run:
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "main.py", "--data-dir", str(data_dir)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(5)
        raise RuntimeError(f"the console did not show {want} rows in {timeout} s") from None
    run = Run(out, t0)
    if not run.complete:
        raise RuntimeError(f"the console ({root}) exited ({proc.returncode}) before showing every row: {out[-300:]!r}")
    return run


def compiled(root: Path) -> None:
    """Byte-compile a checkout's console and core (see the module's docstring)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "console", "pelorus", "main.py"], cwd=root,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=600)


def with_probe(old: Path) -> None:
    """Give an older checkout this one's probe (the CPU figures), unless it has it already."""
    here = ROOT / "console"
    for name in ("startup_probe.py", "startup_marks.py"):
        theirs = old / "console" / name
        if not theirs.exists() or "thread_time" not in theirs.read_text():
            theirs.write_text((here / name).read_text())
            note(f"reattach: copied {name} into {old}")


def _med(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def phases(runs: list[Run]) -> dict[str, list[float | None]]:
    """Median (wall, UI CPU, process CPU) per phase, in ms, in the order of the first run."""
    names = list(runs[0].phases)
    return {n: [None if (v := _med([r.phases[n][i] for r in runs if n in r.phases])) is None else round(v * 1000)
                for i in range(3)] for n in names}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reuse", type=Path, default=None)
    ap.add_argument("--old", type=Path, default=None, help="another checkout's console, run alternately as the peer")
    args = ap.parse_args()
    if args.old is not None:
        with_probe(args.old)
    for root in (ROOT, args.old) if args.old is not None else (ROOT,):
        compiled(root)
    env = dict(os.environ, PELORUS_STARTUP_PROBE=f"rows:{args.jobs}", QT_API="pyside6")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    eng = BenchEngine(label="reattach", data_dir=args.reuse)
    eng.start(timeout=120)
    try:
        asyncio.run(fill(eng.address, args.jobs))
        ours: list[Run] = []
        olds: list[Run] = []
        peers: list[tuple[float, float, int]] = []
        for _ in range(args.repeats):
            peers.append(asyncio.run(peer(eng.address)))
            if args.old is not None:
                olds.append(console_run(eng.data_dir, args.jobs, env, root=args.old))
            ours.append(console_run(eng.data_dir, args.jobs, env))
    finally:
        eng.stop()
    if any(p[2] < args.jobs for p in peers):
        raise RuntimeError(f"the engine lists {peers[0][2]} jobs, fewer than {args.jobs}")
    ctx = {"path": PATH, "peer_path": PEER_PATH, "transport": TRANSPORT, "jobs": args.jobs,
           "repeats": args.repeats, "load": os.getloadavg()[0], "platform": env["QT_QPA_PLATFORM"], **machine()}
    med = statistics.median
    emit("reattach.first_paint", round(med(o.paint for o in ours), 3), "s", peer_value=None, **ctx)
    emit("reattach.first_rows_after_first_paint", round(med(o.first for o in ours), 3), "s",
         peer_value=round(med(p[0] for p in peers), 3), peer="ListJobs first page, bare client", target=1.0,
         runs=[round(o.first, 3) for o in ours], **ctx)
    emit("reattach.all_rows_after_first_paint", round(med(o.all for o in ours), 3), "s",
         peer_value=round(med(p[1] for p in peers), 3), peer="ListJobs whole stream, bare client",
         runs=[round(o.all, 3) for o in ours], **ctx)
    for attr, what in (("ui_cpu", "UI thread (time.thread_time)"), ("proc_cpu", "every thread (time.process_time)")):
        emit(f"reattach.first_rows_{attr}", _med([getattr(o, attr) for o in ours]), "s CPU", peer_value=None,
             of=f"the console's {what} from its first paint to the paint showing the first rows",
             runs=[getattr(o, attr) and round(getattr(o, attr), 3) for o in ours], **ctx)
    emit("reattach.first_rows_phases", phases(ours), "ms [wall, UI thread CPU, process CPU] per phase (median)",
         peer_value=None, **ctx)
    if olds:
        old_ctx = {**ctx, "peer": f"the console from {args.old}, run alternately on the same engine"}
        for name, attr in (("first_paint", "paint"), ("first_rows_after_first_paint", "first"),
                           ("all_rows_after_first_paint", "all"), ("first_rows_ui_cpu", "ui_cpu"),
                           ("first_rows_proc_cpu", "proc_cpu")):
            emit(f"reattach.vs_old.{name}", _med([getattr(o, attr) for o in ours]), "s",
                 peer_value=_med([getattr(o, attr) for o in olds]), runs=[_med([getattr(o, attr)]) for o in ours],
                 peer_runs=[_med([getattr(o, attr)]) for o in olds], **old_ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        note(f"reattach: could not measure: {exc}")
        sys.exit(1)
