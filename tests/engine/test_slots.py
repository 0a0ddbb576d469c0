"""Parallel slots: the lock that gives a timed cell the machine alone, how many slots a
machine takes, and a batch graded in two slots with the timed cells never overlapping."""
import json
import shutil
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading, slots
from autograder.execute import TrustedExecute

REPO = Path(__file__).resolve().parents[2]


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_alone_waits_for_every_shared_holder_to_leave(tmp_path):
    events = []
    reader, writer = slots.SlotLock(tmp_path), slots.SlotLock(tmp_path)
    reader.enter()

    def timed_cell():
        with writer.alone():
            events.append("alone")

    thread = _in_thread(timed_cell)
    time.sleep(0.3)
    assert events == []  # the other slot is still grading
    events.append("left")
    reader.leave()
    thread.join(5)
    assert events == ["left", "alone"]
    assert writer.waited >= 0.25


def test_a_waiting_timed_cell_is_not_starved_by_slots_coming_and_going(tmp_path):
    busy, timed = slots.SlotLock(tmp_path), slots.SlotLock(tmp_path)
    busy.enter()
    done, release = threading.Event(), threading.Event()

    def timed_cell():
        with timed.alone():
            done.set()
            release.wait(5)

    thread = _in_thread(timed_cell)
    time.sleep(0.1)
    busy.leave()
    entered = threading.Event()
    other = _in_thread(lambda: (busy.enter(), entered.set()))  # next submission: waits at the gate
    assert done.wait(5)
    assert not entered.wait(0.2)
    release.set()
    assert entered.wait(5)  # and goes on once the timed cell is done
    thread.join(1), other.join(1)


def test_two_timed_cells_at_once_do_not_deadlock(tmp_path):
    order = []
    first, second = slots.SlotLock(tmp_path), slots.SlotLock(tmp_path)
    first.enter(), second.enter()  # both slots mid-submission

    def train(lock, name):
        with lock.alone():
            order.append(f"{name} in")
            time.sleep(0.1)
            order.append(f"{name} out")
        lock.leave()

    threads = [_in_thread(lambda: train(first, "a")), _in_thread(lambda: train(second, "b"))]
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive(), "the two timed cells deadlocked"
    assert sorted(order) == ["a in", "a out", "b in", "b out"]
    assert order[1] == order[0].replace("in", "out")  # one after the other, never both


def test_a_slot_between_two_cells_lets_a_waiting_timed_cell_go_first(tmp_path):
    busy, timed = slots.SlotLock(tmp_path), slots.SlotLock(tmp_path)
    busy.enter()  # mid-submission, running a cell
    events = []

    def timed_cell():
        with timed.alone():
            events.append("timed in")
            time.sleep(0.2)
            events.append("timed out")

    thread = _in_thread(timed_cell)
    time.sleep(0.1)
    assert events == []  # the other slot's cell runs on
    busy.let_in()  # its cell done: the timed cell goes before its next one
    events.append("next cell")
    thread.join(5)
    assert events == ["timed in", "timed out", "next cell"]
    assert busy._room is not None and busy.waited >= 0.15  # back in, shared; the wait counted
    start = time.monotonic()
    busy.let_in()  # nothing waiting: straight on
    assert time.monotonic() - start < 0.5 and busy._room is not None
    busy.leave()
    busy.let_in()  # out of the room (no submission): stays out
    assert busy._room is None


def test_alone_returns_the_slot_to_the_room_it_was_in(tmp_path):
    lock, other = slots.SlotLock(tmp_path), slots.SlotLock(tmp_path)
    with lock.shared():
        with lock.alone():
            pass
        assert lock._room is not None
        blocked = threading.Event()

        def timed_cell():
            with other.alone():
                blocked.set()

        _in_thread(timed_cell)
        assert not blocked.wait(0.2)  # still shared: a timed cell elsewhere waits for it
    assert blocked.wait(5)


