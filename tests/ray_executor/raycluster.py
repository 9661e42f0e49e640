"""A throw-away two-node Ray cluster on loopback, for tests and benchmarks.

Both nodes run as `ray start --block` children in their own process groups, with a
dedicated temp dir and free ports, so teardown kills exactly those groups. `ray stop`
is never used: it stops every Ray instance on the machine (ray#12264).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def ci() -> bool:
    """CI sets CI=true (GitHub Actions, GitLab, most others): there Ray must be installed."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need_ray() -> None:
    """Skip without Ray on a developer's machine; fail in CI, where the install command
    (README, .ci/run) installs it and a skip would hide that these tests never ran."""
    import pytest  # here, not at the top: bench/ray_launch.py uses this module without pytest

    try:
        import ray.job_submission  # noqa: F401
    except ImportError as exc:
        message = f"Ray is not installed (import ray failed: {exc}); pip install -e '.[test,ray]'"
        if ci():
            pytest.fail(f"{message} - CI=true, so the Ray tests must run, not be skipped", pytrace=False)
        pytest.skip(message)


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def _ray_bin() -> str:
    found = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    return found


class RayTestCluster:
    """Head (1 CPU) + worker (1 CPU, custom resource node2=1) on 127.0.0.1."""

    def __init__(self, worker_resources: dict[str, float] | None = None) -> None:
        # Short: Ray puts unix sockets under the temp dir (107-byte path limit).
        self.temp_dir = Path(tempfile.mkdtemp(prefix="pelray-", dir="/tmp"))
        self.worker_resources = worker_resources if worker_resources is not None else {"node2": 1}
        self.procs: list[subprocess.Popen[bytes]] = []
        self._head_args: list[str] = []
        self._stopped = False
        ports = free_ports(14)
        self.gcs_port, self.dashboard_port = ports[0], ports[1]
        self._head_ports, self._worker_ports = ports[2:8], ports[8:14]
        self.address = f"http://127.0.0.1:{self.dashboard_port}"

    def _node_args(self, ports: list[int]) -> list[str]:
        return [
            f"--node-manager-port={ports[0]}", f"--object-manager-port={ports[1]}",
            f"--dashboard-agent-listen-port={ports[2]}", f"--dashboard-agent-grpc-port={ports[3]}",
            f"--metrics-export-port={ports[4]}", f"--runtime-env-agent-port={ports[5]}",
        ]

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.temp_dir / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
        proc = subprocess.Popen([_ray_bin(), "start", "--block", *args], stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env)
        log.close()
        self.procs.append(proc)
        return proc

    def start(self, timeout: float = 90.0) -> RayTestCluster:
        atexit.register(self.stop)  # also when the session ends without the fixture's teardown
        self._head_args = [
            "--head", "--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats",
            f"--port={self.gcs_port}", f"--dashboard-port={self.dashboard_port}",
            "--dashboard-host=127.0.0.1", "--include-dashboard=true",
            f"--ray-client-server-port={free_ports(1)[0]}", f"--temp-dir={self.temp_dir}",
            *self._node_args(self._head_ports),
        ]
        try:
            self._spawn("head", self._head_args)
            self.wait_nodes(1, timeout)
            self.start_worker(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def start_worker(self, timeout: float = 60.0, resources: dict[str, float] | None = None) -> subprocess.Popen[bytes]:
        alive = len(self.alive_nodes())
        resources = self.worker_resources if resources is None else resources
        proc = self._spawn(f"worker{len(self.procs)}", [
            f"--address=127.0.0.1:{self.gcs_port}", "--node-ip-address=127.0.0.1", "--num-cpus=1",
            f"--resources={json.dumps(resources)}", "--disable-usage-stats",
            *self._node_args(self._worker_ports if len(self.procs) <= 1 else free_ports(6)),
        ])
        self.wait_nodes(alive + 1, timeout)
        return proc

    def nodes(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.address}/api/v0/nodes?limit=1000", timeout=5) as resp:
            return json.load(resp)["data"]["result"]["result"]

    def alive_nodes(self) -> list[dict]:
        try:
            return [n for n in self.nodes() if n.get("state") == "ALIVE"]
        except OSError:
            return []

    def wait_nodes(self, count: int, timeout: float, watch: list[subprocess.Popen[bytes]] | None = None) -> None:
        """Until `count` nodes are alive; fails at once if one of `watch` (default: every node
        started) exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc in self.procs if watch is None else watch:
                if proc.poll() is not None:
                    raise RuntimeError(f"ray start exited with {proc.returncode}:\n{self.logs()}")
            if len(self.alive_nodes()) >= count:
                return
            time.sleep(0.3)
        raise RuntimeError(f"Ray cluster did not reach {count} alive nodes in {timeout} s:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.temp_dir.glob("*.log")))

    def log_lines_about(self, text: str, limit: int = 40) -> list[str]:
        """Lines naming `text` (e.g. a pod id) in the logs of this cluster's Ray sessions (the
        pelorus controller's job log, the agents' worker logs), oldest session first: what Ray's
        side last said about a pod, for a test's failure message."""
        out: list[str] = []
        for path in sorted(self.temp_dir.glob("session_2*/logs/*"), key=lambda p: (p.parent.parent.name, p.name)):
            if not path.is_file() or not path.name.startswith(("job-driver-", "worker-")):
                continue
            try:
                lines = path.read_text(errors="replace").splitlines()
            except OSError:
                continue
            out.extend(f"{path.parent.parent.name}/{path.name}: {line}" for line in lines if text in line)
        return out[-limit:]

    def kill_node(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """End one node as a machine failure would: its `ray start --block` group and every
        process of its session (raylet, GCS, dashboard, Ray's workers, which lead groups of their
        own in the session of `ray start`). A process that started a session of its own (a Ray
        job's driver, a pod) is left to notice on its own, as on a real cluster."""
        _kill_group(proc, sig)
        import psutil

        for p in psutil.process_iter(["pid"]):
            try:
                if os.getsid(p.pid) == proc.pid:
                    p.send_signal(sig)
            except (OSError, psutil.Error):
                continue

    def kill_head(self) -> None:
        self.kill_node(self.procs[0])
        self.procs[0].wait(10)

    def _port_free(self, port: int) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) != 0

    def restart_head(self, timeout: float = 90.0) -> None:
        """A new head on the same ports (a new cluster to Ray: its GCS keeps no state)."""
        deadline = time.monotonic() + 20
        while not (self._port_free(self.gcs_port) and self._port_free(self.dashboard_port)):
            if time.monotonic() > deadline:
                import psutil

                holders = [c.pid for c in psutil.net_connections("tcp") if c.laddr and c.laddr.port in
                           (self.gcs_port, self.dashboard_port) and c.status == "LISTEN"]
                raise RuntimeError(f"the old head's ports are still taken (by {holders})")
            time.sleep(0.2)
        # `ray start --head` refuses to start where this file names a GCS it still sees.
        (self.temp_dir / "ray_current_cluster").unlink(missing_ok=True)
        head = self._spawn("head", self._head_args)
        self.procs.remove(head)
        self.procs[0] = head
        # Only the new head: a worker's raylet gives up on the dead head after ~60 s and its
        # `ray start` exits meanwhile, which is no failure of the restart.
        self.wait_nodes(1, timeout, watch=[head])

    def stop(self) -> None:
        """Idempotent; bounded (~3 s + a SIGKILL)."""
        if self._stopped:
            return
        self._stopped = True
        # SIGTERM to every group first (workers, then the head) so Ray can flush its logs,
        # then SIGKILL after a short wait: `ray start --block` takes 20-30 s to tear a node
        # down on SIGTERM, and this cluster's state is thrown away anyway (measured: no
        # process and nothing in /dev/shm is left after the SIGKILL + _kill_leftovers).
        for proc in reversed(self.procs):
            _kill_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 3
        for proc in reversed(self.procs):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in reversed(self.procs):
            _kill_group(proc, signal.SIGKILL)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._kill_leftovers()
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def _kill_leftovers(self) -> None:
        """Processes of *this* cluster that left the groups (Ray workers call setsid):
        found by our unique temp dir on their command line or in their environment."""
        import psutil

        me = str(self.temp_dir)
        for p in psutil.process_iter(["pid", "cmdline"]):
            try:
                if any(me in part for part in (p.info["cmdline"] or ())):
                    p.kill()
            except psutil.Error:
                continue


def _kill_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class TcpForwarder:
    """A loopback TCP relay in front of the Ray head's dashboard port, so a test can make the
    head unreachable for an engine (close the relay) and reachable again (reopen it on the
    same port) without touching the cluster. Threads; every socket is closed on close()."""

    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target_port = target_port
        self.port = port or free_ports(1)[0]
        self.address = f"http://127.0.0.1:{self.port}"
        self._listener: socket.socket | None = None
        self.accepted = 0  # connections relayed (or refused upstream), for tests that count requests
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> TcpForwarder:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="fwd-accept").start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True, name="fwd-pump").start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)

    def close(self) -> None:
        """Stop listening and cut every relayed connection (the head looks gone)."""
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
