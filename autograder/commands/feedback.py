"""`dlgrade feedback ASSIGNMENT` and `dlgrade report ASSIGNMENT`: reports from results.json.

feedback: feedback/<student>/<assignment>/<assignment>.html (nbgrader's layout, so
          its release-feedback still works) and feedback.md for LMS comment boxes.
report:   reports/<assignment>/class-report.html for the instructor.
"""
from __future__ import annotations

import sys
from pathlib import Path

from autograder import course


def add_parser(subparsers) -> None:
    feedback = subparsers.add_parser(
        "feedback", help="write each student's feedback report",
        description="Write feedback/STUDENT/ASSIGNMENT/ for every graded submission: an HTML "
                    "report (each check, what it got, the likely mistake, the model's numbers) "
                    "and feedback.md, the same as text for an LMS comment. nbgrader's own "
                    "generate_feedback would overwrite these files: use this one.")
    feedback.add_argument("assignment")
    feedback.add_argument("--student", action="append", help="only this student (repeatable)")
    feedback.set_defaults(func=run_feedback)
    report = subparsers.add_parser(
        "report", help="write the class report of an assignment",
        description="Write reports/ASSIGNMENT/class-report.html: the score distribution, each cell's "
                    "average, the most common failures grouped by mistake, and the submissions "
                    "with problems (ungradable, tampered, over a limit).")
    report.add_argument("assignment")
    report.set_defaults(func=run_report)


def graded_results(root: Path, assignment: str, students: list[str] | None = None) -> dict[str, dict]:
    """student -> results.json of every graded (or ungradable) submission of `assignment`."""
    from autograder.feedback import load_results

    base = root / "autograded"
    paths = sorted(base.glob(f"*/{assignment}/results.json")) if base.is_dir() else []
    found = {p.parent.parent.name: p for p in paths}
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise ValueError(f"no results for {', '.join(missing)} on {assignment}: grade them first")
        found = {s: found[s] for s in students}
    if not found:
        raise ValueError(f"no graded submissions of {assignment!r}: run `dlgrade grade {assignment}` first")
    return {student: load_results(path) for student, path in found.items()}


def cell_timeout(root: Path) -> float | None:
    config = course.load_config(root)
    return float(config.TrustedExecute.timeout) if "timeout" in config.TrustedExecute else None


def write_feedback(root: Path, assignment: str, students: list[str] | None = None) -> list[Path]:
    from autograder.feedback import write_student_feedback

    budget = cell_timeout(root)
    return [write_student_feedback(root, assignment, student, results, cell_timeout=budget)
            for student, results in graded_results(root, assignment, students).items()]


def write_report(root: Path, assignment: str) -> Path:
    from autograder.feedback import write_class_report

    return write_class_report(root, assignment, list(graded_results(root, assignment).values()))


def run_feedback(args) -> int:
    paths = write_feedback(course.find_root(), args.assignment, args.student)
    for path in paths:
        print(path)
    print(f"{len(paths)} feedback reports written", file=sys.stderr)
    return 0


def run_report(args) -> int:
    print(write_report(course.find_root(), args.assignment))
    return 0
