"""What one student's report shows, computed from their results.json alone.

Older results files lack a check's hint, counterexample and detail: the first
two are recovered from the message text, and no missing key fails a report.
"""
from __future__ import annotations

import re
import textwrap

from autograder.feedback.tables import detail_view
from autograder.text import headline

HINT_PREFIX = "Likely mistake:"
EXAMPLE_PREFIXES = ("Failing test case", "Falsifying example")


def first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _strip_label(example: str) -> str:
    # "Failing test case: f(...)": the report's heading already says what it is, and the
    # check's own name (test_...) means nothing to a student: only its arguments are shown.
    head, sep, tail = example.partition(":")
    text = tail.strip() if sep and head.startswith(EXAMPLE_PREFIXES) else example.strip()
    call = re.fullmatch(r"test_\w*\(\s*(.*?),?\s*\)", text, flags=re.DOTALL)
    return textwrap.dedent(call.group(1)).strip() if call else text


def split_message(message: str | None) -> dict:
    """headline (first line), hint, counterexample and the remaining lines of a message."""
    lines = (message or "").strip().splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(EXAMPLE_PREFIXES)), len(lines))
    example = "\n".join(lines[start:]) or None
    body = lines[:start]
    hints = [line[len(HINT_PREFIX):].strip() for line in body if line.startswith(HINT_PREFIX)]
    rest = [line for line in body[1:] if not line.startswith(HINT_PREFIX)]
    first = headline("\n".join(body))
    if first != first_line(message) and rest:  # a heading: its first item says what differs
        rest = rest[1:]
    return {
        "headline": first,
        "hint": hints[0] if hints else None,
        "counterexample": example,
        "more": "\n".join(rest).strip() or None,
    }


# A check that failed because the function is missing or still the stub: not a misconception,
# and no input of the grader's tells the student anything there.
NOT_ATTEMPTED = re.compile(r"is not defined in your notebook|NotImplementedError")


def check_title(name: str) -> str:
    """A check's function name as words a student reads: test_accuracy_step_1_of_4 ->
    "Accuracy, step 1 of 4"; test_conv2d_any_kernel -> "Conv2d any kernel"."""
    words = re.sub(r"_step_(\d+)_of_(\d+)$", r", step \1 of \2", name.removeprefix("test_"))
    words = words.replace("_", " ").strip() or name
    return words[:1].upper() + words[1:]


def check_view(test: dict, cell_points: float, total_weight: float) -> dict:
    passed = bool(test.get("passed"))
    parsed = split_message(test.get("message"))
    hint = test["hint"] if "hint" in test else parsed["hint"]
    example = test["counterexample"] if "counterexample" in test else parsed["counterexample"]
    if NOT_ATTEMPTED.search(parsed["headline"] or ""):
        example = None  # "smallest failing input" of a function that is not there says nothing
    weight = float(test.get("weight") or 1.0)
    lost = 0.0 if passed or not total_weight else cell_points * weight / total_weight
    return {
        "name": test.get("name") or "check",
        "title": check_title(test.get("name") or "check"),
        "passed": passed,
        "weight": weight,
        "lost": round(lost, 4),
        "seconds": test.get("seconds"),
        "headline": parsed["headline"] or ("" if passed else "failed (no message)"),
        "hint": hint,
        "counterexample": _strip_label(example) if example else None,
        "more": parsed["more"],
        "detail": None if passed else detail_view(test.get("detail")),
    }


def question_view(cell: dict) -> dict:
    points = float(cell.get("points") or 0.0)
    score = float(cell.get("score") or 0.0)
    tests = cell.get("tests") or []
    total_weight = sum(float(t.get("weight") or 1.0) for t in tests)
    checks = [check_view(t, points, total_weight) for t in tests]
    return {
        "grade_id": cell.get("grade_id") or f"cell {cell.get('index', 0) + 1}",
        "number": cell.get("index", 0) + 1,
        "points": points,
        "score": score,
        "percent": round(100 * score / points) if points else 0,
        "status": cell.get("status") or "graded",
        "reason": cell.get("reason"),
        "seconds": cell.get("seconds"),
        "checks": checks,
        "n_passed": sum(c["passed"] for c in checks),
        "lost_any": score < points - 1e-9 or bool(cell.get("reason")) or not all(c["passed"] for c in checks),
    }


