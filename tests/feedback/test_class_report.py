"""The class report: counts, histogram, per-question statistics, common failures, slow and broken runs."""
from __future__ import annotations

import base64
import re

import pytest

from autograder.feedback import class_html
from autograder.feedback.classreport import class_view, normalise, problem_part
from test_student_report import assert_no_hidden_source

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = ["ada", "ben", "cy", "dee", "eve", "exits", "hangs", "nan", "tampered"]


@pytest.fixture
def toy(make_results):
    flipped = ("test_conv", "test_conv_any", "conv(x of shape (2, 2)): wrong values", "the kernel looks flipped")
    return [
        make_results("a", {"test_conv": (4.0, 4.0), "test_pool": (2.0, 2.0)}, seconds=3.0),
        make_results("b", {"test_conv": (0.0, 4.0), "test_pool": (2.0, 2.0)}, [flipped], seconds=9.0),
        make_results("c", {"test_conv": (2.0, 4.0), "test_pool": (0.0, 2.0)},
                     [flipped, ("test_pool", "test_pool_any", "pool(x of shape (3, 1)): wrong shape: "
                                "expected (1, 1), got (2, 1)", None)], seconds=5.0),
        make_results("d", {"test_conv": (0.0, 4.0), "test_pool": (1.0, 2.0)},
                     [("test_conv", "test_conv_any", "conv(x of shape (1, 7)): wrong values", "The kernel  looks FLIPPED"),
                      ("test_pool", "test_pool_any", "pool(x of shape (9, 2)): wrong shape: expected (4, 1), got (8, 1)", None)],
                     seconds=1.0),
        make_results("e", {"test_conv": (0.0, 4.0), "test_pool": (0.0, 2.0)}, status="error",
                     reason="e.ipynb is not a valid notebook", seconds=0.0),
    ]


def test_per_question_statistics(toy):
    view = class_view("toy", toy)
    assert (view["n"], view["n_graded"], view["n_errors"]) == (5, 4, 1)
    assert view["mean"] == pytest.approx(11 / 4) and view["median"] == pytest.approx(2.0)  # totals 6, 2, 2, 1
    conv, pool = view["questions"]
    assert conv["grade_id"] == "test_conv" and pool["grade_id"] == "test_pool"  # notebook order
    # conv over the 4 graded submissions: 4, 0, 2, 0
    assert (conv["n"], conv["points"], conv["mean"], conv["min"], conv["max"]) == (4, 4.0, 1.5, 0.0, 4.0)
    assert conv["sd"] == pytest.approx((((4 - 1.5) ** 2 + 1.5 ** 2 + 0.5 ** 2 + 1.5 ** 2) / 4) ** 0.5)
    assert conv["fraction"] == pytest.approx(1.5 / 4)
    assert (conv["full"], conv["zero"]) == (1, 2)
    assert pool["mean"] == pytest.approx(1.25) and (pool["full"], pool["zero"]) == (2, 1)


def test_common_failures_grouped_and_counted_once_per_student(toy):
    failures = class_view("toy", toy)["failures"]
    # Hints group across students whatever their case and spacing; shapes differ but the problem is the same.
    assert [(f["grade_id"], f["check"], f["count"], f["students"]) for f in failures] == [
        ("test_conv", "test_conv_any", 3, ["b", "c", "d"]),
        ("test_pool", "test_pool_any", 2, ["c", "d"]),
    ]
    assert failures[0]["text"] == "Likely mistake: the kernel looks flipped"
    assert failures[1]["text"] == "wrong shape: expected (1, 1), got (2, 1)"


def test_one_recognised_mistake_across_checks_and_questions_is_one_group(make_results):
    biases = "the biases are missing: each filter (or unit) has one bias"
    results = [
        make_results("a", {"test_conv_params": (0.0, 2.0), "test_dense_params": (0.0, 1.0)},
                     [("test_conv_params", "test_conv_params_any", "conv_params(3, 1, 8): expected 80, got 72", biases),
                      ("test_conv_params", "test_conv_params_course", "conv_params(5, 8, 16): expected 3216, got 3200", biases),
                      ("test_dense_params", "test_dense_params_any", "dense_params(400, 120): expected 48120, got 48000", biases)]),
        make_results("b", {"test_conv_params": (2.0, 2.0), "test_dense_params": (0.0, 1.0)},
                     [("test_dense_params", "test_dense_params_any", "dense_params(84, 10): expected 850, got 840", biases)]),
        make_results("c", {"test_conv_params": (0.0, 2.0), "test_dense_params": (0.0, 1.0)},
                     [("test_conv_params", "test_conv_params_any", "conv_params() raised NotImplementedError", None),
                      ("test_dense_params", "test_dense_params_any", "function dense_params() is not defined in your notebook", None)]),
    ]
    view = class_view("toy", results)
    assert [(f["count"], f["students"], f["questions"]) for f in view["failures"]] == [
        (2, ["a", "b"], ["test_conv_params", "test_dense_params"])]
    assert view["failures"][0]["checks"] == ["test_conv_params_any", "test_conv_params_course",
                                             "test_dense_params_any"]
    assert view["not_attempted"] == [{"grade_id": "test_conv_params", "count": 1, "students": ["c"]},
                                     {"grade_id": "test_dense_params", "count": 1, "students": ["c"]}]
    page = class_html("toy", results)
    assert 'id="not-attempted"' in page and "Grouped by mistake" in page


