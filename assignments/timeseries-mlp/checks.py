"""Hidden checks for the `timeseries-mlp` assignment (course activity 8).

    test_split           split_series(series, train_fraction) on the course's 96 and 144 months
                         and on any series and fraction (Hypothesis): the first
                         int(n * fraction) values, then the rest, in order
    test_windows         create_dataset(series, look_back) on the course's example and on any
                         series and look_back (Hypothesis), against reference/airline.py: every
                         window and the value after it, the last window included, empty when
                         look_back >= n (y of shape (N,) or (N, 1) accepted)
    test_rmse            rmse(actual, predicted) by value and on any pairs of shape (N,) and
                         (N, 1) (Hypothesis)
    test_model           build_model(): LOOK_BACK inputs, a hidden relu Dense layer, one linear
                         output, a regression loss ([model] of assignment.toml)
    test_forecast        the trained `model`'s forecasts of the 48 months of 1957-1960, each
                         from the LOOK_BACK actual months before it, which the kernel never
                         had: the RMSE in four steps of the declared thresholds, the naive
                         "same as last month" RMSE reported beside it
    test_training_time   the `train` cell within 3 x the reference solution's time on this
                         device, and a model clearly better than an untrained one

The checks are autograder/checks/series.py's, shared with the other time-series assignments.
"""
from __future__ import annotations

from autograder.assignments import here
from autograder.checks import grade
from autograder.checks.series import forecast_checks, rmse_checks, split_checks, window_checks
from autograder.checks.structure import spec_from
from autograder.checks.trained_models import model_checks

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
LOOK_BACK = int(SETTINGS["look_back"])

globals().update(split_checks(float(SETTINGS["train_fraction"])))
globals().update(window_checks(LOOK_BACK))
globals().update(rmse_checks())

for _check, _weight in model_checks(spec_from(ASSIGNMENT.model)):
    globals()[_check.__name__] = grade("test_model", _weight)(_check)
del _check, _weight

globals().update(forecast_checks(ASSIGNMENT, LOOK_BACK))
