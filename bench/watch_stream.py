"""Job/pod changes per second delivered to Watch clients over the unix socket.

    python bench/watch_stream.py [--fill-changes 110000] [--live-changes 30000] [--clients 50]
                                 [--clients-in both|bench|subprocess]

1. Fill the change log: CreateJob with start_paused=True of jobs with 100 instances (each
   create = 100 pod changes + 1 job change; no process is spawned), 16 calls in flight.
2. Catch-up, one client: Watch(start_revision=R0) and count changes until the response
   revision reaches the end revision R1 of the fill.
3. Live, one client: Watch from now while a producer creates more such jobs; delivered
   changes/s between the first and the last change, next to the production rate.
4. The same for N clients at once (N channels = N connections): catch-up from R0, and live.
   The clients run either in this process (one asyncio loop, grpc.aio) or in one separate
   process (one asyncio loop there), so the client side's CPU can be told apart.
Responses are fully parsed by the client (WatchResponse with its Change messages).
Prints one JSON object per line; targets are printed as keys, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grpc
from _engine import CHANNEL_OPTIONS, Client, emit, engine, job_spec, machine, note, run

from pelorus.api import watch_service_pb2 as ws
from pelorus.api import watch_service_pb2_grpc

TARGET = ">= 20,000 changes/s to one client"
JOB_INSTANCES = 100


@dataclass
class Count:
    changes: int = 0
    messages: int = 0
    last_revision: int = 0
    t_call: float = 0.0
    t_first: float = 0.0
    t_last: float = 0.0
    done: bool = False
    stopped: bool = False  # we cancelled the call ourselves: the end was already reached


class Ender:
    """The end revision, known at once (catch-up) or only after the producer stops (live)."""

    def __init__(self, end: int | None = None) -> None:
        self.end = end
        self.event = asyncio.Event()
        self.counts: list[Count] = []
        self.calls: list[grpc.aio.Call] = []

    def set(self, end: int) -> None:
        self.end = end
        for cnt, call in zip(self.counts, self.calls, strict=True):
            if cnt.last_revision >= end and not cnt.done:
                cnt.stopped = True
                call.cancel()


async def watch_until(stub: watch_service_pb2_grpc.WatchServiceStub, start: int, ender: Ender,
                      ready: asyncio.Event | None = None) -> Count:
    cnt = Count(t_call=time.perf_counter())
    call = stub.Watch(ws.WatchRequest(start_revision=start), timeout=600)
    ender.counts.append(cnt)
    ender.calls.append(call)
    try:
        async for resp in call:
            n = len(resp.changes)
            if n:
                now = time.perf_counter()
                if not cnt.changes:
                    cnt.t_first = now
                cnt.t_last = now
                cnt.changes += n
            cnt.messages += 1
            cnt.last_revision = resp.revision
            if ready is not None and not ready.is_set():
                ready.set()
            if ender.end is not None and resp.revision >= ender.end:
                break
    except asyncio.CancelledError:
        if not cnt.stopped:
            raise
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.CANCELLED:
            raise
    finally:
        cnt.done = True
        call.cancel()
    return cnt


async def produce(client: Client, changes: int, concurrency: int = 16, prefix: str = "fill",
                  instances: int = JOB_INSTANCES) -> tuple[int, float]:
    """Create paused jobs of `instances` pods until about `changes` changes were committed."""
    n_jobs = max(1, changes // (instances + 1))
    nxt = 0

    async def worker() -> None:
        nonlocal nxt
        while nxt < n_jobs:
            i = nxt
            nxt += 1
            await client.create(job_spec(f"{prefix}-{i:05d}", instances, "sleep", "3600", owner="bench",
                                         labels={"team": "bench"}), start_paused=True)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n_jobs, time.perf_counter() - t0


def rate(c: Count, from_call: bool = True) -> float:
    t0 = c.t_call if from_call else c.t_first
    return c.changes / (c.t_last - t0) if c.t_last > t0 else 0.0


# -- the N-client part, runnable in this process or in a child process -------------------
async def many_catch_up(address: str, n: int, start: int, end: int) -> dict:
    channels = [grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS) for _ in range(n)]
    try:
        await asyncio.gather(*(ch.channel_ready() for ch in channels))
        ender = Ender(end)
        cpu0 = time.process_time()
        counts = await asyncio.gather(*(watch_until(watch_service_pb2_grpc.WatchServiceStub(ch), start, ender)
                                        for ch in channels))
        cpu = time.process_time() - cpu0
    finally:
        await asyncio.gather(*(ch.close() for ch in channels))
    return summarize(counts, cpu)


def summarize(counts: list[Count], client_cpu: float) -> dict:
    t0 = min(c.t_call for c in counts)
    t1 = max(c.t_last for c in counts)
    per = [rate(c) for c in counts]
    return {"clients": len(counts), "total_changes": sum(c.changes for c in counts),
            "each_changes": sorted({c.changes for c in counts}), "seconds": round(t1 - t0, 3),
            "aggregate": sum(c.changes for c in counts) / (t1 - t0),
            "per_client_median": statistics.median(per), "per_client_min": min(per), "per_client_max": max(per),
            "client_cpu_s": round(client_cpu, 2)}


def _child_catch_up(address: str, n: int, start: int, end: int, conn) -> None:
    try:
        conn.send(asyncio.run(asyncio.wait_for(many_catch_up(address, n, start, end), 600)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send({"error": repr(exc)})
    finally:
        conn.close()


async def catch_up_in_child(address: str, n: int, start: int, end: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_catch_up, args=(address, n, start, end, child), daemon=True)
    proc.start()
    child.close()
    try:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, lambda: parent.recv() if parent.poll(900) else
                                            {"error": "child gave no result in 900 s"})
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()  # our own child, by its Process handle
            proc.join(5)
    if "error" in result:
        raise RuntimeError(f"client process failed: {result['error']}")
    return result


# -- the benchmark ---------------------------------------------------------------------------
async def bench(args: argparse.Namespace) -> None:
    with engine(label="watch") as eng:
        async with Client(eng.address) as c:
            r0 = await c.revision()
            jobs, dt = await produce(c, args.fill_changes)
            r1 = await c.revision()
            base = {**machine(), "transport": "unix socket", "client_parses": "full WatchResponse",
                    "change_mix": f"{JOB_INSTANCES} pod changes + 1 job change per CreateJob (start_paused)"}
            emit("watch_stream.fill_rate", round((r1 - r0) / dt, 1), "changes/s", changes=r1 - r0, jobs=jobs,
                 seconds=round(dt, 2), note="changes committed by CreateJob, 16 in flight, no watcher", **machine())

            # -- catch-up, one client --------------------------------------------------------
            results = []
            for _ in range(args.repeat):
                cpu0 = time.process_time()
                cnt = await watch_until(c.watch, r0, Ender(r1))
                results.append((rate(cnt), cnt, time.process_time() - cpu0))
            results.sort(key=lambda x: x[0])
            best, cnt, cpu = results[-1]
            med = statistics.median(r for r, _, _ in results)
            emit("watch_stream.catch_up_1_client", round(med, 1), "changes/s", best=round(best, 1),
                 changes=cnt.changes, messages=cnt.messages, changes_per_message=round(cnt.changes / cnt.messages),
                 seconds=round(cnt.t_last - cnt.t_call, 3), repeats=args.repeat, client_cpu_s=round(cpu, 2),
                 start_revision=r0, end_revision=r1, target=TARGET, **base)

            # -- live, one client --------------------------------------------------------------
            ender = Ender()
            ready = asyncio.Event()
            watcher = asyncio.create_task(watch_until(c.watch, 0, ender, ready))
            await asyncio.wait_for(ready.wait(), 30)
            async with Client(eng.address) as producer:  # its own connection
                p0 = await producer.revision()
                _pjobs, pdt = await produce(producer, args.live_changes, prefix="live", instances=args.live_instances)
                t_prod_end = time.perf_counter()
                p1 = await producer.revision()
            ender.set(p1)
            cnt = await asyncio.wait_for(watcher, 120)
            emit("watch_stream.live_1_client", round(rate(cnt, from_call=False), 1), "changes/s",
                 changes=cnt.changes, messages=cnt.messages,
                 changes_per_message=round(cnt.changes / max(1, cnt.messages), 1),
                 produced_changes_per_s=round((p1 - p0) / pdt, 1),
                 last_change_after_producer_s=round(cnt.t_last - t_prod_end, 3),
                 live_job_instances=args.live_instances,
                 note="live rate is bounded by the production rate (CreateJob, 16 in flight, separate channel)",
                 target=TARGET, **base)

            # -- N clients: catch-up -------------------------------------------------------
            modes = ["bench", "subprocess"] if args.clients_in == "both" else [args.clients_in]
            for mode in modes:
                if mode == "bench":
                    res = await many_catch_up(eng.address, args.clients, r0, r1)
                    where = "bench process (one asyncio loop, one channel per client)"
                else:
                    res = await catch_up_in_child(eng.address, args.clients, r0, r1)
                    where = "separate client process (one asyncio loop, one channel per client)"
                emit(f"watch_stream.catch_up_{args.clients}_clients.{mode}", round(res["aggregate"], 1),
                     "changes/s aggregate", per_client_median=round(res["per_client_median"], 1),
                     per_client_min=round(res["per_client_min"], 1), per_client_max=round(res["per_client_max"], 1),
                     clients=res["clients"], changes_per_client=res["each_changes"], seconds=res["seconds"],
                     client_cpu_s=res["client_cpu_s"], clients_in=where, **base)

            # -- N clients: live (in this process) ------------------------------------------
            ender = Ender()
            channels = [grpc.aio.insecure_channel(eng.address, options=CHANNEL_OPTIONS) for _ in range(args.clients)]
            try:
                readies = [asyncio.Event() for _ in channels]
                tasks = [asyncio.create_task(watch_until(watch_service_pb2_grpc.WatchServiceStub(ch), 0, ender, rd))
                         for ch, rd in zip(channels, readies, strict=True)]
                await asyncio.wait_for(asyncio.gather(*(rd.wait() for rd in readies)), 60)
                cpu0 = time.process_time()
                async with Client(eng.address) as producer:
                    p0 = await producer.revision()
                    _pjobs, pdt = await produce(producer, args.live_changes, prefix="live50",
                                                 instances=args.live_instances)
                    t_prod_end = time.perf_counter()
                    p1 = await producer.revision()
                ender.set(p1)
                counts = await asyncio.wait_for(asyncio.gather(*tasks), 300)
                cpu = time.process_time() - cpu0
            finally:
                await asyncio.gather(*(ch.close() for ch in channels))
            per = [rate(x, from_call=False) for x in counts]
            t0 = min(x.t_first for x in counts)
            t1 = max(x.t_last for x in counts)
            emit(f"watch_stream.live_{args.clients}_clients", round(sum(x.changes for x in counts) / (t1 - t0), 1),
                 "changes/s aggregate", per_client_median=round(statistics.median(per), 1),
                 per_client_min=round(min(per), 1), clients=len(counts),
                 changes_per_client=sorted({x.changes for x in counts}),
                 produced_changes_per_s=round((p1 - p0) / pdt, 1), produce_seconds=round(pdt, 2),
                 live_job_instances=args.live_instances,
                 deliver_seconds=round(t1 - t0, 2), last_change_after_producer_s=round(t1 - t_prod_end, 3),
                 client_cpu_s=round(cpu, 2),
                 clients_in="bench process (one asyncio loop, one channel per client); producer on its own channel",
                 **base)
            note(f"engine rss {eng.rss() / 2**20:.0f} MiB, cpu {eng.cpu_seconds():.1f} s; log tail:\n"
                 f"{eng.log()[-1500:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fill-changes", type=int, default=110_000)
    ap.add_argument("--live-changes", type=int, default=30_000)
    ap.add_argument("--live-instances", type=int, default=1000,
                    help="pods per paused job created during the live phases (bigger = more changes/s produced)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--clients-in", choices=["both", "bench", "subprocess"], default="both")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=1500.0, help="bound on the whole run (s)")
    args = ap.parse_args()
    run(bench(args), args.timeout)


if __name__ == "__main__":
    main()
