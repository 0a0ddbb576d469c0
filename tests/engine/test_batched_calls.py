"""Batched calls: the checks rehearsed with a stand-in, their calls made ahead in a few kernel
requests, the same outcomes as one call at a time, with a fraction of the round trips."""
import json
from pathlib import Path

import numpy as np
import pytest

from autograder import assignments
from autograder.bridge import (RESULT_MIME, KernelStudent, RehearsalStudent, StudentError,
                               _batch_replies, dumps)
from autograder.checks.runner import rehearse, run_checks
from autograder.kernel import bridge as kernel_side
from autograder.mutants import load_catalogue
from autograder.validate import mutant_reach, mutated_notebook, run_in_process

REPO = Path(__file__).resolve().parents[2]


class InProcessKernel:
    """A kernel's part played in this process: code runs in `namespace`, the bridge's replies
    become display outputs, an exception an error output; every request is counted."""

    def __init__(self, namespace: dict, die_after: int | None = None):
        self.namespace = namespace
        self.requests = 0
        self._outputs: list = []
        self._die_after = die_after  # replies one request sends before the "kernel" dies

    def _reply(self, payload):
        if self._die_after is not None and len(self._outputs) >= self._die_after:
            raise _Died()
        self._outputs.append({"output_type": "display_data",
                              "data": {RESULT_MIME: json.dumps(payload)}})

    def run(self, code: str, timeout: float) -> list:
        self.requests += 1
        self._outputs = []
        bridge = self.namespace.get("__dlgrade__")
        if bridge is not None:
            bridge["reply"] = self._reply
        try:
            exec(compile(code, "<request>", "exec"), self.namespace)
        except _Died:
            died = StudentError("the kernel died while the grader called your code")
            died.outputs = list(self._outputs)
            raise died from None
        except Exception as exc:  # noqa: BLE001 - as a kernel shows it
            self._outputs.append({"output_type": "error", "ename": type(exc).__name__,
                                  "evalue": str(exc)})
        if "__dlgrade__" in self.namespace:
            self.namespace["__dlgrade__"]["reply"] = self._reply
        return self._outputs


class _Died(BaseException):
    pass


def _student(namespace, **kernel) -> tuple[KernelStudent, InProcessKernel]:
    fake = InProcessKernel(namespace, **kernel)
    student = KernelStudent(fake.run)
    student.install()
    return student, fake


def _double(x):
    return 2 * np.asarray(x)


def test_prefetched_replies_are_read_as_the_calls_own():
    calls = [("double", dumps(([np.arange(3)], {})), False, False),
             ("double", dumps(([5], {})), False, False),
             ("missing", dumps(([1], {})), False, False)]
    student, kernel = _student({"double": _double})
    assert student.prefetch(calls) == 3
    before = kernel.requests
    double = student.function("double")
    np.testing.assert_array_equal(double(np.arange(3)), [0, 2, 4])
    assert double(5) == 10
    with pytest.raises(StudentError, match=r"function missing\(\) is not defined"):
        student.function("missing")(1)
    assert kernel.requests == before  # none of the three went to the kernel
    assert double(7) == 14 and kernel.requests == before + 1  # not made ahead: a live call
    assert double(5) == 10 and kernel.requests == before + 2  # each reply is used once


def test_a_batch_that_kills_the_kernel_keeps_what_came_before():
    calls = [("double", dumps(([n], {})), False, False) for n in range(6)]
    student, kernel = _student({"double": _double})
    kernel.namespace["__dlgrade__"]["GROUP_SECONDS"] = -1.0  # every reply its own group
    kernel._die_after = 2  # the third call kills the kernel
    assert student.prefetch(calls) == 2
    assert sorted(student._prefetched) == sorted(calls[:2])


def test_only_the_batchs_own_groups_are_read():
    ours = {"output_type": "display_data",
            "data": {RESULT_MIME: json.dumps({"status": "ok", "batch": "b1", "replies": [{"status": "ok"}, 3]})}}
    forged = {"output_type": "display_data",
              "data": {RESULT_MIME: json.dumps({"status": "ok", "batch": "other", "replies": [{}]})}}
    printed = {"output_type": "stream", "text": "hello"}
    assert _batch_replies([printed, ours, forged, ours], "b1") == [{"status": "ok"}, {"status": "garbled"}]
    assert _batch_replies([{"output_type": "display_data", "data": {RESULT_MIME: "{not json"}}], "b1") == []


