"""The airline passengers series: shipped whole to the grader, its first 96 months to kernels."""
import numpy as np
import pytest

from autograder.kernel import course_data
from reference import airline


def test_the_series_is_the_published_one():
    values = airline.series()
    assert values.shape == (144,)
    assert values.sum() == 40363 and round(values.mean(), 4) == 280.2986  # R's AirPassengers
    assert (values[0], values[95], values[-1]) == (112, 306, 432)  # Jan 1949, Dec 1956, Dec 1960


def test_kernels_get_the_first_96_months_only(capsys):
    months = course_data.load_data("airline_passengers")
    assert months.dtype == np.float32 and months.shape == (airline.TRAIN_MONTHS,)
    assert months.tolist() == list(airline.PASSENGERS[:airline.TRAIN_MONTHS])
    assert "the grader keeps the months after them" in capsys.readouterr().out
    with pytest.raises(ValueError, match="unknown dataset"):
        course_data.load_data("airline")


def test_windows_and_the_value_after_each():
    x, y = airline.create_dataset([112, 118, 132, 129, 121], 3)
    assert x.tolist() == [[112, 118, 132], [118, 132, 129]] and y.tolist() == [129, 121]
    x, y = airline.create_dataset([1, 2, 3], 3)
    assert x.shape == (0, 3) and y.shape == (0,)
    x, y = airline.create_dataset([1, 2], 5)
    assert x.shape == (0, 5) and y.shape == (0,)


def test_the_grader_forecasts_1957_to_1960_from_the_months_before_each():
    x, y = airline.test_windows(12)
    assert x.shape == (48, 12) and y.tolist() == list(airline.PASSENGERS[96:])
    assert x[0].tolist() == list(airline.PASSENGERS[84:96])  # 1956, the kernel's last year
    assert x[-1, -1] == airline.PASSENGERS[-2]
    assert round(airline.naive_rmse(), 2) == 48.04
    assert airline.rmse(y, x[:, -1]) == airline.naive_rmse()


def test_the_split_is_the_courses():
    train, test = airline.split_series(airline.series())
    assert (len(train), len(test)) == (96, 48)  # int(144 * 0.67)


def test_growth_and_its_test_windows_line_up_with_the_months():
    rates = airline.growth([100.0, 110.0, 99.0])
    assert np.allclose(rates, [np.log(1.1), np.log(0.9)])
    x, previous, actual = airline.growth_test_windows(12)
    assert x.shape == (48, 12) and previous.shape == actual.shape == (48,)
    values = airline.series()
    assert previous[0] == values[95] and actual[0] == values[96]  # Dec 1956 -> Jan 1957
    assert np.allclose(x[0], airline.growth(values[83:96]))  # the 12 growths of 1956
    assert np.allclose(previous * np.exp(airline.growth(values)[95:]), actual)  # the true growth
    low, high = airline.fit_scaler(x)
    assert np.allclose(airline.unscale(airline.scale(x, low, high), low, high), x)


def test_the_growth_keeps_its_range_where_the_passengers_do_not():
    values = airline.series()
    train = values[:64]
    low, high = airline.fit_scaler(train)
    assert airline.scale(values[96:], low, high).max() > 2.5  # an LSTM cannot reach it
    rates_low, rates_high = airline.fit_scaler(airline.growth(train))
    test_rates = airline.scale(airline.growth(values)[95:], rates_low, rates_high)
    assert -0.2 < test_rates.min() and test_rates.max() < 1.2
