"""Hidden checks for the `timeseries-lstm` assignment (course activity 9).

    test_split               split_series, test_windows create_dataset, test_rmse rmse: as in
    test_windows             timeseries-mlp (autograder/checks/series.py)
    test_growth              growth(series) by value and on any positive series (Hypothesis):
                             log(series[t] / series[t - 1]), n - 1 values
    test_scaling             fit_scaler, scale, unscale by value and on any values (Hypothesis);
                             unscale undoes scale
    test_sequences           to_sequences(windows): (samples, look_back) -> (samples, look_back, 1)
    test_rmse
    test_model               build_model(): sequences of (12, 1) in, an LSTM of 8 units, one
                             linear output, a regression loss ([model] of assignment.toml)
    test_fitted_on_training  the notebook's `scaling`: (low, high) of the growth of the training
                             months only (the first int(96 * 0.67) = 64)
    test_forecast            the trained `model`'s forecasts of 1957-1960: each month the one
                             before it times exp(the growth the model predicts from the 12
                             growths before it, scaled with the student's `scaling`); the RMSE
                             in four steps, the naive "same as last month" RMSE beside it
    test_training_time       the `train` cell within its budget, and a trained model
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.assignments import here
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_array_matches
from autograder.checks.hints import call, diagnose, explain, explaining, with_hint
from autograder.checks.series import (describe, forecast_checks, rmse_checks, same_pair, split_checks,
                                      window_checks)
from autograder.checks.structure import spec_from
from autograder.checks.trained_models import memo, model_checks
from reference import airline

ASSIGNMENT = here(__file__)
SETTINGS = ASSIGNMENT.settings
LOOK_BACK = int(SETTINGS["look_back"])
FRACTION = float(SETTINGS["train_fraction"])
PROPERTY = property_settings(max_examples=25)

globals().update(split_checks(FRACTION))
globals().update(window_checks(LOOK_BACK))


# --------------------------------------------------------------------------- 3. growth

def _growth_mistakes(values: np.ndarray):
    return [
        ("the ratio without the log: take np.log of series[1:] / series[:-1]",
         lambda: values[1:] / values[:-1]),
        ("the differences, not the growth: log(series[t] / series[t - 1]) is a ratio",
         lambda: values[1:] - values[:-1]),
        ("the percentage change, not the log growth: np.log(series[1:] / series[:-1])",
         lambda: (values[1:] - values[:-1]) / values[:-1]),
        ("the ratio is upside down: this month over last month, series[1:] / series[:-1]",
         lambda: np.log(values[:-1] / values[1:])),
        ("the log of the passengers themselves: the growth is the log of a month over the "
         "month before", lambda: np.log(values)),
        ("a 0 was added for the first month: it has no month before it, so there are n - 1 "
         "growths", lambda: np.concatenate([[0.0], np.log(values[1:] / values[:-1])])),
    ]


# Where every mistake gives its own answer: on a shrunk example (months of 1 passenger) the
# differences, the percentage change and the ratio's log can coincide.
GROWTH_PROBE = np.array([100.0, 112.0, 98.0, 131.0])


def _check_growth(student, values, label: str = "") -> None:
    values = np.asarray(values, dtype=np.float64)
    what = f"growth({describe(values)}){label}"
    result = call(what, student.function("growth"), values)
    try:
        assert_array_matches(np.asarray(result, dtype=np.float64), airline.growth(values), what)
    except (AssertionError, TypeError, ValueError) as failure:
        failure = failure if isinstance(failure, AssertionError) else AssertionError(
            f"{what}: expected an array of numbers, got {type(result).__name__}")
        probe = lambda: (student.function("growth")(GROWTH_PROBE.copy()),  # noqa: E731
                         airline.growth(GROWTH_PROBE), _growth_mistakes(GROWTH_PROBE))
        raise with_hint(failure, explain(result, lambda: _growth_mistakes(values), probe)) from None


@grade("test_growth")
def test_growth_examples(student):
    _check_growth(student, [100.0, 110.0, 99.0], " [the notebook's example]")
    _check_growth(student, airline.series()[:13], " [1949 and January 1950]")


@grade("test_growth")
@given(values=st.lists(st.floats(1, 1000), min_size=1, max_size=10))
@PROPERTY
def test_growth_any_series(student, values):
    _check_growth(student, values)


# --------------------------------------------------------------------------- 4. scaling

def _close_pair(actual, candidate) -> bool:
    try:
        got = np.asarray(actual, dtype=np.float64).reshape(-1)
        return got.shape == (2,) and bool(np.allclose(got, candidate))
    except (TypeError, ValueError):
        return False


def _check_fit(student, values, label: str = "") -> None:
    values = np.asarray(values, dtype=np.float64)
    what = f"fit_scaler({describe(values)}){label}"
    result = call(what, student.function("fit_scaler"), values)
    low, high = airline.fit_scaler(values)
    mistakes = [("(high, low): fit_scaler returns the smallest value first", lambda: (high, low)),
                ("the mean and the standard deviation: min-max scaling needs the smallest and the "
                 "largest value", lambda: (values.mean(), values.std()))]
    try:
        assert_array_matches(np.asarray(result, dtype=np.float64).reshape(-1), np.array([low, high]),
                             f"{what}: (low, high)")
    except (AssertionError, TypeError, ValueError) as failure:
        failure = failure if isinstance(failure, AssertionError) else AssertionError(
            f"{what}: expected two numbers (low, high), got {type(result).__name__}")
        hint = diagnose(result, mistakes, _close_pair) if explaining() else None
        raise with_hint(failure, hint) from None


def _pair_mistakes(function: str, values: np.ndarray, low: float, high: float) -> list:
    if function == "scale":
        return [("divided by high only: subtract low, then divide by high - low",
                 lambda: values / high),
                ("divided by high, not by high - low", lambda: (values - low) / high),
                ("scale fits the smallest and largest value again on the values it is given: "
                 "scale with the low and high passed in (fitted on the training months), so that "
                 "every month is scaled alike",
                 lambda: (values - values.min()) / (values.max() - values.min()))]
    return [("low is missing: values * (high - low) + low", lambda: values * (high - low)),
            ("multiplied by high only: values * (high - low) + low", lambda: values * high),
            ("this scales again instead of undoing the scaling",
             lambda: airline.scale(values, low, high))]


# (values, low, high) where every mistake gives its own answer: on the notebook's example,
# scaling with its own smallest and largest value is dividing (values - low) by high.
PAIR_PROBES = {"scale": (np.array([2.0, 4.0, 6.0, 8.0]), 1.0, 10.0),
               "unscale": (np.array([0.0, 0.5, 1.0, 1.5]), 1.0, 10.0)}


def _check_pair(student, function: str, values, low: float, high: float, label: str = "") -> None:
    values = np.asarray(values, dtype=np.float64)
    what = f"{function}({describe(values)}, {low:g}, {high:g}){label}"
    result = call(what, student.function(function), values, low, high)
    reference = airline.scale if function == "scale" else airline.unscale
    try:
        assert_array_matches(np.asarray(result, dtype=np.float64), reference(values, low, high), what)
    except (AssertionError, TypeError, ValueError) as failure:
        failure = failure if isinstance(failure, AssertionError) else AssertionError(
            f"{what}: expected an array of numbers, got {type(result).__name__}")
        probe_values, probe_low, probe_high = PAIR_PROBES[function]
        probe = lambda: (student.function(function)(probe_values.copy(), probe_low, probe_high),  # noqa: E731
                         reference(probe_values, probe_low, probe_high),
                         _pair_mistakes(function, probe_values, probe_low, probe_high))
        hint = explain(result, lambda: _pair_mistakes(function, values, low, high), probe)
        raise with_hint(failure, hint) from None


@grade("test_scaling")
def test_scaling_examples(student):
    _check_fit(student, [2.0, 6.0, 4.0], " [the notebook's example]")
    _check_pair(student, "scale", [2.0, 4.0, 6.0, 8.0], 2.0, 6.0, " [the notebook's example]")
    _check_pair(student, "unscale", [0.0, 0.5, 1.0, 1.5], 2.0, 6.0, " [the notebook's example]")
    rates = airline.growth(airline.series()[:64])
    _check_fit(student, rates, " [the growth of the training months]")


@grade("test_scaling")
@given(values=st.lists(st.floats(-10, 10), min_size=1, max_size=8),
       low=st.floats(-5, 5), span=st.floats(0.1, 10))
@PROPERTY
def test_scaling_any_values(student, values, low, span):
    if len(set(values)) > 1:
        _check_fit(student, values)
    _check_pair(student, "scale", values, low, low + span)
    _check_pair(student, "unscale", values, low, low + span)


# --------------------------------------------------------------------------- 5. to_sequences

def _check_sequences(student, windows: np.ndarray, label: str = "") -> None:
    what = f"to_sequences({describe(windows)}){label}"
    result = call(what, student.function("to_sequences"), windows)
    expected = windows.reshape(len(windows), windows.shape[1], 1)
    try:
        got = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected an array, got {type(result).__name__}") from None
    hint = None
    if got.shape != expected.shape:
        if got.shape == (len(windows), 1, windows.shape[1]):
            hint = ("that is one time step of look_back features, (samples, 1, look_back): the "
                    "LSTM then has no sequence to read; each month is a time step, "
                    "(samples, look_back, 1)")
        elif got.shape == windows.shape:
            hint = "the windows are not reshaped: an LSTM takes (samples, time steps, features)"
    try:
        assert_array_matches(got, expected, what)
    except AssertionError as failure:
        raise with_hint(failure, hint) from None


@grade("test_sequences")
def test_sequences_of_one_value_a_time_step(student):
    _check_sequences(student, np.arange(6, dtype=np.float64).reshape(2, 3), " [the notebook's example]")
    _check_sequences(student, airline.create_dataset(airline.series()[:30], LOOK_BACK)[0],
                     f" [windows of {LOOK_BACK} months]")


@grade("test_sequences")
@given(n=st.integers(1, 6), back=st.integers(1, 5), seed=st.integers(0, 1000))
@PROPERTY
def test_sequences_any_windows(student, n, back, seed):
    _check_sequences(student, np.random.default_rng(seed).uniform(0, 1, (n, back)))


globals().update(rmse_checks())


# --------------------------------------------------------------------------- 7. the model

for _check, _weight in model_checks(spec_from(ASSIGNMENT.model)):
    globals()[_check.__name__] = grade("test_model", _weight)(_check)
del _check, _weight


# --------------------------------------------------------------------------- 8. the scaling used

def _training_months() -> np.ndarray:
    return airline.split_series(airline.series()[:airline.TRAIN_MONTHS], FRACTION)[0]


def students_scaling(student) -> tuple[float, float]:
    def fetch():
        value = student.value("scaling")
        try:
            low, high = (float(v) for v in np.asarray(value, dtype=np.float64).reshape(-1))
        except (TypeError, ValueError):
            raise AssertionError(f"scaling: expected (low, high), two numbers; got "
                                 f"{type(value).__name__}") from None
        assert np.isfinite([low, high]).all() and high > low, (
            f"scaling: expected (low, high) with low < high; got ({low:g}, {high:g})")
        return low, high
    return memo(student, "scaling", fetch)


@grade("test_fitted_on_training")
def test_scaling_is_low_then_high(student):
    students_scaling(student)


@grade("test_fitted_on_training")
def test_scaling_is_fitted_on_the_training_months(student):
    low, high = students_scaling(student)
    expected = airline.fit_scaler(airline.growth(_training_months()))
    if np.allclose((low, high), expected):
        return
    # (Fitted on all 96 months the growth's range is the same: its extremes lie in 1949-1954.)
    hint = None
    if np.allclose((low, high), airline.fit_scaler(_training_months())):
        hint = "fitted on the passengers, not on their growth: fit_scaler(growth(train))"
    raise with_hint(AssertionError(
        f"scaling is ({low:.6g}, {high:.6g}), not the growth's smallest and largest value over the "
        f"{len(_training_months())} training months ({expected[0]:.6g}, {expected[1]:.6g})"), hint)


# --------------------------------------------------------------------------- 9-10. forecasts, time

def growth_forecasts(student, model) -> np.ndarray:
    """Each test month: the month before it times exp(the growth the model predicts from the
    LOOK_BACK growths before it, scaled with the student's scaling and back)."""
    low, high = students_scaling(student)
    x, previous, _ = airline.growth_test_windows(LOOK_BACK)
    scaled = airline.scale(x, low, high).reshape(len(x), LOOK_BACK, 1)
    predicted = np.asarray(model.predict(scaled, verbose=0))
    if predicted.shape != (len(x), 1):
        return predicted
    return previous.reshape(-1, 1) * np.exp(airline.unscale(predicted, low, high))


globals().update(forecast_checks(ASSIGNMENT, LOOK_BACK, growth_forecasts))
