"""Was the student's model trained in the grader's kernel? The evidence the budget check
weighs, and the flags it leaves for the instructor (results.json `flags`, the class report).

A model trained elsewhere reaches the kernel as weights: from a file handed in with the
notebook (found here byte for byte: the grader reads the files' bytes, never loads them),
or from numbers pasted into a cell (then its training cell used next to no CPU).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.errors import StudentError

PROBE_BYTES = 256          # of the model's largest weight array: 64 float32 values
MAX_SCANNED = 64 * 2**20   # bytes of one file the scan reads


def _probe(model) -> tuple[str, bytes] | None:
    """(the layer's name, the first bytes of the model's largest weight array), as float32."""
    best = None
    for layer in getattr(model, "layers", []):
        for array in layer.get_weights():
            if array.size * 4 >= PROBE_BYTES and (best is None or array.size > best[1].size):
                best = (layer.name, array)
    if best is None:
        return None
    data = np.ascontiguousarray(best[1], dtype="<f4").tobytes()[:PROBE_BYTES]
    if not data.strip(b"\0"):  # all zeros: found in any empty file
        return None
    return best[0], data


def weights_in_files(student, folder) -> str | None:
    """The name of a file handed in (beside the notebook) holding the trained model's weights
    byte for byte, or None (no folder, no model `model` to fetch)."""
    from autograder.checks.trained_models import trained_model

    if not folder:
        return None
    folder = Path(folder)
    files = [path for path in sorted(folder.rglob("*")) if path.suffix != ".ipynb"
             and not path.is_symlink() and path.is_file()]
    if not files:  # nothing handed in beside the notebook: no model to fetch for this
        return None
    try:
        model = trained_model(student).model
    except (AssertionError, StudentError):
        return None
    probe = _probe(model)
    if probe is None:
        return None
    for path in files:
        with open(path, "rb") as handle:
            if probe[1] in handle.read(MAX_SCANNED):
                return str(path.relative_to(folder))
    return None


def flag(student, cell: str, cpu: float | None, calibration, loaded: str | None) -> None:
    """Leave the instructor a flag: this model may not have been trained in the kernel."""
    from autograder.checks.trained_models import measured

    evidence = []
    if loaded:
        evidence.append(f"the trained model's weights are byte for byte in the submitted file {loaded}")
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