def test_the_kernel_stops_a_batch_past_its_time():
    namespace = {"double": _double}
    sent = []
    bridge = {}
    exec(kernel_side.__loader__.get_source(kernel_side.__name__), bridge)
    bridge["reply"] = sent.append
    requests = json.dumps([["double", dumps(([n], {})), False, False] for n in range(5)])
    bridge["calls"](namespace, requests, -1.0, "b")  # no time at all: not even one call
    assert sent == []
    bridge["calls"](namespace, requests, 60.0, "b")
    assert [r["status"] for group in sent for r in group["replies"]] == ["ok"] * 5


def test_the_rehearsal_records_calls_until_another_request():
    stand_in = RehearsalStudent()
    f = stand_in.function("f")
    assert f(1) is None and f(np.zeros(2)) is None
    with pytest.raises(StudentError):
        stand_in.value("x")
    f(2)
    assert [c[0] for c in stand_in.calls] == ["f", "f"] and stand_in.stopped


def test_the_rehearsal_goes_past_course_examples_while_a_none_answer_still_fails():
    """While rehearsing, the stand-in's None passes the comparisons, so a plain check's later
    course examples are made ahead too; outside the rehearsal a student's None fails as ever."""
    from autograder.checks.compare import assert_array_matches, assert_value_equals, rehearsing
    from autograder.checks.runner import checks_module

    with rehearsing():
        assert_array_matches(None, np.zeros(2))
        assert_value_equals(None, 3)
    for compare in (lambda: assert_array_matches(None, np.zeros(2)),
                    lambda: assert_value_equals(None, 3)):
        with pytest.raises(AssertionError):
            compare()
    conv = assignments.load(REPO, "conv-pooling")
    examples = checks_module(conv).COURSE_CONVOLUTIONS
    calls = rehearse(conv, "test_conv2d", {}).calls
    # every course example, in order, before the property checks' examples
    assert [arguments for _, arguments, *_ in calls[:len(examples)]] == [
        dumps(([x, k], {}) if (stride, padding) == (1, 0) else ([x, k, stride, padding], {}))
        for _, x, k, stride, padding in examples]


NUMPY_ASSIGNMENTS = [n for n in assignments.names(REPO)
                     if not assignments.load(REPO, n).training_cell]


def _outcomes(outcomes):
    return [(o.grade_id, o.name, o.passed, o.message, o.hint, o.counterexample, o.detail)
            for o in outcomes]


@pytest.mark.slow
@pytest.mark.parametrize("name", NUMPY_ASSIGNMENTS)
def test_batched_calls_give_every_catalogue_the_same_outcomes(name, tmp_path):
    """The reference and every mutant, the cells it reaches checked one call at a time and with
    their calls made ahead: identical outcomes (messages, hints, counterexamples), fewer
    requests. (bench/batched_calls.py proves the same through real kernels.)"""
    assignment = assignments.load(REPO, name)
    catalogue = load_catalogue(assignment)
    requests = {}  # the reference's, one call at a time and batched
    # a third of each catalogue here (a different third per assignment); all of it, through
    # real kernels, in bench/batched_calls.py
    start = len(name) % 3
    for mutant in [None, *catalogue.mutants[start::3]]:
        nb = mutated_notebook(assignment, mutant)
        namespace, _ = run_in_process(nb, tmp_path, assignment)
        # the cells a mutant cannot reach are the reference's, checked once
        cells = tuple(assignment.grade_ids) if mutant is None else tuple(
            c for c in assignment.grade_ids if c in mutant_reach(assignment, mutant))
        student, kernel = _student(dict(namespace))
        live = run_checks(assignment, student, grade_id=cells)
        requests.setdefault("live", kernel.requests)
        student, kernel = _student(dict(namespace))
        rehearsal = rehearse(assignment, cells, {})
        student.prefetch(rehearsal.calls)
        batched = run_checks(assignment, student, grade_id=cells, replay=rehearsal.examples)
        requests.setdefault("batched", kernel.requests)
        assert _outcomes(batched) == _outcomes(live), mutant.name if mutant else "reference"
    assert requests["batched"] < requests["live"] / 2, requests


def test_the_bridge_is_installed_once_per_kernel_and_forgets_what_a_cell_kept():
    student, kernel = _student({"double": _double})
    bridge = kernel.namespace["__dlgrade__"]
    student.keep("double", 3)
    assert len(bridge["KEPT"]) == 1
    KernelStudent(kernel.run).install()  # the next test cell's
    assert kernel.namespace["__dlgrade__"] is bridge and bridge["KEPT"] == {}
    del kernel.namespace["__dlgrade__"]  # the student's code lost it: installed again
    KernelStudent(kernel.run).install()
    assert kernel.namespace["__dlgrade__"] is not bridge and "call" in kernel.namespace["__dlgrade__"]
