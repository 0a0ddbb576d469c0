"""The monthly international airline passengers, January 1949 to December 1960 (thousands), the
series of the course's activities 8 and 9 (Box and Jenkins' classic series, R's AirPassengers).

It is data of the course, shipped here: 144 values. The student's kernel gets the first 96
months (1949-1956, `course_data.load_data("airline_passengers")`), the course's two-thirds
training split; the grader keeps the last 48 (1957-1960) and measures a model's forecasts of
them, each from the `look_back` actual months before it (the first ones reach back into 1956).
Reference forms of the functions the assignments grade live here too.
"""
from __future__ import annotations

import numpy as np

PASSENGERS = (
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,  # 1949
    115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,  # 1950
    145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,  # 1951
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,  # 1952
    196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,  # 1953
    204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,  # 1954
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,  # 1955
    284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306,  # 1956
    315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,  # 1957
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337,  # 1958
    360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405,  # 1959
    417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432,  # 1960
)
FIRST_MONTH = "1949-01"
TRAIN_MONTHS = 96            # int(144 * 0.67): the course's split; the kernel's whole series


def series() -> np.ndarray:
    return np.array(PASSENGERS, dtype=np.float64)


def create_dataset(values, look_back: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Every window of `look_back` consecutive values and the value after it: X of shape
    (n - look_back, look_back), y of shape (n - look_back,); empty when look_back >= n."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    count = max(len(values) - look_back, 0)
    x = np.array([values[i:i + look_back] for i in range(count)]).reshape(count, look_back)
    return x, values[look_back:look_back + count]


def split_series(values, train_fraction: float = 0.67) -> tuple[np.ndarray, np.ndarray]:
    """The first int(n * train_fraction) values and the rest, in order."""
    values = np.asarray(values)
    cut = int(len(values) * train_fraction)
    return values[:cut], values[cut:]


def rmse(actual, predicted) -> float:
    actual = np.asarray(actual, dtype=np.float64).reshape(-1)
    predicted = np.asarray(predicted, dtype=np.float64).reshape(-1)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def test_windows(look_back: int) -> tuple[np.ndarray, np.ndarray]:
    """The grader's test: each of the last 48 months with the look_back months before it."""
    values = series()
    x = np.array([values[m - look_back:m] for m in range(TRAIN_MONTHS, len(values))])
    return x, values[TRAIN_MONTHS:]


def growth(values) -> np.ndarray:
    """The monthly log growth: log(values[t] / values[t - 1]), one fewer than the values. Unlike
    the passengers, it keeps the same range year after year (the growth is multiplicative)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    return np.log(values[1:] / values[:-1])


def fit_scaler(values) -> tuple[float, float]:
    """min-max scaling's two numbers, fitted on `values` (the training part only)."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.min()), float(values.max())


def scale(values, low: float, high: float) -> np.ndarray:
    return (np.asarray(values, dtype=np.float64) - low) / (high - low)


def unscale(values, low: float, high: float) -> np.ndarray:
    return np.asarray(values, dtype=np.float64) * (high - low) + low


def growth_test_windows(look_back: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grader's test in growth: for each of the last 48 months, the look_back monthly
    growths before it, the month before it (a forecast is that month times exp(growth)), and
    the month itself."""
    values = series()
    rates = growth(values)  # rates[t - 1]: from month t - 1 to month t
    x = np.array([rates[m - 1 - look_back:m - 1] for m in range(TRAIN_MONTHS, len(values))])
    return x, values[TRAIN_MONTHS - 1:-1], values[TRAIN_MONTHS:]


def naive_rmse() -> float:
    """The RMSE of forecasting each test month as the month before it ("same as last month")."""
    values = series()
    return rmse(values[TRAIN_MONTHS:], values[TRAIN_MONTHS - 1:-1])
