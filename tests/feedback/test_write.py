"""The writers put reports where nbgrader and instructors look for them."""
from __future__ import annotations

import json

import pytest

from autograder.feedback import load_results, write_class_report, write_student_feedback


def test_student_feedback_in_nbgrader_layout(tmp_path, load):
    results = load("conv-pooling-ben")
    path = write_student_feedback(tmp_path, "conv-pooling", "ben", results)
    assert path == tmp_path / "feedback" / "ben" / "conv-pooling" / "conv-pooling.html"
    assert "conv-pooling — feedback for ben" in path.read_text(encoding="utf-8")
    md = path.parent / "feedback.md"
    assert md.read_text(encoding="utf-8").startswith("## conv-pooling — ben: 3.33 / 15")
    # Writing again replaces the report (regrades).
    results["score"] = 15.0
    write_student_feedback(tmp_path, "conv-pooling", "ben", results)
    assert "15 / 15" in path.read_text(encoding="utf-8")


def test_class_report_path(tmp_path, load):
    path = write_class_report(tmp_path, "conv-pooling", [load("conv-pooling-ada"), load("conv-pooling-eve")])
    assert path == tmp_path / "reports" / "conv-pooling" / "class-report.html"
    assert "conv-pooling — class report" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("student", ["..", "a/b", "", "a\\b"])
def test_names_that_would_leave_the_course_are_refused(tmp_path, load, student):
    with pytest.raises(ValueError):
        write_student_feedback(tmp_path, "conv-pooling", student, load("conv-pooling-ada"))


def test_load_results(tmp_path, load):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(load("conv-pooling-eve")))
    assert load_results(path)["status"] == "error"
    assert load_results(str(path))["student"] == "eve"
