"""Grade a batch: validate each submission, autograde it with nbgrader, collect results.

One submission's failure (missing or malformed notebook, dead kernel, an
nbgrader error) costs that submission its points with a reason; the batch
always goes on.
"""
from __future__ import annotations

import json
import re
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from autograder import course

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass
class StudentResult:
    student: str
    score: float
    max_score: float
    status: str  # "graded" | "error"
    reason: str | None
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "student"}


def source_notebooks(root: Path, assignment: str) -> list[str]:
    folder = root / "source" / assignment
    if not folder.is_dir():
        known = ", ".join(course.assignments(root)) or "none"
        raise ValueError(f"no assignment {assignment!r} in source/ (known: {known})")
    return sorted(p.name for p in folder.glob("*.ipynb"))


def submitted_students(root: Path, assignment: str) -> list[str]:
    base = root / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())


def validate_submission(root: Path, assignment: str, student: str, notebooks: list[str]) -> str | None:
    """Why this submission cannot be graded, or None when it can."""
    folder = root / "submitted" / student / assignment
    for name in notebooks:
        path = folder / name
        if not path.is_file():
            present = sorted(p.name for p in folder.glob("*.ipynb"))
            return (f"missing notebook {name} (found: {', '.join(present) or 'no notebooks'}); "
                    "was it renamed?")
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return f"{name} is {size / 2**20:.1f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} MiB limit"
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the student's notebook
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"{name} is not a valid notebook: {first[:300]}"
    return None


def max_score(api, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        return float(gb.find_assignment(assignment).max_score)


def ensure_in_gradebook(api, assignment: str) -> None:
    """The gradebook holds the assignment's grade cells (hidden checks' points, checksums)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"could not register {assignment} in the gradebook:\n{result['log']}")


def _gradebook_score(api, assignment: str, student: str) -> float | None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            return float(gb.find_submission(assignment, student).score)
        except MissingEntry:
            return None


def _write_error_results(root: Path, assignment: str, student: str, reason: str,
                         max_points: float, isolation: str) -> None:
    path = root / "autograded" / student / assignment / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "version": 1, "assignment": assignment, "student": student, "isolation": isolation,
        "status": "error", "reason": reason, "score": 0.0, "max_score": max_points,
        "cells": [],
    }, indent=1, sort_keys=True))


def _nbgrader_error(outcome: dict) -> str:
    """The informative line of a failed nbgrader run (not its generic summary)."""
    text = (outcome.get("log") or "") + "\n" + (outcome.get("error") or "")
    lines = [line.strip() for line in text.splitlines()]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception): ", line)
              and "NbGraderException" not in line]
    return errors[-1][:500] if errors else "unknown error (see the grader log)"


def grade_one(root: Path, api, assignment: str, student: str, notebooks: list[str],
              max_points: float, isolation: str = "none") -> StudentResult:
    import time

    start = time.monotonic()
    reason = validate_submission(root, assignment, student, notebooks)
    if reason is None:
        outcome = api.autograde(assignment, student, force=True, create=True)
        if not outcome["success"]:
            reason = "nbgrader could not autograde it: " + _nbgrader_error(outcome)
    seconds = round(time.monotonic() - start, 3)
    if reason is not None:
        _write_error_results(root, assignment, student, reason, max_points, isolation)
        return StudentResult(student, 0.0, max_points, "error", reason, seconds)
    results_path = root / "autograded" / student / assignment / "results.json"
    results = json.loads(results_path.read_text())
    score = _gradebook_score(api, assignment, student)
    results.update(status="graded", reason=results.get("kernel"),
                   gradebook_score=score, seconds_total=seconds)
    results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
    return StudentResult(student, round(score if score is not None else results["score"], 4),
                         max_points, "graded", results.get("kernel"), seconds)


def grade(root: Path, assignment: str, students: list[str] | None = None,
          isolation: str = "none", progress=None) -> list[StudentResult]:
    """Grade every submission of `assignment` (or just `students`)."""
    notebooks = source_notebooks(root, assignment)
    # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    warnings.filterwarnings("ignore", module="nbgrader.api")
    api = course.api(root, isolation)
    ensure_in_gradebook(api, assignment)
    max_points = max_score(api, assignment)
    if students is None:
        students = submitted_students(root, assignment)
    results = []
    for student in students:
        try:
            result = grade_one(root, api, assignment, student, notebooks, max_points, isolation)
        except Exception as exc:  # noqa: BLE001 - never lose the batch to one submission
            reason = f"internal grader error: {type(exc).__name__}: {exc}"
            _write_error_results(root, assignment, student, reason, max_points, isolation)
            result = StudentResult(student, 0.0, max_points, "error", reason)
        results.append(result)
        if progress:
            progress(result)
    return results
