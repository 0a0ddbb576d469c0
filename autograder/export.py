"""The gradebook as the CSV each LMS imports (pandas).

    canvas  Student ("Last, First"), ID, SIS User ID, SIS Login ID, Section, one column
            per assignment, and Canvas's "Points Possible" row first
    moodle  ID number, Email address, First name, Last name, one column per assignment
            (map "Identify user by" to ID number or Email address on import)
    csv     student_id, first_name, last_name, email, one column per assignment, total

A student with no submission for an assignment gets an empty cell, so an import
never overwrites a grade entered by hand with a 0. A submission the grader could not
grade (not a notebook, refused files...) is not in nbgrader's gradebook; it still gets
its row and the 0 the grader recorded, and is listed with the reason: in a `problems`
column of the csv format, and beside a Canvas or Moodle file (whose importers would take
an extra column for an assignment) in `<file>-problems.csv`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.text import POINT_DIGITS

if TYPE_CHECKING:  # pandas is imported where a CSV is made: every dlgrade command loads this module
    import pandas as pd

PROBLEM_COLUMNS = ["student_id", "assignment", "score", "reason"]

FORMATS = ("canvas", "moodle", "csv")


def gradebook_frame(db_url: str, course_id: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per student (id, first_name, last_name, email, score per assignment), max scores."""
    import pandas as pd

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


def ungraded(root: Path, assignments: list[str]) -> list[dict]:
    """The submissions the grader recorded as not gradable (autograded/*/*/results.json with
    status "error"): student_id, assignment, score (the 0 recorded), reason."""
    found = []
    for name in assignments:
        for path in sorted((Path(root) / "autograded").glob(f"*/{name}/results.json")):
            try:
                results = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(results, dict) and results.get("status") == "error":
                found.append({"student_id": path.parent.parent.name, "assignment": name,
                              "score": float(results.get("score") or 0.0),
                              "reason": str(results.get("reason") or "not graded")})
    return found


def with_ungraded(frame: pd.DataFrame, problems: list[dict]) -> pd.DataFrame:
    """Every submitter a row: an ungraded submission's recorded score where the gradebook
    has none (a student it does not know gets a row of their own)."""
    import pandas as pd

    frame = frame.copy()
    for problem in problems:
        student, assignment = problem["student_id"], problem["assignment"]
        if student not in set(frame["id"]):
            frame.loc[len(frame)] = {"id": student, "first_name": "", "last_name": "", "email": ""}
        row = frame.index[frame["id"] == student][0]
        if pd.isna(frame.at[row, assignment]):
            frame.at[row, assignment] = problem["score"]
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def _display_name(row) -> str:
    if row.last_name and row.first_name:
        return f"{row.last_name}, {row.first_name}"
    return row.last_name or row.first_name or row.id


def to_lms(frame: pd.DataFrame, max_scores: dict[str, float], fmt: str) -> pd.DataFrame:
    import pandas as pd

    assignments = list(max_scores)
    scores = frame[assignments].round(POINT_DIGITS)  # as the terminal and the reports show them
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
        table["total"] = scores.fillna(0).sum(axis=1).round(POINT_DIGITS)
        return table
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


def export(root: Path, fmt: str, output: Path | None = None) -> tuple[Path, list[dict]]:
    """Write the gradebook of the course at `root` in `fmt`: (the file written, the
    submissions that could not be graded, exported with their recorded 0)."""
    import pandas as pd

    from autograder import course

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not (root / "gradebook.db").is_file():
        raise FileNotFoundError(f"no gradebook in {root}: grade something first (dlgrade grade ASSIGNMENT)")
    api = course.api(root)
    frame, max_scores = gradebook_frame(api.coursedir.db_url, api.coursedir.course_id)
    problems = ungraded(root, list(max_scores))
    frame = with_ungraded(frame, problems)
    table = to_lms(frame, max_scores, fmt)
    output = output or root / "exports" / ("grades.csv" if fmt == "csv" else f"grades-{fmt}.csv")
    output.parent.mkdir(parents=True, exist_ok=True)
    sidecar = problems_path(output)
    if fmt == "csv":
        said: dict[str, list[str]] = {}
        for p in problems:
            said.setdefault(p["student_id"], []).append(f"{p['assignment']}: {p['reason']}")
        table["problems"] = [" | ".join(said.get(s, [])) for s in table["student_id"]]
    elif problems:
        pd.DataFrame(problems, columns=PROBLEM_COLUMNS).to_csv(sidecar, index=False)
    if (fmt == "csv" or not problems) and sidecar.exists():
        sidecar.unlink()  # an earlier export's list, no longer true
    table.to_csv(output, index=False)
    return output, problems


def problems_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-problems.csv")
