"""Hostile and broken submissions cost only the points that depend on them.

One conv-pooling class, graded once through nbgrader and a real kernel with short
timeouts (cells 5 s, bridge calls 2 s). Each student breaks one thing; every
other test cell keeps its full marks and the batch finishes.
"""
from pathlib import Path

import nbformat
import pytest

from autograder import course, grading

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "conv-pooling"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
pytestmark = pytest.mark.slow

# Each student: (grade_id of the solution cell to change, how, text). avg_pool is
# called by no other function, so breaking it touches test_avg_pool only.
STUDENTS = {
    # avg_pool loops forever whenever the grader calls it.
    "loops": ("avg_pool", "prepend_body", "    while True:\n        pass\n"),
    # The cell defining avg_pool never finishes: interrupted, avg_pool undefined.
    "hangs": ("avg_pool", "prepend", "import time\nwhile True:\n    time.sleep(0.05)\n"),
    # Everything right, and chatty on stderr.
    "noisy": ("avg_pool", "append", "import sys\nprint('debug: avg_pool loaded', file=sys.stderr)\n"),
    # The kernel process exits in the avg_pool cell.
    "exits": ("avg_pool", "prepend", "import os\nos._exit(3)\n"),
    # avg_pool returns the array printed as text.
    "strings": ("avg_pool", "wrap_return", None),
    # avg_pool renamed: the grader cannot find it.
    "renames": ("avg_pool", "rename", None),
    # A gigantic print (LimitOutput trims it) in a cell that is otherwise right.
    "floods": ("avg_pool", "append", "print('x' * 5_000_000)\n"),
}


def _change(cell, how: str, text: str | None) -> None:
    if how == "prepend":
        cell.source = text + cell.source
    elif how == "append":
        cell.source = cell.source + "\n" + text
    elif how == "prepend_body":
        head, body = cell.source.split("### BEGIN SOLUTION\n", 1)
        cell.source = head + "### BEGIN SOLUTION\n" + text + body
    elif how == "wrap_return":
        cell.source = cell.source.replace("    return out\n", "    return str(out)\n")
    elif how == "rename":
        cell.source = cell.source.replace("def avg_pool(", "def average_pool(")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    config = (REPO / course.CONFIG_FILE).read_text()
    (root / course.CONFIG_FILE).write_text(
        config + "\nc.TrustedExecute.timeout = 5\nc.TrustedExecute.call_timeout = 2.0\n")
    course.copy_assignments(REPO, root, [ASSIGNMENT])
    api = course.api(root)
    assert api.generate_assignment(ASSIGNMENT, force=True, create=True)["success"]
    solution = nbformat.read(str(root / "source" / ASSIGNMENT / NOTEBOOK), as_version=4)
    for student, (grade_id, how, text) in STUDENTS.items():
        nb = nbformat.from_dict(solution)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        _change(cell, how, text)
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / NOTEBOOK))
    # A student whose notebook got renamed on the way, and one who deleted a test cell.
    renamed = root / "submitted" / "misnamed" / ASSIGNMENT
    renamed.mkdir(parents=True)
    nbformat.write(solution, str(renamed / "conv-pooling (1).ipynb"))
    pruned = nbformat.from_dict(solution)
    pruned.cells = [c for c in pruned.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") != "test_zero_pad"]
    (root / "submitted" / "pruned" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(pruned, str(root / "submitted" / "pruned" / ASSIGNMENT / NOTEBOOK))
    # two slots: most of the batch waits on its students' time limits
    results = {r.student: r for r in grading.grade(root, ASSIGNMENT, jobs=2)}
    return root, results


def _cells(root, student):
    data = grading.saved_results(root, ASSIGNMENT, student)
    return {c["grade_id"]: c for c in data["cells"] if c.get("grade_id")}


def _message(cell) -> str:
    return " ".join([cell.get("reason") or ""] + [t["message"] or "" for t in cell.get("tests", [])])


def _only_avg_pool_lost(root, student):
    cells = _cells(root, student)
    tests = {gid: c for gid, c in cells.items() if "points" in c}
    assert len(tests) == 6
    for gid, cell in tests.items():
        if gid == "test_avg_pool":
            assert cell["score"] < cell["points"], cell
        else:
            assert cell["score"] == cell["points"], (student, gid, _message(cell))
    return tests["test_avg_pool"]


def test_the_batch_finishes_with_every_student(graded):
    _, results = graded
    assert set(results) == set(STUDENTS) | {"misnamed", "pruned"}


def test_a_function_that_loops_forever_times_out_once_per_cell(graded):
    root, results = graded
    cell = _only_avg_pool_lost(root, "loops")
    assert cell["score"] == 0
    assert "did not finish within 2 s" in _message(cell)
    # Hypothesis does not pay the timeout again for every example it tries.
    assert cell["seconds"] < 30, cell["seconds"]


def test_a_cell_that_never_finishes_is_interrupted_and_the_notebook_goes_on(graded):
    root, _ = graded
    cells = _cells(root, "hangs")
    assert cells["avg_pool"]["status"] == "timeout"
    assert 4 <= cells["avg_pool"]["seconds"] < 20
    cell = _only_avg_pool_lost(root, "hangs")
    assert "avg_pool() is not defined" in _message(cell)


def test_stderr_and_huge_output_cost_nothing(graded):
    _, results = graded
    for student in ("noisy", "floods"):
        assert (results[student].status, results[student].score) == ("graded", results[student].max_score)


def test_output_is_capped_per_cell_and_says_so(graded):
    root, _ = graded
    data = grading.saved_results(root, ASSIGNMENT, "floods")
    flood = next(c for c in data["cells"] if c["grade_id"] == "avg_pool")
    assert flood.get("output_truncated") is True
    assert not any(c.get("output_truncated") for c in data["cells"] if c is not flood)
    nb = nbformat.read(str(root / "autograded" / "floods" / ASSIGNMENT / NOTEBOOK), as_version=4)
    outputs = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "avg_pool").outputs
    text = "".join(o.get("text", "") for o in outputs)
    assert len(text) < 2.1 * 2**20
    assert "[output truncated: over 2048 KiB per cell; the rest was dropped]" in text


def test_a_dying_kernel_costs_only_the_cells_it_did_not_reach(graded):
    root, results = graded
    cell = _only_avg_pool_lost(root, "exits")
    assert cell["score"] == 0 and "kernel died" in _message(cell)
    assert results["exits"].status == "graded"
    assert "kernel died" in (results["exits"].reason or "")


def test_a_wrong_type_and_a_renamed_function_are_named(graded):
    root, _ = graded
    strings = _only_avg_pool_lost(root, "strings")
    assert strings["score"] == 0 and "str" in _message(strings)
    renamed = _only_avg_pool_lost(root, "renames")
    assert renamed["score"] == 0 and "avg_pool() is not defined" in _message(renamed)


def test_a_renamed_notebook_is_an_error_that_says_so(graded):
    _, results = graded
    misnamed = results["misnamed"]
    assert (misnamed.status, misnamed.score) == ("error", 0.0)
    assert "missing notebook conv-pooling.ipynb" in misnamed.reason
    assert "conv-pooling (1).ipynb" in misnamed.reason


def test_a_deleted_test_cell_is_put_back_and_graded(graded):
    root, results = graded
    cells = _cells(root, "pruned")
    assert cells["test_zero_pad"]["score"] == cells["test_zero_pad"]["points"] == 1
    assert results["pruned"].score == results["pruned"].max_score
