"""Checks of the time-series assignments (the airline passengers, course activities 8 and 9).

Each factory returns test functions, marked with their grade id, for an assignment's check
module to take into its globals (`globals().update(...)`), in the notebook's order:

    split_checks       split_series(series, train_fraction): the first int(n * fraction)
                       values, then the rest, in order (the course's 96 and 144 months, any
                       series and fraction by Hypothesis)
    window_checks      create_dataset(series, look_back): every window and the value after it,
                       the last window included, empty when look_back >= n
    rmse_checks        rmse(actual, predicted) on pairs of shape (N,) and (N, 1)
    forecast_checks    the trained `model`'s forecasts of 1957-1960 (each from the look_back
                       actual months before it, which the kernel never had): the RMSE in four
                       steps, the naive "same as last month" RMSE beside it; the training
                       cell's time and a model better than an untrained one

Expected values come from reference/airline.py.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.checks import grade, property_settings
from autograder.checks.accuracy import STEPS, assert_step, thresholds_from
from autograder.checks.budget import TRAINING_TIME, assert_within_budget, passes
from autograder.checks.compare import assert_array_matches, typed
from autograder.checks.hints import call, diagnose, explaining, with_hint
from autograder.checks.trained_models import memo, trained_model
from reference import airline

PROPERTY = property_settings(max_examples=30)
UNTRAINED = 1.5  # an RMSE over this many times the naive forecast's: not trained
COURSE_MONTHS = np.array([112, 118, 132, 129, 121], dtype=np.float64)  # January to May 1949


describe = typed  # an input as a student would type it (small arrays in full)


def same_pair(actual, candidate) -> bool:
    """Whether a pair of arrays is the pair a mistake gives."""
    try:
        return all(np.array_equal(np.asarray(a, dtype=np.float64), np.asarray(c, dtype=np.float64))
                   for a, c in zip(actual, candidate, strict=True))
    except (TypeError, ValueError):
        return False


def _marked(grade_id: str, *checks) -> dict:
    return {check.__name__: grade(grade_id, weight)(check) for check, weight in checks}


# --------------------------------------------------------------------------- split_series

def _split_mistakes(values: np.ndarray, fraction: float):
    cut = int(len(values) * fraction)
    rounded = int(round(len(values) * fraction))
    return [
        ("the parts are the wrong way round: the training part is the FIRST months",
         lambda: (values[len(values) - cut:], values[:len(values) - cut])),
        ("round() instead of int(): the training part is the first int(n * train_fraction) "
         "months", lambda: (values[:rounded], values[rounded:])),
        ("the test part starts one month late (values[cut + 1:]): a month was lost between "
         "the parts", lambda: (values[:cut], values[cut + 1:])),
    ]


def _shuffled(result, values: np.ndarray) -> bool:
    try:
        joined = np.concatenate([np.ravel(np.asarray(p, dtype=np.float64)) for p in result])
    except (TypeError, ValueError):
        return False
    return joined.shape == values.shape and not np.array_equal(joined, values) and \
        np.array_equal(np.sort(joined), np.sort(values))


def check_split(student, values: np.ndarray, fraction: float | None, default: float,
                label: str = "", function: str = "split_series") -> None:
    fn = student.function(function)
    args = (values,) if fraction is None else (values, fraction)
    used = default if fraction is None else fraction
    what = (f"{function}({describe(values)}" + ("" if fraction is None else f", {fraction:g}")
            + f"){label}")
    result = call(what, fn, *args)
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{what}: expected (train, test), two arrays; got {type(result).__name__}")
    try:
        for part, want, name in zip(result, airline.split_series(values, used), ("train", "test")):
            assert_array_matches(np.asarray(part, dtype=np.float64), want, f"{what}: {name}")
    except AssertionError as failure:
        hint = None
        if explaining():
            hint = diagnose(result, _split_mistakes(values, used), same_pair)
            if hint is None and _shuffled(result, values):
                hint = ("the months were shuffled: a forecast must be tested on the months AFTER "
                        "those it learnt from (sklearn's train_test_split shuffles unless "
                        "shuffle=False)")
        raise with_hint(failure, hint) from None


def split_checks(fraction: float, grade_id: str = "test_split", function: str = "split_series") -> dict:
    def test_split_the_course_series(student):
        check_split(student, airline.series()[:airline.TRAIN_MONTHS], None, fraction,
                    " [the notebook's 96 months]", function)
        check_split(student, airline.series(), None, fraction,
                    " [all 144 months: the course's own split]", function)

    @given(values=st.lists(st.integers(100, 700), min_size=0, max_size=20),
           share=st.floats(0.1, 0.9))
    @PROPERTY
    def test_split_any_series(student, values, share):
        check_split(student, np.array(values, dtype=np.float64), share, fraction, "", function)

    return _marked(grade_id, (test_split_the_course_series, 1.0), (test_split_any_series, 1.0))


# --------------------------------------------------------------------------- create_dataset

def _window_mistakes(values: np.ndarray, look_back: int):
    x, y = airline.create_dataset(values, look_back)
    return [
        ("the last window is missing: range(len(series) - look_back - 1) stops one window early; "
         "range(len(series) - look_back) gives every window", lambda: (x[:-1], y[:-1])),
        ("the target is inside its window: the target of series[i:i + look_back] is "
         "series[i + look_back], the month after it", lambda: (x, values[look_back - 1:len(values) - 1])),
    ]


def check_windows(student, values: np.ndarray, look_back: int, label: str = "",
                  function: str = "create_dataset") -> None:
    fn = student.function(function)
    what = f"{function}({describe(values)}, look_back={look_back}){label}"
    result = call(what, fn, values, look_back)
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"{what}: expected (X, y), two arrays; got {type(result).__name__}")
    want_x, want_y = airline.create_dataset(values, look_back)
    try:
        x, y = (np.asarray(part, dtype=np.float64) for part in result)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected two arrays of numbers (X, y)") from None
    if len(want_y) == 0:
        assert x.size == 0 and y.size == 0, (
            f"{what}: a series of {len(values)} values has no window of {look_back} followed by a "
            f"value: expected empty arrays, got X of shape {x.shape} and y of shape {y.shape}")
        return
    if y.shape == (len(want_y), 1):
        y = y.reshape(-1)  # the targets as a column: accepted
    try:
        assert_array_matches(x, want_x, f"{what}: X")
        assert_array_matches(y, want_y, f"{what}: y")
    except AssertionError as failure:
        hint = diagnose(result, _window_mistakes(values, look_back), same_pair) if explaining() else None
        raise with_hint(failure, hint) from None


def window_checks(look_back: int, grade_id: str = "test_windows", function: str = "create_dataset") -> dict:
    def test_windows_examples(student):
        check_windows(student, COURSE_MONTHS, 3, " [the notebook's example]", function)
        check_windows(student, COURSE_MONTHS, 1, " [look_back=1: the course's first model]", function)
        check_windows(student, airline.series()[:36], look_back, " [three years, a year's windows]",
                      function)
        check_windows(student, COURSE_MONTHS, 5, " [look_back as long as the series: no window]",
                      function)

    @given(values=st.lists(st.integers(100, 700), min_size=0, max_size=15), back=st.integers(1, 6))
    @PROPERTY
    def test_windows_any_series(student, values, back):
        check_windows(student, np.array(values, dtype=np.float64), back, "", function)

    return _marked(grade_id, (test_windows_examples, 2.0), (test_windows_any_series, 1.0))


# --------------------------------------------------------------------------- rmse

def _rmse_mistakes(actual: np.ndarray, predicted: np.ndarray):
    a, p = actual.reshape(-1), predicted.reshape(-1)
    mistakes = [
        ("this is the mean squared error: take its square root",
         lambda: float(np.mean((a - p) ** 2))),
        ("this is the mean absolute error: square the differences, average, then take the root",
         lambda: float(np.mean(np.abs(a - p)))),
    ]
    if actual.shape != predicted.shape:
        mistakes.append((f"arrays of shape {actual.shape} and {predicted.shape} broadcast to an "
                         "(N, N) table of every pair: flatten both first (np.ravel)",
                         lambda: float(np.sqrt(np.mean((actual - predicted) ** 2)))))
    return mistakes


def check_rmse(student, actual, predicted, label: str = "", function: str = "rmse") -> None:
    actual, predicted = np.asarray(actual, dtype=np.float64), np.asarray(predicted, dtype=np.float64)
    fn = student.function(function)
    what = f"{function}({describe(actual)}, {describe(predicted)}){label}"
    result = call(what, fn, actual, predicted)
    try:
        value = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected a number, got {type(result).__name__}") from None
    try:
        assert_array_matches(value, airline.rmse(actual, predicted), what)
    except AssertionError as failure:
        hint = diagnose(result, _rmse_mistakes(actual, predicted)) if explaining() else None
        raise with_hint(failure, hint) from None


def rmse_checks(grade_id: str = "test_rmse", function: str = "rmse") -> dict:
    def test_rmse_examples(student):
        check_rmse(student, [3.0, 4.0], [[0.0], [0.0]],
                   " [the notebook's example: (N,) and predict's (N, 1)]", function)
        check_rmse(student, [315.0, 301.0, 356.0], [306.0, 315.0, 301.0],
                   " [January to March 1957, forecast as the month before]", function)

    @given(data=st.data(), n=st.integers(1, 8))
    @PROPERTY
    def test_rmse_any_series(student, data, n):
        values = st.lists(st.floats(-1000, 1000), min_size=n, max_size=n)
        actual = np.array(data.draw(values))
        predicted = np.array(data.draw(values)).reshape((-1, 1) if data.draw(st.booleans()) else (-1,))
        check_rmse(student, actual, predicted, "", function)

    return _marked(grade_id, (test_rmse_examples, 1.0), (test_rmse_any_series, 1.0))


# --------------------------------------------------------------------------- the forecasts

# (student, rebuilt model) -> its forecasts of the 48 test months, shape (48, 1), in passengers
Forecaster = Callable[[object, object], np.ndarray]


def raw_forecasts(look_back: int) -> Forecaster:
    """An MLP's forecasts: each window of passengers as it is in, passengers out."""
    def forecast(student, model) -> np.ndarray:
        return np.asarray(model.predict(airline.test_windows(look_back)[0], verbose=0))
    return forecast


