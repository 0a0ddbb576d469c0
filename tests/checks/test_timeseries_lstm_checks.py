"""timeseries-lstm's hints, beyond what tests/checks/test_assignments.py proves for every
assignment: the probe inputs that name a wrong growth or scaling tell every listed mistake
apart from the right answer and from each other (else a hint could name the wrong one)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import assignments
from autograder.checks.hints import same_result
from autograder.checks.runner import checks_module
from reference import airline

checks = checks_module(assignments.load(Path(__file__).resolve().parents[2], "timeseries-lstm"))


def _probes():
    yield pytest.param(airline.growth(checks.GROWTH_PROBE), checks._growth_mistakes(checks.GROWTH_PROBE),
                       id="growth")
    for function, (values, low, high) in checks.PAIR_PROBES.items():
        reference = airline.scale if function == "scale" else airline.unscale
        yield pytest.param(reference(values, low, high), checks._pair_mistakes(function, values, low, high),
                           id=function)


@pytest.mark.parametrize("right, mistakes", list(_probes()))
def test_every_mistake_gives_its_own_answer_on_the_probe(right, mistakes):
    answers = [(description, np.asarray(mistake(), dtype=np.float64)) for description, mistake in mistakes]
    for description, answer in answers:
        assert not same_result(answer, right), description
    for i, (first, a) in enumerate(answers):
        for second, b in answers[i + 1:]:
            assert not same_result(a, b), f"{first} / {second}"


def test_on_the_notebook_example_refit_and_divided_by_high_coincide():
    """Why scale needs the probe: the notebook's example cannot tell these two apart."""
    values, low, high = np.array([2.0, 4.0, 6.0, 8.0]), 2.0, 6.0
    named = {d: np.asarray(m()) for d, m in checks._pair_mistakes("scale", values, low, high)}
    refit = next(a for d, a in named.items() if d.startswith("scale fits"))
    assert same_result(refit, named["divided by high, not by high - low"])
