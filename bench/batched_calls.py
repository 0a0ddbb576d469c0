"""Batched calls against one call at a time, through the real grading path, on catalogues.

    python bench/batched_calls.py [ASSIGNMENT ...] [--jobs 2] [--isolation none]

For each assignment (default: every one without a training cell, the ones the executor
batches) it builds a scratch course holding the reference and every mutant of the
catalogue, grades them all with `TrustedExecute.batch_calls` on and then off, and prints
the seconds each took and the submissions whose outcomes differ (score, status, every
check's pass, message, hint and counterexample). Exit status 1 when any differ. Run on
demand, not in CI (tests/engine/test_batched_calls.py proves the same in process).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import assignments, grading  # noqa: E402
from autograder.validate import REFERENCE, RealGrader, mutated_notebook  # noqa: E402


def outcome(root: Path, assignment: str, student: str) -> dict:
    r = grading.saved_results(root, assignment, student)
    return {"status": r.get("status"), "score": r.get("score"), "kernel": r.get("kernel"),
            "cells": [{k: c.get(k) for k in ("grade_id", "status", "score", "reason")}
                      | {"tests": [(t["name"], t["passed"], t["message"], t.get("hint"),
                                    t.get("counterexample")) for t in c.get("tests", [])]}
                      for c in r["cells"] if "points" in c]}


def compare(name: str, scratch: Path, isolation: str, jobs: int) -> dict:
    grader = RealGrader(assignments.load(REPO, name), scratch / name, isolation)
    grader.prepare()
    grader.submit(REFERENCE, mutated_notebook(grader.local, None))
    for mutant in grader.catalogue.mutants:
        grader.submit(mutant.name, mutated_notebook(grader.local, mutant, grader.reference_seconds))
    students = [REFERENCE] + [m.name for m in grader.catalogue.mutants]
    config = grader.root / "nbgrader_config.py"
    base = config.read_text()
    seconds, outcomes = {}, {}
    for mode in (True, False):
        config.write_text(base + f"\nc.TrustedExecute.batch_calls = {mode}\n")
        start = time.monotonic()
        grading.grade(grader.root, name, students, isolation=isolation, regrade=True, jobs=jobs)
        seconds[mode] = round(time.monotonic() - start, 1)
        outcomes[mode] = {s: outcome(grader.root, name, s) for s in students}
    config.write_text(base)
    return {"assignment": name, "submissions": len(students), "batched_seconds": seconds[True],
            "one_by_one_seconds": seconds[False],
            "differ": [s for s in students if outcomes[True][s] != outcomes[False][s]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--isolation", default="none", help="none (default), partial or full")
    args = parser.parse_args()
    names = args.assignments or [n for n in assignments.names(REPO)
                                 if not assignments.load(REPO, n).training_cell]
    failed = False
    with tempfile.TemporaryDirectory(prefix="dlgrade-batched-") as scratch:
        for name in names:
            r = compare(name, Path(scratch), args.isolation, args.jobs)
            failed |= bool(r["differ"])
            print(f"{name}: {r['submissions']} submissions (reference and catalogue), batched "
                  f"{r['batched_seconds']} s, one call at a time {r['one_by_one_seconds']} s; "
                  f"outcomes that differ: {', '.join(r['differ']) or 'none'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
