"""`dlgrade export [--format canvas|moodle|csv] [-o FILE]`: the gradebook for an LMS."""
from __future__ import annotations

from pathlib import Path

from autograder import course
from autograder.export import FORMATS, export


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("export", help="write the gradebook as a CSV an LMS imports")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv",
                        help="canvas, moodle or csv (default csv)")
    parser.add_argument("-o", "--output", type=Path,
                        help="file to write (default exports/grades-FORMAT.csv)")
    parser.set_defaults(func=run)


def run(args) -> int:
    path = export(course.find_root(), args.fmt, args.output)
    print(f"wrote {path}")
    return 0