def forecast_error(student, look_back: int, forecaster: Forecaster) -> float:
    """The RMSE of the trained model on the 48 months of 1957-1960 (thousands of passengers)."""
    def measure():
        model = trained_model(student).model
        _, y = airline.test_windows(look_back)
        try:
            predictions = np.asarray(forecaster(student, model))
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on the windows
            raise AssertionError(f"the model could not forecast from windows of {look_back} months: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        if predictions.shape != (len(y), 1):
            raise AssertionError(f"the model's output has shape {predictions.shape}: one forecast "
                                 f"per window, shape ({len(y)}, 1)")
        return airline.rmse(y, predictions)
    return memo(student, "forecast rmse", measure)


def _forecast_hint(error: float) -> str | None:
    naive = airline.naive_rmse()
    if error > UNTRAINED * naive:
        return ("the model looks untrained: its forecasts are far worse than \"same as last "
                "month\"; did the training cell fit it on the training windows?")
    if error >= naive:
        return ("no better than forecasting each month as the month before: is the model "
                "trained on all the training windows?")
    return None


def forecast_checks(assignment, look_back: int, forecaster: Forecaster | None = None,
                    grade_id: str = "test_forecast") -> dict:
    """The forecasts in STEPS steps of the assignment's thresholds (the series is real: its
    "real" table), then the training cell's time and a trained model (test_training_time).
    `forecaster`: how the model forecasts (default: an MLP on windows of passengers)."""
    forecaster = forecaster or raw_forecasts(look_back)
    threshold = thresholds_from(assignment.thresholds)["real"]
    naive = airline.naive_rmse()
    checks = {}
    for step in range(1, STEPS + 1):
        def test_forecast(student, step=step):
            error = forecast_error(student, look_back, forecaster)
            try:
                assert_step(error, threshold, step, what="RMSE (thousands of passengers)",
                            number=".2f", measured_on="the 48 months of 1957-1960, each from the "
                                                      f"{look_back} actual months before it")
            except AssertionError as failure:
                failure.args = (f"{failure}; the naive forecast \"same as last month\" has "
                                f"RMSE {naive:.2f}",)
                raise with_hint(failure, _forecast_hint(error)) from None
        test_forecast.__name__ = f"test_forecast_step_{step}_of_{STEPS}"
        checks.update(_marked(grade_id, (test_forecast, 1.0)))

    def test_training_within_budget(student):
        assert_within_budget(student, assignment.training_cell, looks_trained=lambda: passes(
            test_training_left_a_trained_model, student))

    def test_training_left_a_trained_model(student):
        error = forecast_error(student, look_back, forecaster)
        if error > UNTRAINED * naive:
            raise with_hint(AssertionError(
                f"`model` looks untrained: its RMSE {error:.2f} on 1957-1960 is over "
                f"{UNTRAINED:g} times the naive forecast's ({naive:.2f})"),
                "the training cell did not fit the model on the training windows")

    checks.update(_marked(TRAINING_TIME, (test_training_within_budget, 1.0),
                          (test_training_left_a_trained_model, 1.0)))
    return checks
