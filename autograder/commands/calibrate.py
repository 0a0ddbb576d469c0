"""`dlgrade calibrate ASSIGNMENT`: time the reference solution's training cell on this device."""
from __future__ import annotations

import sys

from autograder import course, grading, timing


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate", help="time the reference solution's training cell on this device",
        description="Run the instructor's notebook (the reference solution) in a sandboxed "
                    "kernel on this machine, time its training cell (one warm-up, then RUNS "
                    "timed runs, the median kept) and store it under calibration/ASSIGNMENT/ for "
                    "this device: a student's training cell may take up to 3 times as long. "
                    "`dlgrade grade --calibrate` does it first when it is missing.")
    parser.add_argument("assignment")
    parser.add_argument("--cell", help="id of the training cell (default: the training_cell "
                                       "of assignment.toml)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (median)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per cell")
    parser.add_argument("--no-warm-up", dest="warmup", action="store_false",
                        help="time the runs without the untimed first one (quicker; a cold "
                             "machine's first run can only make the budget more lenient)")
    parser.set_defaults(func=run)


def ensure_calibrated(root, assignment: str, runs: int = 3, calibrate: bool = True,
                      warmup: bool = True):
    """The calibration for this device, taken now when missing and `calibrate` (`warmup`: with
    an untimed first run);
    without it, a warning that the budget check will say "uncalibrated". None when nothing is
    timed."""
    cell = timing.training_cell(root, assignment)
    if not cell:
        return None
    existing = timing.load(root, assignment)
    if existing is not None:
        return existing
    if not calibrate:
        print(f"warning: {assignment} has no calibration for this device ({timing.device_id()}): "
              f"its training-time check will fail as 'uncalibrated'. Run `dlgrade calibrate "
              f"{assignment}` first, or grade with --calibrate.", file=sys.stderr, flush=True)
        return None
    print(f"calibrating {assignment} first (no reference timing on {timing.device_id()}): "
          f"cell {cell}, {_plan(runs, warmup)}", file=sys.stderr, flush=True)
    return timing.calibrate(root, assignment, cell, runs=runs, warmup=warmup,
                            progress=lambda line: print("  " + line, file=sys.stderr, flush=True))


def _plan(runs: int, warmup: bool) -> str:
    return ("1 warm-up + " if warmup else "no warm-up, ") + f"{runs} run{'s' if runs != 1 else ''}"


def run(args) -> int:
    root = course.find_root()
    grading.source_notebooks(root, args.assignment)  # a clear error for an unknown assignment
    cell = args.cell or timing.training_cell(root, args.assignment)
    if not cell:
        raise ValueError(f"{args.assignment} declares no training_cell: name it with --cell CELL_ID")
    print(f"calibrating {args.assignment}: cell {cell}, {_plan(args.runs, args.warmup)} on "
          f"{timing.device_id()}", file=sys.stderr, flush=True)
    result = timing.calibrate(root, args.assignment, cell, runs=args.runs, timeout=args.timeout,
                              warmup=args.warmup,
                              progress=lambda line: print("  " + line, file=sys.stderr, flush=True))
    kind = "GPU-timed" if result.gpu_timed else "CPU-timed (no GPU: compare only on this machine)"
    print(f"{args.assignment}/{cell}: median {result.seconds:.3f} s of {result.runs} ({kind}); "
          f"saved {timing.calibration_path(root, args.assignment, timing.device_id(result.device))}")
    return 0
