"""Was the student's model trained in the grader's kernel? The evidence the budget check
weighs, and the flags it leaves for the instructor (results.json `flags`, the class report).

A model trained elsewhere reaches the kernel as weights: from a file handed in with the
notebook (found here byte for byte: the grader reads the files' bytes, never loads them),
or from numbers pasted into a cell (then its optimizer counted no training step, and its
training cell used little CPU).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.errors import StudentError

PROBE_BYTES = 256          # of the model's largest weight array: 64 float32 values
WEIGHTS_SET_SHARE = 0.5    # of the reference's training CPU, under which a step count of 0 tells
MAX_SCANNED = 64 * 2**20   # bytes of one file the scan reads


def _probe(model) -> bytes | None:
    """The first bytes of the model's largest weight array, as float32 (None: too small, or
    all zeros, which any empty file holds)."""
    arrays = [array for array in model.get_weights() if array.size * 4 >= PROBE_BYTES]
    if not arrays:
        return None
    data = np.ascontiguousarray(max(arrays, key=lambda a: a.size), dtype="<f4").tobytes()[:PROBE_BYTES]
    return data if data.strip(b"\0") else None


def trained(student):
    """The student's trained model `model` as the checks fetched it (a StudentModel), or None."""
    from autograder.checks.trained_models import trained_model

    try:
        return trained_model(student)
    except (AssertionError, StudentError):
        return None


def weights_in_files(model, folder) -> str | None:
    """The name of a file handed in (beside the notebook) holding `model`'s weights byte for
    byte, or None."""
    if model is None or not folder:
        return None
    folder = Path(folder)
    files = [path for path in sorted(folder.rglob("*")) if path.suffix != ".ipynb"
             and not path.is_symlink() and path.is_file()]
    probe = _probe(model.model) if files else None
    if probe is None:
        return None
    for path in files:
        with open(path, "rb") as handle:
            if probe in handle.read(MAX_SCANNED):
                return str(path.relative_to(folder))
    return None


def weights_set(model, cpu: float | None, calibration) -> bool:
    """The model's optimizer took no training step and its training cell used far less CPU
    than a training takes: its weights were set (pasted or loaded), not trained. (A model
    compiled again after an honest training also counts no step, but its cell's CPU is a
    training's.)"""
    return (model is not None and model.training_steps == 0 and cpu is not None
            and calibration is not None and bool(calibration.cpu_seconds)
            and cpu < WEIGHTS_SET_SHARE * calibration.cpu_seconds)


def flag(student, cell: str, cpu: float | None, calibration, loaded: str | None,
         no_steps: bool = False) -> None:
    """Leave the instructor a flag: this model may not have been trained in the kernel."""
    from autograder.checks.trained_models import measured

    evidence = []
    if loaded:
        evidence.append(f"the trained model's weights are byte for byte in the submitted file {loaded}")
    if no_steps:
        evidence.append("the trained model's optimizer took no training step")
    if cpu is not None and calibration is not None and calibration.cpu_seconds:
        evidence.append(f"the training cell {cell} used {cpu:.2f} s of CPU against the "
                        f"reference's {calibration.cpu_seconds:.2f} s")
    figures = {**(student.context.get("measured") or {}), **measured(student)}
    if figures:
        evidence.append("yet the grader measured " + ", ".join(
            f"{key} {value:.3g}" for key, value in sorted(figures.items())))
    student.context.setdefault("flags", []).append({
        "kind": "not_trained_here",
        "title": "the model may not have been trained in the grader's kernel",
        "evidence": "; ".join(evidence)})
