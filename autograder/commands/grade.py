"""`dlgrade grade ASSIGNMENT`: grade submitted/<student>/<assignment>/ into gradebook.db."""
from __future__ import annotations

import contextlib
import json
import sys

from autograder import assignments, build, course, datasets, dispatch, grading
from autograder.commands.calibrate import ensure_calibrated
from autograder.text import points


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade the submissions of an assignment",
        description="Grade submitted/STUDENT/ASSIGNMENT/ for every student (or --student): each "
                    "notebook runs in its own sandboxed kernel, the hidden checks run in this "
                    "process against the trusted references, and the scores go to nbgrader's "
                    "gradebook.db, with results.json beside each autograded notebook. A "
                    "submission finished by an earlier run and unchanged since is kept.")
    parser.add_argument("assignment")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--regrade", action="store_true",
                        help="grade every submission again, even those an earlier run finished "
                             "and nothing has changed since")
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help="grade N submissions at once, each in its own slot (worker process, "
                             "kernel uid, cgroup); the timed training cell runs alone meanwhile. "
                             "Default: as many as this machine's cores and memory allow")
    parser.add_argument("--ray", metavar="ADDRESS", default=None,
                        help="grade on a Ray cluster, each slot an actor on some node: ADDRESS "
                             "as ray.init takes it ('auto', 'ray://head:10001'), or 'local' for a "
                             "Ray instance started here. Every node needs dlgrade installed and "
                             "the course folder at the same path. --jobs defaults to the "
                             "cluster's CPUs")
    parser.add_argument("--calibrate", action="store_true",
                        help="time the reference solution first when this device has no "
                             "calibration for the assignment (see `dlgrade calibrate`)")
    sandboxing = parser.add_mutually_exclusive_group()
    sandboxing.add_argument("--require-sandbox", action="store_true",
                            help="refuse to grade unless kernels get full isolation "
                                 "(bubblewrap, separate uid, cgroup limits)")
    sandboxing.add_argument("--no-sandbox", action="store_true",
                            help="run student kernels without isolation (trusted code only)")
    parser.set_defaults(func=run)


def _jobs(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1 slot, not {value}")
    return value


def isolation_for(args):
    """The isolation to grade with, said once on stderr; refused when full is required."""
    from autograder import sandbox

    isolation = sandbox.probe(disabled=args.no_sandbox)
    print(f"isolation: {isolation.describe()}", file=sys.stderr, flush=True)
    if args.require_sandbox and isolation.level != "full":
        raise SandboxRefused(f"--require-sandbox: isolation here is {isolation.level}, not full "
                             f"(missing: {'; '.join(isolation.missing) or 'nothing'})")
    return isolation


class SandboxRefused(ValueError):
    pass


def print_table(assignment: str, results) -> None:
    from rich.console import Console
    from rich.markup import escape  # a reason may quote a student's text: never markup
    from rich.table import Table

    table = Table(title=f"{assignment}: {len(results)} submissions")
    for column, justify in (("student", "left"), ("score", "right"), ("status", "left"),
                            ("seconds", "right"), ("reason", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for r in results:
        table.add_row(escape(r.student), f"{points(r.score)} / {points(r.max_score)}",
                      r.status + (" (kept)" if r.kept else ""), f"{r.seconds:.1f}",
                      escape(r.reason or ""))
    Console(width=max(100, Console().width)).print(table)


@contextlib.contextmanager
def progress_reporter(assignment: str, total: int, quiet: bool = False, describe=None,
                      label: str | None = None):
    """A rich progress bar with ETA on a terminal; one line per submission otherwise.
    `describe(result)` gives each finished item's line (default: a graded submission's)."""
    describe = describe or line
    if quiet:
        yield lambda result: None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True)) as bar:
            task = bar.add_task(label or f"grading {assignment}", total=total)

            def advance(result):
                bar.console.print(describe(result), highlight=False, markup=False)
                bar.advance(task)

            yield advance
        return

    def report(result):
        print(describe(result), file=sys.stderr, flush=True)

    yield report


def line(result) -> str:
    if result.kept:
        return (f"kept {result.student}: {points(result.score)}/{points(result.max_score)} "
                f"({result.status} by an earlier run; nothing changed since)")
    return (f"graded {result.student}: {points(result.score)}/{points(result.max_score)} "
            f"({result.status}, {result.seconds:.1f} s)")


def run(args) -> int:
    root = course.find_root()
    isolation = isolation_for(args)
    declared = assignments.load(root, args.assignment)  # a clear error for an unknown one
    notebook = build.source_folder(declared) / f"{declared.name}.ipynb"
    if notebook in build.stale(declared):
        print(f"warning: {notebook.relative_to(root)} is not what assignments/{declared.name}/ "
              f"builds: the submissions are graded against the notebook students were given; "
              f"run `dlgrade build {declared.name}` and `dlgrade release {declared.name}` "
              "before the next release", file=sys.stderr, flush=True)
    for name in declared.datasets:
        if datasets.evaluation(name).embedded:
            print(f"warning: {declared.name} is graded on the embedded stand-in for {name}: the "
                  "real data is not on this machine (`dlgrade data list`; `dlgrade data fetch` "
                  "where there is internet)", file=sys.stderr, flush=True)
    ensure_calibrated(root, args.assignment, calibrate=args.calibrate)
    students = args.student or grading.submitted_students(root, args.assignment)
    if not args.ray:  # before the progress bar's thread starts: forked, not spawned
        dispatch.prefork(grading.local_jobs(root, len(students), args.jobs))
    with progress_reporter(args.assignment, len(students), quiet=args.json) as progress:
        results = grading.grade(root, args.assignment, students, isolation=isolation.level,
                                progress=progress, regrade=args.regrade, jobs=args.jobs,
                                ray=args.ray)
    if args.json:
        print(json.dumps({"assignment": args.assignment,
                          "students": {r.student: r.to_dict() for r in results}}, indent=1))
    else:
        print_table(args.assignment, results)
    return 0
