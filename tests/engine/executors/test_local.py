"""LocalExecutor against real processes (no mocks).

Every test records the process group of each pod it starts and the `groups` fixture
SIGKILLs whatever is left of those groups afterwards, so a failing test leaves nothing
running. Processes are only ever addressed by the group ids recorded here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
import sys
import time
from collections.abc import Iterator

import psutil
import pytest
from enginehelp import pod_shims

from pelorus.engine.executors.base import ExitInfo, LaunchRequest, OutputStream, PodHandle
from pelorus.engine.executors.local import LINE_CAP, LocalExecutor, LocalLaunchError

OUT = OutputStream.STDOUT
ERR = OutputStream.STDERR


class Recorder:
    """ExecutorEvents that remembers everything, in order, and checks the contract."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, OutputStream], list[str]] = {}
        self.exits: dict[str, ExitInfo] = {}
        self.order: list[tuple[str, str]] = []

    def on_output(self, pod_id: str, stream: OutputStream, lines: list[str]) -> None:
        assert pod_id not in self.exits, "output after on_exited"
        assert lines, "empty batch"
        self.lines.setdefault((pod_id, stream), []).extend(lines)
        self.order.append(("output", pod_id))

    def on_exited(self, pod_id: str, info: ExitInfo) -> None:
        assert pod_id not in self.exits, "on_exited called twice"
        self.exits[pod_id] = info
        self.order.append(("exited", pod_id))

    def out(self, pod_id: str, stream: OutputStream = OUT) -> list[str]:
        return self.lines.get((pod_id, stream), [])

    async def wait_exit(self, pod_id: str, timeout: float = 10.0) -> ExitInfo:
        await _until(lambda: pod_id in self.exits, timeout, f"{pod_id} to exit")
        return self.exits[pod_id]

    async def wait_lines(self, pod_id: str, count: int, stream: OutputStream = OUT, timeout: float = 10.0) -> None:
        await _until(lambda: len(self.out(pod_id, stream)) >= count, timeout, f"{count} lines of {pod_id}")


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def group_members(pgid: int) -> list[psutil.Process]:
    """Live (non-zombie) processes in a process group."""
    members = []
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


async def wait_group_empty(pgid: int, timeout: float = 5.0) -> None:
    await _until(lambda: not group_members(pgid), timeout, f"process group {pgid} to be empty")


@pytest.fixture
def groups() -> Iterator[list[int]]:
    """Process groups started by the test; whatever survives the test is SIGKILLed."""
    started: list[int] = []
    yield started
    for pgid in started:
        for proc in group_members(pgid):
            try:
                proc.send_signal(signal.SIGKILL)
            except psutil.Error:
                pass
        try:
            os.waitpid(pgid, os.WNOHANG)  # reap the shim if it is still our zombie
        except ChildProcessError:
            pass


