"""release -> submit -> grade on the real course notebooks, through nbgrader and a real kernel."""
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import course, datasets, demo, grading, timing

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    demo.build(REPO, root)
    # as `dlgrade demo` does: ada's graded run calibrates the assignments that train
    results = {a: {r.student: r for r in grading.grade(root, a, calibrate_from=demo.REFERENCE_STUDENT)}
               for a in demo.DEMO_ASSIGNMENTS}
    return root, results


def _results_json(root, student, assignment):
    return grading.saved_results(root, assignment, student)


def _cells(root, student, assignment):
    return {c["grade_id"]: c for c in _results_json(root, student, assignment)["cells"]
            if "points" in c}


@pytest.mark.parametrize("assignment", demo.DEMO_ASSIGNMENTS)
def test_solution_gets_full_marks(demo_course, assignment):
    root, results = demo_course
    ada = results[assignment]["ada"]
    assert ada.status == "graded"
    assert ada.max_score > 0
    assert ada.score == ada.max_score
    for cell in _cells(root, "ada", assignment).values():
        assert cell["score"] == cell["points"], cell
        assert cell["tests"] and all(t["passed"] for t in cell["tests"])


def test_mistakes_lose_points_where_they_are_used(demo_course):
    root, results = demo_course
    cells = _cells(root, "ben", "conv-pooling")
    wrong = {gid for gid, c in cells.items() if c["score"] < c["points"]}
    # The solution reuses output_size in later functions, so ben's ceil spreads there too;
    # zero_pad does not use it and keeps its marks.
    assert {"test_output_size", "test_conv2d", "test_max_pool"} <= wrong, wrong
    assert "test_zero_pad" not in wrong
    messages = {gid: " ".join(t["message"] or "" for t in c["tests"]) for gid, c in cells.items()}
    assert "flipped" in messages["test_conv2d"]
    assert "ceil" in messages["test_output_size"]
    assert "as if the stride were 1" in messages["test_max_pool"]
    assert 0 < results["conv-pooling"]["ben"].score < results["conv-pooling"]["ben"].max_score
    shapes = _cells(root, "ben", "cnn-shapes")
    assert shapes["test_conv_params"]["score"] < shapes["test_conv_params"]["points"]
    assert shapes["test_dense_params"]["score"] < shapes["test_dense_params"]["points"]


@pytest.mark.parametrize("assignment", demo.DEMO_ASSIGNMENTS)
def test_broken_and_empty_notebooks_score_zero_with_reasons(demo_course, assignment):
    root, results = demo_course
    for student, expected in (("cy", "not defined"), ("dee", "NotImplementedError")):
        result = results[assignment][student]
        assert result.status == "graded"
        assert result.score == 0.0
        messages = [t["message"] for c in _cells(root, student, assignment).values()
                    for t in c["tests"]]
        assert messages and all(m for m in messages)
        assert any(expected in m for m in messages), (student, messages[:3])
    eve = results[assignment]["eve"]
    assert (eve.status, eve.score) == ("error", 0.0)
    assert "not a valid notebook" in eve.reason


def test_scores_are_in_the_gradebook(demo_course):
    from nbgrader.api import Gradebook

    root, results = demo_course
    api = course.api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for assignment, by_student in results.items():
            for student in ("ada", "ben", "cy", "dee"):
                assert gb.find_submission(assignment, student).score == pytest.approx(
                    by_student[student].score)


def test_test_cells_hold_a_plain_float_score_and_no_hidden_source(demo_course):
    root, _ = demo_course
    nb = nbformat.read(str(root / "autograded" / "ben" / "conv-pooling" / "conv-pooling.ipynb"), 4)
    checks_source = (REPO / "assignments" / "conv-pooling" / "checks.py").read_text()
    for cell in nb.cells:
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbg.get("grade") and not nbg.get("solution"):
            first = cell.outputs[0]
            assert first.output_type == "execute_result"
            score = float(first.data["text/plain"])  # a plain float repr nbgrader can parse
            assert 0.0 <= score <= nbg["points"]
            assert "def test_" not in cell.source
            assert not any(o.get("name") == "stderr" for o in cell.outputs)
    assert "def test_" in checks_source  # the hidden checks exist, just not in the notebook


