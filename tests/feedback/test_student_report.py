"""The student's HTML report: what a student needs is there, nothing hidden leaks, nothing is raw."""
from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.feedback import student_html
from autograder.feedback.render import _num, grader_version
from autograder.feedback.tables import grids, shape_of, shape_text

CHECKS = Path(__file__).resolve().parents[2] / "autograder" / "checks"
FIXTURE_NAMES = sorted(p.stem for p in (Path(__file__).parent / "fixtures").glob("*.json"))
XSS = "<script>alert(1)</script>"


def hidden_source_lines() -> list[str]:
    """Code lines of the hidden check modules (string-literal lines excluded: hints come from them)."""
    lines = []
    for path in sorted(CHECKS.glob("*.py")):
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if len(line) < 20 or line.startswith(("#", '"', "'", 'f"', "f'", 'r"')):
                continue
            if any(ch in line for ch in "=():"):
                lines.append(line)
    assert len(lines) > 100  # the modules were found
    return lines


SOURCE_LINES = hidden_source_lines()


def check_block(page: str, name: str) -> str:
    """The HTML of one check, from its name to the next check."""
    from autograder.feedback.student import check_title

    start = page.index(f'<span class="check-name" title="{name}">{check_title(name)}</span>')
    end = page.find('<div class="check ', start)
    return page[start:end if end > 0 else len(page)]


def assert_no_hidden_source(text: str) -> None:
    plain = html.unescape(text)
    assert "def test_" not in plain
    assert "@grade(" not in plain
    leaked = [line for line in SOURCE_LINES if line in plain]
    assert not leaked, leaked[:3]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_renders_a_self_contained_report(load, name):
    results = load(name)
    page = student_html(results, cell_timeout=60)
    assert page.startswith("<!DOCTYPE html>")
    title = f"{results['assignment']} — feedback for {results['student']}"
    assert f"<title>{title}</title>" in page
    score = f"{_num(results['score'])} / {_num(results['max_score'])}"
    assert f'<p class="score-total" id="score">{score}</p>' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page and "max-width" in page
    # One file: no scripts, no external resources.
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"(?!data:)", page)
    assert "http://" not in page and "https://" not in page
    assert f"Isolation: {results['isolation']}" in page
    assert f"dlgrade {grader_version()}" in page
    assert_no_hidden_source(page)


def test_partial_submission_shows_message_hint_counterexample_and_tables(load):
    page = student_html(load("conv-pooling-ben"))
    block = check_block(page, "test_output_size_any_stride_and_padding")
    assert "output_size(n=2, kernel=1, stride=2, padding=0): expected 1, got 2" in block
    assert '<div class="hint"><strong>Likely mistake:</strong> rounded up (ceil) instead of down' in block
    # the arguments only: the check's own name means nothing to a student
    assert '<pre class="counterexample">case=(2, 1, 2, 0)</pre>' in block
    assert "(−1.33 points)" in block

    # Values: the expected and the student's 4x4 tables side by side, the 8 wrong cells outlined.
    block = check_block(page, "test_conv2d_course_examples")
    assert "the kernel looks flipped" in block
    assert '<div class="tables detail-values">' in block
    assert block.count("<table class=\"grid\">") == 2
    wrong = re.findall(r'<td class="wrong" title="differs from expected">([^<]*)</td>', block)
    assert wrong == ["2", "0"] * 4
    assert "8 cells of your result differ from the expected one" in block
    assert "expected (4, 4)" in block and "yours (4, 4)" in block

    # Shape: both tables and both shapes, no cell outlined.
    block = check_block(page, "test_max_pool_course_example")
    assert "Wrong shape: expected <code>(2, 2)</code>, your result has <code>(3, 3)</code>." in block
    assert block.count("<table class=\"grid\">") == 2
    assert 'class="wrong"' not in block
    # (height, width, channels) results: one grid per channel.
    block = check_block(page, "test_max_pool_channels_and_stride")
    assert '<span class="grid-label">[:, :, 0]</span>' in block

    assert 'id="q-test_zero_pad"' in page and "2 of 2 checks passed" in page


def test_non_finite_values_are_flagged(load):
    page = student_html(load("conv-pooling-nan"))
    block = check_block(page, "test_avg_pool_any_image")
    cells = re.findall(r'<td class="wrong nonfinite" title="differs from expected">([^<]*)</td>', block)
    assert cells == ["nan", "inf"]
    assert "divided by the number of pixels" in block


def test_all_passed(load):
    page = student_html(load("conv-pooling-ada"))
    assert "15 / 15" in page
    assert '<span class="mark failed">' not in page
    results = load("conv-pooling-ada")
    checks = sum(len(c.get("tests", [])) for c in results["cells"])
    assert checks > 10 and page.count('<span class="mark passed">') == checks
    assert 'class="banner' not in page


def test_kernel_died_banner_and_not_graded_question(load):
    page = student_html(load("conv-pooling-exits"))  # older schema: no hint/counterexample/detail keys
    assert "Your notebook&#39;s kernel died" in page
    assert "the kernel died while running cell 19" in page
    assert "<strong>Not graded:</strong> the kernel died while running cell 19" in page
    assert '<span class="status-kernel-died">kernel died</span>' in page


