"""A failed comparison's `detail` (nested lists) as small tables a template can lay out.

Arrays of any rank become 2-D grids: rank 0 and 1 are one row, rank 3 and up
are split into one grid per index of the trailing axes (for the course's
(height, width, channels) images that is one grid per channel), labelled in
numpy's slice notation so a student can find the cell in their own array.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    wrong: bool = False
    nonfinite: bool = False


@dataclass(frozen=True)
class Grid:
    label: str  # "" for rank <= 2, else e.g. "[:, :, 0]"
    rows: list[list[Cell]]


def shape_of(value) -> tuple[int, ...]:
    """The shape of a regular nested list (as numpy's tolist() writes it)."""
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)


def fmt(value) -> str:
    # 6 significant digits keep cells narrow; non-finite values arrive as "nan"/"inf" strings.
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return str(value)


def _is_nonfinite(value) -> bool:
    if isinstance(value, str):
        return value.lower() in {"nan", "inf", "-inf", "+inf"}
    return isinstance(value, float) and not math.isfinite(value)


def _at(value, index: tuple[int, ...]):
    for i in index:
        value = value[i]
    return value


def grids(values, wrong=None) -> list[Grid]:
    """values (nested lists or a scalar) as grids; `wrong` (same shape) flags cells."""
    if values is None:
        return []
    shape = shape_of(values)
    if wrong is not None and shape_of(wrong) != shape:
        wrong = None  # a mask that does not fit is not worth a misleading highlight

    def cell(index: tuple[int, ...]) -> Cell:
        v = _at(values, index)
        return Cell(fmt(v), bool(wrong is not None and _at(wrong, index)), _is_nonfinite(v))

    if len(shape) == 0:
        return [Grid("", [[cell(())]])]
    if len(shape) == 1:
        return [Grid("", [[cell((j,)) for j in range(shape[0])]])]
    rows, cols, rest = shape[0], shape[1], shape[2:]
    out = []
    for tail in itertools.product(*(range(n) for n in rest)):
        label = "[:, :, " + ", ".join(map(str, tail)) + "]" if tail else ""
        out.append(Grid(label, [[cell((i, j, *tail)) for j in range(cols)] for i in range(rows)]))
    return out


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def detail_view(detail: dict | None) -> dict | None:
    """What the report shows for a failed comparison, or None when there is no table."""
    if not isinstance(detail, dict):
        return None
    expected, actual = detail.get("expected"), detail.get("actual")
    if expected is None and actual is None:
        return None
    kind = detail.get("kind") or "values"
    wrong = detail.get("wrong") if kind in ("values", "nonfinite") else None
    n_wrong = sum(c.wrong for g in grids(actual, wrong) for row in g.rows for c in row)
    return {
        "what": detail.get("what") or "result",
        "kind": kind,
        "expected": grids(expected),
        "actual": grids(actual, wrong),
        "expected_shape": shape_text(shape_of(expected)) if expected is not None else None,
        "actual_shape": shape_text(shape_of(actual)) if actual is not None else None,
        "n_wrong": n_wrong,
    }
