"""Grading in a worker process: when the grading itself dies, that submission is recorded
as ungradable with the reason, the batch goes on, and no other grade is lost."""
import json
import os
import shutil
import signal
from pathlib import Path

import nbformat
import pytest

from autograder import course, dispatch, grading

REPO = Path(__file__).resolve().parents[2]


def _suicide():
    os.kill(os.getpid(), signal.SIGKILL)


def _square(x):
    return x * x


def test_a_worker_that_dies_is_replaced():
    with dispatch.Worker() as worker:
        assert worker.run(_square, 7) == 49
        with pytest.raises(dispatch.WorkerDied, match="killed \\(SIGKILL: most often the machine's memory ran out\\)"):
            worker.run(_suicide)
        assert worker.run(_square, 3) == 9  # a fresh worker
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            worker.run(divmod, 1, 0)
        assert worker.run(_square, 2) == 4  # an error is not a death


def _where():
    return os.getpid(), os.environ.get("DLGRADE_TEST_PROBE"), os.getcwd()


def test_a_worker_waits_for_the_next_batch_with_its_output_going_where_that_batch_says(
        tmp_path, monkeypatch):
    import threading

    dispatch._close_idle()  # whatever an earlier test left
    with dispatch.Worker() as worker:
        first, _, _ = worker.run(_where)
    monkeypatch.chdir(tmp_path)
    saved = os.dup(1)
    try:
        with open(tmp_path / "log.txt", "wb") as log:  # this batch's output goes elsewhere
            os.dup2(log.fileno(), 1)
            with dispatch.Worker() as worker:
                assert worker.run(_where) == (first, None, str(tmp_path))
                worker.run(os.write, 1, b"the second batch's line\n")
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert (tmp_path / "log.txt").read_text() == "the second batch's line\n"
    # another environment (data the grader caches by name come from where it says): a new one
    monkeypatch.setenv("DLGRADE_TEST_PROBE", "another environment")
    with dispatch.Worker() as worker:
        second, probe, _ = worker.run(_where)
    assert second != first and probe == "another environment"
    assert [process.pid for process, _, _ in dispatch._idle] == [second]
    # one a slot thread started dies with that thread (PR_SET_PDEATHSIG): it is not kept
    dispatch._close_idle()
    started = []

    def slot():
        with dispatch.Worker() as worker:
            started.append(worker.run(_where)[0])
    thread = threading.Thread(target=slot)
    thread.start()
    thread.join()
    assert dispatch._idle == []


def test_waiting_workers_finish_with_their_output_when_the_batch_ends(tmp_path):
    import subprocess
    import sys

    (tmp_path / "probe.py").write_text("def say():\n    print('said in the worker')\n")
    (tmp_path / "batch.py").write_text(
        "from autograder import dispatch\nfrom probe import say\n"
        "if __name__ == '__main__':\n"
        "    with dispatch.Worker() as worker:\n        worker.run(say)\n"
        "    assert len(dispatch._idle) == 1\n")
    done = subprocess.run([sys.executable, str(tmp_path / "batch.py")], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path,
                          env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
                               "PYTHONPATH": f"{REPO}:{tmp_path}"})  # its print buffered
    assert done.returncode == 0, done.stderr
    assert done.stdout == "said in the worker\n"  # flushed by its own exit, not lost to SIGTERM


PREFORK = """
import threading
from autograder import dispatch
from probe import imported, die

if __name__ == "__main__":  # a spawned worker imports this file again, not this block
    import autograder.grading  # what `dlgrade grade` has imported when it forks
    waiting = dispatch.prefork(2)
    forked = [dispatch.Worker() for _ in range(2)]
    seen = [w.run(imported, "autograder.grading") for w in forked]
    try:
        forked[0].run(die)
    except dispatch.WorkerDied:
        pass
    replaced = forked[0].run(imported, "autograder.grading")
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    print(waiting, seen, replaced, dispatch.prefork(1))
"""


def test_prefork_gives_workers_with_the_grader_imported_and_a_replacement_is_spawned(tmp_path):
    import subprocess
    import sys

    (tmp_path / "probe.py").write_text(
        "import os, signal, sys\n"
        "def imported(name):\n    return name in sys.modules\n"
        "def die():\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    (tmp_path / "prefork.py").write_text(PREFORK)
    done = subprocess.run([sys.executable, str(tmp_path / "prefork.py")],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    # two forked, both with the grader's modules; the one that died came back spawned (without
    # them); with a second thread running nothing more is forked
    assert done.stdout.split("\n")[0] == "2 [True, True] False 0"


# A check that dies with its process when the student's answer says so: what a model too
# large for the grader's memory does to the trusted side.
CHECKS = '''
import os, signal
from autograder.checks import grade


@grade("test_f")
def test_f_doubles(student):
    answer = student.function("f")(1)
    if answer == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    assert answer == 2, f"f(1): expected 2, got {answer!r}"


@grade("test_f")
def test_f_doubles_zero(student):
    assert student.function("f")(0) == 0
'''


@pytest.mark.slow
def test_the_batch_survives_a_submission_that_kills_the_grading(tmp_path, monkeypatch, capsys):
    from autograder import cli

    shutil.copy(REPO / course.CONFIG_FILE, tmp_path / course.CONFIG_FILE)
    folder = tmp_path / "assignments" / "toy"
    folder.mkdir(parents=True)
    (folder / "assignment.toml").write_text('title = "Toy"\n[[cells]]\ngrade_id = "test_f"\npoints = 2\ncovers = ["f"]\n')
    (folder / "solution.py").write_text("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n")
    (folder / "notebook.md").write_text("# Toy\n\n```python solution f\n```\n\n```python tests test_f\nassert f(1) == 2\n```\n")
    (folder / "checks.py").write_text(CHECKS)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build"]) == 0
    solution = nbformat.read(str(tmp_path / "source" / "toy" / "toy.ipynb"), 4)
    for student, body in (("a_before", None), ("b_killer", "    return 'die' if x == 1 else 0\n"),
                          ("c_after", None)):
        nb = nbformat.from_dict(json.loads(json.dumps(solution)))
        if body:
            next(c for c in nb.cells if c.get("id") == "f").source = "def f(x):\n" + body
        path = tmp_path / "submitted" / student / "toy" / "toy.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
    results = {r.student: r for r in grading.grade(tmp_path, "toy", isolation="none")}
    assert (results["a_before"].score, results["c_after"].score) == (2, 2)
    killer = results["b_killer"]
    assert killer.status == "error" and killer.score == 0
    assert "worker process died" in killer.reason and "was not graded" in killer.reason
    assert "--student b_killer --regrade" in killer.reason
    saved = grading.saved_results(tmp_path, "toy", "b_killer")
    assert saved["status"] == "error" and "worker process died" in saved["reason"]
    again = {r.student: r for r in grading.grade(tmp_path, "toy", isolation="none")}
    assert again["b_killer"].kept and again["b_killer"].status == "error"  # not tried again
    assert again["a_before"].kept and again["c_after"].kept