def test_timeout_banner_budget_and_hints_recovered_from_old_messages(load):
    page = student_html(load("conv-pooling-hangs"), cell_timeout=5)
    assert "A cell ran past the time limit" in page
    assert "cell 19 (avg_pool) ran past the time limit of 5 s" in page
    assert "of the 5 s limit" in page
    assert '<span class="status-timeout">timeout</span>' in page
    # The 5.07 s cell fills its budget; check cells have no budget bar.
    assert re.search(r"5\.07 s</td><td><div class=\"bar\" role=\"img\" aria-label=\"100%\">", page)
    # avg_pool is not defined: no "smallest failing input" for a function that is not there
    block = check_block(page, "test_avg_pool_any_image")
    assert "Smallest failing input" not in block and "is not defined in your notebook" in block
    # an older file has no counterexample key: it is recovered from the message
    from autograder.feedback.student import check_view

    old = {"name": "test_avg_pool_any_image", "passed": False,
           "message": "avg_pool(x of shape (2, 2)): wrong values\nFailing test case: "
                      "test_avg_pool_any_image(\n    case=(array([[0., 0.]]), 2, None),\n)"}
    assert "case=(array([[0., 0.]])" in check_view(old, 2.0, 1.0)["counterexample"]


def test_tampered_test_cell_is_explained(load):
    page = student_html(load("conv-pooling-tampered"))
    assert "<strong>Note:</strong> this test cell was changed in your notebook" in page
    assert "15 / 15" in page


def test_ungradable_submission(load):
    page = student_html(load("conv-pooling-eve"))
    assert "Your submission could not be graded" in page
    assert "conv-pooling.ipynb is not a valid notebook: Notebook does not appear to be JSON" in page
    assert "0 / 15" in page
    assert 'id="questions"' not in page


def test_student_errors_are_pointed_at(load):
    page = student_html(load("conv-pooling-cy"))
    assert "Your code raised an error" in page
    assert "cell 5 (output_size)" in page and "Restart &amp; Run All" in page


def test_the_exception_a_student_s_cell_raised_is_named_with_its_line(load):
    results = load("conv-pooling-cy")
    cell = next(c for c in results["cells"] if c.get("status") == "error")
    cell["error"] = {"type": "RuntimeError", "message": "<b>lost</b> my work", "line": 1,
                     "code": "raise RuntimeError('lost my work')"}
    page = student_html(results)
    assert ("RuntimeError: &lt;b&gt;lost&lt;/b&gt; my work (line 1: raise RuntimeError(&#39;lost my "
            "work&#39;))") in page


def test_student_text_is_escaped(load):
    results = load("conv-pooling-ben")
    results["student"] = XSS
    results["reason"] = results["kernel"] = XSS
    results["cells"][3]["reason"] = XSS
    check = results["cells"][3]["tests"][1]
    check["message"] = f"{XSS}: expected 1\nmore {XSS}"
    check["hint"] = check["counterexample"] = XSS
    conv = results["cells"][7]["tests"][0]
    conv["detail"]["actual"][0][0] = XSS
    conv["detail"]["what"] = XSS
    page = student_html(results, figures=[{"title": XSS, "data_uri": "data:image/png;base64,AAAA"}])
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8


def test_gradebook_score_shown_when_it_differs(load):
    results = load("conv-pooling-ben")
    results["gradebook_score"] = 2.5
    assert "The gradebook records 2.5 / 15." in student_html(results)
    assert "The gradebook records" not in student_html(load("conv-pooling-ben"))


def test_figures_slot_takes_only_inline_images(load):
    figures = [{"title": "learning curve", "data_uri": "data:image/png;base64,iVBORw0KGgo="},
               {"title": "remote", "data_uri": "https://example.org/x.png"},
               {"title": "script", "data_uri": "javascript:alert(1)"}]
    page = student_html(load("conv-pooling-ada"), figures=figures)
    assert '<img class="chart" src="data:image/png;base64,iVBORw0KGgo=" alt="learning curve">' in page
    assert "example.org" not in page and "javascript:" not in page
    assert 'id="figures"' not in student_html(load("conv-pooling-ada"))


def test_missing_keys_do_not_fail_a_report():
    assert "could not be graded" in student_html({"status": "error"})
    page = student_html({"cells": [{"index": 0, "points": 1, "tests": [{"passed": False}]}]})
    assert "failed (no message)" in page


def test_grids_of_any_rank():
    assert shape_of([[[1.0], [2.0]]]) == (1, 2, 1)
    assert shape_text((3,)) == "(3,)"
    (scalar,) = grids(2.5)
    assert [[c.text for c in row] for row in scalar.rows] == [["2.5"]]
    (row,) = grids([1.0, "nan"], [False, True])
    assert [(c.text, c.wrong, c.nonfinite) for c in row.rows[0]] == [("1", False, False), ("nan", True, True)]
    cube = grids([[[1, 2], [3, 4]]], [[[False, True], [False, False]]])
    assert [g.label for g in cube] == ["[:, :, 0]", "[:, :, 1]"]
    assert [[c.text for c in r] for r in cube[1].rows] == [["2", "4"]]
    assert cube[1].rows[0][0].wrong and not cube[0].rows[0][0].wrong
    # A mask of another shape highlights nothing rather than the wrong cells.
    (g,) = grids([[1, 2]], [[True]])
    assert not any(c.wrong for c in g.rows[0])


