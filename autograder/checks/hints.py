"""Naming the mistake behind a wrong answer: shared by every assignment's checks.

A check holds a list of (description, thunk) mistakes for its input; when the
student's answer is wrong, the first mistake whose result equals it becomes the
"Likely mistake:" line the student reads. Inside Hypothesis this is worked out
only for the final, shrunk example, not at every shrinking step.
"""
from __future__ import annotations

import numpy as np
from hypothesis import currently_in_test_context
from hypothesis.control import current_build_context

from autograder.errors import StudentError
from autograder.checks.compare import assert_array_matches


def same_result(actual, candidate, equal_nan: bool = False) -> bool:
    """Whether an array-like answer is what a known mistake produces."""
    try:
        got = np.asarray(actual, dtype=np.float64)
        wrong = np.asarray(candidate, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == wrong.shape and bool(
        np.allclose(got, wrong, atol=1e-6, rtol=1e-6, equal_nan=equal_nan))


def same_result_allowing_nan(actual, candidate) -> bool:
    """same_result, with NaN where the mistake gives NaN counting as the same."""
    return same_result(actual, candidate, equal_nan=True)


def same_value(actual, candidate) -> bool:
    """Whether a plain answer (an int, a tuple) is exactly a known mistake's, type included."""
    return type(candidate) is type(actual) and candidate == actual


def diagnose(actual, mistakes, same=same_result) -> str | None:
    """The description of the first (description, thunk) mistake whose result equals `actual`;
    a thunk that cannot compute its mistaken result for this input (raises) is skipped."""
    for description, compute in mistakes:
        try:
            with np.errstate(all="ignore"):  # the mistakes that overflow do so on purpose
                wrong = compute()
        except Exception:  # noqa: BLE001 - the mistake does not apply to this input
            continue
        if same(actual, wrong):
            return description
    return None


def explaining() -> bool:
    """Whether to work out a hint now: outside Hypothesis always, inside only on the final
    run of the shrunk example (the one the student sees), not on every shrinking step."""
    if not currently_in_test_context():
        return True
    return current_build_context().is_final


def with_hint(failure: AssertionError, hint: str | None) -> AssertionError:
    """The failure's message with 'Likely mistake: ...' after its first line, and the hint
    kept on the exception: the report takes the hint from there, never from the text, which
    may hold the student's own words."""
    if hint is None:
        return failure
    first, _, rest = str(failure).partition("\n")
    failure.args = (f"{first}\nLikely mistake: {hint}" + (f"\n{rest}" if rest else ""),)
    failure.dlgrade_hint = hint
    return failure  # the same exception: a Mismatch keeps its detail for the report


def probe_varied(run, expected, mistakes, like, *arrays):
    """(student's result, expected, mistakes) on the same shapes with varied values.

    A shrunk counterexample is often all zeros, on which several mistakes give the
    same wrong answer; on varied values (`like(array, salt)`) they differ.
    """
    probes = [like(a, salt) for salt, a in enumerate(arrays)]
    return run(*probes), expected(*probes), mistakes(*probes)


def explain(actual, mistakes, probe=None, same=same_result, fall_back: bool = True) -> str | None:
    """The mistake the result looks like: first on the probe input, else on the input itself.

    When the probe is wrong too, a mistake it matches is named; if it matches none,
    `fall_back` says whether a match on the (often degenerate) input still counts.
    """
    if not explaining():
        return None
    if probe is not None:
        try:
            probe_actual, probe_expected, probe_mistakes = probe()
        except Exception:  # noqa: BLE001 - the student's code failed on the probe: use the input
            pass
        else:
            if not same(probe_actual, probe_expected):
                hint = diagnose(probe_actual, probe_mistakes, same)
                if hint is not None or not fall_back:
                    return hint
    return diagnose(actual, mistakes() if mistakes is not None else (), same)


def check_array(actual, expected, what: str, mistakes=None, probe=None, helpers=None, *,
                booleans: str, fall_back: bool = True) -> None:
    """assert_array_matches, then the likely mistake: `booleans` (what to do) for an array of
    booleans, else the wrong helper function `helpers()` names (a thunk, or None), else the
    mistake the result matches (`explain`, NaN matching NaN)."""
    try:
        assert_array_matches(actual, expected, what)
    except AssertionError as failure:
        if isinstance(actual, np.ndarray) and actual.dtype.kind == "b":
            raise with_hint(failure, booleans) from None
        hint = helpers() if helpers is not None and explaining() else None
        raise with_hint(failure, hint or explain(actual, mistakes, probe, same_result_allowing_nan,
                                                 fall_back)) from None


def call(what: str, run, *args, on_error=None):
    """The student's result, or a failure naming the input when their code raises.

    on_error: the error's text -> the mistake that raises it (or None).
    """
    try:
        return run(*args)
    except StudentError as exc:
        hint = on_error(str(exc)) if on_error is not None and explaining() else None
        raise with_hint(AssertionError(f"{what}: {exc}"), hint) from None
