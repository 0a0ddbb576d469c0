"""The training-time check, for any assignment with a calibrated training cell."""
from __future__ import annotations

from autograder import timing


def assert_within_budget(student, cell: str, factor: float = timing.DEFAULT_FACTOR) -> None:
    """The cell `cell` took at most `factor` x the reference solution's time on this device.

    The executor timed the cell from outside the kernel; the reference time comes
    from `dlgrade calibrate`. Both times are recorded in results.json (`budgets`).
    """
    context = getattr(student, "context", None) or {}
    root, assignment = context.get("course_root"), context.get("assignment", "")
    calibration = timing.load(root, assignment) if root else None
    seconds = (context.get("cell_seconds") or {}).get(cell)
    failure = timing.budget_failure(seconds, calibration, factor, assignment)
    context.setdefault("budgets", []).append({
        "cell": cell, "seconds": seconds, "factor": factor,
        "reference_seconds": calibration.seconds if calibration else None,
        "device": timing.device_id(calibration.device) if calibration else timing.device_id(),
        "gpu_timed": bool(calibration and calibration.gpu_timed),
        "passed": failure is None, "reason": failure,
    })
    assert failure is None, failure