def test_regrade_gives_identical_results(demo_course):
    root, _ = demo_course

    def stable(student):
        data = _results_json(root, student, "conv-pooling")
        for key in ("seconds", "seconds_total"):
            data.pop(key, None)
        for cell in data["cells"]:
            cell.pop("seconds", None)
            cell.pop("cpu_seconds", None)
            for test in cell.get("tests", []):
                test.pop("seconds", None)
        return data

    before = {s: stable(s) for s in ("ada", "ben")}
    grading.grade(root, "conv-pooling", ["ada", "ben"], regrade=True)
    assert {s: stable(s) for s in ("ada", "ben")} == before


def test_released_notebooks_are_up_to_date(tmp_path):
    """release/ is committed: regenerating it from the assignment folders must change nothing."""
    course.copy_assignments(REPO, tmp_path, course.assignments(REPO))
    api = course.api(tmp_path)
    for assignment in course.assignments(REPO):
        assert api.generate_assignment(assignment, force=True, create=True)["success"]
        for path in sorted((REPO / "release" / assignment).glob("*.ipynb")):
            fresh = json.loads((tmp_path / "release" / assignment / path.name).read_text())
            committed = json.loads(path.read_text())
            assert fresh == committed, (f"release/{assignment}/{path.name} is stale: "
                                        f"run `dlgrade release {assignment}` and commit it")


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "csv"])
def test_export_reads_back_as_the_gradebook(demo_course, fmt, monkeypatch, capsys):
    import pandas as pd
    from nbgrader.api import Gradebook

    from autograder.cli import main

    root, results = demo_course
    api = course.api(root)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.edu")
        gb.update_or_create_student("zoe", first_name="Zoe", last_name="Absent")  # submitted nothing
    monkeypatch.chdir(root)
    assert main(["export", "--format", fmt]) == 0
    path = root / "exports" / ("grades.csv" if fmt == "csv" else f"grades-{fmt}.csv")
    out = capsys.readouterr().out
    assert str(path) in out
    table = pd.read_csv(path, dtype={"SIS User ID": str, "ID number": str, "student_id": str})
    id_column = {"canvas": "SIS User ID", "moodle": "ID number", "csv": "student_id"}[fmt]
    if fmt == "canvas":
        points, table = table.iloc[0], table.iloc[1:].set_index(id_column)
        assert points["Student"].strip() == "Points Possible"
        assert {a: float(points[a]) for a in demo.DEMO_ASSIGNMENTS} == {
            a: results[a]["ada"].max_score for a in demo.DEMO_ASSIGNMENTS}
        assert table.loc["ada", "Student"] == "Lovelace, Ada"
    else:
        table = table.set_index(id_column)
    if fmt == "moodle":
        assert table.loc["ada", "Email address"] == "ada@example.edu"
    for assignment in demo.DEMO_ASSIGNMENTS:
        for student in ("ada", "ben", "cy", "dee"):
            # two decimals, as the terminal and the reports show scores (3.33, not 3.3334)
            assert float(table.loc[student, assignment]) == round(results[assignment][student].score, 2)
        assert pd.isna(table.loc["zoe", assignment])  # submitted nothing: left empty
        # eve's file is not a notebook: not in nbgrader's gradebook, yet exported with the
        # 0 the grader recorded, and said why
        assert results[assignment]["eve"].status == "error"
        assert float(table.loc["eve", assignment]) == 0.0
        assert f"eve: {assignment} could not be graded, exported as 0: " in out
    if fmt == "csv":
        assert all(a in table.loc["eve", "problems"] for a in demo.DEMO_ASSIGNMENTS)
        assert pd.isna(table.loc["ada", "problems"])
    else:
        listed = pd.read_csv(root / "exports" / f"grades-{fmt}-problems.csv")
        assert list(listed.columns) == ["student_id", "assignment", "score", "reason"]
        assert sorted(listed["assignment"]) == sorted(demo.DEMO_ASSIGNMENTS)
        assert set(listed["student_id"]) == {"eve"} and listed["reason"].str.len().min() > 0
    if fmt == "csv":
        expected_total = round(sum(round(results[a]["ben"].score, 2) for a in demo.DEMO_ASSIGNMENTS), 2)
        assert table.loc["ben", "total"] == pytest.approx(expected_total)


