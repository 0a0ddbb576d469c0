"""The gradebook as the CSV each LMS imports (pandas).

    canvas  Student ("Last, First"), ID, SIS User ID, SIS Login ID, Section, one column
            per assignment, and Canvas's "Points Possible" row first
    moodle  ID number, Email address, First name, Last name, one column per assignment
            (map "Identify user by" to ID number or Email address on import)
    csv     student_id, first_name, last_name, email, one column per assignment, total

A student with no submission for an assignment gets an empty cell, so an import
never overwrites a grade entered by hand with a 0.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMATS = ("canvas", "moodle", "csv")


def gradebook_frame(db_url: str, course_id: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per student (id, first_name, last_name, email, score per assignment), max scores."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb:
        assignments = sorted(a.name for a in gb.assignments)
        max_scores = {a.name: float(a.max_score) for a in gb.assignments}
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {"id": student.id, "first_name": student.first_name or "",
                   "last_name": student.last_name or "", "email": student.email or ""}
            for name in assignments:
                try:
                    row[name] = float(gb.find_submission(name, student.id).score)
                except MissingEntry:
                    row[name] = None
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["id", "first_name", "last_name", "email", *assignments])
    return frame, {name: max_scores[name] for name in assignments}


def _display_name(row) -> str:
    if row.last_name and row.first_name:
        return f"{row.last_name}, {row.first_name}"
    return row.last_name or row.first_name or row.id


def to_lms(frame: pd.DataFrame, max_scores: dict[str, float], fmt: str) -> pd.DataFrame:
    assignments = list(max_scores)
    scores = frame[assignments].round(4)
    if fmt == "canvas":
        table = pd.DataFrame({
            "Student": [_display_name(r) for r in frame.itertuples()],
            "ID": "", "SIS User ID": frame["id"], "SIS Login ID": "", "Section": "",
        })
        table = pd.concat([table, scores], axis=1)
        points = {"Student": "    Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "",
                  "Section": "", **max_scores}
        return pd.concat([pd.DataFrame([points]), table], ignore_index=True)
    if fmt == "moodle":
        table = pd.DataFrame({"ID number": frame["id"], "Email address": frame["email"],
                              "First name": frame["first_name"], "Last name": frame["last_name"]})
        return pd.concat([table, scores], axis=1)
    if fmt == "csv":
        table = frame.rename(columns={"id": "student_id"}).copy()
        table[assignments] = scores
        table["total"] = scores.fillna(0).sum(axis=1).round(4)
        return table
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


def export(root: Path, fmt: str, output: Path | None = None) -> Path:
    """Write the gradebook of the course at `root` in `fmt`; returns the file written."""
    from autograder import course

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not (root / "gradebook.db").is_file():
        raise FileNotFoundError(f"no gradebook in {root}: grade something first (dlgrade grade ASSIGNMENT)")
    api = course.api(root)
    frame, max_scores = gradebook_frame(api.coursedir.db_url, api.coursedir.course_id)
    output = output or root / "exports" / f"grades-{fmt}.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    to_lms(frame, max_scores, fmt).to_csv(output, index=False)
    return output
