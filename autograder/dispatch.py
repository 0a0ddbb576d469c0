"""Where submissions are graded: a worker process, apart from the batch.

The batch (gradebook bookkeeping, resume, progress) stays in the `dlgrade grade`
process; each submission is graded in a long-lived worker process it starts (spawned,
so it shares no threads or TensorFlow state with the batch). When a student's work
makes the grading itself die (the machine's memory runs out while the trusted side
measures their model, a crash in a native library), the worker dies, not the batch:
that submission is recorded as ungradable with the reason, a fresh worker takes the
next one, and no other student's grade is lost. The worker dies with its batch.

A worker that finished a batch alive waits for the next batch of the same process (the
demo's assignments one after another, a program calling `grading.grade` again): it keeps
the grader imported and its rehearsals and pytest sessions, and takes the output streams
and working directory of the moment it is taken again, as a new one would. Only a batch
with the environment and import path it started with takes it (the data the grader
caches by name come from where the environment says); any other gets a new one.
"""
from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from multiprocessing import reduction

PR_SET_PDEATHSIG = 1


class WorkerDied(RuntimeError):
    """The worker process died while it was grading; the message says how."""


def _die_with(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker may outlive a killed batch
        pass
    if os.getppid() != parent:  # the batch died before the request took
        os._exit(1)


def _serve(connection, parent: int) -> None:
    """The worker's loop: (function, args) in, ("ok", result) or ("error", text) out."""
    _die_with(parent)
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:  # done: no interpreter teardown (most of a second, for nothing)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        function, args = request
        if function is _adopt:  # its output streams come over the connection itself
            args = (connection, *args)
        reply = answer(function, args)
        try:
            connection.send(reply)
        except Exception:  # noqa: BLE001 - a result that cannot be sent: said as an error
            connection.send(("error", traceback.format_exc(limit=8)))


def answer(function, args) -> tuple[str, object]:
    """function(*args) as a worker (this module's, or a Ray actor) answers it: ("ok", its
    result) or ("error", its traceback), for the batch to report for this submission."""
    try:
        return "ok", function(*args)
    except Exception:  # noqa: BLE001 - the batch reports it for this submission
        return "error", traceback.format_exc(limit=8)


def result(reply: tuple[str, object]):
    """The value of a worker's answer; its error raised here, the traceback's last line."""
    status, value = reply
    if status == "error":
        raise RuntimeError(value.strip().splitlines()[-1])
    return value


def describe(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        name = signal.Signals(-exitcode).name
        if name == "SIGKILL":
            return "it was killed (SIGKILL: most often the machine's memory ran out)"
        return f"it was stopped by {name}"
    return f"it exited with status {exitcode}"


def _launch(context) -> tuple:
    """A worker process of `context` ("fork" or "spawn"), serving; (process, connection)."""
    here, there = context.Pipe()
    process = context.Process(target=_serve, args=(there, os.getpid()), name="dlgrade-worker",
                              daemon=True)
    process.start()
    there.close()
    return process, here


_forked: list[tuple] = []  # workers prefork() started, for Worker()s to take
_idle: list[tuple] = []  # (process, connection, _moment()) a finished batch left alive
IDLE_KEPT = 2  # each holds the grader (and TensorFlow, after a model assignment) in memory
_closing_idle_at_exit = False


def can_fork() -> bool:
    """Whether forking this process gives a sound worker: no other thread (whose locks the
    child would inherit held) and no TensorFlow (whose thread pools do not survive a fork)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and "tensorflow" not in sys.modules)


def prefork(count: int) -> int:
    """Fork workers now, up to `count` waiting, when `can_fork()`; how many are waiting."""
    if count > len(_forked) and can_fork():
        context = multiprocessing.get_context("fork")
        sys.stdout.flush()  # or a child that flushes on exit writes the parent's output again
        sys.stderr.flush()
        while len(_forked) < count:
            _forked.append(_launch(context))  # in the main thread: can_fork() says it is alone
    return len(_forked)


def _take(waiting: list) -> tuple | None:
    """The last entry of `waiting` (its process first) whose process is alive."""
    while waiting:
        try:
            entry = waiting.pop()
        except IndexError:  # another slot took the last one
            return None
        if entry[0].is_alive():
            return entry
    return None


def _moment() -> tuple:
    """What a worker keeps from the batch that started it."""
    return tuple(sorted(os.environ.items())), tuple(sys.path)


def _take_idle() -> tuple | None:
    """A worker an earlier batch of this environment left, given this moment's output
    streams and working directory; None if none answers. The others finish."""
    now = _moment()
    while (entry := _take(_idle)) is not None:
        process, connection, started_in = entry
        if started_in != now:
            _finish(process, connection)
            continue
        try:
            connection.send((_adopt, (os.getcwd(),)))
            for stream in (1, 2):
                reduction.send_handle(connection, stream, process.pid)
            if connection.poll(10) and connection.recv() == ("ok", None):
                return process, connection
        except (EOFError, OSError):
            pass
        process.kill()
    return None


def _close_idle() -> None:
    """Tell the waiting workers to finish (their output flushed) before the batch's process
    ends, rather than leave them to multiprocessing's SIGTERM (registered when the first one
    waits, after multiprocessing's own exit handler, so that it runs before it)."""
    while (entry := _take(_idle)) is not None:
        _finish(*entry[:2])


def _finish(process, connection) -> None:
    if process.is_alive():
        try:
            connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _adopt(connection, cwd: str) -> None:
    """What a worker spawned now would start with besides its environment: the batch's
    output streams (fd 1 and 2, sent after the request) and working directory."""
    for stream in (1, 2):
        received = reduction.recv_handle(connection)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(received, stream)
        os.close(received)
    os.chdir(cwd)


def _in_main_thread() -> bool:
    # a worker is told to die with the thread that started it (PR_SET_PDEATHSIG): only one
    # the main thread started outlives a batch's slot threads
    return threading.current_thread() is threading.main_thread()


class Worker:
    """One worker process: one an earlier batch left, or one prefork() started, else spawned
    when first needed; spawned again after it dies. Closed alive, it waits for the next
    batch (when the main thread started it)."""

    def __init__(self):
        self._context = multiprocessing.get_context("spawn")
        self._process = None
        self._connection = None
        self._kept = False  # whether this process may wait for the next batch
        self._moment = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self) -> None:
        found = _take_idle() or _take(_forked)
        self._kept = found is not None or _in_main_thread()
        self._moment = _moment()
        self._process, self._connection = found or _launch(self._context)

    def run(self, function, *args):
        """function(*args) in the worker; WorkerDied when the worker dies doing it."""
        if self._process is None or not self._process.is_alive():
            self._start()
        try:
            self._connection.send((function, args))
            while not self._connection.poll(0.2):
                if not self._process.is_alive():
                    break
            if self._connection.poll(0):
                return result(self._connection.recv())
        except (EOFError, BrokenPipeError, ConnectionResetError):
            pass
        self._process.join(timeout=5)
        died = describe(self._process.exitcode)
        self._process = None
        raise WorkerDied(f"the grader's worker process died: {died}")

    def close(self) -> None:
        if self._process is not None and self._process.is_alive() and self._kept \
                and len(_idle) < IDLE_KEPT:
            global _closing_idle_at_exit
            if not _closing_idle_at_exit:
                atexit.register(_close_idle)
                _closing_idle_at_exit = True
            _idle.append((self._process, self._connection, self._moment))
        elif self._process is not None:
            _finish(self._process, self._connection)
        self._process = None
