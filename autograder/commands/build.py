"""`dlgrade build [ASSIGNMENT...]`: write source/<a>/<a>.ipynb from assignments/<a>/."""
from __future__ import annotations

import sys

from autograder import assignments, build, course


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "build", help="build the instructor notebooks from the assignment folders",
        description="Write source/<assignment>/<assignment>.ipynb (and its support files) from "
                    "assignments/<assignment>/: the declaration, notebook.md and solution.py.")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="default: every assignment of the course")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a built notebook is stale")
    parser.set_defaults(func=run)


def selected(root, names: list[str]) -> list[assignments.Assignment]:
    """The named assignments (all when none is named), each checked to exist."""
    return [assignments.load(root, name) for name in (names or assignments.names(root))]


def run(args) -> int:
    root = course.find_root()
    chosen = selected(root, args.assignments)
    if not chosen:
        raise ValueError(f"no assignments in {assignments.folder_of(root)}: "
                         "make one with `dlgrade new NAME`")
    stale = []
    for assignment in chosen:
        if args.check:
            # support files are generated, never committed: only the notebook can be stale
            notebook = build.source_folder(assignment) / f"{assignment.name}.ipynb"
            stale += [p for p in build.stale(assignment) if p == notebook]
            continue
        for path in build.build(assignment):
            print(f"wrote {path.relative_to(root)}")
    for path in stale:
        print(f"stale: {path.relative_to(root)} (run `dlgrade build`)", file=sys.stderr)
    if args.check and not stale:
        print(f"{len(chosen)} notebook(s) up to date")
    return 1 if stale else 0
