"""The engine's helper threads are made SCHED_BATCH (they must not preempt the loop thread);
the calling (loop) thread and the pod spawner - whose children are pods - are left alone.
Run in a child process: the demotion applies to every thread of the process it runs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "SCHED_BATCH") or not os.path.isdir("/proc/self/task"),
                                reason="Linux scheduling policies")

_CHILD = r"""
import json, os, subprocess, threading
from pelorus.engine import threadprio

ready = threading.Barrier(4)
done = threading.Event()
tids = {}

def park(name):
    tids[name] = threading.get_native_id()
    if name == "named":
        threadprio.name_os_thread("pod-spawner")
    ready.wait()
    done.wait()

for name in ("helper", "pod-spawner_0", "named"):
    threading.Thread(target=park, args=(name,), name=name).start()
ready.wait()
changed = threadprio.demote_helper_threads()
policy = {name: os.sched_getscheduler(tid) for name, tid in tids.items()}
policy["loop"] = os.sched_getscheduler(0)
# A pod started from the kept spawner thread keeps the ordinary policy.
pod = {}
def spawn():
    p = subprocess.run(["cat", "/proc/self/sched"], capture_output=True, text=True, check=True)
    pod["policy"] = [l for l in p.stdout.splitlines() if l.startswith("policy")][0].split()[-1]
t = threading.Thread(target=spawn, name="pod-spawner_1")
t.start(); t.join()
comm = open(f"/proc/self/task/{tids['named']}/comm").read().strip()
done.set()
print(json.dumps({"comm": comm, "changed": changed, "policy": policy, "pod": int(pod["policy"]),
                  "batch": os.SCHED_BATCH, "other": os.SCHED_OTHER}))
"""


def _run(env_value: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PELORUS_HELPER_SCHED", None)
    if env_value is not None:
        env["PELORUS_HELPER_SCHED"] = env_value
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, timeout=60,
                         check=True)
    got: dict[str, Any] = json.loads(out.stdout)
    return got


def test_helpers_become_batch_while_the_loop_thread_and_the_pod_spawner_do_not() -> None:
    got = _run(None)
    batch, other = got["batch"], got["other"]
    assert got["changed"] >= 1
    # Kept by its Python name, or by its OS name (what name_os_thread gave it).
    assert got["policy"] == {"helper": batch, "pod-spawner_0": other, "named": other, "loop": other}
    assert got["comm"] == "pod-spawner"
    assert got["pod"] == other  # pods are none of the engine's business to demote


def test_the_switch_turns_it_off() -> None:
    got = _run("other")
    assert got["changed"] == 0
    assert set(got["policy"].values()) == {got["other"]}


def test_all_demotes_the_pod_spawner_too() -> None:
    got = _run("all")
    batch = got["batch"]
    assert got["policy"] == {"helper": batch, "pod-spawner_0": batch, "named": batch, "loop": got["other"]}
