"""Parallel grading slots: how many, and the lock that gives a timed cell the machine alone.

With N slots, N submissions are graded at once, each in its own worker process (slot n's
kernels run as uid SLOT_UID_BASE + n). A slot holds the room *shared* while it grades a
submission; the assignment's timed training cell takes it *alone* (exclusive), so its wall and
CPU time stay comparable with the calibration, which was measured with nothing else running.

Two flock(2) files in the batch's lock folder: `gate` keeps a waiting timed cell from being
starved (a slot passes through the gate before it enters the room; the timed cell holds the
gate while it waits), `room` is the shared/exclusive lock. A slot leaves the room before it
queues at the gate, so two timed cells never wait on each other. flock locks belong to the
open file, so the lock works between threads of one process as between processes, and dies
with the process that held it.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

JOBS_ENV = "DLGRADE_JOBS"
WORKER_MEMORY = 2**30  # the worker process beside its kernel: nbgrader, the checks, TF for models


def default_jobs(kernel_memory: int, students: int | None = None) -> int:
    """$DLGRADE_JOBS where it is set (a machine shared with other work), else as many slots
    as there are cores, and as memory holds a kernel at its limit plus its worker in each;
    never more than there are submissions."""
    configured = os.environ.get(JOBS_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(f"${JOBS_ENV} must be a whole number of slots, at least 1, not {configured!r}")
        jobs = int(configured)
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        jobs = min(cores, max(1, available_memory() // (kernel_memory + WORKER_MEMORY)))
    if students is not None:
        jobs = min(jobs, max(1, students))
    return max(1, jobs)


def available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


class SlotLock:
    """The batch's lock, as one slot holds it."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._room = None  # the open room file while this slot is in it
        self.waited = 0.0  # seconds this slot has spent waiting for the lock

    def _open(self, name: str):
        return open(self.folder / name, "a+b")  # noqa: SIM115 - held across calls

    def _lock(self, handle, mode: int) -> None:
        start = time.monotonic()
        fcntl.flock(handle, mode)
        self.waited += time.monotonic() - start

    def enter(self) -> None:
        """Into the room, shared: after any timed cell already waiting at the gate."""
        if self._room is not None:
            return
        with self._open("gate") as gate:
            self._lock(gate, fcntl.LOCK_EX)
            room = self._open("room")
            self._lock(room, fcntl.LOCK_SH)
        self._room = room

    def leave(self) -> None:
        if self._room is not None:
            self._room.close()  # closing the file releases its lock
            self._room = None

    def let_in(self) -> None:
        """Step out of the room and back (a slot does between two cells): a timed cell waiting
        at the gate runs first, instead of waiting for the rest of this submission."""
        if self._room is not None:
            self.leave()
            self.enter()

    @contextlib.contextmanager
    def shared(self):
        """Held while a submission is graded."""
        self.enter()
        try:
            yield self
        finally:
            self.leave()

    @contextlib.contextmanager
    def alone(self):
        """The whole machine for the block: every other slot waits outside the room."""
        was_in = self._room is not None
        self.leave()  # never wait at the gate holding the room: two timed cells would deadlock
        with self._open("gate") as gate:
            self._lock(gate, fcntl.LOCK_EX)
            with self._open("room") as room:
                self._lock(room, fcntl.LOCK_EX)
                try:
                    yield self
                finally:
                    fcntl.flock(room, fcntl.LOCK_UN)
            if was_in:  # back in, shared, before the gate opens to the others
                self._room = self._open("room")
                self._lock(self._room, fcntl.LOCK_SH)


_current: SlotLock | None = None


def use(lock: SlotLock | None) -> None:
    """The lock this process's grading takes (None: the only slot, no lock)."""
    global _current
    _current = lock


def current() -> SlotLock | None:
    return _current


def let_in() -> None:
    """Between two cells: a waiting timed cell goes first (a no-op with one slot)."""
    if _current is not None:
        _current.let_in()


def alone():
    """The timed cell's context: the machine alone when slots run side by side."""
    return _current.alone() if _current is not None else contextlib.nullcontext()