def test_default_jobs_follow_cores_memory_and_submissions(monkeypatch):
    monkeypatch.delenv(slots.JOBS_ENV, raising=False)
    monkeypatch.setattr(slots.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(slots, "available_memory", lambda: 64 * 2**30)
    assert slots.default_jobs(4 * 2**30) == 4
    assert slots.default_jobs(4 * 2**30, students=3) == 3
    assert slots.default_jobs(4 * 2**30, students=0) == 1
    monkeypatch.setattr(slots, "available_memory", lambda: 11 * 2**30)
    assert slots.default_jobs(4 * 2**30) == 2  # two kernels at their limit and their workers
    monkeypatch.setattr(slots, "available_memory", lambda: 2**30)
    assert slots.default_jobs(4 * 2**30) == 1
    monkeypatch.setenv(slots.JOBS_ENV, "3")  # the machine's owner says
    assert slots.default_jobs(4 * 2**30) == 3 and slots.default_jobs(4 * 2**30, students=2) == 2
    monkeypatch.setenv(slots.JOBS_ENV, "0")
    with pytest.raises(ValueError, match="at least 1"):
        slots.default_jobs(4 * 2**30)


def test_waiting_for_the_machine_counts_against_no_time_limit(monkeypatch):
    class Lock:
        waited = 0.0

    lock = Lock()
    monkeypatch.setattr(slots, "_current", lock)
    executor = TrustedExecute(submission_timeout=60)
    executor._started, executor._training_seconds = time.monotonic() - 10, 0.0
    executor._waited_before = 0.0
    assert 49 <= executor._time_left() <= 50.5
    lock.waited = 45.0  # another slot's timed cell held the machine that long
    assert 94 <= executor._time_left() <= 95.5


# --- a batch in two slots ----------------------------------------------------------------

NOTEBOOK = """# Toy

```python code setup
import time as _t
```

```python solution f
def f(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
```

```python solution train
### BEGIN SOLUTION
_a = _t.time(); _t.sleep(0.4); _log("train", _a)
### END SOLUTION
```

```python tests test_f
assert f(1) == 2
```
"""
CHECKS = '''
from autograder.checks import grade


@grade("test_f")
def test_f_doubles(student):
    assert student.function("f")(3) == 6
'''


def _toy_course(root: Path, students: dict[str, float], log: Path) -> None:
    shutil.copy(REPO / course.CONFIG_FILE, root / course.CONFIG_FILE)
    folder = root / "assignments" / "toy"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text(
        'title = "Toy"\ntraining_cell = "train"\n[[cells]]\ngrade_id = "test_f"\npoints = 2\n'
        'covers = ["f"]\n')
    (folder / "notebook.md").write_text(NOTEBOOK)
    (folder / "checks.py").write_text(CHECKS)
    from autograder import cli

    assert cli.main(["build", "toy"]) == 0
    source = nbformat.read(str(root / "source" / "toy" / "toy.ipynb"), 4)
    for student, setup in students.items():
        nb = nbformat.from_dict(json.loads(json.dumps(source)))
        cell = next(c for c in nb.cells if c.get("id") == "f")  # a solution cell: the student's
        cell.source += (f"\n\ndef _log(what, start):\n    with open({str(log)!r}, 'a') as out:\n"
                        f"        out.write(f'{student} {{what}} {{start}} {{_t.time()}}\\n')\n\n"
                        f"_a = _t.time(); _t.sleep({setup}); _log('setup', _a)\n")
        path = root / "submitted" / student / "toy" / "toy.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))


@pytest.mark.slow
def test_two_slots_grade_the_batch_with_each_timed_cell_alone(tmp_path, monkeypatch):
    log = tmp_path / "cells.log"
    # a and b start together, one in each slot (their workers start, TensorFlow imported, side by
    # side: a few seconds apart at most); c and d follow in whichever slot is free first
    students = {"a": 4.0, "b": 4.0, "c": 0.2, "d": 0.5}
    monkeypatch.chdir(tmp_path)
    _toy_course(tmp_path, students, log)
    seen = []
    results = grading.grade(tmp_path, "toy", isolation="none", jobs=2,
                            progress=lambda r: seen.append(r.student))
    assert [r.student for r in results] == list(students)  # in order, whatever finished first
    assert sorted(seen) == sorted(students)
    assert all((r.status, r.score) == ("graded", 2.0) for r in results), results
    assert_timed_cells_alone_and_slots_side_by_side(log, students)
    again = grading.grade(tmp_path, "toy", isolation="none", jobs=2)
    assert all(r.kept and r.score == 2.0 for r in again)  # resume with two slots


def assert_timed_cells_alone_and_slots_side_by_side(log: Path, students: dict) -> None:
    intervals = [line.split() for line in log.read_text().splitlines()]
    assert len(intervals) == 2 * len(students)
    trains = [(who, float(a), float(b)) for who, what, a, b in intervals if what == "train"]
    for who, start, end in trains:
        for other, what, a, b in intervals:
            if other != who:
                assert not (float(a) < end and start < float(b)), \
                    f"{other}'s {what} cell ran during {who}'s timed cell"
    # the two slots did run side by side: the first two students' long cells overlapped
    setups = {who: (float(a), float(b)) for who, what, a, b in intervals if what == "setup"}
    assert setups["a"][0] < setups["b"][1] and setups["b"][0] < setups["a"][1], setups
