"""Accuracy measured in the grader, on data the grader loaded, with the rebuilt model.

Credit is linear between a floor (no credit) and a target (full credit), in
`STEPS` equal steps so that it fits the runner's pass/fail checks: a model at
or above the target passes every step, one halfway there passes half of them.
Thresholds live per assignment and per data source (real data and the
embedded fallback do not reach the same accuracy).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference import metrics as ref_metrics

STEPS = 4


@dataclass(frozen=True)
class Threshold:
    floor: float   # at or below: no credit
    target: float  # at or above: full credit

    def __post_init__(self):
        if not 0 <= self.floor < self.target <= 1:
            raise ValueError(f"a threshold needs 0 <= floor < target <= 1, got {self}")

    def credit(self, accuracy: float) -> float:
        """0.0 at the floor, 1.0 at the target, linear between, in STEPS steps (rounded down)."""
        if not np.isfinite(accuracy):
            return 0.0
        fraction = (accuracy - self.floor) / (self.target - self.floor)
        return float(np.clip(np.floor(fraction * STEPS + 1e-9) / STEPS, 0.0, 1.0))

    def step_reached(self, accuracy: float, step: int) -> bool:
        """Whether check `step` (1..STEPS) passes: the runner's share of the credit."""
        return self.credit(accuracy) >= step / STEPS

    def level(self, step: int) -> float:
        return self.floor + (self.target - self.floor) * step / STEPS

    short, beyond = "below", "or below"  # how a value misses a step, and the floor


@dataclass(frozen=True)
class ErrorThreshold(Threshold):
    """The same scale for an error (an MAE, in the target's units): lower is better, so the
    floor (no credit, at or above) is larger than the target (full credit, at or below)."""

    def __post_init__(self):
        if not (np.isfinite(self.floor) and 0 <= self.target < self.floor):
            raise ValueError(f"an error threshold needs 0 <= target < floor, got {self}")

    short, beyond = "above", "or above"


def thresholds_from(declared: dict) -> dict[str, Threshold]:
    """{"real": ..., "embedded": ...} from assignment.toml's [thresholds.*] tables
    (floor, target, and lower_is_better = true for an error such as an MAE)."""
    found = {}
    for source, table in declared.items():
        if not isinstance(table, dict) or not {"floor", "target"} <= set(table):
            raise ValueError(f"[thresholds.{source}] needs a floor and a target, got {table!r}")
        kind = ErrorThreshold if table.get("lower_is_better") else Threshold
        found[source] = kind(floor=float(table["floor"]), target=float(table["target"]))
    missing = {"real", "embedded"} - set(found)
    if missing:
        raise ValueError(f"thresholds for {', '.join(sorted(missing))} data are missing: "
                         "declare [thresholds.real] and [thresholds.embedded]")
    return found


PREDICT_MEMORY = 512 * 2**20  # bytes one batch's largest activations may take in the grader


def fitting_batch(model, batch_size: int) -> int:
    """`batch_size`, smaller when the model's largest layer output (known when its config
    could be sized: models.estimate) would not fit PREDICT_MEMORY at that size."""
    largest = getattr(model, "_dlgrade_largest_activation", None)
    if not largest:
        return batch_size
    return max(1, min(batch_size, PREDICT_MEMORY // (4 * largest)))


def classification_accuracy(model, x: np.ndarray, y: np.ndarray, batch_size: int = 512,
                            from_logits: bool | None = None) -> float:
    """Fraction of `x` the model labels as `y` (integer labels, or one-hot rows), counted
    by the trusted reference.metrics.accuracy: the argmax of a row of probabilities or
    logits; one unit is class 1 above 0.5 (a sigmoid) or above 0 (a logit). `from_logits`
    None: a one-unit output is a logit when the model's output layer is linear."""
    predictions = np.asarray(model.predict(x, batch_size=fitting_batch(model, batch_size), verbose=0))
    if predictions.ndim != 2:
        raise AssertionError(f"the model's output has shape {predictions.shape}; a classifier "
                             "gives one row of scores per input")
    if predictions.shape[1] == 1:
        logit = _linear_output(model, predictions) if from_logits is None else from_logits
        predictions = (predictions > (0.0 if logit else 0.5)).astype(np.int64)
    return float(ref_metrics.accuracy(y, predictions))


def _linear_output(model, predictions: np.ndarray) -> bool:
    """Whether a one-unit output is a logit: its last layer's activation says, or (a model
    without layers) scores outside [0, 1]."""
    layers = [layer for layer in getattr(model, "layers", ())
              if type(layer).__name__ not in ("InputLayer", "Dropout")]
    if not layers:
        return bool(np.any((predictions < 0) | (predictions > 1)))
    last = layers[-1]
    if type(last).__name__ in ("Activation", "ReLU", "Softmax", "LeakyReLU", "ELU"):
        return False
    activation = getattr(last, "activation", None)
    return activation is None or getattr(activation, "__name__", "") == "linear"


def assert_step(value: float, threshold: Threshold, step: int, what: str = "accuracy",
                number: str = ".4f", measured_on: str = "the grader's held-out data") -> None:
    """One of the STEPS checks of an accuracy (or error) question, saying where the value is."""
    assert threshold.step_reached(value, step), (
        f"{what} {value:{number}} on {measured_on} is {threshold.short} "
        f"{threshold.level(step):{number}} (step {step} of {STEPS}: no credit at "
        f"{threshold.floor:{number}} {threshold.beyond}, full credit at {threshold.target:{number}})")
