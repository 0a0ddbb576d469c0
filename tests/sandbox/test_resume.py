"""`dlgrade grade` killed with SIGKILL mid-batch, twice, then run again: the batch
finishes with every grade once and the same results as an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "conv-pooling"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
STUDENTS = ("a_honest", "b_wrong_pool", "c_empty", "d_honest")
pytestmark = pytest.mark.slow
UID_PRINT = "print('kernel uid', __import__('os').getuid())\n"


def _make_class(root: Path) -> None:
    config = (REPO / course.CONFIG_FILE).read_text()
    (root / course.CONFIG_FILE).write_text(config + "\nc.TrustedExecute.timeout = 20\n")
    course.copy_assignments(REPO, root, [ASSIGNMENT])
    api = course.api(root)
    assert api.generate_assignment(ASSIGNMENT, force=True, create=True)["success"]
    solution = nbformat.read(str(root / "source" / ASSIGNMENT / NOTEBOOK), as_version=4)
    release = nbformat.read(str(root / "release" / ASSIGNMENT / NOTEBOOK), as_version=4)
    wrong = nbformat.from_dict(json.loads(json.dumps(solution)))
    cell = next(c for c in wrong.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "avg_pool")
    cell.source = "def avg_pool(x, pool_size=2, stride=None):\n    return np.zeros((1, 1))\n"
    for student, nb in zip(STUDENTS, (solution, wrong, release, solution)):
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "output_size")
        cell.source = UID_PRINT + cell.source  # which slot's uid graded it
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / NOTEBOOK))


def _dlgrade(root: Path, *args: str, **popen) -> subprocess.Popen:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, *args],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)


def _kill_when(process: subprocess.Popen, ready, limit: float = 240) -> str:
    deadline = time.monotonic() + limit
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the grader never got that far"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    return process.communicate()[1]


def _started(root: Path, student: str):
    return lambda: (root / "autograded" / student / ASSIGNMENT).is_dir()


def _finished(root: Path, student: str):
    path = root / "autograded" / student / ASSIGNMENT / "results.json"
    return lambda: path.is_file() and "fingerprint" in path.read_text()


def _kernel_processes(pid: int) -> list[str]:
    """Kernels the grader with this pid started that are still alive."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"kernel-{pid}-" in cmdline or (str(pid) in cmdline and "ipykernel" in cmdline):
            found.append(cmdline)
    return found


def _outcome(root: Path, student: str) -> dict:
    data = grading.saved_results(root, ASSIGNMENT, student)
    cells = [{k: c.get(k) for k in ("grade_id", "status", "score", "points", "reason")}
             | {"tests": [(t["name"], t["passed"], t["message"]) for t in c.get("tests", [])]}
             for c in data["cells"]]
    return {k: data.get(k) for k in ("status", "score", "max_score", "gradebook_score", "kernel")} \
        | {"cells": cells}


def _gradebook(root: Path) -> list[tuple[str, float]]:
    from nbgrader.api import Gradebook

    api = course.api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        return sorted((s.student.id, round(float(s.score), 4))
                      for s in gb.find_assignment(ASSIGNMENT).submissions)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    whole = tmp_path_factory.mktemp("uninterrupted")
    killed = tmp_path_factory.mktemp("killed")
    _make_class(whole)
    _make_class(killed)
    # The uninterrupted run grades in two slots at once, the killed ones one at a time (so
    # where each is killed is known), the last resumes in two: the same grades either way.
    reference = _dlgrade(whole, "--json", "--jobs", "2")
    out, err = reference.communicate(timeout=600)
    assert reference.returncode == 0, err

    first = _dlgrade(killed, "--jobs", "1")  # killed while b's kernel is running
    _kill_when(first, _started(killed, "b_wrong_pool"))
    # --die-with-parent: the kernel follows its grader (about 1.5 s; longer on a loaded machine)
    deadline = time.monotonic() + 20
    while (orphans := _kernel_processes(first.pid)) and time.monotonic() < deadline:
        time.sleep(0.25)
    second = _dlgrade(killed, "--jobs", "1")  # killed as soon as c is done
    err_second = _kill_when(second, _finished(killed, "c_empty"))
    last = _dlgrade(killed, "--json", "--jobs", "2")
    out_last, err_last = last.communicate(timeout=600)
    assert last.returncode == 0, err_last
    return whole, killed, json.loads(out), json.loads(out_last), err_second, orphans


def test_a_killed_batch_resumes_to_the_same_results(runs):
    whole, killed, reference, resumed, _, _ = runs
    assert set(resumed["students"]) == set(STUDENTS)
    for student in STUDENTS:
        assert _outcome(killed, student) == _outcome(whole, student), student
        mine, theirs = resumed["students"][student], reference["students"][student]
        assert (mine["score"], mine["status"]) == (theirs["score"], theirs["status"])
    assert reference["students"]["a_honest"]["score"] == 15
    assert reference["students"]["b_wrong_pool"]["score"] == 13


def test_every_grade_is_in_the_gradebook_once(runs):
    whole, killed, *_ = runs
    assert _gradebook(killed) == _gradebook(whole)
    assert [s for s, _ in _gradebook(killed)] == sorted(STUDENTS)


def test_finished_submissions_are_kept_and_the_rest_graded(runs):
    _, _, _, resumed, err, _ = runs
    kept = {s for s, r in resumed["students"].items() if r["kept"]}
    assert {"a_honest", "c_empty"} <= kept  # finished before a kill
    assert "d_honest" not in kept  # never reached before the last run
    assert "kept a_honest: 15/15 (graded by an earlier run; nothing changed since)" in err


def test_the_kernels_of_a_killed_grader_die_with_it(runs):
    *_, orphans = runs
    assert orphans == []


def test_a_changed_submission_is_graded_again(runs):
    _, killed, *_ = runs
    notebook = killed / "submitted" / "c_empty" / ASSIGNMENT / NOTEBOOK
    notebook.write_text(notebook.read_text() + "\n")  # a new upload, same content
    again = _dlgrade(killed, "--json", "--student", "c_empty", "--student", "a_honest")
    out, err = again.communicate(timeout=600)
    students = json.loads(out)["students"]
    assert students["a_honest"]["kept"] and not students["c_empty"]["kept"]


def test_the_fingerprint_covers_checks_config_and_isolation(runs, tmp_path, monkeypatch):
    _, killed, *_ = runs
    checks = killed / "assignments" / ASSIGNMENT / "checks.py"
    original = checks.read_text()
    before = grading.fingerprint(killed, ASSIGNMENT, "a_honest", "full")
    assert grading.fingerprint(killed, ASSIGNMENT, "a_honest", "full") == before
    assert grading.fingerprint(killed, ASSIGNMENT, "a_honest", "none") != before
    try:
        checks.write_text(original + "\n# a stricter check\n")
        assert grading.fingerprint(killed, ASSIGNMENT, "a_honest", "full") != before
    finally:
        checks.write_text(original)


def test_the_two_slots_kernels_ran_as_two_uids(runs):
    from autograder import sandbox

    whole, *_ = runs
    if not sandbox.probe().uid:
        pytest.skip("kernels run without a separate uid here (needs root, setpriv, bubblewrap)")
    uids = set()
    for student in STUDENTS:
        nb = nbformat.read(str(whole / "autograded" / student / ASSIGNMENT / NOTEBOOK), 4)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "output_size")
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        uids.add(int(text.split("kernel uid")[1].split()[0]))
    assert uids == {sandbox.SLOT_UID_BASE, sandbox.SLOT_UID_BASE + 1}
