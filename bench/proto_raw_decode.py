"""What the user reads, timed as the user gets it: `proto decode` as a whole process, peers in the same run.

    python bench/proto_raw_decode.py [--sizes 1,10,100] [--kinds list_pods,all_types,descriptor_set]
        [--peer-mb 1] [--repeat 2] [--stream-mb 0] [--panes-mb 10]

Per kind of message (bench/proto_corpus.py: the project's ListPodsResponse, an AllTypesList with
every field type, a FileDescriptorSet) and size, one JSON line per path:

- ``raw`` / ``json``: ``python main.py proto decode FILE --format raw|json`` (schemaless), start-up
  included, stdout to /dev/null; peer ``protoc --decode_raw`` (Debian's protobuf-compiler, else
  ``python -m grpc_tools.protoc``) as a whole process on the same file, and bbpb and
  protobuf-inspector in-process (their decode call, as their users make it) on the same bytes when
  the size is at most ``--peer-mb`` (they run at 0.3-3 MB/s).
- ``typed_text`` / ``typed_json``: ``proto decode --type T --descriptor-set F --format text|json``;
  peer: a Python process that loads the same descriptor set and prints protobuf's own
  ``text_format.MessageToString`` / ``json_format.MessageToJson`` (upb) with the same options.
- ``pane_text`` / ``pane_json`` (in-process, ``--panes-mb``): the editor's schemaless Text and JSON
  panes (textedit.pane_text), ``tree_first_level`` (ProtoTree: the root's first batch of rows with
  their cell text), ``guess_type`` (SchemaRegistry.guess_types).
- ``stream_raw`` (``--stream-mb`` > 0): a varint-delimited stream of ListPodsResponse records of that
  many MB printed raw: seconds to the first output byte, whole time and peak memory.

Our figures are those of the C renderer (pelorus/protobuf/_rawwire.c) when it is built;
``PELORUS_PROTOBUF_PURE=1 python bench/proto_raw_decode.py ...`` times the pure-Python fallback instead.

Processes run with their bytecode cached (as installed, whatever PYTHONDONTWRITEBYTECODE says), in a
cache of the run's own that a warm-up fills first.

Each whole-process line carries the process's peak RSS (``peak_rss_mb``), its seconds, MB/s and the
peers' figures; a ``scaling`` line per path compares the per-MB time at the largest size with the one
at the smallest. Exits non-zero when a measurement fails (a non-zero exit of our CLI or of a peer).
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import proto_corpus as corpus

KINDS: dict[str, tuple[Callable[[int], bytes], str]] = {
    "list_pods": (corpus.list_pods, corpus.LIST_PODS),
    "all_types": (corpus.all_types, corpus.ALLTYPES),
    "descriptor_set": (corpus.descriptor_set, corpus.FILE_DESCRIPTOR_SET),
}
PY = sys.executable
CLI = [PY, str(ROOT / "main.py"), "proto", "decode"]

_PEER_TYPED = r"""
import sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format
fds = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], "rb").read())
pool = descriptor_pool.DescriptorPool()
for f in fds.file:
    pool.Add(f)
cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(sys.argv[2]))
msg = cls.FromString(open(sys.argv[3], "rb").read())
if sys.argv[4] == "text":
    sys.stdout.write(text_format.MessageToString(msg, descriptor_pool=pool, print_unknown_fields=True))
else:
    sys.stdout.write(json_format.MessageToJson(msg, descriptor_pool=pool, preserving_proto_field_name=True,
                                               indent=2) + "\n")