@pytest.fixture(params=["inotify", "poll"])
def watch_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Output noticed through inotify (the default) and by the polling fallback."""
    monkeypatch.setenv("PELORUS_OUTPUT_WATCH", request.param)
    return str(request.param)


def request(pod_id: str, command: str, *args: str, **kw) -> LaunchRequest:
    return LaunchRequest(pod_id=pod_id, pod_name=f"name-{pod_id}", job_id="job-1", instance_id=7,
                         command=command, args=tuple(args), **kw)


async def launch(ex: LocalExecutor, groups: list[int], req: LaunchRequest) -> PodHandle:
    handle = await ex.launch(req)
    groups.append(handle.pid)
    return handle


def sh(pod_id: str, script: str, **kw) -> LaunchRequest:
    return request(pod_id, "sh", "-c", script, **kw)


# --------------------------------------------------------------------------- exits


@pytest.mark.timeout(30)
def test_exit_codes_and_exit_file(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        await launch(ex, groups, request("ok", "true"))
        await launch(ex, groups, sh("three", "exit 3"))
        await launch(ex, groups, sh("selfterm", "kill -TERM $$; sleep 5"))
        ok, three, term = [await rec.wait_exit(p) for p in ("ok", "three", "selfterm")]
        assert (ok.exit_code, ok.reason) == (0, "SUCCEEDED")
        assert (three.exit_code, three.reason, three.message) == (3, "FAILED", "exited with code 3")
        assert term.exit_code == 143 and term.reason == "FAILED" and "SIGTERM" in term.message
        # The shim wrote the statuses itself, independent of anyone watching.
        assert (tmp_path / "three.exit").read_text().strip() == "3"
        assert (tmp_path / "selfterm.exit").read_text().strip() == "143"
        assert not ok.lost
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_launch_many_starts_a_batch_in_order_and_a_bad_pod_fails_alone(tmp_path: pathlib.Path,
                                                                      groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        batch = [sh("b0", "echo zero"), request("b1", "true", working_dir=str(tmp_path / "missing")),
                 sh("b2", "echo two"), sh("b0", "echo twice")]
        results = await ex.launch_many(batch)
        handles = [r for r in results if isinstance(r, PodHandle)]
        groups.extend(h.pid for h in handles)
        assert [isinstance(r, PodHandle) for r in results] == [True, False, True, False]
        assert isinstance(results[1], LocalLaunchError) and "working directory" in str(results[1])
        assert isinstance(results[3], LocalLaunchError) and "already running" in str(results[3])
        for pod_id, line in (("b0", "zero"), ("b2", "two")):
            assert (await rec.wait_exit(pod_id)).exit_code == 0
            await rec.wait_lines(pod_id, 1)
            assert rec.out(pod_id) == [line]
        assert "b1" not in rec.exits
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_a_batch_pod_that_writes_before_it_is_tracked_is_still_read(tmp_path: pathlib.Path, groups: list[int],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's first pod runs (and writes) while the next one is spawned, before the loop tracks
    it; its write event then names a pod the executor does not know yet. Its line must still be
    read: the pod sleeps on and writes nothing more (CI lost a ``::progress`` line this way)."""
    spawn = LocalExecutor._spawn

    def slow_spawn(*args):  # the next pod's spawn takes a while (a busy host)
        result = spawn(*args)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(LocalExecutor, "_spawn", staticmethod(slow_spawn))

    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        results = await ex.launch_many([sh("w0", "echo early; sleep 300"), sh("w1", "echo early; sleep 300")])
        groups.extend(r.pid for r in results if isinstance(r, PodHandle))
        for pod_id in ("w0", "w1"):
            await rec.wait_lines(pod_id, 1, timeout=5.0)
            assert rec.out(pod_id) == ["early"]
        await ex.close()

    asyncio.run(main())


def _slow_spawns(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.5) -> None:
    """Each spawn of a batch takes `seconds` more (a busy host): a batch stays in flight a while."""
    spawn = LocalExecutor._spawn

    def slow_spawn(*args):
        result = spawn(*args)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(LocalExecutor, "_spawn", staticmethod(slow_spawn))


def _end_pods(spool: pathlib.Path, *pod_ids: str) -> None:
    for proc in pod_shims(spool, *pod_ids):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.timeout(30)