def test_restored_cells_and_truncated_output_are_explained(load):
    results = load("conv-pooling-tampered")
    results["restored"] = ["the points of test_avg_pool were changed from 2 to 100: the "
                           "instructor's points were used"]
    results["cells"][0]["output_truncated"] = True
    page = student_html(results)
    assert "Protected cells were changed" in page
    assert "the points of test_avg_pool were changed from 2 to 100" in page
    assert "Output was cut short" in page
    assert f"cell {results['cells'][0]['index'] + 1} (" in page
    assert "Protected cells were changed" not in student_html(load("conv-pooling-tampered"))


def test_training_time_shows_both_times(load):
    results = load("conv-pooling-tampered")
    results["budgets"] = [
        {"cell": "train", "seconds": 4.2, "factor": 3, "reference_seconds": 1.5, "device": "cpu-1a2b3c4d",
         "gpu_timed": False, "passed": True, "reason": None},
        {"cell": "finetune", "seconds": 9.0, "factor": 3, "reference_seconds": None, "device": "gpu-0f0f0f0f",
         "gpu_timed": False, "passed": False, "reason": "uncalibrated: there is no reference timing"},
    ]
    page = student_html(results)
    block = page[page.index('id="budgets"'):page.index('id="timing"')]
    assert "Training time" in block and "within budget" in block and "CPU-timed on cpu-1a2b3c4d" in block
    assert "3 × 1.50 s" in block or "3 × 1.5 s" in block
    assert "uncalibrated: there is no reference timing" in block
    assert 'id="budgets"' not in student_html(load("conv-pooling-tampered"))


def test_checks_are_titled_in_words():
    from autograder.feedback.student import check_title

    assert check_title("test_accuracy_step_1_of_4") == "Accuracy, step 1 of 4"
    assert check_title("test_conv2d_any_kernel") == "Conv2d any kernel"
    assert check_title("test_") == "Test_"


def test_no_smallest_failing_input_for_a_function_not_attempted(load):
    for student in ("dee", "cy"):  # the stubs; functions never defined
        page = student_html(load(f"conv-pooling-{student}"))
        assert "Smallest failing input" not in page, student
    assert "Smallest failing input" in student_html(load("conv-pooling-ben"))


def test_the_data_a_submission_was_graded_on_is_named(load):
    results = load("conv-pooling-ada")
    assert 'id="data"' not in student_html(results)  # no datasets declared: no section
    results["data"] = {"vgg16": "EMBEDDED STAND-IN, not VGG16's ImageNet weights <b>",
                       "flowers": "EMBEDDED STAND-IN, not the real flowers"}
    page = student_html(results)
    assert '<section id="data">' in page and "<strong>vgg16</strong>: EMBEDDED STAND-IN" in page
    assert "weights &lt;b&gt;" in page  # escaped like everything else


def test_a_generators_samples_are_plotted_and_a_broken_sample_is_left_out():
    import json

    results = json.loads((Path(__file__).parent / "fixtures" / "conv-pooling-ada.json").read_text())
    x = np.linspace(-0.5, 0.5, 50)
    drawn = {"title": f"What your generator drew {XSS}", "curve": "x**2", "xlim": [-0.5, 0.5],
             "generated": np.stack([x, x ** 2 + 0.01], axis=1).tolist(),
             "real": np.stack([x, x ** 2], axis=1).tolist()}
    page = student_html({**results, "samples": [drawn, {"title": "broken", "generated": "nope"}, 7]})
    assert page.count('<img class="chart" src="data:image/png;base64,') == 1
    assert "What your generator drew &lt;script&gt;" in page and XSS not in page
    far = {**drawn, "generated": [[3.0, 9.0], [float("nan"), 1.0]]}  # outside the axes, NaN: drawn anyway
    assert student_html({**results, "samples": [far]}).count('<img class="chart"') == 1
    assert '<img class="chart"' not in student_html(results)  # no samples, no figure


def test_a_generators_images_are_shown_in_a_grid_beside_real_ones():
    import json

    from autograder.feedback import plots

    results = json.loads((Path(__file__).parent / "fixtures" / "conv-pooling-ada.json").read_text())
    images = np.random.default_rng(0).random((9, 28, 28))
    grid = {"title": "Your generator's digits", "images": images.tolist(),
            "real_images": images[:4].tolist()}
    page = student_html({**results, "samples": [grid, {"title": "broken", "images": [[1, 2]]}]})
    assert page.count('<img class="chart" src="data:image/png;base64,') == 1
    assert "Your generator&#39;s digits" in page or "Your generator's digits" in page
    alone = plots.generated_images({"images": images.tolist()})
    assert alone.startswith("data:image/png;base64,") and alone != plots.generated_images(grid)
