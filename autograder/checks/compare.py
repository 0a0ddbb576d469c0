"""Comparisons whose failure messages tell a student what kind of wrong it is.

Wrong type, wrong shape, wrong dtype kind, NaN/inf and wrong values each get
their own message, and small arrays are shown in full.
"""
from __future__ import annotations

import contextlib
import contextvars

import numpy as np

from autograder.text import shown

SHOW_FULL = 64  # arrays up to this many elements are printed whole
DETAIL_MAX = 400  # arrays up to this many elements travel to the feedback report as tables


class Mismatch(AssertionError):
    """A comparison failure that also carries what the feedback report shows.

    detail: {"what", "kind" ("type" | "dtype" | "shape" | "nonfinite" | "values"),
    "expected", "actual" (nested lists, or None when too large), "wrong" (a nested
    list of booleans marking the differing cells, kind "values" only)}.
    """

    def __init__(self, message: str, detail: dict):
        super().__init__(message)
        self.detail = detail


_REHEARSING = contextvars.ContextVar("dlgrade_rehearsing", default=False)


@contextlib.contextmanager
def rehearsing():
    """While checks.runner rehearses a test cell's checks with a stand-in whose answers are
    all None: the comparisons here let such an answer pass, so the rehearsal goes on to the
    calls a right answer's run makes next (a course example's second input, and on)."""
    token = _REHEARSING.set(True)
    try:
        yield
    finally:
        _REHEARSING.reset(token)


def stand_in_answer(actual) -> bool:
    """The rehearsal's None answer (never a student's: outside `rehearsing()` it is False)."""
    return actual is None and _REHEARSING.get()


def _table(a) -> list | float | None:
    a = np.asarray(a)
    if a.dtype.kind not in "biuf" or a.size > DETAIL_MAX:
        return None
    if a.dtype.kind == "b":
        return a.tolist()
    a = a.astype(np.float64)
    if np.isfinite(a).all():
        return a.tolist()
    # results.json stays strict JSON: non-finite values travel as their names.
    return np.vectorize(lambda v: float(v) if np.isfinite(v) else str(v), otypes=[object])(a).tolist()


def _mismatch(message: str, what: str, kind: str, expected, actual=None, wrong=None) -> Mismatch:
    return Mismatch(message, {"what": what, "kind": kind, "expected": _table(expected),
                              "actual": None if actual is None else _table(actual),
                              "wrong": None if wrong is None else np.asarray(wrong).tolist()})


def _show(a: np.ndarray) -> str:
    if a.size <= SHOW_FULL:
        return np.array2string(a, separator=", ", max_line_width=100)
    return f"array of shape {a.shape}"


def assert_array_matches(actual, expected, what: str = "result", *, atol: float = 1e-6,
                         rtol: float = 1e-6) -> None:
    """Assert actual equals expected within tolerance, explaining any difference."""
    if stand_in_answer(actual):
        return
    expected = np.asarray(expected)
    if not isinstance(actual, (np.ndarray, list, tuple, int, float, np.number)) or isinstance(actual, bool):
        raise _mismatch(f"{what}: expected a numpy array, got {type(actual).__name__}", what, "type", expected)
    try:
        got = np.asarray(actual)
    except ValueError:
        raise _mismatch(f"{what}: could not be read as an array (ragged nested lists?)", what, "type",
                        expected) from None
    if got.dtype.kind not in "biuf":
        raise _mismatch(f"{what}: wrong dtype kind: expected numbers, got dtype {got.dtype}", what, "dtype",
                        expected)
    if got.dtype.kind == "b" and expected.dtype.kind != "b":
        raise _mismatch(f"{what}: wrong dtype kind: expected numbers, got booleans", what, "dtype",
                        expected, got)
    if got.shape != expected.shape:
        raise _mismatch(f"{what}: wrong shape: expected {expected.shape}, got {got.shape}", what, "shape",
                        expected, got)
    got = got.astype(np.float64)
    bad = ~np.isfinite(got)
    if bad.any() and np.isfinite(expected).all():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(got[first]) else "inf"
        raise _mismatch(f"{what}: contains {kind} at index {first} "
                        f"({int(bad.sum())} non-finite values); expected {expected[first]}",
                        what, "nonfinite", expected, got, bad)
    wrong = ~np.isclose(got, expected, atol=atol, rtol=rtol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        raise _mismatch(  # the student's own value (an int stays an int)
            f"{what}: wrong values at {int(wrong.sum())} of {wrong.size} positions; "
            f"first at index {first}: expected {shown(expected[first])}, "
            f"got {shown(np.asarray(actual)[first])}\n"
            f"expected:\n{_show(expected)}\ngot:\n{_show(np.asarray(actual))}",
            what, "values", expected, got, wrong)


def typed(value, limit: int = 12, array: bool = True) -> str:
    """An input as a student would type it in a call: a small array in full (np.array([...]), or
    a plain list with array=False, where a number stays a number), a bigger one by its shape."""
    a = np.asarray(value)
    if a.size <= limit:
        return f"np.array({a.tolist()})" if array else repr(a.tolist())
    return f"<array of shape {a.shape}>"


def assert_value_equals(actual, expected, what: str = "result") -> None:
    """Exact comparison for ints, strings, tuples; the type must match too."""
    if stand_in_answer(actual):
        return
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = actual is expected
    elif isinstance(expected, int):
        ok = isinstance(actual, (int, np.integer)) and actual == expected
        if not ok and isinstance(actual, float) and actual == expected:
            raise AssertionError(f"{what}: expected the int {expected}, got the float {shown(actual)}")
    else:
        ok = actual == expected
    if not ok:
        raise AssertionError(f"{what}: expected {shown(expected)}, got {shown(actual)}")
