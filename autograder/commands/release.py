"""`dlgrade release ASSIGNMENT`: build it, then nbgrader generate_assignment into release/."""
from __future__ import annotations

from autograder import assignments, build, course


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="generate the student version into release/",
        description="Build source/ASSIGNMENT from its folder, then let nbgrader write the student "
                    "version into release/ASSIGNMENT (solutions and hidden tests removed, cells "
                    "locked); the course's data loader goes with it. Hand out that folder.")
    parser.add_argument("assignment")
    parser.set_defaults(func=run)


def run(args) -> int:
    root = course.find_root()
    declared = assignments.load(root, args.assignment)  # a clear error for an unknown one
    for path in build.build(declared):
        print(f"built {path.relative_to(root)}")
    result = course.api(root).generate_assignment(args.assignment, force=True, create=True)
    if not result["success"]:
        print(result["log"])
        raise ValueError(f"nbgrader could not release {args.assignment}")
    print(f"released {args.assignment} to {root / 'release' / args.assignment}")
    return 0