def test_export_without_a_gradebook_is_a_clean_error(tmp_path, monkeypatch, capsys):
    from autograder.cli import main

    shutil.copy(REPO / course.CONFIG_FILE, tmp_path / course.CONFIG_FILE)
    (tmp_path / "assignments").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "canvas"]) == 2
    assert "no gradebook" in capsys.readouterr().err


def test_feedback_and_class_report_commands(demo_course, monkeypatch, capsys):
    from autograder.cli import main

    root, _ = demo_course
    monkeypatch.chdir(root)
    assert main(["feedback", "conv-pooling"]) == 0
    written = capsys.readouterr().out.split()
    assert len(written) == 5  # eve's report says why her notebook could not be graded
    ben = (root / "feedback" / "ben" / "conv-pooling" / "conv-pooling.html").read_text()
    assert "flipped" in ben and "def test_" not in ben
    assert "not a valid notebook" in (root / "feedback" / "eve" / "conv-pooling" / "feedback.md").read_text()
    assert main(["report", "conv-pooling"]) == 0
    report = Path(capsys.readouterr().out.strip())
    assert report == root / "reports" / "conv-pooling" / "class-report.html"
    assert "data:image/png;base64," in report.read_text()
    assert main(["report", "no-such-assignment"]) == 2


# --------------------------------------------------------------------------- a model assignment

def _replace_cell(root, student, cell_id, source):
    """A submission of mnist-ann: the solution notebook with one cell rewritten."""
    nb = nbformat.read(str(root / "source" / "mnist-ann" / "mnist-ann.ipynb"), 4)
    next(c for c in nb.cells if c.get("id") == cell_id).source = source
    path = root / "submitted" / student / "mnist-ann" / "mnist-ann.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))


def test_a_trained_model_is_graded_in_the_grader_through_the_kernel(demo_course):
    root, results = demo_course
    ada = _results_json(root, "ada", "mnist-ann")
    calibration = timing.load(root, "mnist-ann")
    budget = ada["budgets"][0]
    assert ada["budgets"] == [{
        "cell": "train", "seconds": budget["seconds"], "factor": 3.0,
        "reference_seconds": calibration.seconds, "cpu_seconds": budget["cpu_seconds"],
        "reference_cpu_seconds": calibration.cpu_seconds,
        "notebook_cpu_seconds": budget["notebook_cpu_seconds"],
        "reference_notebook_cpu_seconds": calibration.notebook_cpu_seconds,
        "training_steps": calibration.training_steps,
        "reference_training_steps": calibration.training_steps,
        "device": timing.device_id(calibration.device),
        "gpu_timed": calibration.gpu_timed, "passed": True, "reason": None}]
    assert 0 < budget["seconds"] <= 3 * calibration.seconds
    assert calibration.training_steps > 0 and calibration.training_steps % 5 == 0  # 5 epochs
    # the kernel's CPU, measured from outside it: the training cell trained, the notebook kept
    # within its budget, and nothing flagged
    assert 0.25 * calibration.cpu_seconds <= budget["cpu_seconds"]
    assert budget["cpu_seconds"] < budget["notebook_cpu_seconds"] <= 3 * calibration.notebook_cpu_seconds
    assert ada["flags"] == []
    # as `dlgrade demo`: ada's graded run is the calibration (one run, no warm-up), her cells
    # as the executor timed them up to her training-time check, the steps that check counted;
    # the checks on the reference's trained model are her grading (full marks: the thresholds
    # fit this data)
    assert calibration.reference == {} and calibration.warmup is None
    assert calibration.runs == [calibration.seconds] == [pytest.approx(budget["seconds"], abs=1e-4)]
    assert calibration.cpu_seconds == pytest.approx(budget["cpu_seconds"], abs=1e-4)
    assert calibration.notebook_cpu_seconds == pytest.approx(budget["notebook_cpu_seconds"], abs=1e-4)
    assert calibration.data["mnist"] == ada["data"]["mnist"]
    # the kernel trained on the prepared training split; the test images stayed here
    data = root / datasets.STUDENT_DATA_DIR / "mnist.npz"
    with np.load(data) as arrays:
        assert sorted(arrays.files) == ["source", "x_train", "x_val", "y_train", "y_val"]
    autograded = nbformat.read(str(root / "autograded" / "ada" / "mnist-ann" / "mnist-ann.ipynb"), 4)
    printed = "".join(o.get("text", "") for c in autograded.cells if c.get("id") == "data" for o in c.outputs)
    assert ("EMBEDDED STAND-IN" in printed) == datasets.evaluation("mnist").embedded
    assert "/" not in printed.split("mnist:")[1].split("training:")[0], "no grader paths"
    ben = _cells(root, "ben", "mnist-ann")  # the course's model without the hidden layer
    assert ben["test_model"]["score"] < ben["test_model"]["points"]
    messages = " ".join(t["message"] or "" for t in ben["test_model"]["tests"])
    assert "layer 2: expected Dense(128, relu), found Dense(10, softmax)" in messages
    assert ben["test_preprocess"]["score"] == 2 and ben["test_training_time"]["score"] == 2