def test_a_batch_cancelled_in_flight_leaves_no_pod_running_after_close(tmp_path: pathlib.Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine stops while the spawner is in the middle of a batch: the scheduler's launch_many is
    cancelled, the executor closed and the loop ends. The pods the spawner starts after the cancel
    must not run on (they were killed by a callback on the loop, which had closed by then)."""
    _slow_spawns(monkeypatch)

    async def main() -> None:
        ex = LocalExecutor(Recorder(), tmp_path)
        task = asyncio.ensure_future(ex.launch_many([sh("c0", "sleep 300"), sh("c1", "sleep 300")]))
        await asyncio.sleep(0.2)  # c0 started, c1 not yet
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await ex.close()

    try:
        asyncio.run(main())
        time.sleep(1.0)  # the spawner's batch is over by now
        assert not pod_shims(tmp_path, "c0", "c1")
    finally:
        _end_pods(tmp_path, "c0", "c1")


@pytest.mark.timeout(30)
def test_a_kill_while_the_pod_is_being_spawned_is_delivered_once_it_runs(tmp_path: pathlib.Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """kill() of a pod its batch is still spawning used to be a no-op (the pod was not tracked yet),
    leaving the kill to whoever holds the batch's results; the executor now keeps it and delivers it
    as soon as the pod is tracked."""
    _slow_spawns(monkeypatch)

    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        task = asyncio.ensure_future(ex.launch_many([sh("k0", "sleep 300"), sh("k1", "sleep 300")]))
        await asyncio.sleep(0.2)  # in flight: k0 started, k1 not yet
        await ex.kill("k1", 0.0, reason="KILLED_ON_REQUEST", message="stopped while launching")
        handles = await task
        assert all(isinstance(h, PodHandle) for h in handles)
        info = await rec.wait_exit("k1", timeout=5.0)
        assert info.reason == "KILLED_ON_REQUEST" and "stopped while launching" in info.message
        assert "k0" not in rec.exits
        await ex.kill_all(grace_period=0.0)

    try:
        asyncio.run(main())
    finally:
        _end_pods(tmp_path, "k0", "k1")


@pytest.mark.timeout(30)
def test_kill_all_ends_the_pods_of_a_batch_in_flight(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kill_all (the engine's last step on a stop with --stop-pods-on-exit) kills what the spawner is
    still starting, not only the pods already tracked."""
    _slow_spawns(monkeypatch)

    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        task = asyncio.ensure_future(ex.launch_many([sh("a0", "sleep 300"), sh("a1", "sleep 300")]))
        await asyncio.sleep(0.2)
        await ex.kill_all(grace_period=0.0, timeout=5.0)
        assert set(rec.exits) == {"a0", "a1"}
        await task
        await ex.close()

    try:
        asyncio.run(main())
        assert not pod_shims(tmp_path, "a0", "a1")
    finally:
        _end_pods(tmp_path, "a0", "a1")


@pytest.mark.timeout(30)
def test_missing_command_is_127_with_clear_message(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        await launch(ex, groups, request("nx", "pelorus-no-such-command-xyz", "arg"))
        info = await rec.wait_exit("nx")
        assert info.exit_code == 127
        assert info.reason == "FAILED"
        assert info.message == "command not found: pelorus-no-such-command-xyz"
        # A command that exists but itself exits 127 is not called "not found".
        await launch(ex, groups, sh("own127", "exit 127"))
        assert (await rec.wait_exit("own127")).message == "exited with code 127"
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_env_and_working_dir(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path / "spool")
        work = tmp_path / "work"
        work.mkdir()
        script = ('echo "$PELORUS_POD_ID|$PELORUS_POD_NAME|$PELORUS_JOB_ID|$PELORUS_INSTANCE_ID|$GREETING";'
                  'pwd; echo "${PELORUS_EXIT_FILE-unset}"; [ -n "$PATH" ] && echo has-path;'
                  'grep SigIgn /proc/self/status')
        await launch(ex, groups, sh("envpod", script, env={"GREETING": "hello"}, working_dir=str(work)))
        assert (await rec.wait_exit("envpod")).exit_code == 0
        lines = rec.out("envpod")
        assert lines[0] == "envpod|name-envpod|job-1|7|hello"
        assert lines[1] == str(work)
        assert lines[2] == "unset"  # the shim's private variable does not leak into the pod
        assert lines[3] == "has-path"
        # The shim traps TERM with a command, so the pod's command does not inherit an
        # ignored SIGTERM (bit 15 -> 0x4000).
        ignored = int(lines[4].split()[1], 16)
        assert not ignored & (1 << (signal.SIGTERM - 1))

        missing = tmp_path / "does-not-exist"
        with pytest.raises(LocalLaunchError, match=str(missing)):
            await ex.launch(request("nodir", "true", working_dir=str(missing)))
        await ex.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- output


@pytest.mark.timeout(30)
def test_output_order_streams_and_partial_last_line(tmp_path: pathlib.Path, groups: list[int],
                                                    watch_mode: str) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path, poll_interval=0.01)
        await ex.start()
        assert ex.describe()["output_watch"] == watch_mode
        script = ('i=1; while [ $i -le 300 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done;'
                  'echo "é ü ✓"; printf "no newline at end"')
        await launch(ex, groups, sh("chatty", script))
        info = await rec.wait_exit("chatty")
        assert info.exit_code == 0
        assert rec.out("chatty") == [f"out {i}" for i in range(1, 301)] + ["é ü ✓", "no newline at end"]
        assert rec.out("chatty", ERR) == [f"err {i}" for i in range(1, 301)]
        assert rec.order[-1] == ("exited", "chatty")
        # Offsets cover everything delivered, i.e. both whole files.
        offsets = ex.output_offsets("chatty")
        assert offsets == {OUT: (tmp_path / "chatty.out").stat().st_size,
                           ERR: (tmp_path / "chatty.err").stat().st_size}
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_partial_line_is_held_until_completed(tmp_path: pathlib.Path, groups: list[int], watch_mode: str) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path, poll_interval=0.01)
        await launch(ex, groups, sh("part", 'echo first; printf "hal"; sleep 0.3; echo "f"; sleep 0.3'))
        await rec.wait_lines("part", 1)
        await asyncio.sleep(0.1)
        assert rec.out("part") == ["first"]
        assert ex.output_offsets("part")[OUT] == len(b"first\n")  # the partial line is not counted
        await rec.wait_exit("part")
        assert rec.out("part") == ["first", "half"]
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_long_lines_are_split_at_the_cap(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        # 2.5 caps of 3-byte characters: pieces must stay within the cap and not cut a character.
        code = ("import sys; w = sys.stdout.buffer.write;"
                "w(('✓' * (CAP * 5 // 6)).encode() + b'\\n'); w(b'x' * (CAP + 10))").replace("CAP", str(LINE_CAP))
        await launch(ex, groups, request("long", sys.executable, "-c", code))
        assert (await rec.wait_exit("long")).exit_code == 0
        lines = rec.out("long")
        assert all(len(line.encode()) <= LINE_CAP for line in lines)
        assert "\ufffd" not in "".join(lines)
        assert "".join(lines) == "✓" * (LINE_CAP * 5 // 6) + "x" * (LINE_CAP + 10)
        await ex.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- kill


@pytest.mark.timeout(30)
def test_kill_term_respecting_pod(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        handle = await launch(ex, groups, request("sleeper", "sleep", "300"))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await ex.kill("sleeper", grace_period=10.0)
        info = await rec.wait_exit("sleeper")
        assert time.monotonic() - started < 5, "should not have waited for the grace period"
        assert info.reason == "KILLED"
        assert info.message == "killed on request (SIGTERM)"
        assert info.exit_code == 143
        await wait_group_empty(handle.pid)
        await ex.kill("sleeper", 1.0)  # killing an ended pod is a no-op
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_kill_term_ignoring_pod_with_child_leaves_nothing(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        handle = await launch(ex, groups, sh("stubborn", 'trap "" TERM; sleep 300 & echo up; sleep 300'))
        await rec.wait_lines("stubborn", 1)
        # "up" is printed before sh forks the second sleep: wait for it rather than race it
        await _until(lambda: len(group_members(handle.pid)) >= 4, 5.0, "shim, sh and two sleeps")
        started = time.monotonic()
        await ex.kill("stubborn", grace_period=0.5)
        info = await rec.wait_exit("stubborn")
        assert time.monotonic() - started >= 0.5
        assert info.reason == "KILLED"
        assert info.message == "killed on request (SIGKILL after 0.5 s grace)"
        assert info.exit_code is None
        await wait_group_empty(handle.pid)
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_kill_with_scheduler_reason_and_second_kill_forces(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        handle = await launch(ex, groups, sh("late", 'trap "" TERM; echo up; sleep 300'))
        await rec.wait_lines("late", 1)
        await ex.kill("late", 20.0, reason="DEADLINE_EXCEEDED", message="active deadline 5s exceeded")
        await asyncio.sleep(0.2)
        assert "late" not in rec.exits
        await ex.kill("late", 0.0)  # brings the SIGKILL forward; the first reason stands
        info = await rec.wait_exit("late", timeout=5)
        assert info.reason == "DEADLINE_EXCEEDED"
        assert info.message.startswith("active deadline 5s exceeded (SIGKILL")
        await wait_group_empty(handle.pid)
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_background_leftovers_die_with_the_pod(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        handle = await launch(ex, groups, sh("leaver", "sleep 300 & echo started"))
        info = await rec.wait_exit("leaver")
        assert info.exit_code == 0 and rec.out("leaver") == ["started"]
        await wait_group_empty(handle.pid)
        await ex.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- adopt


def _gate_script() -> str:
    """Prints a line and half a line, then waits for ./go before finishing."""
    return 'echo one; printf "par"; while [ ! -e go ]; do sleep 0.02; done; echo tial; echo three >&2; exit 4'


@pytest.mark.timeout(30)
def test_adopt_running_pod_resumes_at_offsets(tmp_path: pathlib.Path, groups: list[int], watch_mode: str) -> None:
    async def main() -> None:
        work = tmp_path / "work"
        work.mkdir()
        spool = tmp_path / "spool"
        req = sh("survivor", _gate_script(), working_dir=str(work))

        rec_a = Recorder()
        a = LocalExecutor(rec_a, spool, poll_interval=0.01)
        handle = await launch(a, groups, req)
        await rec_a.wait_lines("survivor", 1)
        await asyncio.sleep(0.05)
        offsets = a.output_offsets("survivor")
        assert offsets == {OUT: len(b"one\n"), ERR: 0}
        await a.close()  # the engine "crashes": the pod must keep running
        assert psutil.pid_exists(handle.pid) and group_members(handle.pid)

        rec_b = Recorder()
        b = LocalExecutor(rec_b, spool, poll_interval=0.01)
        assert await b.adopt(req, handle, offsets) is True
        (work / "go").touch()
        info = await rec_b.wait_exit("survivor")
        assert (info.exit_code, info.reason) == (4, "FAILED")
        assert rec_b.out("survivor") == ["partial"]
        assert rec_b.out("survivor", ERR) == ["three"]
        assert rec_a.exits == {}
        await wait_group_empty(handle.pid)
        await b.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_adopt_reads_what_a_quiet_pod_printed_while_unwatched(tmp_path: pathlib.Path, groups: list[int],
                                                               watch_mode: str) -> None:
    """Lines printed while no engine watched raise no event for the next one: adopt reads
    them at once, although the pod prints nothing more."""
    async def main() -> None:
        work = tmp_path / "work"
        work.mkdir()
        spool = tmp_path / "spool"
        req = sh("quiet", 'echo one; while [ ! -e go ]; do sleep 0.02; done; echo two; echo three; sleep 30',
                 working_dir=str(work))
        rec_a = Recorder()
        a = LocalExecutor(rec_a, spool, poll_interval=0.01)
        handle = await launch(a, groups, req)
        await rec_a.wait_lines("quiet", 1)
        offsets = a.output_offsets("quiet")
        await a.close()
        (work / "go").touch()
        await _until(lambda: (spool / "quiet.out").read_bytes() == b"one\ntwo\nthree\n", 5, "the unwatched lines")

        rec_b = Recorder()
        b = LocalExecutor(rec_b, spool, poll_interval=0.01)
        assert await b.adopt(req, handle, offsets) is True
        await rec_b.wait_lines("quiet", 2, timeout=5)
        assert rec_b.out("quiet") == ["two", "three"]
        await b.kill_all(grace_period=0.0)
        await b.close()

    asyncio.run(main())


@pytest.mark.timeout(60)
def test_a_burst_larger_than_one_read_pass_is_read_to_the_end(tmp_path: pathlib.Path, groups: list[int],
                                                              watch_mode: str) -> None:
    """A pod writes more than one pass reads (READ_PER_TICK) and then falls silent: no
    further write event comes, and every line must still arrive while it runs."""
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path, poll_interval=0.01)
        code = ("import sys, time; sys.stdout.write(''.join(f'{i:09d}\\n' for i in range(300000)));"
                "sys.stdout.flush(); time.sleep(30)")
        await launch(ex, groups, request("burst", sys.executable, "-c", code))
        await rec.wait_lines("burst", 300000, timeout=20)
        assert rec.out("burst")[-1] == f"{299999:09d}"
        assert "burst" not in rec.exits
        await ex.kill_all(grace_period=0.0)
        await ex.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_adopt_pod_that_finished_unwatched(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        work = tmp_path / "work"
        work.mkdir()
        req = sh("quiet", _gate_script(), working_dir=str(work))
        rec_a = Recorder()
        a = LocalExecutor(rec_a, tmp_path, poll_interval=0.01)
        handle = await launch(a, groups, req)
        await rec_a.wait_lines("quiet", 1)
        await asyncio.sleep(0.05)
        offsets = a.output_offsets("quiet")
        await a.close()
        (work / "go").touch()
        # The pod ends with nobody watching; reap it here as init would for a crashed engine.
        _, status = await asyncio.to_thread(os.waitpid, handle.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 4
        assert not psutil.pid_exists(handle.pid)

        rec_b = Recorder()
        b = LocalExecutor(rec_b, tmp_path)
        assert await b.adopt(req, handle, offsets) is True
        assert rec_b.exits == {}, "on_exited comes after adopt() returns"
        info = await rec_b.wait_exit("quiet")
        assert (info.exit_code, info.reason, info.lost) == (4, "FAILED", False)
        assert rec_b.out("quiet") == ["partial"]
        assert rec_b.out("quiet", ERR) == ["three"]
        await b.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_adopt_gone_without_exit_file_is_lost(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec_a = Recorder()
        a = LocalExecutor(rec_a, tmp_path)
        req = request("vanished", "sleep", "300")
        handle = await launch(a, groups, req)
        await asyncio.sleep(0.05)
        await a.close()
        os.killpg(handle.pid, signal.SIGKILL)  # shim and all die without recording a status
        await asyncio.to_thread(os.waitpid, handle.pid, 0)

        rec_b = Recorder()
        b = LocalExecutor(rec_b, tmp_path)
        assert await b.adopt(req, handle, {}) is False
        await asyncio.sleep(0.1)
        assert rec_b.exits == {} and rec_b.lines == {}
        await b.close()

    asyncio.run(main())


@pytest.mark.timeout(30)
def test_adopt_rejects_reused_pid(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec_a = Recorder()
        a = LocalExecutor(rec_a, tmp_path)
        req = request("reused", "sleep", "300")
        handle = await launch(a, groups, req)
        await a.close()

        rec_b = Recorder()
        b = LocalExecutor(rec_b, tmp_path)
        # Same pid, different start time: another process now owns the pid.
        stale = PodHandle(pid=handle.pid, host=handle.host, token=repr(float(handle.token) - 3600))
        assert await b.adopt(req, stale, {}) is False
        assert await b.adopt(req, PodHandle(pid=handle.pid, host=handle.host, token=""), {}) is False
        assert rec_b.exits == {}
        assert group_members(handle.pid), "a rejected adoption must not touch the process"
        # The genuine handle is accepted, and the pod can then be killed through b.
        assert await b.adopt(req, handle, {}) is True
        await b.kill("reused", 0.0)
        info = await rec_b.wait_exit("reused")
        assert info.reason == "KILLED"
        await wait_group_empty(handle.pid)
        await b.close()

    asyncio.run(main())


# --------------------------------------------------------------------------- usage, discard


@pytest.mark.timeout(30)
def test_usage_and_discard(tmp_path: pathlib.Path, groups: list[int]) -> None:
    async def main() -> None:
        rec = Recorder()
        ex = LocalExecutor(rec, tmp_path)
        await launch(ex, groups, request("busy", "sleep", "300"))
        await asyncio.sleep(0.1)
        sample = ex.usage("busy")
        assert sample is not None
        assert sample.memory_rss_bytes > 0 and sample.cpu_seconds >= 0
        await launch(ex, groups, request("spin", sys.executable, "-c",
                                         "import time\nt = time.process_time()\n"
                                         "while time.process_time() - t < 0.3: pass\ntime.sleep(300)"))
        await _until(lambda: (ex.usage("spin") or sample).cpu_seconds >= 0.25, 10, "the spinning pod's CPU")
        spin = ex.usage("spin")
        assert spin is not None and spin.memory_rss_bytes > 2**20  # the Python command's, not the shim's
        with pytest.raises(RuntimeError):
            ex.discard("busy")
        await ex.kill_all(grace_period=2.0)
        assert rec.exits["busy"].reason == "KILLED"
        assert ex.usage("busy") is None
        assert ex.output_offsets("busy") == {OUT: 0, ERR: 0}
        ex.discard("busy")
        ex.discard("spin")
        assert not any(tmp_path.iterdir())
        assert ex.describe()["executor"] == "local"
        await ex.close()

    asyncio.run(main())