"""


class Failed(Exception):
    pass


def emit(**obj: object) -> None:
    print(json.dumps(obj), flush=True)


PYCACHE = tempfile.mkdtemp(prefix="proto-bench-pyc-")
atexit.register(shutil.rmtree, PYCACHE, True)
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": PYCACHE}
"""The processes timed run with their bytecode cached (as an installed package has it), in a cache of this
run's own (PYTHONPYCACHEPREFIX), even where the environment says PYTHONDONTWRITEBYTECODE: compiling the
modules on every start costs ~30 ms no user pays. :func:`warm_up` fills it before the first timing."""

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run_process(argv: list[str], stdin: Path | None = None) -> tuple[float, float, float]:
    """(seconds, peak RSS in MB, CPU seconds: user + system) of one whole process, stdout to /dev/null.

    The peak comes from GNU time when it is there (Linux children inherit the forking process's peak
    RSS, and this one holds the generated messages: wait4's figure would be ours, not the child's);
    else from polling the child every 5 ms."""
    import psutil

    report = Path(tempfile.mkstemp(prefix="rss-")[1])
    wrapped = [TIME, "-f", "%U %S %M", "-o", str(report), *argv] if TIME else argv
    with open(os.devnull, "wb") as sink, (open(stdin, "rb") if stdin else open(os.devnull, "rb")) as src:
        t = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdin=src, stdout=sink, stderr=subprocess.PIPE, env=CHILD_ENV)
        peak = 0
        cpu = -1.0
        if not TIME:
            child = psutil.Process(proc.pid)
            while proc.poll() is None:
                try:
                    peak = max(peak, child.memory_info().rss)
                except psutil.Error:
                    break
                time.sleep(0.005)
        assert proc.stderr is not None
        err = proc.stderr.read()
        proc.wait()
        took = time.perf_counter() - t
    if TIME:
        text = report.read_text().strip().splitlines()
        last = text[-1].split() if text else []
        if len(last) == 3 and last[2].isdigit():
            peak = int(last[2]) * 1024
            cpu = float(last[0]) + float(last[1])
    report.unlink()
    if proc.returncode != 0:
        raise Failed(f"{' '.join(argv[:6])} … exited {proc.returncode}: {err.decode(errors='replace')[:300]}")
    return took, peak / 2**20, cpu


def warm_up(tmp: Path, desc: Path) -> None:
    """One run of each kind of process timed (CLI raw / JSON / typed, the typed peer) on a tiny message,
    so that the bytecode cache holds every module they import before the first timing."""
    tiny = tmp / "warm.bin"
    tiny.write_bytes(b"\x08\x01")
    typed = ["--type", corpus.LIST_PODS, "--descriptor-set", str(desc)]
    for argv in ([*CLI, str(tiny), "--format", "raw"], [*CLI, str(tiny), "--format", "json"],
                 [*CLI, str(tiny), "--format", "text", *typed], [*CLI, str(tiny), "--format", "json", *typed],
                 [PY, "-c", _PEER_TYPED, str(desc), corpus.LIST_PODS, str(tiny), "json"]):
        try:
            run_process(argv)
        except Failed as err:
            emit(note=f"warm-up failed: {err}")


def best_process(repeat: int, argv: list[str], stdin: Path | None = None) -> tuple[float, float, float]:
    """Best wall time, highest peak RSS and best CPU time of ``repeat`` runs."""
    runs = [run_process(argv, stdin) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), min(r[2] for r in runs)


def best_call(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def protoc_argv() -> list[str] | None:
    found = shutil.which("protoc")
    if found:
        return [found, "--decode_raw"]
    try:
        import grpc_tools  # noqa: F401
    except ImportError:
        return None
    return [PY, "-m", "grpc_tools.protoc", "--decode_raw"]


def in_process_peers(data: bytes) -> dict[str, float]:
    """Seconds of bbpb and protobuf-inspector decoding ``data`` (best of 1: they are slow)."""
    out: dict[str, float] = {}
    try:
        import blackboxprotobuf

        out["bbpb"] = best_call(1, lambda: blackboxprotobuf.decode_message(data))
    except ImportError:
        emit(note="bbpb not installed (pip install '.[bench]'); skipped")
    try:
        from protobuf_inspector.types import StandardParser

        out["protobuf-inspector"] = best_call(1, lambda: StandardParser().parse_message(io.BytesIO(data), "message"))
    except ImportError:
        emit(note="protobuf-inspector not installed (pip install '.[bench]'); skipped")
    return out


def descriptor_set_file() -> bytes:
    """Every type of the three kinds (and their imports, dependencies first) as one FileDescriptorSet."""
    from google.protobuf import descriptor_pb2

    reg = corpus.registry()
    fds = descriptor_pb2.FileDescriptorSet()
    for fd in [descriptor_pb2.DESCRIPTOR, *(reg.pool.FindFileByName(name) for name in reg.files)]:
        fd.CopyToProto(fds.file.add())
    return fds.SerializeToString()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,100", help="message sizes in MB, comma-separated")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--peer-mb", type=float, default=1.0, help="bbpb and protobuf-inspector up to this size")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--paths", default="raw,json,typed_text,typed_json")
    ap.add_argument("--panes-mb", type=float, default=10.0, help="0 skips the in-process pane timings")
    ap.add_argument("--stream-mb", type=float, default=0.0, help="size of the delimited stream (0 skips it)")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s]
    paths = [p for p in args.paths.split(",") if p]
    protoc = protoc_argv()
    if protoc is None:
        emit(note="no protoc (apt-get install protobuf-compiler, or grpcio-tools); cannot measure the peer")
        return 1
    load = os.getloadavg()
    emit(note=f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start; protoc = {' '.join(protoc)}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="proto-bench-") as tmp_name:
        tmp = Path(tmp_name)
        desc = tmp / "all.desc"
        desc.write_bytes(descriptor_set_file())
        warm_up(tmp, desc)
        per_mb: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        for kind in [k for k in args.kinds.split(",") if k]:
            make, type_name = KINDS[kind]
            for size in sizes:
                data = make(int(size * 1e6))
                mb = len(data) / 1e6
                path = tmp / f"{kind}-{size:g}.bin"
                path.write_bytes(data)
                peers_raw: dict[str, float] = {}
                try:
                    peers_raw["protoc --decode_raw"] = best_process(args.repeat, protoc, stdin=path)[0]
                except Failed as err:
                    emit(note=f"protoc failed: {err}")
                if mb <= args.peer_mb * 1.05:
                    peers_raw.update(in_process_peers(data))
                for p in paths:
                    typed = p.startswith("typed_")
                    fmt = {"raw": "raw", "json": "json", "typed_text": "text", "typed_json": "json"}[p]
                    argv = [*CLI, str(path), "--format", fmt]
                    if typed:
                        argv += ["--type", type_name, "--descriptor-set", str(desc)]
                    try:
                        secs, rss, cpu = best_process(args.repeat, argv)
                    except Failed as err:
                        emit(name=f"proto_decode.{p}.{kind}.{size:g}mb", error=str(err))
                        failed = True
                        continue
                    if typed:
                        peer_name = "protobuf text_format" if fmt == "text" else "protobuf json_format"
                        try:
                            peers = {peer_name: best_process(args.repeat, [PY, "-c", _PEER_TYPED, str(desc), type_name,
                                                                           str(path), fmt])[0]}
                        except Failed as err:
                            emit(note=f"typed peer failed: {err}")
                            peers = {}
                        main_peer = peer_name
                    else:
                        peers = peers_raw
                        main_peer = "protoc --decode_raw"
                    per_mb.setdefault((p, kind), []).append((mb, secs / mb, cpu / mb))
                    line: dict[str, object] = {
                        "name": f"proto_decode.{p}.{kind}.{size:g}mb", "value": round(mb / secs, 2), "unit": "MB/s",
                        "path": " ".join(["python main.py proto decode FILE", *argv[len(CLI) + 1:]]).replace(
                            str(desc), "DESC") + " (whole process, stdout to /dev/null)",
                        "transport": "file", "mb": round(mb, 2), "seconds": round(secs, 3),
                        "cpu_seconds": round(cpu, 3), "peak_rss_mb": round(rss, 1),
                        "peers": {k: {"seconds": round(v, 3), "MB/s": round(mb / v, 2)} for k, v in peers.items()},
                    }
                    if main_peer in peers:
                        line["times_" + main_peer.split()[-1].replace("--", "")] = round(secs / peers[main_peer], 2)
                    emit(**line)
                path.unlink()
        for (p, kind), points in per_mb.items():
            if len(points) >= 2:
                (mb0, a, ca), (mb1, b, cb) = points[0], points[-1]
                emit(name=f"proto_decode.{p}.{kind}.scaling", value=round(b / a, 2), unit="ratio",
                     path=f"per-MB time at {mb1:.0f} MB / at {mb0:.0f} MB (whole process; start-up weighs on "
                          "the small one)",
                     transport="file", ms_per_mb=[round(x * 1e3, 1) for x, _c in ((a, ca), (b, cb))],
                     cpu_ratio=round(cb / ca, 2) if ca > 0 else None,
                     cpu_ms_per_mb=[round(ca * 1e3, 1), round(cb * 1e3, 1)],
                     points_ms_per_mb={f"{m:g}": round(x * 1e3, 1) for m, x, _c in points})
        if args.panes_mb > 0:
            failed |= panes(args.panes_mb)
        if args.stream_mb > 0:
            failed |= stream(tmp, args.stream_mb)
    return 1 if failed else 0


def panes(size: float) -> bool:
    """The editor's panes, tree and type guess on each kind at ``size`` MB (in-process, best of 2)."""
    reg = corpus.registry()
    for kind, (make, _type_name) in KINDS.items():
        data = make(int(size * 1e6))
        mb = len(data) / 1e6

        for name, fn in _pane_calls(reg, data):
            secs = best_call(2, fn)
            emit(name=f"proto_editor.{name}.{kind}.{size:g}mb", value=round(secs, 3), unit="s",
                 path=f"{name} in-process (textedit.pane_text / ProtoTree / SchemaRegistry.guess_types)",
                 transport="in-process", mb=round(mb, 2), goal_seconds=1.0)
    return False


