"""Re-attach: `python main.py` on a data dir whose engine is running with 100,000 jobs; how long
after the window's first paint the jobs table shows its first rows, and all of them.

    python bench/reattach.py [--jobs 100000] [--repeats 3] [--reuse DIR]

Path timed (ours): `python main.py --data-dir DIR` (the console re-attaching to the engine already
running on DIR's unix socket) -> EngineClient.list_jobs_raw (ListJobs pages as wire bytes) ->
each page decoded in bulk into JobsTableModel as it arrives -> JobsProxyModel -> the main
window's jobs table.  console.startup_probe (PELORUS_STARTUP_PROBE=rows:N) prints the first
paint, the paint after the first rows appear and the paint once all N are there.
Peer (same run, same engine): a bare grpc.aio client in this process, protobuf stubs, no Qt:
ListJobs' first page and the whole stream (the transport's floor for both figures).
Transport: unix socket (grpc.aio).  Platform: QT_QPA_PLATFORM as set (offscreen when unset).
Filling 100,000 jobs takes minutes: --reuse DIR keeps the data dir for the next run.
Exit status 1 when a figure could not be measured.
"""

from __future__ import annotations

import argparse
import asyncio
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


def console_run(data_dir: Path, want: int, env: dict[str, str], timeout: float = 120) -> tuple[float, float, float]:
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "main.py", "--data-dir", str(data_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(5)
        raise RuntimeError(f"the console did not show {want} rows in {timeout} s") from None
    got = {k: float(v) for k, v in re.findall(rb"(painted|rows_first|rows_all) ([0-9.]+)", out)}
    if set(got) != {b"painted", b"rows_first", b"rows_all"}:
        raise RuntimeError(f"the console exited ({proc.returncode}) before showing every row: {out[-300:]!r}")
    return got[b"painted"] - t0, got[b"rows_first"] - got[b"painted"], got[b"rows_all"] - got[b"painted"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reuse", type=Path, default=None)
    args = ap.parse_args()
    env = dict(os.environ, PELORUS_STARTUP_PROBE=f"rows:{args.jobs}", QT_API="pyside6")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    eng = BenchEngine(label="reattach", data_dir=args.reuse)
    eng.start(timeout=120)
    try:
        asyncio.run(fill(eng.address, args.jobs))
        ours: list[tuple[float, float, float]] = []
        peers: list[tuple[float, float, int]] = []
        for _ in range(args.repeats):
            peers.append(asyncio.run(peer(eng.address)))
            ours.append(console_run(eng.data_dir, args.jobs, env))
    finally:
        eng.stop()
    if any(p[2] < args.jobs for p in peers):
        raise RuntimeError(f"the engine lists {peers[0][2]} jobs, fewer than {args.jobs}")
    ctx = {"path": PATH, "peer_path": PEER_PATH, "transport": TRANSPORT, "jobs": args.jobs,
           "repeats": args.repeats, "load": os.getloadavg()[0], "platform": env["QT_QPA_PLATFORM"], **machine()}
    med = statistics.median
    emit("reattach.first_paint", round(med(o[0] for o in ours), 3), "s", peer_value=None, **ctx)
    emit("reattach.first_rows_after_first_paint", round(med(o[1] for o in ours), 3), "s",
         peer_value=round(med(p[0] for p in peers), 3), peer="ListJobs first page, bare client", target=1.0,
         runs=[round(o[1], 3) for o in ours], **ctx)
    emit("reattach.all_rows_after_first_paint", round(med(o[2] for o in ours), 3), "s",
         peer_value=round(med(p[1] for p in peers), 3), peer="ListJobs whole stream, bare client",
         runs=[round(o[2], 3) for o in ours], **ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        note(f"reattach: could not measure: {exc}")
        sys.exit(1)
