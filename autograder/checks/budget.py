"""The training-time check, for any assignment with a calibrated training cell."""
from __future__ import annotations

from pathlib import Path

from autograder import timing
from autograder.checks import provenance


def assert_within_budget(student, cell: str, factor: float = timing.DEFAULT_FACTOR) -> None:
    """The cell `cell` took at most `factor` x the reference solution's time on this device, the
    whole notebook's CPU (every thread) and wall time too, and the cell did train the model.

    The executor timed the cells from outside the kernel; the reference times come
    from `dlgrade calibrate`. Both are recorded in results.json (`budgets`). A model that
    was not trained in the kernel (no CPU in the training cell, or weights found in a
    file handed in) is also flagged for the instructor (`flags`), with the evidence.
    """
    context = getattr(student, "context", None) or {}
    root, assignment = context.get("course_root"), context.get("assignment", "")
    calibration = timing.load(root, assignment) if root else None
    seconds = (context.get("cell_seconds") or {}).get(cell)
    failure = timing.budget_failure(seconds, calibration, factor, assignment)
    loaded = provenance.weights_in_files(student, context.get("submission_dir"))
    if failure is None and loaded:
        failure = (f"the trained model's weights are byte for byte in {loaded}, a file handed in "
                   "with the notebook: a model loaded from a file was not trained in this kernel")
    if failure is None:
        failure = timing.usage_failure(context, calibration, factor, assignment)
    cpu = (context.get("cell_cpu_seconds") or {}).get(cell)
    untrained = (calibration is not None and calibration.cpu_seconds and cpu is not None
                 and seconds is not None and cpu < timing.TRAINED_SHARE * calibration.cpu_seconds)
    if loaded or untrained:
        provenance.flag(student, cell, cpu, calibration, loaded)
    context.setdefault("budgets", []).append({
        "cell": cell, "seconds": seconds, "factor": factor,
        "reference_seconds": calibration.seconds if calibration else None,
        "cpu_seconds": cpu, "reference_cpu_seconds": calibration.cpu_seconds if calibration else None,
        "notebook_cpu_seconds": context.get("kernel_cpu_seconds"),
        "reference_notebook_cpu_seconds": calibration.notebook_cpu_seconds if calibration else None,
        "device": timing.device_id(calibration.device) if calibration else timing.device_id(),
        "gpu_timed": bool(calibration and calibration.gpu_timed),
        "passed": failure is None, "reason": failure,
    })
    assert failure is None, failure
