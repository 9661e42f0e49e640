"""Unary round trips through the `call` path against the engine, next to a plain grpcio stub.

    python bench/call_latency.py [--calls 3000] [--block 250] [--process-runs 5]

One engine on a unix socket (loopback), one job created paused so GetJob has something to return.
In one run, one asyncio loop, on two channels:

* call path: what `python main.py call ADDRESS pelorus.v1.JobService/GetJob -d JSON` does per call
  once the schema is loaded (loaded once by server reflection, as the command does): JSON -> request
  bytes (pelorus.grpccall.payload), the generic bytes-in/bytes-out call (pelorus.grpccall.invoke),
  the response bytes -> JSON;
* the same with ``--in binary --out binary`` (no JSON either way), to tell the call mechanics
  from the JSON conversion;
* peer: the generated JobServiceStub.GetJob with a GetJobRequest message, response parsed.

Calls are sequential and the two sides alternate in blocks, so drift (another process on the
machine) hits both alike. Then the whole process, `python main.py call ... GetJob` (start-up,
reflection, call, exit), timed a few times; grpcurl would be its peer, but is measured only when
it is on PATH (it is not installed here: peer_value is then null and the row says so).
Prints one JSON object per line: name, value, unit, peer_value, and context.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grpc
from _engine import CHANNEL_OPTIONS, ROOT, Client, emit, engine, job_spec, machine, note, percentile, run

from pelorus.api import job_service_pb2 as js
from pelorus.api import job_service_pb2_grpc
from pelorus.grpccall import schemas as sch
from pelorus.grpccall.invoke import invoke
from pelorus.grpccall.payload import ResponseWriter, json_requests
from pelorus.grpccall.target import Target, open_channel

METHOD = "pelorus.v1.JobService/GetJob"


async def measure(address: str, calls: int, block: int) -> tuple[dict[str, list[float]], str]:
    async with Client(address) as setup:
        job_id = (await setup.create(job_spec("bench-call", 4, "true"), start_paused=True)).job_id
    body = json.dumps({"job_id": job_id})
    channel = open_channel(Target(address))
    peer_channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
    stub = job_service_pb2_grpc.JobServiceStub(peer_channel)  # type: ignore[no-untyped-call]
    try:
        schemas = await sch.from_reflection(channel, address, [], 10.0)
        method = sch.find_method(schemas, METHOD)
        path = sch.method_path(method)
        sink, raw_sink = io.StringIO(), io.BytesIO()
        writer = ResponseWriter(schemas.registry, method.output_type, "json", False, sink, io.BytesIO(), note)
        raw_writer = ResponseWriter(schemas.registry, method.output_type, "binary", False, sink, raw_sink, note)
        raw_request = js.GetJobRequest(job_id=job_id).SerializeToString()

        async def via_call() -> None:
            requests = json_requests(schemas.registry, method.input_type, body)
            outcome = await invoke(channel, path, "unary", requests, writer, timeout=10.0)
            if not outcome.ok:
                raise RuntimeError(f"call failed: {outcome.code.name}: {outcome.details}")

        async def via_call_binary() -> None:  # --in binary --out binary: no JSON either way
            outcome = await invoke(channel, path, "unary", [raw_request], raw_writer, timeout=10.0)
            if not outcome.ok:
                raise RuntimeError(f"call failed: {outcome.code.name}: {outcome.details}")

        async def via_stub() -> None:
            resp = await stub.GetJob(js.GetJobRequest(job_id=job_id), timeout=10.0)
            assert resp.summary.job_id == job_id

        sides = {"json": via_call, "binary": via_call_binary, "stub": via_stub}
        for fn in sides.values():  # warm the channels and code paths
            for _ in range(50):
                await fn()
        times: dict[str, list[float]] = {k: [] for k in sides}
        while len(times["json"]) < calls:
            for key, fn in sides.items():
                out = times[key]
                for _ in range(min(block, calls - len(out))):
                    t0 = time.perf_counter()
                    await fn()
                    out.append(time.perf_counter() - t0)
        assert job_id in sink.getvalue() and raw_sink.getvalue()
        return times, job_id
    finally:
        await channel.close()
        await peer_channel.close()


def process_runs(address: str, job_id: str, runs: int) -> list[float]:
    cmd = [sys.executable, str(ROOT / "main.py"), "call", address, METHOD, "-d", json.dumps({"job_id": job_id})]
    times: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=60, check=False)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"main.py call failed ({proc.returncode}): {proc.stderr.decode()}")
    return times


def grpcurl_runs(address: str, job_id: str, runs: int) -> list[float] | None:
    exe = shutil.which("grpcurl")
    if exe is None:
        return None
    cmd = [exe, "-plaintext", "-unix", "-d", json.dumps({"job_id": job_id}), address.removeprefix("unix:"),
           METHOD]
    times: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, timeout=60, check=True)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--block", type=int, default=250)
    ap.add_argument("--process-runs", type=int, default=5)
    args = ap.parse_args()
    ctx = machine()
    with engine(label="call") as eng:
        times, job_id = run(measure(eng.address, args.calls, args.block), timeout=900)
        theirs = times["stub"]
        for key, what in (("json", "JSON in, pretty JSON out (the default)"), ("binary", "--in/--out binary")):
            ours = times[key]
            ctx_call = {**ctx, "calls": len(ours), "method": METHOD, "transport": "unix socket", "call_io": what,
                        "peer": "grpcio JobServiceStub.GetJob (grpc.aio), response parsed"}
            prefix = "call_unary" if key == "json" else "call_unary_binary"
            emit(f"{prefix}_round_trips", round(len(ours) / sum(ours), 1), "calls/s",
                 peer_value=round(len(theirs) / sum(theirs), 1), **ctx_call)
            for q, label in ((0.5, "p50"), (0.99, "p99")):
                emit(f"{prefix}_latency_{label}", round(percentile(ours, q) * 1e3, 3), "ms",
                     peer_value=round(percentile(theirs, q) * 1e3, 3), **ctx_call)
        if args.process_runs:
            walls = process_runs(eng.address, job_id, args.process_runs)
            peer = grpcurl_runs(eng.address, job_id, args.process_runs)
            emit("call_process_wall_median", round(percentile(walls, 0.5) * 1e3, 1), "ms",
                 peer_value=round(percentile(peer, 0.5) * 1e3, 1) if peer else None,
                 peer="grpcurl" if peer else "grpcurl is not installed on this machine: no peer figure",
                 runs=len(walls), what="python main.py call ADDRESS GetJob: start-up, reflection, call, exit",
                 **ctx)


if __name__ == "__main__":
    main()
