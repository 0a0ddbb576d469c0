"""The training-time check, for any assignment with a calibrated training cell."""
from __future__ import annotations

from autograder import timing
from autograder.checks import provenance
from autograder.errors import StudentError

TRAINING_TIME = "test_training_time"  # the grade_id of a training cell's checks, this budget among them


def passes(check, *args) -> bool:
    """Whether check(*args) passes: for `looks_trained`, from the check that says "looks
    untrained"."""
    try:
        check(*args)
    except (AssertionError, StudentError):
        return False
    return True


def assert_within_budget(student, cell: str, factor: float = timing.DEFAULT_FACTOR,
                         looks_trained=None) -> None:
    """The cell `cell` took at most `factor` x the reference solution's time on this device, the
    whole notebook's CPU (every thread) and wall time too, and the cell did train the model.

    The executor timed the cells from outside the kernel; the reference times come
    from `dlgrade calibrate`. Both are recorded in results.json (`budgets`). A model that
    was not trained in the kernel (next to no CPU in the training cell, no training step
    counted by its optimizer, or weights found in a file handed in) is also flagged for the
    instructor (`flags`), with the evidence; `looks_trained()`, when given, keeps a model that
    simply was not trained (no fit, no step) out of the flags.
    """
    context = getattr(student, "context", None) or {}
    root, assignment = context.get("course_root"), context.get("assignment", "")
    calibration = timing.load(root, assignment) if root else None
    seconds = (context.get("cell_seconds") or {}).get(cell)
    failure = timing.budget_failure(seconds, calibration, factor, assignment)
    cpu = (context.get("cell_cpu_seconds") or {}).get(cell)
    model = provenance.trained(student)
    steps = model.training_steps if model is not None else None
    loaded = provenance.weights_in_files(model, context.get("submission_dir"))
    no_steps = provenance.weights_set(model, cpu, calibration)
    if failure is None and loaded:
        failure = (f"the trained model's weights are byte for byte in {loaded}, a file handed in "
                   "with the notebook: a model loaded from a file was not trained in this kernel")
    if failure is None:  # "no training in the timed cell" is said first: it covers a missing fit
        failure = timing.usage_failure(context, calibration, factor, assignment, steps)
    if failure is None and no_steps:
        failure = (f"the trained model's optimizer took no training step in this kernel, and the "
                   f"training cell {cell} used {cpu:.2f} s of CPU against the reference "
                   f"solution's {calibration.cpu_seconds:.2f} s: its weights were set (pasted or "
                   "loaded), not trained")
    idle = calibration is not None and timing.idle_training(context, calibration, steps) is not None
    elsewhere = calibration is not None and timing.trained_elsewhere(context, calibration, steps) is not None
    unstepped = model is not None and (no_steps or (idle and not elsewhere))
    if loaded or elsewhere or (unstepped and (looks_trained is None or looks_trained())):
        provenance.flag(student, cell, cpu, calibration, loaded, steps == 0)
    context.setdefault("budgets", []).append({
        "cell": cell, "seconds": seconds, "factor": factor,
        "reference_seconds": calibration.seconds if calibration else None,
        "cpu_seconds": cpu, "reference_cpu_seconds": calibration.cpu_seconds if calibration else None,
        "notebook_cpu_seconds": context.get("kernel_cpu_seconds"),
        "reference_notebook_cpu_seconds": calibration.notebook_cpu_seconds if calibration else None,
        "training_steps": steps,
        "reference_training_steps": calibration.training_steps if calibration else None,
        "device": timing.device_id(calibration.device) if calibration else timing.device_id(),
        "gpu_timed": bool(calibration and calibration.gpu_timed),
        "passed": failure is None, "reason": failure,
    })
    assert failure is None, failure