def test_tampering_is_listed_with_the_submissions_with_problems(load):
    tampered = load("conv-pooling-tampered")
    tampered["restored"] = ["the locked cell test_conv2d was edited: the instructor's version was put back"]
    view = class_view("conv-pooling", [load("conv-pooling-ada"), tampered])
    assert view["problems"] == [{"student": tampered["student"], "reason": (
        "protected cells were changed (restored before grading): the locked cell test_conv2d was "
        "edited: the instructor's version was put back")}]
    assert "protected cells were changed" in class_html("conv-pooling", [tampered])


def test_a_flagged_model_is_listed_for_review_with_its_evidence(load):
    flagged = load("conv-pooling-ada")
    flagged["flags"] = [{"kind": "not_trained_here", "title": "the model may not have been trained "
                         "in the grader's kernel", "evidence": "the training cell train used 0.01 s of "
                         "CPU against the reference's 8.20 s; yet the grader measured accuracy 0.97 <b>"}]
    view = class_view("mnist-ann", [flagged, load("conv-pooling-ben")])
    assert view["flagged"] == [{"student": flagged["student"], "title": flagged["flags"][0]["title"],
                                "evidence": flagged["flags"][0]["evidence"]}]
    page = class_html("mnist-ann", [flagged])
    assert '<section id="flagged">' in page and "Flagged for review" in page
    assert "used 0.01 s of CPU against the reference&#39;s 8.20 s" in page and "<b>" not in page
    assert "Flagged for review" not in class_html("mnist-ann", [load("conv-pooling-ben")])


def test_normalisation():
    assert normalise("Wrong  values at 3 of 16, first (0, 1): 2.5 vs -1e-3") == \
        "wrong values at # of #, first (#, #): # vs #"
    assert problem_part("f(x of shape (2, 2)) [course example: k [[1, 0]]]: wrong values") == "wrong values"
    assert problem_part("function f() is not defined in your notebook") == \
        "function f() is not defined in your notebook"


def test_slowest_and_errors(toy):
    view = class_view("toy", toy)
    assert [s["student"] for s in view["slowest"]] == ["b", "c", "a", "d", "e"]
    assert view["slowest"][0]["seconds"] == 9.5  # seconds_total preferred
    assert view["errors"] == [{"student": "e", "reason": "e.ipynb is not a valid notebook"}]


def test_html_report(toy):
    page = class_html("toy", toy)
    assert "<title>toy — class report</title>" in page
    assert "<strong>5</strong> submissions: <strong>4</strong> graded, <strong>1</strong> could not be graded." in page
    assert ('<tr id="q-test_conv"><td>test_conv</td><td class="num">4</td><td class="num">1.5</td>'
            '<td class="num">1.66</td><td class="num">0</td><td class="num">4</td><td class="num">38%</td>'
            '<td class="num">1 / 4</td><td class="num">2 / 4</td></tr>') in page
    images = dict(re.findall(r'<img class="chart" id="([\w-]+)" src="data:image/png;base64,([^"]+)"', page))
    assert set(images) == {"score-histogram", "difficulty"}
    for data in images.values():
        assert base64.b64decode(data, validate=True).startswith(PNG)
    assert "<td>e</td><td>e.ipynb is not a valid notebook</td>" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_demo_class(load):
    results = [load(f"conv-pooling-{n}") for n in NAMES]
    page = class_html("conv-pooling", results)
    view = class_view("conv-pooling", results)
    assert (view["n"], view["n_graded"], view["n_errors"]) == (9, 8, 1)
    assert [q["grade_id"] for q in view["questions"]] == [
        "test_output_size", "test_zero_pad", "test_conv2d", "test_conv2d_multi", "test_max_pool", "test_avg_pool"]
    avg = view["questions"][-1]
    assert avg["n"] == 8 and avg["zero"] == 4  # cy, dee, exits (kernel died), hangs (timeout)
    # Not attempted (missing, or the stub's NotImplementedError) is counted apart, per question:
    # cy and hangs lack avg_pool, dee left every stub; none of it crowds the misconceptions.
    assert view["not_attempted"][-1] == {"grade_id": "test_avg_pool", "count": 3,
                                         "students": ["cy", "dee", "hangs"]}
    assert not any("not defined" in f["text"] or "NotImplementedError" in f["text"]
                   for f in view["failures"])
    assert "Likely mistake: the kernel looks flipped" in " ".join(f["text"] for f in view["failures"])
    problems = {p["student"]: p["reason"] for p in view["problems"]}
    assert problems == {"exits": "the kernel died while running cell 19",
                        "hangs": "cell 19 (avg_pool) timeout"}
    assert "Notebook does not appear to be JSON" in page
    assert_no_hidden_source(page)


def test_student_text_is_escaped(load):
    results = [load("conv-pooling-ben"), load("conv-pooling-eve")]
    results[1]["reason"] = "<script>alert(1)</script>"
    results[0]["cells"][3]["tests"][1]["hint"] = "<img src=x onerror=alert(1)>"
    results[0]["student"] = "<b>ben</b>"
    page = class_html("conv-pooling", results)
    assert "<script" not in page and "<img src=x" not in page and "<b>ben" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_empty_class():
    page = class_html("nothing", [])
    assert "<strong>0</strong> submissions" in page
