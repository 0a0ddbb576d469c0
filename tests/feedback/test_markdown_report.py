"""The Markdown report for LMS comment boxes: score and each lost point, no markup from student text."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.feedback import student_markdown
from test_student_report import XSS, assert_no_hidden_source

FIXTURE_NAMES = sorted(p.stem for p in (Path(__file__).parent / "fixtures").glob("*.json"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture(load, name):
    results = load(name)
    text = student_markdown(results)
    assert text.startswith(f"## {results['assignment']} — {results['student']}: ")
    assert "Isolation: none" in text
    assert_no_hidden_source(text)


def test_lost_points_with_message_hint_and_fenced_counterexample(load):
    text = student_markdown(load("conv-pooling-ben"))
    assert text.startswith("## conv-pooling — ben: 3.33 / 15\n")
    assert "### test_output_size: 0.67 / 2" in text
    assert ("- **Output size any stride and padding** (−1.33 points): "
            "output_size(n=2, kernel=1, stride=2, padding=0): expected 1, got 2") in text
    assert "  Likely mistake: rounded up (ceil) instead of down" in text
    assert ("  ```text\n  case=(2, 1, 2, 0)\n  ```"
            in text)
    assert "test_zero_pad" not in text  # full marks: nothing to say
    assert "test_output_size_course_examples" not in text  # passed


def test_all_passed_and_problems(load):
    assert "Every check passed." in student_markdown(load("conv-pooling-ada"))
    text = student_markdown(load("conv-pooling-eve"))
    assert "**Your submission could not be graded:** conv-pooling.ipynb is not a valid notebook" in text
    assert "Every check passed" not in text
    text = student_markdown(load("conv-pooling-exits"))
    assert "**Your notebook's kernel died:**" in text
    assert "Not graded: the kernel died while running cell 19" in text
    text = student_markdown(load("conv-pooling-tampered"))
    assert "Note: this test cell was changed in your notebook" in text


def test_student_text_cannot_become_markup_or_break_the_fence(load):
    results = load("conv-pooling-ben")
    check = results["cells"][3]["tests"][1]
    check["message"] = XSS
    check["hint"] = XSS
    check["counterexample"] = "Failing test case: f(\n    s='````\n<b>x</b>',\n)"
    text = student_markdown(results)
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Inside a fence text is literal; the fence is longer than any backtick run in it.
    assert "  `````text\n  f(\n      s='````\n  <b>x</b>',\n  )\n  `````" in text


def test_a_model_difference_is_in_the_first_line_a_student_reads(model_difference):
    from autograder.feedback import student_html

    results = model_difference
    text = student_markdown(results)
    line = next(line for line in text.splitlines() if "differs from the exercise" in line)
    assert line.endswith("build_model() differs from the exercise: layer 2: expected Dense(128, relu), "
                         "found Dense(10, softmax)")
    assert "parameters: expected 101,770, found 7,850" in text
    assert text.count("layer 2: expected Dense(128, relu)") == 1  # not repeated under it
    html = student_html(results)
    assert "differs from the exercise: layer 2: expected Dense(128, relu), found Dense(10, softmax)" in html


def test_the_data_a_submission_was_graded_on_is_named(load):
    results = load("conv-pooling-ada")
    assert "Data:" not in student_markdown(results)
    results["data"] = {"vgg16": "EMBEDDED STAND-IN, not VGG16's ImageNet weights"}
    assert "Data: vgg16: EMBEDDED STAND-IN, not VGG16's ImageNet weights" in student_markdown(results)
