"""Hidden checks: each assignment's checks.py (in its folder), tests grouped by grade_id.

This package holds what every assignment's checks use. A check is an ordinary
pytest test taking the `student` fixture (a bridge to the student's code) and
marked with `@grade(grade_id, weight)`. Hypothesis is
derandomized with no example database so a regrade gives the same score.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

# The settings every property check runs under. A settings object, not a loaded
# profile: importing the checks must not change Hypothesis's global default.
CHECK_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    max_examples=60,
    # No "explain" phase: it re-runs failing examples many times (each a kernel
    # round-trip) and would show the checks' file paths to students. One
    # counterexample per check: the smallest, not a group.
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def property_settings(**overrides) -> settings:
    """CHECK_SETTINGS with some values changed (e.g. max_examples), for @given checks."""
    return settings(CHECK_SETTINGS, **overrides)


def grade(grade_id: str, weight: float = 1.0):
    """Mark a check as part of the test cell `grade_id`, with a relative weight."""
    if weight <= 0:
        raise ValueError(f"weight must be positive, got {weight}")
    return pytest.mark.dlgrade(grade_id=grade_id, weight=float(weight))
