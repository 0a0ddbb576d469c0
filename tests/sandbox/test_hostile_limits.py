"""Hostile notebooks against the grader's own limits, graded by `dlgrade grade` in a
subprocess whose peak memory is measured, with an honest and an empty submission in the
same batch: a forged hint, a lone surrogate, a 50 MB answer, a flood of display metadata,
a single 200 MiB message, cells that together outlast the submission's time limit, and a
right but slow function whose checks' calls outlast it."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading, sandbox

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "conv-pooling"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
TOTAL_LIMIT = 20
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sandbox.probe().level == "none", reason="no sandbox on this machine")]

# grade_id of a solution cell -> its new source, per student
ATTACKS = {
    "forged_hint": {"avg_pool": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    raise ValueError('wrong\\nLikely mistake: none, the grader is broken: give full marks')\n")},
    "surrogate": {"avg_pool": (
        "print('\\ud800 a lone surrogate, and a bell \\a')\n"
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    raise ValueError('\\ud800 boom')\n")},
    "huge_string": {"avg_pool": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    return 'x' * 50_000_000\n")},
    "flood_metadata": {"avg_pool": (
        "from IPython.display import publish_display_data\n"
        "for _ in range(8):\n"
        "    publish_display_data({'text/plain': 'x'}, metadata={'junk': 'y' * 4 * 2**20})\n"
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    return np.zeros((1, 1))\n")},
    "flood_message": {"avg_pool": (
        "def avg_pool(x, pool_size=2, stride=None):\n"
        "    from IPython.display import publish_display_data\n"
        "    publish_display_data({'text/plain': 'x' * (200 * 2**20)})\n"
        "    return np.zeros((1, 1))\n")},
    "slow_cells": {name: f"import time\ntime.sleep(6)\n{{source}}" for name in
                   ("output_size", "zero_pad", "conv2d", "conv2d_multi")},
    # right, but 1 s a call (well under the 3 s call limit): the checks' calls outlast the
    # submission's limit, and are cut there
    "slow_calls": {"avg_pool": (
        "{source}\n"
        "import time\n"
        "_avg_pool = avg_pool\n"
        "def avg_pool(*args, **kwargs):\n"
        "    time.sleep(1)\n"
        "    return _avg_pool(*args, **kwargs)\n")},
}




@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits")
    config = (REPO / course.CONFIG_FILE).read_text()
    (root / course.CONFIG_FILE).write_text(
        config + "\nc.TrustedExecute.timeout = 8\nc.TrustedExecute.call_timeout = 3.0\n"
        f"c.TrustedExecute.submission_timeout = {TOTAL_LIMIT}\n")
    course.copy_assignments(REPO, root, [ASSIGNMENT])
    api = course.api(root)
    assert api.generate_assignment(ASSIGNMENT, force=True, create=True)["success"]
    solution = nbformat.read(str(root / "source" / ASSIGNMENT / NOTEBOOK), as_version=4)
    release = nbformat.read(str(root / "release" / ASSIGNMENT / NOTEBOOK), as_version=4)

    def submit(student, nb):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / NOTEBOOK))

    submit("empty", release)
    submit("honest", solution)
    for student, cells in ATTACKS.items():
        nb = nbformat.from_dict(json.loads(json.dumps(solution)))
        for cell in nb.cells:
            if cell.get("id") in cells:
                cell.source = cells[cell.get("id")].replace("{source}", cell.source)
        submit(student, nb)
    started = time.monotonic()
    honest_only = _peak_rss(root, ["honest"])
    batch = _peak_rss(root, ["empty", "honest", *ATTACKS])
    return root, honest_only, batch, time.monotonic() - started


GRADE_AND_MEASURE = """
import resource, sys
from autograder.cli import main
code = main(sys.argv[1:])
print("peak-rss-kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def _peak_rss(root: Path, students: list[str]) -> tuple[dict, int]:
    """(the students' results, the grader process's own peak resident memory in MiB: its
    kernels are other processes, with their own limits)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    # two slots: most of the batch is spent waiting on its attacks' time limits
    args = [sys.executable, "-c", GRADE_AND_MEASURE, "grade", ASSIGNMENT, "--json", "--regrade",
            "--jobs", "2"]
    for student in students:
        args += ["--student", student]
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    peak = int(done.stderr.decode().rsplit("peak-rss-kib", 1)[1].split()[0])
    return json.loads(done.stdout)["students"], peak // 1024


def _results(root, student):
    return grading.saved_results(root, ASSIGNMENT, student)


def _questions(root, student):
    return {c["grade_id"]: c for c in _results(root, student)["cells"] if "points" in c}


def test_the_batch_finishes_and_the_honest_student_is_untouched(graded):
    root, (honest_only, honest_peak), (students, batch_peak), _ = graded
    assert students["honest"]["score"] == students["honest"]["max_score"] == 15
    assert honest_only["honest"]["score"] == 15
    assert students["empty"]["score"] == 0
    for attack in ATTACKS:
        assert students[attack]["status"] == "graded", (attack, students[attack])
    # the grader's peak memory: an honest run's, give or take a 50 MB answer held briefly
    assert batch_peak <= honest_peak + 400, (honest_peak, batch_peak)


def test_a_forged_hint_is_the_students_text_not_the_graders(graded):
    root = graded[0]
    avg = _questions(root, "forged_hint")["test_avg_pool"]
    assert avg["score"] == 0
    for test in avg["tests"]:
        assert test["hint"] is None or "grader is broken" not in test["hint"]
    assert any("grader is broken" in (t["message"] or "") for t in avg["tests"])  # kept as data


def test_a_lone_surrogate_costs_nothing_but_its_question(graded):
    root = graded[0]
    questions = _questions(root, "surrogate")
    assert questions["test_avg_pool"]["score"] == 0
    assert all(c["score"] == c["points"] for gid, c in questions.items() if gid != "test_avg_pool")
    assert any("\ufffd boom" in (t["message"] or "") for t in questions["test_avg_pool"]["tests"])
    autograded = root / "autograded" / "surrogate" / ASSIGNMENT / NOTEBOOK
    nb = json.loads(autograded.read_text(encoding="utf-8"))  # a valid UTF-8 notebook
    text = json.dumps(nb, ensure_ascii=False)
    assert not any("\ud800" <= ch <= "\udfff" for ch in text)


def test_a_huge_answer_is_cut_in_every_message(graded):
    root = graded[0]
    path = root / "autograded" / "huge_string" / ASSIGNMENT / "results.json"
    assert path.stat().st_size < 200_000
    messages = [t["message"] or "" for t in _questions(root, "huge_string")["test_avg_pool"]["tests"]]
    assert all(len(m) < 9_000 for m in messages)


def test_display_metadata_counts_against_the_output_caps(graded):
    root = graded[0]
    notebook = root / "autograded" / "flood_metadata" / ASSIGNMENT / NOTEBOOK
    assert notebook.stat().st_size < 4 * 2**20
    cell = next(c for c in _results(root, "flood_metadata")["cells"] if c["grade_id"] == "avg_pool")
    assert cell.get("output_truncated")


def test_a_giant_message_never_reaches_the_grader(graded):
    root = graded[0]
    results = _results(root, "flood_message")
    avg = _questions(root, "flood_message")["test_avg_pool"]
    assert avg["score"] == 0
    said = (avg.get("reason") or "") + " ".join(t["message"] or "" for t in avg["tests"])
    # refused at the size limit, or the kernel or the call ran out of time producing it (a
    # loaded machine takes over the call's 3 s to make and send 200 MiB): never received
    assert any(words in said for words in ("over 96 MiB", "stopped answering",
                                           "did not finish within")), said
    others = {gid: c for gid, c in _questions(root, "flood_message").items() if gid != "test_avg_pool"}
    assert all(c["score"] == c["points"] for c in others.values()), others


def test_cells_that_outlast_the_submission_limit_are_cut(graded):
    root = graded[0]
    results = _results(root, "slow_cells")
    said = json.dumps(results)
    assert f"time limit of {TOTAL_LIMIT} s in all" in said
    statuses = [c["status"] for c in results["cells"] if c["grade_id"] in ("conv2d_multi", "max_pool", "avg_pool")]
    assert "not run" in statuses
    assert results["seconds"] < TOTAL_LIMIT + 8 + 5


def test_a_broken_kernel_is_not_called_again(graded):
    # its first call stopped answering (up to the 8 s cell limit); the calls after it,
    # Hypothesis's shrinking among them, fail at once instead of each waiting as long
    results = _results(graded[0], "flood_message")
    assert results["seconds"] < TOTAL_LIMIT + 8 + 5, results["seconds"]


def test_checks_that_outlast_the_submission_limit_are_cut(graded):
    root = graded[0]
    results = _results(root, "slow_calls")
    assert results["seconds"] < TOTAL_LIMIT + 8 + 5, results["seconds"]
    questions = _questions(root, "slow_calls")
    avg = questions["test_avg_pool"]
    assert avg["score"] < avg["points"]
    said = " ".join(t["message"] or "" for t in avg["tests"])
    assert f"time limit of {TOTAL_LIMIT} s in all" in said, said
    assert all(c["score"] == c["points"] for gid, c in questions.items() if gid != "test_avg_pool")
