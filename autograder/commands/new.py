"""`dlgrade new NAME`: scaffold an assignment folder that builds, releases and validates."""
from __future__ import annotations

from pathlib import Path

import jinja2

from autograder import assignments, build, course

SCAFFOLD = Path(__file__).resolve().parents[1] / "scaffold"
FILES = ("assignment.toml", "notebook.md", "solution.py", "checks.py", "mutants.py")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "new", help="scaffold a new assignment folder under assignments/",
        description="Write assignments/NAME/ (declaration, notebook text, solution, hidden "
                    "checks, mutants: a small working example to edit) and build its notebook.")
    parser.add_argument("name", help="lowercase words joined by '-', e.g. fashion-cnn")
    parser.add_argument("--title", help="the notebook's title (default: from the name)")
    parser.set_defaults(func=run)


def scaffold(root: Path, name: str, title: str | None = None) -> assignments.Assignment:
    """Write the folder of a new assignment `name` in the course at `root`, and build it."""
    if not assignments.NAME.match(name):
        raise ValueError(f"{name!r} is not an assignment name: use lowercase words joined by "
                         "'-' (e.g. fashion-cnn)")
    folder = assignments.folder_of(root) / name
    if folder.exists():
        raise ValueError(f"{folder} already exists")
    context = {"name": name, "title": title or name.replace("-", " ").capitalize()}
    if '"' in context["title"] or "\\" in context["title"]:
        raise ValueError("the title may not contain quotes or backslashes")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SCAFFOLD), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    folder.mkdir(parents=True)
    for filename in FILES:
        text = env.get_template(f"{filename}.j2").render(context)
        (folder / filename).write_text(text, encoding="utf-8")
    assignment = assignments.load(root, name)
    build.build(assignment)
    return assignment


def run(args) -> int:
    root = course.find_root(empty=True)
    assignment = scaffold(root, args.name, args.title)
    print(f"wrote {assignment.folder.relative_to(root)}/ ({', '.join(FILES)}) and "
          f"source/{assignment.name}/{assignment.name}.ipynb")
    print("next: edit the folder, then\n"
          f"  dlgrade build {assignment.name}      # the instructor notebook, from the folder\n"
          f"  dlgrade validate {assignment.name}   # the solution gets full marks, every mutant loses\n"
          f"  dlgrade release {assignment.name}    # the student version, in release/")
    return 0
