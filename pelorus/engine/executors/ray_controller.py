"""The Ray executor's controller: one long-lived Ray job (a Ray driver, on the head) that the
engine talks to over one TCP connection, and that turns pods into placement groups and calls
to the per-node agents (ray_agent.PodAgent).

Run by the engine through the Jobs API (`python -m pelorus.engine.executors.ray_controller`);
it prints `PELORUS_CONTROLLER host:port` into its job log, which is how an engine finds it.
It outlives the engine (an engine SIGKILLed and restarted finds the same controller and
re-adopts its pods) and dies with the head: Ray's state is gone then, and the engine reports
the pods LOST.

Per pod: a detached placement group named by the pod id reserves its cpu / memory / custom
resources (Ray does the accounting and picks the node); once Ray has placed it, the agent on
that node starts the command. One call reads every placement group's state per tick and one
long poll per node carries every pod's output and exit, so the cost per period does not grow
with the number of pods. Launches come in batches (one request per scheduler tick), the pods
placed on a node start with one agent call, an ended pod's group is handed to the next pod
waiting for the same resources, and at most MAX_PENDING_GROUPS groups per kind of bundle wait
unplaced on the GCS.

Protocol: one JSON object per line both ways. Engine -> controller: {"op", "id", ...};
controller -> engine: {"ev": "reply", "id", ...} and the events placed / starting / running /
output / exited / cluster (a heartbeat every second with the nodes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("pelorus.ray_controller")

NAMESPACE = "pelorus"
HEARTBEAT = 1.0
PLACE_TICK = 0.02
# An agent that has not answered a poll for this long is taken for dead with its node.
AGENT_LOST_AFTER = 5.0
# The GCS (head) unreachable this long: exit, so the engine sees the connection drop.
GCS_LOST_AFTER = 3.0
PENDING_NOTICE = 1.0
# Placement groups created and not placed yet, at most, per kind of bundle (see pg_loop).
MAX_PENDING_GROUPS = 32
# The most pods one launch call to an agent carries: a call's pods are spawned one after another
# and watched (their exits noticed) only once all have started, so a long batch holds its first
# pods' slots; with 8 a burst of 200 finished ~20% sooner than with 32 (4 was no better).
AGENT_LAUNCH_BATCH = 8
STREAM_LIMIT = 64 * 2**20


def _agent_version() -> str:
    """Agents are named by the code they run, so a controller of another version never uses them."""
    import hashlib

    here = Path(__file__).parent
    digest = hashlib.sha1(usedforsecurity=False)
    for name in ("ray_agent.py", "local.py", "base.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class CPod:
    pod_id: str
    request: dict[str, Any]
    bundle: dict[str, float]
    owner: Conn | None
    state: str = "placing"  # placing -> launching -> running -> ended
    pg: Any = None
    pg_id: str = ""
    node_id: str = ""
    created: float = field(default_factory=time.monotonic)
    pending_noted: str = ""
    kill: tuple[float, str, str] | None = None
    running_sent: bool = False
    running_at: float = 0.0  # when the controller learnt that the agent runs it
    rechecking: bool = False
    creating: bool = False  # its placement group is being created (pg_loop)


class Conn:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.closed = False

    def send(self, *events: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            self.writer.write(b"".join(json.dumps(e, separators=(",", ":")).encode() + b"\n" for e in events))
        except Exception:  # noqa: BLE001 - a gone engine: its pods wait for the next one
            self.closed = True


class Controller:
    def __init__(self, token: str) -> None:
        import ray

        self.ray = ray
        self.token = token
        self.pods: dict[str, CPod] = {}
        self.ended: dict[str, str] = {}  # pod id -> node id, for an engine that adopts later
        self.nodes: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, Any] = {}
        self.agent_tasks: dict[str, asyncio.Task[None]] = {}
        # Set once the agent's first poll has fixed where its events start (or the agent is gone).
        self.agent_ready: dict[str, asyncio.Event] = {}
        # Events the agents sent for pods being adopted (not in self.pods yet), by pod id.
        self.adopting: dict[str, list[dict[str, Any]]] = {}
        self.conns: set[Conn] = set()
        self.placing = asyncio.Event()
        self.to_create: list[CPod] = []
        self.to_start: dict[str, list[CPod]] = {}  # pods placed on a node, for its agent's next launch call
        self.create_wanted = asyncio.Event()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.gcs_ok = time.monotonic()
        from pelorus.engine.executors.ray_agent import PodAgent

        self.agent_cls = ray.remote(PodAgent)
        self.agent_version = _agent_version()

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("controller task failed", exc_info=task.exception())

    # ------------------------------------------------------------ cluster

    async def refresh_nodes(self) -> None:
        nodes = await asyncio.wait_for(asyncio.to_thread(self.ray.nodes), GCS_LOST_AFTER)
        self.gcs_ok = time.monotonic()
        table = {}
        for n in nodes:
            table[n["NodeID"]] = {"alive": bool(n.get("Alive")), "name": node_name(n),
                                  "resources": {k: float(v) for k, v in (n.get("Resources") or {}).items()
                                                if not k.startswith("node:")},
                                  "head": "node:__internal_head__" in (n.get("Resources") or {})}
        self.nodes = table
        for node_id, info in table.items():
            if info["alive"] and node_id not in self.agents:
                self.start_agent(node_id)
            if not info["alive"] and node_id in self.agents:
                self.agent_lost(node_id, f"Ray node {info['name']} is dead")

    async def cluster_loop(self) -> None:
        while True:
            try:
                await self.refresh_nodes()
            except Exception as exc:  # noqa: BLE001
                log.warning("cannot read Ray's nodes: %s", exc)
                if time.monotonic() - self.gcs_ok > GCS_LOST_AFTER:
                    log.error("the Ray head (GCS) is unreachable; the controller exits")
                    os._exit(3)
            beat = {"ev": "cluster", "nodes": self.nodes, "pods": len(self.pods)}
            for conn in list(self.conns):
                conn.send(beat)
            self.check_unschedulable()
            await asyncio.sleep(HEARTBEAT)

    def start_agent(self, node_id: str) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        agent = self.agent_cls.options(
            name=f"agent-{self.agent_version}-{node_id}", namespace=NAMESPACE, lifetime="detached", get_if_exists=True,
            num_cpus=0, max_concurrency=10000,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False),
        ).remote(node_id)
        self.agents[node_id] = agent
        self.agent_ready[node_id] = asyncio.Event()
        self.agent_tasks[node_id] = asyncio.ensure_future(self.agent_loop(node_id, agent))

    async def agent_for(self, node_id: str, timeout: float) -> Any:
        """The node's agent once its events are followed (None: none, or it was lost meanwhile).

        Nothing may be asked of an agent before its first poll has answered: that poll starts the
        event stream at the agent's present, so a pod launched (or adopted) before it could end
        before the poll reads that present, and its exit would be behind the stream's start,
        never routed (the pod RUNNING for ever). Ray does not order an async actor's calls."""
        agent, ready = self.agents.get(node_id), self.agent_ready.get(node_id)
        if agent is None or ready is None:
            return None
        await asyncio.wait_for(ready.wait(), timeout)
        return agent if self.agents.get(node_id) is agent else None

    async def agent_loop(self, node_id: str, agent: Any) -> None:
        """Long-poll the node's agent; route its events; a silent or dead agent loses its pods.
        Each answer also lists the pods the agent runs: a pod the controller takes for running
        there that the agent no longer runs, with no exit among the events, is read back
        (recheck) rather than left RUNNING for ever."""
        since = -1
        last_ok = time.monotonic()
        first = True
        while True:
            asked = time.monotonic()
            try:
                res = await asyncio.wait_for(agent.poll.remote(since if since >= 0 else 1 << 62, 0 if first else 1.0),
                                             AGENT_LOST_AFTER if not first else 60)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                from ray.exceptions import ActorDiedError

                if isinstance(exc, ActorDiedError) or time.monotonic() - last_ok > AGENT_LOST_AFTER:
                    self.agent_lost(node_id, f"the pelorus agent on Ray node {self.node_label(node_id)} is gone "
                                             f"({first_line(exc) or f'no answer for {AGENT_LOST_AFTER:.0f} s'})")
                    return
                await asyncio.sleep(0.2)
                continue
            last_ok = time.monotonic()
            if first:
                since, first = res["seq"], False  # start at the present: adopt re-reads the past
                log.info("agent on node %s answers (pid %s): events from seq %d, running %s",
                         self.node_label(node_id), res.get("pid"), since, res.get("running"))
                ready = self.agent_ready.get(node_id)
                if ready is not None:
                    ready.set()
                continue
            if res["events"]:
                log.info("node %s: %s", self.node_label(node_id),
                         ", ".join(f"{e['ev']} {e['pod']}" for e in res["events"] if e["ev"] != "output") or "output")
            since = res["seq"]
            self.route(node_id, res["events"])
            self.check_running(node_id, agent, set(res.get("running") or ()), asked)

    def agent_lost(self, node_id: str, why: str) -> None:
        log.warning("agent of node %s lost: %s", self.node_label(node_id), why)
        agent = self.agents.pop(node_id, None)
        task = self.agent_tasks.pop(node_id, None)
        ready = self.agent_ready.pop(node_id, None)
        if ready is not None:
            ready.set()  # wakes agent_for's waiters, who find the agent gone
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        if agent is not None:
            try:
                self.ray.kill(agent)
            except Exception:  # noqa: BLE001
                pass
        for pod in list(self.pods.values()):
            if pod.node_id == node_id and pod.state in ("launching", "running"):
                self.end(pod, {"exit_code": None, "reason": "LOST", "message": f"{why}; the pod ended with it",
                               "lost": True, "offsets": None})

    def check_running(self, node_id: str, agent: Any, running: set[str], asked: float) -> None:
        """`running`: the pods the agent ran when it answered a poll sent at `asked`; a pod
        known to run before that is either among them or its exit came with the answer."""
        for pod in self.pods.values():
            if pod.node_id == node_id and pod.state == "running" and 0 < pod.running_at < asked \
                    and pod.pod_id not in running and not pod.rechecking:
                pod.rechecking = True
                self.spawn(self.recheck(pod, agent))

    async def recheck(self, pod: CPod, agent: Any) -> None:
        """The agent does not run the pod any more and its exit did not come: ask."""
        try:
            res = await asyncio.wait_for(agent.adopt.remote(pod.pod_id, {}), 30)
        except Exception as exc:  # noqa: BLE001 - the agent is gone: agent_lost ends the pod
            log.warning("cannot recheck pod %s: %s", pod.pod_id, first_line(exc))
            return
        finally:
            pod.rechecking = False
        if pod.state != "running" or res["state"] == "running":
            return
        if res["state"] == "ended":
            log.warning("pod %s ended on %s without its exit reaching the controller; read back from the agent",
                        pod.pod_id, self.node_label(pod.node_id))
            self.route(pod.node_id, [*(res.get("output") or []), res["exit"]])
        else:
            self.end(pod, {"exit_code": None, "reason": "LOST", "lost": True, "offsets": None,
                           "message": f"the pelorus agent on Ray node {self.node_label(pod.node_id)} "
                                      "no longer knows the pod"})

    def node_label(self, node_id: str) -> str:
        info = self.nodes.get(node_id)
        return f"{info['name'] if info else 'ray-node'}/{'head' if info and info.get('head') else node_id[:8]}"

    # ------------------------------------------------------------ events from agents

    def route(self, node_id: str, events: list[dict[str, Any]]) -> None:
        by_conn: dict[Conn, list[dict[str, Any]]] = {}
        for ev in events:
            pod = self.pods.get(ev["pod"])
            if pod is None:
                held = self.adopting.get(ev["pod"])
                if held is not None:
                    held.append(ev)
                continue
            owner = pod.owner
            if ev["ev"] == "exited":
                ev = self.end(pod, ev, send=False)
                if not ev:
                    continue
            if owner is not None and not owner.closed:
                by_conn.setdefault(owner, []).append(ev)  # in the agent's order: output before exit
        for conn, evs in by_conn.items():
            conn.send(*evs)

    def end(self, pod: CPod, ev: dict[str, Any], send: bool = True) -> dict[str, Any]:
        """The pod is over: release its placement group and tell its engine (or return the event)."""
        if pod.state == "ended":
            return {}
        log.info("pod %s ended (was %s on %s): %s %s", pod.pod_id, pod.state, self.node_label(pod.node_id),
                 ev.get("reason"), ev.get("message"))
        placed = pod.state in ("launching", "running")
        if placed:
            self.send_running(pod)
        pod.state = "ended"
        self.pods.pop(pod.pod_id, None)
        if not placed:
            self.create_wanted.set()  # a pending group fewer (see pg_loop)
        self.ended[pod.pod_id] = pod.node_id
        if pod.pg is not None and not (placed and pod.node_id in self.agents and self.hand_over(pod)):
            self.spawn(self.remove_pg(pod.pg))
        out = {**ev, "ev": "exited", "pod": pod.pod_id}
        if send and pod.owner is not None:
            pod.owner.send(out)
        return out

    def hand_over(self, done: CPod) -> bool:
        """Give the ended pod's placement group, reserved and placed, to the oldest pod waiting
        for the same resources: it starts at once on that node, without a round of placement
        through the GCS (Ray re-places a freed reservation only after a while; a burst larger
        than the cluster would otherwise go at that pace)."""
        waiting = [p for p in self.pods.values() if p.state == "placing" and p.bundle == done.bundle]
        if not waiting:
            return False
        pod = min(waiting, key=lambda p: p.created)
        if pod.pg is not None:
            # Its own group, still pending (or just placed): to a pod that waits without one
            # (same resources), or removed; the number of pending groups stays bounded.
            heir = max((p for p in waiting if p.pg is None and not p.creating), key=lambda p: p.created, default=None)
            if heir is not None:
                heir.pg, heir.pg_id = pod.pg, pod.pg_id
            else:
                self.spawn(self.remove_pg(pod.pg))
        pod.pg, pod.pg_id = done.pg, done.pg_id
        done.pg = None
        self.placed(pod, done.node_id)
        return True

    async def remove_pg(self, pg: Any) -> None:
        from ray.util.placement_group import remove_placement_group

        try:
            await asyncio.to_thread(remove_placement_group, pg)
        except Exception as exc:  # noqa: BLE001
            log.warning("cannot remove placement group: %s", exc)

    def send_running(self, pod: CPod) -> None:
        if not pod.running_sent:
            pod.running_sent = True
            if pod.owner is not None:
                pod.owner.send({"ev": "running", "pod": pod.pod_id,
                                "message": f"Ray: RUNNING on node {self.node_label(pod.node_id)}"})

    # ------------------------------------------------------------ placement

    def check_unschedulable(self) -> None:
        for pod in self.pods.values():
            if pod.state == "placing":
                self.note_pending(pod)

    def note_pending(self, pod: CPod) -> None:
        why = unschedulable(pod.bundle, self.nodes)
        if why:
            reason, message = "UNSCHEDULABLE", f"Ray: PENDING: {why}"
        elif time.monotonic() - pod.created >= PENDING_NOTICE:
            reason, message = "RAY_PENDING", (f"Ray: PENDING: waiting for Ray to reserve "
                                              f"{describe_bundle(pod.bundle)} on a node")
        else:
            return
        if message != pod.pending_noted:
            pod.pending_noted = message
            if pod.owner is not None:
                pod.owner.send({"ev": "starting", "pod": pod.pod_id, "reason": reason, "message": message})

    async def place_loop(self) -> None:
        from ray.util import placement_group_table

        while True:
            await self.placing.wait()
            waiting = [p for p in self.pods.values() if p.state == "placing" and p.pg_id]
            if not waiting:
                if not any(p.state == "placing" for p in self.pods.values()):
                    self.placing.clear()
                await asyncio.sleep(PLACE_TICK)
                continue
            try:
                table = await asyncio.to_thread(placement_group_table)
            except Exception as exc:  # noqa: BLE001
                log.warning("cannot read placement groups: %s", exc)
                await asyncio.sleep(0.5)
                continue
            for pod in waiting:
                entry = table.get(pod.pg_id)
                if pod.state != "placing" or entry is None:
                    continue
                if entry.get("state") == "CREATED":
                    node = (entry.get("bundles_to_node_id") or {}).get(0, "")
                    if node:
                        self.placed(pod, node)
                        continue
                self.note_pending(pod)
            await asyncio.sleep(PLACE_TICK)

    def placed(self, pod: CPod, node_id: str) -> None:
        pod.node_id, pod.state = node_id, "launching"
        self.create_wanted.set()  # one pending group fewer: pg_loop may create the next
        log.info("pod %s placed on %s", pod.pod_id, self.node_label(node_id))
        if pod.owner is not None:
            pod.owner.send({"ev": "placed", "pod": pod.pod_id, "node_id": node_id, "host": self.node_label(node_id)})
        if node_id not in self.agents:
            self.start_agent(node_id)
        queue = self.to_start.setdefault(node_id, [])
        queue.append(pod)
        if len(queue) == 1:  # the pods placed on the node meanwhile go with it: one agent call
            self.spawn(self.start_pods(node_id))

    async def start_pods(self, node_id: str) -> None:
        """Start the pods placed on the node, in calls of at most AGENT_LAUNCH_BATCH pods (one
        Ray call each instead of one per pod)."""
        await asyncio.sleep(0)  # let the rest of this placement pass join the batch
        try:
            agent = await self.agent_for(node_id, 120)
            failure = "the agent was lost before it answered" if agent is None else ""
        except Exception as exc:  # noqa: BLE001
            agent, failure = None, first_line(exc)
        pods = [p for p in self.to_start.pop(node_id, []) if p.state == "launching"]  # not stopped meanwhile
        for i in range(0, len(pods), AGENT_LAUNCH_BATCH):
            self.spawn(self.start_batch(agent, failure, pods[i:i + AGENT_LAUNCH_BATCH]))

    async def start_batch(self, agent: Any, failure: str, pods: list[CPod]) -> None:
        results: list[dict[str, Any]] = []
        if agent is not None:
            try:
                results = await asyncio.wait_for(agent.launch_many.remote([p.request for p in pods]), 120)
            except Exception as exc:  # noqa: BLE001
                failure = first_line(exc)
        if len(results) != len(pods):
            for pod in pods:
                self.end(pod, {"exit_code": None, "reason": "LOST", "lost": True, "offsets": None,
                               "message": f"the pelorus agent on Ray node {self.node_label(pod.node_id)} failed: "
                                          f"{failure or 'no answer for the launch'}"})
            return
        for pod, res in zip(pods, results, strict=True):
            self.started(pod, res)

    def started(self, pod: CPod, res: dict[str, Any]) -> None:
        if pod.state == "ended":
            return
        if not res.get("ok"):
            pod.running_sent = True  # it never ran
            self.end(pod, {"exit_code": None, "reason": "LAUNCH_FAILED", "lost": False, "offsets": None,
                           "message": f"could not start: {res.get('error')}"})
            return
        if pod.state == "launching":
            pod.state, pod.running_at = "running", time.monotonic()
        log.info("pod %s started on %s (pid %s)", pod.pod_id, self.node_label(pod.node_id), res.get("pid"))
        self.send_running(pod)
        if pod.kill is not None:
            self.spawn(self.kill_running(pod))

    async def kill_running(self, pod: CPod) -> None:
        agent = self.agents.get(pod.node_id)
        if agent is None or pod.kill is None:
            return
        try:
            await asyncio.wait_for(agent.kill.remote(pod.pod_id, *pod.kill), 30)
        except Exception as exc:  # noqa: BLE001 - the agent is gone: agent_lost ends the pod
            log.warning("kill of %s failed: %s", pod.pod_id, exc)

    # ------------------------------------------------------------ requests from an engine

    async def op_launch(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        return self.launch_one(conn, msg["request"], msg.get("default_cpu") or 0.1)

    async def op_launch_many(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        """A batch of pods in one request: one reply with a result per pod, in order."""
        default_cpu = msg.get("default_cpu") or 0.1
        return {"ok": True, "results": [self.launch_one(conn, req, default_cpu) for req in msg.get("requests") or ()]}

    def launch_one(self, conn: Conn, req: dict[str, Any], default_cpu: float) -> dict[str, Any]:
        pod_id = req["pod_id"]
        if pod_id in self.pods:
            self.pods[pod_id].owner = conn
            return {"ok": True, "existing": True}
        bundle = pod_bundle(req.get("cpu") or 0.0, req.get("memory_bytes") or 0, req.get("custom_resources") or {},
                            default_cpu)
        pod = CPod(pod_id=pod_id, request=req, bundle=bundle, owner=conn)
        self.pods[pod_id] = pod
        log.info("pod %s to place: %s", pod_id, describe_bundle(bundle))
        why = unschedulable(bundle, self.nodes)
        if why:
            pod.pending_noted = f"Ray: PENDING: {why}"
        # Answer at once; the placement group is created meanwhile by pg_loop, in batches (each
        # is one blocking call to the GCS), or the pod is handed an ended pod's group.
        self.to_create.append(pod)
        self.create_wanted.set()
        return {"ok": True, "unschedulable": why}

    async def pg_loop(self) -> None:
        """Create the placement groups of placing pods, oldest first, keeping at most
        MAX_PENDING_GROUPS of them unplaced per kind of bundle: a burst larger than the cluster
        does not put hundreds of groups on the GCS (each a blocking call to create, each
        re-scheduled by the GCS whenever resources free, each removed again when an ended
        pod's group is handed to its pod); the pods beyond wait for a group to place, or to
        be handed one (hand_over), and show RAY_PENDING meanwhile as before."""
        from ray.util.placement_group import placement_group

        def create(batch: list[CPod]) -> list[Any]:
            out: list[Any] = []
            for pod in batch:
                try:
                    out.append(placement_group([pod.bundle], strategy="PACK", name=pod.pod_id, lifetime="detached"))
                except Exception as exc:  # noqa: BLE001
                    out.append(exc)
            return out

        while True:
            await self.create_wanted.wait()
            self.create_wanted.clear()
            self.to_create = [p for p in self.to_create if p.state == "placing" and p.pg is None and not p.creating]
            if not self.to_create:
                continue
            pending: dict[tuple[tuple[str, float], ...], int] = {}
            for p in self.pods.values():
                if p.state == "placing" and (p.pg is not None or p.creating):
                    key = bundle_key(p.bundle)
                    pending[key] = pending.get(key, 0) + 1
            batch: list[CPod] = []
            for pod in self.to_create:
                key = bundle_key(pod.bundle)
                if pending.get(key, 0) < MAX_PENDING_GROUPS:
                    pending[key] = pending.get(key, 0) + 1
                    pod.creating = True
                    batch.append(pod)
            if not batch:
                self.placing.set()  # the pods wait: place_loop keeps looking at the pending groups
                continue
            try:
                groups = await asyncio.to_thread(create, batch)
            finally:
                for pod in batch:
                    pod.creating = False
            for pod, pg in zip(batch, groups, strict=True):
                if isinstance(pg, Exception):
                    self.end(pod, {"exit_code": None, "reason": "LAUNCH_FAILED", "lost": False, "offsets": None,
                                   "message": f"could not start: Ray refused the placement group: {first_line(pg)}"})
                elif pod.state != "placing" or pod.pg is not None:  # stopped, or handed a group, meanwhile
                    self.spawn(self.remove_pg(pg))
                else:
                    pod.pg, pod.pg_id = pg, pg.id.hex()
            self.create_wanted.set()  # the rest, if the cap allows
            self.placing.set()

    async def op_kill(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        pod = self.pods.get(msg["pod_id"])
        if pod is None:
            return {"ok": False}
        pod.owner = pod.owner or conn
        first = pod.kill is None
        pod.kill = (float(msg.get("grace", 10.0)), msg.get("reason") or "KILLED", msg.get("message") or "")
        if pod.state == "placing":
            pg, pod.pg, pod.pg_id = pod.pg, None, ""  # the place loop no longer looks at it
            if pg is not None:  # removed before the engine hears the pod ended: nothing stays pending
                await self.remove_pg(pg)
            if pod.state == "placing":
                self.end(pod, {"exit_code": None, "reason": pod.kill[1], "lost": False, "offsets": None,
                               "message": f"{pod.kill[2]} (never placed: its Ray placement group was removed)"})
        elif pod.state == "running" and (first or msg.get("again")):
            self.spawn(self.kill_running(pod))
        return {"ok": True}

    async def op_adopt(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        pod_id, offsets = msg["pod_id"], msg.get("offsets") or {}
        pod = self.pods.get(pod_id)
        if pod is not None:
            pod.owner = conn
            if pod.state in ("placing", "launching"):  # its agent may not have it yet: not "unknown"
                return {"state": "placing", "unschedulable": pod.pending_noted}
            node_id = pod.node_id
        else:
            node_id = self.ended.get(pod_id) or msg.get("node_id") or ""
        # What the agent sends about the pod while it answers (it is not in self.pods yet):
        # routed once it is, or an exit between the agent's answer and that would be lost.
        held = self.adopting.setdefault(pod_id, []) if pod is None else None
        try:
            agent = await self.agent_for(node_id, 30)
            if agent is None:
                return {"state": "unknown"}
            res: dict[str, Any] = await asyncio.wait_for(agent.adopt.remote(pod_id, offsets), 30)
        except Exception as exc:  # noqa: BLE001
            return {"state": "unknown", "error": first_line(exc)}
        finally:
            if held is not None:
                self.adopting.pop(pod_id, None)
        if res["state"] == "running" and pod is None and pod_id not in self.pods:
            # A controller restarted under running pods: watch it again (its group stays reserved).
            pod = CPod(pod_id=pod_id, request=msg.get("request") or {}, bundle={}, owner=conn, state="running",
                       node_id=node_id, running_sent=True, running_at=time.monotonic())
            try:
                pod.pg = self.ray.util.get_placement_group(pod_id)
            except Exception:  # noqa: BLE001
                pod.pg = None
            self.pods[pod_id] = pod
            if held:
                self.route(node_id, held)  # after the reply's output in the engine (it holds them)
        res["node_id"], res["host"] = node_id, self.node_label(node_id)
        log.info("pod %s adopted: %s on %s", pod_id, res["state"], res["host"])
        return res

    async def op_find(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        pod = self.pods.get(msg["pod_id"])
        if pod is not None:
            return {"found": True, "node_id": pod.node_id, "host": self.node_label(pod.node_id) if pod.node_id else ""}
        if msg["pod_id"] in self.ended:
            node = self.ended[msg["pod_id"]]
            return {"found": True, "node_id": node, "host": self.node_label(node)}
        return {"found": False}

    async def op_forget(self, conn: Conn, msg: dict[str, Any]) -> dict[str, Any]:
        """The engine stored these pods' ends ("pod_ids", or one "pod_id"): one call per node."""
        by_node: dict[str, list[str]] = {}
        for pod_id in msg.get("pod_ids") or [msg.get("pod_id")]:
            node_id = self.ended.pop(str(pod_id), None)
            if node_id is not None:
                by_node.setdefault(node_id, []).append(str(pod_id))
        for node_id, pod_ids in by_node.items():
            agent = self.agents.get(node_id)
            if agent is not None:
                agent.forget_many.remote(pod_ids)
        return {"ok": True}

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(writer)
        try:
            hello = json.loads(await asyncio.wait_for(reader.readline(), 10))
            if hello.get("op") != "hello" or hello.get("token") != self.token:
                writer.close()
                return
            self.conns.add(conn)
            log.info("engine connected from %s", writer.get_extra_info("peername"))
            conn.send({"ev": "reply", "id": hello.get("id"), "ok": True, "pid": os.getpid()},
                      {"ev": "cluster", "nodes": self.nodes, "pods": len(self.pods)})
            while line := await reader.readline():
                msg = json.loads(line)
                self.spawn(self.answer(conn, msg))
        except (TimeoutError, OSError, ValueError) as exc:
            log.info("engine connection ended: %s", exc)
        finally:
            conn.closed = True
            self.conns.discard(conn)
            for pod in self.pods.values():
                if pod.owner is conn:
                    pod.owner = None
            writer.close()

    async def answer(self, conn: Conn, msg: dict[str, Any]) -> None:
        handler = getattr(self, f"op_{msg.get('op')}", None)
        try:
            reply = await handler(conn, msg) if handler else {"error": f"unknown op {msg.get('op')!r}"}
        except Exception as exc:  # noqa: BLE001
            log.exception("op %s failed", msg.get("op"))
            reply = {"error": first_line(exc)}
        conn.send({"ev": "reply", "id": msg.get("id"), **reply})


def pod_bundle(cpu: float, memory_bytes: int, custom: dict[str, float], default_cpu: float) -> dict[str, float]:
    """The Ray resources a pod reserves: always some cpu (so it never lands on a head started with
    --num-cpus=0 by accident), memory and custom resources when asked."""
    bundle = {"CPU": float(cpu or default_cpu)}
    if memory_bytes:
        bundle["memory"] = float(memory_bytes)
    for k, v in custom.items():
        if v:
            bundle[str(k)] = float(v)
    return bundle


def unschedulable(bundle: dict[str, float], nodes: dict[str, dict[str, Any]], may_grow: bool = True) -> str:
    """Why no alive node can ever hold the bundle (by its total resources), or "". may_grow:
    the cluster may add a node (an autoscaler), which the reason then says."""
    alive = [n for n in nodes.values() if n["alive"]]
    if not alive:
        return ""
    if any(all(n["resources"].get(k, 0.0) >= v for k, v in bundle.items()) for n in alive):
        return ""
    for k, v in bundle.items():
        best = max(alive, key=lambda n: n["resources"].get(k, 0.0))
        have = best["resources"].get(k, 0.0)
        if have < v:
            return (f"no Ray node can ever fit this pod: it asks for {resource_text(k, v)}, the largest node has "
                    f"{resource_text(k, have)} ({best['name']}); "
                    + ("it starts if a node that large joins" if may_grow else _NO_GROWTH))
    return "no single Ray node has all the resources this pod asks for together" + ("" if may_grow else
                                                                                   f"; {_NO_GROWTH}")


_NO_GROWTH = ("the cluster does not grow (if an autoscaler adds nodes, run the engine with --ray-autoscaling "
              "and such a pod waits for one)")


def bundle_key(bundle: dict[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(bundle.items()))


def resource_text(key: str, value: float) -> str:
    if key == "memory":
        return f"memory {value / 2**20:.0f} MiB"
    name = "cpu" if key == "CPU" else key
    return f"{name} {value:g}"


def describe_bundle(bundle: dict[str, float]) -> str:
    return ", ".join(resource_text(k, v) for k, v in bundle.items())


def node_name(n: dict[str, Any]) -> str:
    return str(n.get("NodeName") or n.get("NodeManagerAddress") or "ray-node")


def first_line(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).strip().split("\n", 1)[0][:300]


async def main() -> None:
    import ray

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    ray.init(address="auto", namespace=NAMESPACE, log_to_driver=False, logging_level=logging.WARNING)
    token = os.environ.get("PELORUS_CONTROLLER_TOKEN", "")
    ctl = Controller(token)
    await ctl.refresh_nodes()
    here = ray.get_runtime_context().get_node_id()
    host = os.environ.get("PELORUS_CONTROLLER_HOST") or next(
        (n["NodeManagerAddress"] for n in ray.nodes() if n["NodeID"] == here), "127.0.0.1")
    server = await asyncio.start_server(ctl.serve, host=host, port=0, limit=STREAM_LIMIT)
    port = server.sockets[0].getsockname()[1]
    print(f"PELORUS_CONTROLLER {host}:{port}", flush=True)
    ctl.spawn(ctl.cluster_loop())
    ctl.spawn(ctl.place_loop())
    ctl.spawn(ctl.pg_loop())
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
