"""`dlgrade validate ASSIGNMENT`: prove the hidden checks before students hand anything in.

The reference solution must get full marks and every mutant of the catalogue
(assignments/<name>/mutants.py) must lose points where its entry says, with the words
it names in the message a student reads. By default each is graded through the real
path (nbgrader, a sandboxed kernel per submission, the checks through the bridge);
`--in-process` runs the same judgement without kernels, in seconds.
"""
from __future__ import annotations

import json
import sys

from autograder import assignments, course
from autograder.text import points


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help="grade the reference and every mutant: full marks, then every mutant loses",
        description="Grade the reference solution (it must get full marks) and every mutant of "
                    "the assignment's catalogue (each must lose points where mutants.py says, "
                    "with the words it names), print a table and the kill rate. Exits 1 when "
                    "the reference loses points or a mutant keeps full marks or departs from "
                    "its entry.")
    parser.add_argument("assignment")
    parser.add_argument("--mutant", action="append", metavar="NAME",
                        help="only this mutant (repeatable)")
    parser.add_argument("--in-process", action="store_true",
                        help="run the notebooks in this process, without kernels (fast; the "
                             "default grades each submission as `dlgrade grade` does)")
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    sandboxing = parser.add_mutually_exclusive_group()
    sandboxing.add_argument("--require-sandbox", action="store_true",
                            help="refuse to run unless kernels get full isolation")
    sandboxing.add_argument("--no-sandbox", action="store_true",
                            help="run the kernels without isolation")
    parser.set_defaults(func=run)


def run(args) -> int:
    from autograder.commands.grade import isolation_for
    from autograder.mutants import load_catalogue
    from autograder.validate import validate

    root = course.find_root()
    assignment = assignments.load(root, args.assignment)
    catalogue = load_catalogue(assignment)
    chosen = args.mutant or [m.name for m in catalogue.mutants]
    isolation = None if args.in_process else isolation_for(args).level
    mode = "in process" if args.in_process else f"through the grading path ({isolation} isolation)"
    print(f"validating {assignment.name}: the reference and {len(chosen)} mutant(s), {mode}",
          file=sys.stderr, flush=True)
    with _progress(assignment.name, len(chosen) + (0 if args.in_process else 1), args.json) as progress:
        report = validate(assignment, in_process=args.in_process, only=args.mutant or (),
                          isolation=isolation, progress=progress)
    if args.json:
        print(json.dumps(_as_json(report), indent=1))
    else:
        _print(report)
    return 0 if report.ok else 1


def _progress(name: str, total: int, quiet: bool):
    from autograder.commands.grade import line, progress_reporter

    def describe(item) -> str:
        if hasattr(item, "mutant"):  # a verdict (in process)
            return (f"{item.mutant.name}: {verdict_word(item)} ({_points(item.lost)} points lost"
                    f"{'; ' + RESUMED if item.graded.resumed else ''})")
        return line(item)  # a graded submission (the grading path)

    return progress_reporter(name, total, quiet=quiet, describe=describe, label=f"validating {name}")


RESUMED = "resumed after the reference's training"


def verdict_word(verdict) -> str:
    if not verdict.killed:
        return "SURVIVED"
    return "caught" if verdict.proven else "caught, but"


def _print(report) -> None:
    from rich.console import Console
    from rich.markup import escape  # messages are text, never markup ("[course example]")
    from rich.table import Table

    from autograder.mutants import load_catalogue

    a = report.assignment
    total = a.total_points
    reference = report.reference
    lost = reference.lost(a.points)
    table = Table(title=f"{a.name}: the reference and {len(report.verdicts)} mutant(s)")
    for column, justify in (("mutant", "left"), ("points lost", "right"), ("verdict", "left"),
                            ("what the student reads", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    table.add_row("(reference)", f"{_points(lost)} / {_points(total)}", "full marks" if report.reference_full
                  else "LOSES POINTS", escape(reference.first_message()) if not report.reference_full else "")
    catalogue = load_catalogue(a)
    for v in report.verdicts:
        said = v.graded.first_message(list(catalogue.loses(v.mutant)) + list(v.graded.scores))
        problems = "; ".join(v.problems)
        table.add_row(v.mutant.name + (" *" if v.graded.resumed else ""),
                      f"{_points(v.lost)} / {_points(total)}", verdict_word(v),
                      escape(said + (f"\n[!] {problems}" if problems else "")))
    console = Console(width=max(110, Console().width))
    console.print(table)
    resumed = sum(v.graded.resumed for v in report.verdicts)
    if resumed:  # they train exactly what the reference trained: its state is theirs
        print(f"* {resumed} mutant(s) {RESUMED}: what they change is only functions that no "
              f"cell up to the training calls, so they went on from the reference's state after it")
    killed = sum(v.killed for v in report.verdicts)
    proven = sum(v.killed and v.proven for v in report.verdicts)
    rate = f"{killed}/{len(report.verdicts)} ({report.kill_rate:.0%})" if report.verdicts else "no mutants"
    print(f"kill rate: {rate}; as their entries state: {proven}/{len(report.verdicts)}; "
          f"reference: {'full marks' if report.reference_full else 'LOSES POINTS'}")
    if not report.ok:
        print("NOT VALID: " + ", ".join(
            (["the reference loses points"] if not report.reference_full else [])
            + [f"{v.mutant.name} {'survives' if not v.killed else 'departs from its entry'}"
               for v in report.verdicts if not (v.killed and v.proven)]))


def _points(value: float) -> str:
    return points(value)


def _as_json(report) -> dict:
    a = report.assignment
    return {
        "assignment": a.name,
        "ok": report.ok,
        "kill_rate": report.kill_rate,
        "reference": {"full_marks": report.reference_full, "scores": report.reference.scores,
                      "reason": report.reference.reason},
        "mutants": [{"name": v.mutant.name, "killed": v.killed, "proven": v.proven,
                     "points_lost": v.lost, "scores": v.graded.scores, "problems": v.problems,
                     "resumed": v.graded.resumed,
                     "message": v.graded.first_message(list(v.graded.scores))}
                    for v in report.verdicts],
    }
