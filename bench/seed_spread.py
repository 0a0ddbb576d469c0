"""Does the reference keep full marks whatever its random seed? Run on demand, not in CI.

    python bench/seed_spread.py fashion-ann --seeds 20

Runs the reference notebook in this process once per seed (the setup cell's
`keras.utils.set_random_seed(0)` becomes each seed in turn), grades it with the
hidden checks and prints, per seed, what the checks measured (accuracy, errors)
and any points lost. A student's seed, or a kernel's numerics, is one more draw:
a declared target the reference misses on some seed takes points from correct
work. Set `[thresholds.embedded]` under the worst figure this prints.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import assignments, build  # noqa: E402
from autograder.validate import InProcessGrader  # noqa: E402

SEEDED = "set_random_seed(0)"


def seeded_notebook(assignment, seed: int):
    nb = build.notebook(assignment)
    cells = [c for c in nb.cells if SEEDED in c.source]
    if not cells:
        raise SystemExit(f"{assignment.name}: no cell calls {SEEDED}: nothing to vary")
    for cell in cells:
        cell.source = cell.source.replace(SEEDED, f"set_random_seed({seed})")
    return nb


def grade_seed(grader: InProcessGrader, seed: int) -> tuple[dict[str, float], dict[str, float]]:
    """(what the checks measured, points lost per cell) of the reference run with `seed`, each
    cell graded where the executor grades it (an in_place cell where it stands)."""
    assignment = grader.assignment
    graded = grader.grade_notebook(seeded_notebook(assignment, seed), f"seed {seed}")
    lost = {cell: round(assignment.points[cell] * (1 - s), 2)
            for cell, s in graded.scores.items() if s < 1}
    return graded.measured, lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--seeds", type=int, default=10, help="how many seeds (default 10)")
    parser.add_argument("--start", type=int, default=0, help="the first seed (default 0)")
    args = parser.parse_args()
    assignment = assignments.load(ROOT, args.assignment)
    figures: dict[str, list[float]] = {}
    failing = 0
    with tempfile.TemporaryDirectory() as scratch:
        grader = InProcessGrader(assignment, Path(scratch))
        grader.reference()  # the calibration the seeds' training times are judged against
        for seed in range(args.start, args.start + args.seeds):
            values, lost = grade_seed(grader, seed)
            for name, value in values.items():
                figures.setdefault(name, []).append(value)
            failing += bool(lost)
            shown = ", ".join(f"{k} {v:.4f}" for k, v in values.items())
            print(f"seed {seed:3d}: {shown}" + (f"  LOST {lost}" if lost else ""), flush=True)
    for name, values in figures.items():
        print(f"{name}: min {min(values):.4f}, median {statistics.median(values):.4f}, "
              f"max {max(values):.4f} over {len(values)} seeds")
    print(f"thresholds: {assignment.thresholds}")
    print(f"seeds that lost points: {failing} of {args.seeds}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
