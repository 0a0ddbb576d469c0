"""Comparisons whose failure messages tell a student what kind of wrong it is.

Wrong type, wrong shape, wrong dtype kind, NaN/inf and wrong values each get
their own message, and small arrays are shown in full.
"""
from __future__ import annotations

import numpy as np

SHOW_FULL = 64  # arrays up to this many elements are printed whole


def _show(a: np.ndarray) -> str:
    if a.size <= SHOW_FULL:
        return np.array2string(a, separator=", ", max_line_width=100)
    return f"array of shape {a.shape}"


def assert_array_matches(actual, expected, what: str = "result", *, atol: float = 1e-6,
                         rtol: float = 1e-6) -> None:
    """Assert actual equals expected within tolerance, explaining any difference."""
    expected = np.asarray(expected)
    if not isinstance(actual, (np.ndarray, list, tuple, int, float, np.number)) or isinstance(actual, bool):
        raise AssertionError(f"{what}: expected a numpy array, got {type(actual).__name__}")
    try:
        got = np.asarray(actual)
    except ValueError:
        raise AssertionError(f"{what}: could not be read as an array (ragged nested lists?)") from None
    if got.dtype.kind not in "biuf":
        raise AssertionError(f"{what}: wrong dtype kind: expected numbers, got dtype {got.dtype}")
    if got.dtype.kind == "b" and expected.dtype.kind != "b":
        raise AssertionError(f"{what}: wrong dtype kind: expected numbers, got booleans")
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: wrong shape: expected {expected.shape}, got {got.shape}")
    got = got.astype(np.float64)
    bad = ~np.isfinite(got)
    if bad.any() and np.isfinite(expected).all():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(got[first]) else "inf"
        raise AssertionError(f"{what}: contains {kind} at index {first} "
                             f"({int(bad.sum())} non-finite values); expected {expected[first]}")
    wrong = ~np.isclose(got, expected, atol=atol, rtol=rtol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        raise AssertionError(
            f"{what}: wrong values at {int(wrong.sum())} of {wrong.size} positions; "
            f"first at index {first}: expected {expected[first]!r}, got {got[first]!r}\n"
            f"expected:\n{_show(expected)}\ngot:\n{_show(np.asarray(actual))}")


def assert_value_equals(actual, expected, what: str = "result") -> None:
    """Exact comparison for ints, strings, tuples; the type must match too."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = actual is expected
    elif isinstance(expected, int):
        ok = isinstance(actual, (int, np.integer)) and actual == expected
        if not ok and isinstance(actual, float) and actual == expected:
            raise AssertionError(f"{what}: expected the int {expected}, got the float {actual!r}")
    else:
        ok = actual == expected
    if not ok:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")
