"""release -> submit -> grade on the real course notebooks, through nbgrader and a real kernel."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import course, demo, grading

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    demo.build(REPO, root)
    results = {a: {r.student: r for r in grading.grade(root, a)} for a in demo.DEMO_ASSIGNMENTS}
    return root, results


def _results_json(root, student, assignment):
    return json.loads((root / "autograded" / student / assignment / "results.json").read_text())


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
    checks_source = (REPO / "autograder" / "checks" / "conv_pooling.py").read_text()
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
            for test in cell.get("tests", []):
                test.pop("seconds", None)
        return data

    before = {s: stable(s) for s in ("ada", "ben")}
    grading.grade(root, "conv-pooling", ["ada", "ben"], regrade=True)
    assert {s: stable(s) for s in ("ada", "ben")} == before


def test_released_notebooks_are_up_to_date(tmp_path):
    """release/ is committed: regenerating it from source/ must change nothing."""
    shutil.copy(REPO / course.CONFIG_FILE, tmp_path / course.CONFIG_FILE)
    shutil.copytree(REPO / "source", tmp_path / "source")
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
    path = root / "exports" / f"grades-{fmt}.csv"
    assert str(path) in capsys.readouterr().out
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
    # eve could not be graded: not in the gradebook as a submission, so her cell is empty
    for assignment in demo.DEMO_ASSIGNMENTS:
        for student in ("ada", "ben", "cy", "dee"):
            assert float(table.loc[student, assignment]) == pytest.approx(results[assignment][student].score)
        assert pd.isna(table.loc["zoe", assignment])
    if fmt == "csv":
        expected_total = sum(results[a]["ben"].score for a in demo.DEMO_ASSIGNMENTS)
        assert table.loc["ben", "total"] == pytest.approx(expected_total)


def test_export_without_a_gradebook_is_a_clean_error(tmp_path, monkeypatch, capsys):
    from autograder.cli import main

    shutil.copy(REPO / course.CONFIG_FILE, tmp_path / course.CONFIG_FILE)
    (tmp_path / "source").mkdir()
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
