"""What a failed check hands the feedback report: hint, counterexample, expected/actual tables."""
import json

import numpy as np
import pytest

from pathlib import Path

from autograder import assignments
from autograder.bridge import LocalStudent
from autograder.checks import runner
from autograder.checks.compare import Mismatch, assert_array_matches
from autograder.checks.runner import run_checks

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("actual, kind", [
    ("text", "type"),
    (np.array(["a"]), "dtype"),
    (np.zeros((2, 3)), "shape"),
    (np.array([[1.0, np.nan], [3.0, 4.0]]), "nonfinite"),
    (np.array([[1.0, 2.0], [3.0, 5.0]]), "values"),
])
def test_each_kind_of_wrong_carries_its_detail(actual, kind):
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(Mismatch) as info:
        assert_array_matches(actual, expected, "f(x)")
    detail = info.value.detail
    assert detail["kind"] == kind and detail["what"] == "f(x)"
    assert detail["expected"] == expected.tolist()
    json.dumps(detail, allow_nan=False)  # strict JSON: NaN travels as "nan"
    if kind == "values":
        assert detail["wrong"] == [[False, False], [False, True]]
    if kind == "nonfinite":
        assert detail["actual"][0][1] == "nan"


def test_large_arrays_are_not_copied_into_the_detail():
    with pytest.raises(Mismatch) as info:
        assert_array_matches(np.zeros((30, 30)), np.ones((30, 30)))
    assert info.value.detail["expected"] is None and info.value.detail["actual"] is None


def test_a_failed_check_reports_hint_counterexample_and_tables():
    def conv2d(image, kernel, stride=1, padding=0):  # a true convolution: the kernel flipped
        from reference.conv import conv2d as ref
        flipped = np.asarray(kernel, float)[::-1, ::-1, None, None]
        return ref(np.asarray(image, float)[..., None], flipped, stride=stride, padding=padding)[..., 0]

    def output_size(n, kernel, stride=1, padding=0):
        return (n - kernel + 2 * padding) // stride + 1

    namespace = {"conv2d": conv2d, "output_size": output_size, "zero_pad": lambda image, p: np.pad(image, p)}
    outcomes = run_checks(assignments.load(REPO, "conv-pooling"), LocalStudent(namespace),
                          grade_id="test_conv2d")
    failed = [o for o in outcomes if not o.passed]
    assert failed
    for outcome in failed:
        assert "np.float64(" not in outcome.message and "np.int64(" not in outcome.message
        assert "flipped" in outcome.hint
        assert outcome.detail["kind"] == "values" and any(map(any, outcome.detail["wrong"]))
        assert outcome.message.startswith(outcome.detail["what"])
    assert any(o.counterexample and o.counterexample.startswith("Failing test case") for o in failed)
    assert all(o.hint is None and o.detail is None for o in outcomes if o.passed)


def test_values_are_shown_as_a_student_writes_them():
    from autograder.text import clean, shown

    assert shown(np.float64(0.2)) == "0.2" and shown(np.int64(3)) == "3" and shown(np.True_) == "True"
    assert shown((np.int64(2), np.int64(3), 8)) == "(2, 3, 8)" and shown((np.int64(1),)) == "(1,)"
    assert shown([np.float32(0.5), "a"]) == "[0.5, 'a']"
    assert clean("a\ud800b\x07c") == "a\ufffdb?c"
    assert clean("x" * 10, limit=4) == "xxxx... [6 more characters cut]"


def test_a_raised_exception_is_kept_as_type_message_and_line():
    import nbformat

    from autograder.execute import raised

    cell = nbformat.v4.new_code_cell("x = 1\ny = x @ w\n")
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="ValueError", evalue="matmul: shapes (3,) and (2,) do not match\x07",
        traceback=["\x1b[0;31mValueError\x1b[0m   Traceback (most recent call last)",
                   "Cell \x1b[0;32mIn[7], line 2\x1b[0m\n      1 x = 1\n----> 2 y = x @ w",
                   "\x1b[0;31mValueError\x1b[0m: matmul"])]
    assert raised(cell) == {"type": "ValueError", "message": "matmul: shapes (3,) and (2,) do not match?",
                            "line": 2, "code": "y = x @ w"}
    # as the grader keeps it: the output cleaned first, each escape character made "?"
    cell.outputs[0]["traceback"] = [line.replace("\x1b", "?") for line in cell.outputs[0]["traceback"]]
    assert raised(cell)["line"] == 2
    cell.outputs = []
    assert raised(cell) is None


def test_answers_that_change_between_calls_are_said_in_the_students_terms():
    from reference.pooling import avg_pool as right

    calls = [0]

    def avg_pool(x, pool_size=2, stride=None):  # wrong on every fifth call
        calls[0] += 1
        out = right(np.asarray(x, float), pool_size, stride)
        return out + 1 if calls[0] % 5 == 3 else out

    outcomes = run_checks(assignments.load(REPO, "conv-pooling"), LocalStudent({"avg_pool": avg_pool}),
                          grade_id="test_avg_pool")
    changing = [o for o in outcomes if not o.passed and o.message.startswith(runner.CHANGING_ANSWERS)]
    assert changing, [o.message[:200] for o in outcomes]
    for outcome in changing:  # Hypothesis's own words stay out; its failing example stays in
        assert "Flaky" not in outcome.message and "unreliable" not in outcome.message
        assert "wrong values" in outcome.message
        assert outcome.counterexample and outcome.counterexample.startswith("Failing test case")

