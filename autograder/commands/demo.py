"""`dlgrade demo`: the whole job on the embedded demo class.

Lays out a course in DIR (default ./demo, rebuilt each time) from this
repository's assignment folders, releases the demo assignments (two numpy ones,
and mnist-ann and fashion-cnn, which train Keras models: when this machine has no
reference timing, ada's graded run of the solution is it), writes the five demo
submissions (see autograder.demo), grades them through nbgrader and a real
kernel, prints each student's score with the reason for every lost point, and
writes every student's feedback report and the class report.
Exit status 1 if the grader disagrees with what the demo class is built to show.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from autograder import course, demo, grading


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="release, submit and grade the embedded demo class end to end",
        description="Build a demo course (five students, four assignments), grade it and "
                    "print scores and the feedback behind every lost point.")
    parser.add_argument("--dir", type=Path, default=Path("demo"),
                        help="where to build the demo course (default: ./demo; replaced)")
    parser.add_argument("--assignment", action="append", choices=demo.DEMO_ASSIGNMENTS,
                        help="grade only this assignment (repeatable)")
    parser.set_defaults(func=run)


def repo_root() -> Path:
    """The checkout holding source/ and nbgrader_config.py (the project installs editable)."""
    try:
        return course.find_root()
    except FileNotFoundError:
        return course.find_root(Path(__file__).resolve().parents[2])


def lost_points(root: Path, assignment: str, student: str) -> list[str]:
    """One line per test cell that lost points: its score and the first failing check's message."""
    from autograder.text import headline, points, wrapped

    results = grading.saved_results(root, assignment, student)
    lines = []
    for cell in results.get("cells", []):
        if "points" not in cell or cell["score"] >= cell["points"]:
            continue
        failing = [t for t in cell.get("tests", []) if not t.get("passed")]
        message = (failing[0].get("message") if failing else cell.get("reason")) or ""
        first = headline(message)  # a heading comes with its first item: what differs
        lines += wrapped(f"{cell['grade_id']}: {points(cell['score'])}/{points(cell['points'])}  {first}",
                         indent="    ")  # whole messages: a cut one ("is no") says nothing
        for t in failing[:1]:
            if t.get("hint"):
                lines += wrapped(f"    Likely mistake: {t['hint']}", indent="      ")
    return lines


def surprises(results: dict[str, grading.StudentResult]) -> list[str]:
    """Where the grades contradict what each demo student was built to show."""
    expected = {
        "ada": lambda r: r.status == "graded" and r.score == r.max_score,
        "ben": lambda r: r.status == "graded" and 0 < r.score < r.max_score,
        "cy": lambda r: r.status == "graded" and r.score == 0,
        "dee": lambda r: r.status == "graded" and r.score == 0,
        "eve": lambda r: r.status == "error" and r.score == 0,
    }
    return [f"{name}: {results[name].score:g}/{results[name].max_score:g} ({results[name].status})"
            for name, ok in expected.items() if name in results and not ok(results[name])]


def run(args: argparse.Namespace) -> int:
    from autograder.commands.feedback import write_feedback, write_report
    from autograder.commands.grade import print_table, progress_reporter

    target = args.dir.resolve()
    repo = repo_root()
    if target == repo or repo.is_relative_to(target):
        raise ValueError(f"--dir {args.dir} would replace the course checkout itself")
    from autograder import sandbox

    print(f"building the demo class in {target} ...", file=sys.stderr, flush=True)
    print(f"isolation: {sandbox.probe().describe()}", file=sys.stderr, flush=True)
    assignments = demo.build(repo, target)
    wrong, reports, examples = [], [], []
    for assignment in args.assignment or assignments:
        students = grading.submitted_students(target, assignment)
        with progress_reporter(assignment, len(students)) as progress:
            # ada hands in the solution: on a machine with no calibration, her graded run is
            # the calibration (a demo, not a benchmark: one timed run)
            results = grading.grade(target, assignment, students, progress=progress,
                                    calibrate_from=demo.REFERENCE_STUDENT)
        print_table(assignment, results)
        for result in results:
            lines = lost_points(target, assignment, result.student)
            if lines:
                print(f"{result.student} ({demo.STUDENTS.get(result.student, '')}):")
                print("\n".join("  " + line for line in lines))
        feedback = write_feedback(target, assignment)
        reports.append(write_report(target, assignment))
        examples.append(next(p for p in feedback if p.parts[-3] == "ben"))
        print()
        wrong += [f"{assignment}: {line}" for line in surprises({r.student: r for r in results})]
    print(f"results.json per submission under {target / 'autograded'}; gradebook {target / 'gradebook.db'}")
    print(f"feedback for every student under {target / 'feedback'}")
    for report, example in zip(reports, examples):
        print(f"class report:   {report}")
        print(f"student report: {example}")
    if wrong:
        print("UNEXPECTED demo grades: " + "; ".join(wrong))
        return 1
    return 0