def test_a_lambda_layer_and_a_training_cell_over_budget_lose_their_points(demo_course):
    root, _ = demo_course
    calibration = timing.load(root, "mnist-ann")
    _replace_cell(root, "fay", "build_model", (
        "def build_model():\n    model = keras.Sequential([keras.Input(shape=(28, 28)), "
        "keras.layers.Flatten(), keras.layers.Lambda(lambda x: x * 1.0), "
        "keras.layers.Dense(128, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
        "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n    return model\n"))
    train = nbformat.read(str(root / "source" / "mnist-ann" / "mnist-ann.ipynb"), 4)
    train = next(c for c in train.cells if c.get("id") == "train").source
    _replace_cell(root, "gus", "train", train + f"\nimport time\ntime.sleep({3 * calibration.seconds + 1:.2f})\n")
    results = {r.student: r for r in grading.grade(root, "mnist-ann", ["fay", "gus"])}
    fay, gus = _cells(root, "fay", "mnist-ann"), _cells(root, "gus", "mnist-ann")
    for cell in ("test_model", "test_accuracy"):
        assert fay[cell]["score"] == 0
        assert all("Lambda layer" in t["message"] for t in fay[cell]["tests"])
    assert fay["test_preprocess"]["score"] == 2
    assert {c: gus[c]["score"] for c in gus} == {"test_preprocess": 2, "test_model": 4,
                                                 "test_accuracy": 8, "test_training_time": 1}
    over = next(t for t in gus["test_training_time"]["tests"] if not t["passed"])
    assert "over the budget of 3 x the reference solution's" in over["message"]
    assert results["gus"].score == 15
    budget = _results_json(root, "gus", "mnist-ann")["budgets"][0]
    assert not budget["passed"] and budget["seconds"] > 3 * calibration.seconds


def test_the_demo_prints_whole_messages_and_scores_as_the_reports_do(demo_course):
    from autograder.commands.demo import lost_points
    from autograder.text import headline, points

    root, results = demo_course
    for student in ("ben", "dee"):
        lines = lost_points(root, "conv-pooling", student)
        assert lines and all(len(line) <= 100 for line in lines)
        printed = " ".join(line.strip() for line in lines)
        cells = _results_json(root, student, "conv-pooling")["cells"]
        for cell in (c for c in cells if "points" in c and c["score"] < c["points"]):
            failing = next(t for t in cell["tests"] if not t["passed"])
            assert headline(failing["message"]) in printed  # never cut mid-word ("is no")
            assert f"{cell['grade_id']}: {points(cell['score'])}/{points(cell['points'])}" in printed
    assert points(results["conv-pooling"]["ben"].score) == f"{round(results['conv-pooling']['ben'].score, 2):g}"


def test_an_error_in_the_student_s_cell_is_recorded_with_its_type_message_and_line(demo_course):
    root, _ = demo_course
    cells = _results_json(root, "cy", "conv-pooling")["cells"]
    errors = [c["error"] for c in cells if c.get("status") == "error"]
    assert errors and all(e["type"] for e in errors)
    # every answer cell of cy starts with raise RuntimeError('lost my work')
    assert {"type": "RuntimeError", "message": "lost my work", "line": 1,
            "code": "raise RuntimeError('lost my work')"} in errors