def cell_rows(cells: list[dict], cell_timeout: float | None) -> list[dict]:
    """Wall time per executed cell; student cells are measured against the cell timeout."""
    rows = []
    for cell in cells:
        test = "points" in cell
        seconds = float(cell.get("seconds") or 0.0)
        budget = None if test else (cell.get("limit") or cell_timeout)  # a training cell has its own
        rows.append({
            "number": cell.get("index", 0) + 1,
            "grade_id": cell.get("grade_id") or "",
            "test": test,
            "status": cell.get("status") or "",
            "seconds": seconds,
            "budget": budget,
            "percent": min(100, round(100 * seconds / budget)) if budget else None,
        })
    return rows


def _raised_words(error: dict) -> str:
    """'ValueError: shapes do not match (line 4: y = x @ w)' from results.json's record."""
    words = f"{error.get('type') or 'an error'}" + (f": {error['message']}" if error.get("message") else "")
    if error.get("line"):
        words += f" (line {error['line']}" + (f": {error['code']}" if error.get("code") else "") + ")"
    return words


def _cell_names(cells: list[dict]) -> str:
    return ", ".join(f"cell {c.get('index', 0) + 1} ({c.get('grade_id') or 'unnamed'})" for c in cells)


def banners(results: dict, cell_timeout: float | None) -> list[dict]:
    """The problems a student must see before any score: each {level, title, text}."""
    out = []
    status = results.get("status")
    reason = results.get("reason")
    cells = results.get("cells") or []
    if status == "error":
        out.append({"level": "error", "title": "Your submission could not be graded",
                    "text": reason or "no reason was recorded; ask your instructor"})
        return out
    kernel = results.get("kernel") or reason
    if kernel:
        title = ("Your notebook's kernel died" if "died" in kernel
                 else "Your notebook could not be run to the end")
        out.append({"level": "error", "title": title,
                    "text": f"{kernel}. The cells after it were not run and their questions scored 0."})
    timeouts = [c for c in cells if c.get("status") == "timeout"]
    if timeouts:
        limit = f" of {cell_timeout:g} s" if cell_timeout else ""
        out.append({"level": "error", "title": "A cell ran past the time limit",
                    "text": f"{_cell_names(timeouts)} ran past the time limit{limit} and was stopped; "
                            "look for an infinite loop or a wait that never ends."})
    restored = results.get("restored") or []
    if restored:
        out.append({"level": "warning", "title": "Protected cells were changed",
                    "text": "The grader used the instructor's version: " + "; ".join(restored) + "."})
    truncated = [c for c in cells if c.get("output_truncated")]
    if truncated:
        out.append({"level": "warning", "title": "Output was cut short",
                    "text": f"{_cell_names(truncated)} printed more than the grader keeps; "
                            "the rest of the output was dropped (it cost no points)."})
    errors = [c for c in cells if c.get("status") == "error"]
    if errors:
        said = [f"{_cell_names([c])}: {_raised_words(c['error'])}" for c in errors if c.get("error")]
        out.append({"level": "warning", "title": "Your code raised an error",
                    "text": f"{_cell_names(errors)} raised an error when the notebook was run top "
                            "to bottom" + (": " + "; ".join(said) if said else "")
                            + ". Use Restart & Run All to see it."})
    return out


def student_view(results: dict, cell_timeout: float | None = None) -> dict:
    cells = results.get("cells") or []
    score = float(results.get("score") or 0.0)
    max_score = float(results.get("max_score") or 0.0)
    gradebook = results.get("gradebook_score")
    return {
        "assignment": results.get("assignment") or "assignment",
        "student": results.get("student") or "student",
        "status": results.get("status") or "graded",
        "score": score,
        "max_score": max_score,
        "percent": round(100 * score / max_score) if max_score else 0,
        "gradebook_score": (gradebook if gradebook is not None and abs(gradebook - score) > 1e-6
                            else None),
        "banners": banners(results, cell_timeout),
        "questions": [question_view(c) for c in cells if "points" in c],
        "cells": cell_rows(cells, cell_timeout),
        "cell_timeout": cell_timeout,
        "seconds": results.get("seconds"),
        "isolation": results.get("isolation") or "unknown",
        "budgets": [b for b in results.get("budgets") or [] if isinstance(b, dict)],
        "data": {str(k): str(v) for k, v in (results.get("data") or {}).items()}
        if isinstance(results.get("data"), dict) else {},
        "results_version": results.get("version"),
    }
