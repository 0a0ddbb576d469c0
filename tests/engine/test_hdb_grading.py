"""hdb-regression through the whole path: `dlgrade calibrate`, then `dlgrade grade` in the
sandbox, the sales reaching the kernel as the CSV course_data.py reads."""
import json
from pathlib import Path

import nbformat
import pytest

from autograder import cli, course, grading, timing

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "hdb-regression"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
pytestmark = pytest.mark.slow


def test_the_solution_gets_full_marks_and_a_linear_network_loses_its_points(tmp_path, monkeypatch, capsys):
    course.copy_assignments(REPO, tmp_path, [ASSIGNMENT])
    solution = nbformat.read(str(tmp_path / "source" / ASSIGNMENT / NOTEBOOK), 4)
    for student in ("ada", "lin"):
        (tmp_path / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(solution, str(tmp_path / "submitted" / "ada" / ASSIGNMENT / NOTEBOOK))
    next(c for c in solution.cells if c.get("id") == "build_model").source = (
        "def build_model():\n    model = keras.Sequential([keras.Input(shape=(N_FEATURES,)), keras.layers.Dense(1)])\n"
        "    model.compile(optimizer='adam', loss='mse')\n    return model\n")
    nbformat.write(solution, str(tmp_path / "submitted" / "lin" / ASSIGNMENT / NOTEBOOK))
    monkeypatch.chdir(tmp_path)

    # one timed run: `grade --calibrate`'s path (a warm-up and three) is test_timing's
    assert cli.main(["calibrate", ASSIGNMENT, "--runs", "1", "--no-warm-up"]) == 0
    assert "the reference solution passes every hidden check on this grader's data" in \
        capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, "--json"]) == 0
    out, err = capsys.readouterr()
    assert "calibrating" not in err and "no calibration" not in err
    students = json.loads(out)["students"]
    assert (students["ada"]["score"], students["ada"]["max_score"]) == (21, 21)
    results = grading.saved_results(tmp_path, ASSIGNMENT, "lin")
    scores = {c["grade_id"]: c["score"] for c in results["cells"] if "points" in c}
    assert scores["test_features"] == 3 and scores["test_model"] == 2  # no hidden layer
    assert scores["test_mae"] == 0
    messages = " ".join(t["message"] or "" for c in results["cells"] for t in c.get("tests", []))
    assert "no hidden Dense layer" in messages and "no better than predicting the average price" in messages
    calibration = timing.load(tmp_path, ASSIGNMENT)
    assert calibration.reference["scores"]["test_mae"] == 1.0
    autograded = nbformat.read(str(tmp_path / "autograded" / "ada" / ASSIGNMENT / NOTEBOOK), 4)
    printed = "".join(o.get("text", "") for c in autograded.cells if c.get("id") == "training_data"
                      for o in c.outputs)
    assert "hdb_resale: EMBEDDED STAND-IN" in printed and "training: (14400, 57)" in printed