def _pane_calls(reg: object, data: bytes) -> list[tuple[str, Callable[[], object]]]:
    from pelorus.protobuf.schema import SchemaRegistry
    from pelorus.protobuf.schemaless import decode
    from pelorus.protobuf.textedit import pane_text
    from pelorus.protobuf.tree import ProtoTree

    assert isinstance(reg, SchemaRegistry)

    def tree_first() -> None:
        tree = ProtoTree()
        tree.set_message(decode(data))
        tree.fetch_more(tree.root)
        for row in range(min(tree.root.exposed, 200)):
            node = tree.child(tree.root, row)
            for col in range(3):
                tree.text(node, col)

    return [("pane_text", lambda: pane_text(reg, None, data, "text", None)),
            ("pane_json", lambda: pane_text(reg, None, data, "json", None)),
            ("tree_first_level", tree_first),
            ("guess_type", lambda: reg.guess_types(data))]


def stream(tmp: Path, size: float) -> bool:
    """A varint-delimited stream of ``size`` MB printed raw: first output byte, whole time, peak RSS."""
    chunk = corpus.delimited([corpus.list_pods(20_000, seed=k) for k in range(50)])  # ~1 MB of records
    path = tmp / "stream.bin"
    with path.open("wb") as fh:
        written = 0
        while written < size * 1e6:
            fh.write(chunk)
            written += len(chunk)
    report = tmp / "stream.rss"
    wrapped = [TIME, "-f", "%M", "-o", str(report)] if TIME else []
    t = time.perf_counter()
    proc = subprocess.Popen([*wrapped, *CLI, str(path), "--format", "raw"], stdout=subprocess.PIPE, env=CHILD_ENV,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    t_first = time.perf_counter() - t
    while proc.stdout.read(1 << 20):
        pass
    proc.wait()
    took = time.perf_counter() - t
    ok = proc.returncode == 0 and bool(first)
    lines = report.read_text().split() if TIME and report.exists() else []
    peak_mb = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else -1.0
    emit(name=f"proto_decode.stream_raw.list_pods.{written / 1e6:.0f}mb", value=round(written / 1e6 / took, 2),
         unit="MB/s", path="python main.py proto decode STREAM --format raw (varint-delimited records, whole process)",
         transport="file", seconds=round(took, 1), first_output_s=round(t_first, 3),
         peak_rss_mb=round(peak_mb, 1), ok=ok)
    path.unlink()
    return not ok


if __name__ == "__main__":
    sys.exit(main())
