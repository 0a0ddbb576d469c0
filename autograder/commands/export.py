"""`dlgrade export [--format canvas|moodle|csv] [-o FILE]`: the gradebook for an LMS."""
from __future__ import annotations

from pathlib import Path

from autograder import course
from autograder.export import FORMATS, export, problems_path
from autograder.text import points


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the gradebook as a CSV an LMS imports",
        description="Write every student's score per assignment (two decimals, as the reports "
                    "show them) as Canvas's or Moodle's grade import, or a plain CSV with a "
                    "total. A submission the grader could not grade gets its row with the 0 it "
                    "recorded, and the reason in a -problems.csv file beside it.")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv",
                        help="canvas, moodle or csv (default csv)")
    parser.add_argument("-o", "--output", type=Path,
                        help="file to write (default exports/grades.csv, exports/grades-canvas.csv "
                             "or exports/grades-moodle.csv)")
    parser.set_defaults(func=run)


def run(args) -> int:
    path, problems = export(course.find_root(), args.fmt, args.output)
    print(f"wrote {path}")
    for problem in problems:
        print(f"  {problem['student_id']}: {problem['assignment']} could not be graded, exported "
              f"as {points(problem['score'])}: {problem['reason']}")
    if problems:
        where = "its problems column" if args.fmt == "csv" else problems_path(path)
        print(f"{len(problems)} submission(s) could not be graded: listed in {where}")
    return 0
