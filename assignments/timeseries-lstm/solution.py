"""Reference solution of the `timeseries-lstm` assignment, written as a student would.

The course's activity 9: predict next month's airline passengers with an LSTM. An LSTM's
tanh saturates on inputs far outside those it learnt from, and the passengers of the test
years are far above the training years', so the network learns the monthly growth (which
keeps its range), scaled to [0, 1] with a scaling fitted on the training months only; a
forecast is last month's passengers times the predicted growth. `dlgrade build` copies the
functions into the notebook verbatim (the training cell is in notebook.md).
"""
import keras
import numpy as np

LOOK_BACK = 12


def split_series(series, train_fraction=0.67):
    """(train, test): the first int(len(series) * train_fraction) values, then the rest, in
    their order."""
    ### BEGIN SOLUTION
    cut = int(len(series) * train_fraction)
    return series[:cut], series[cut:]
    ### END SOLUTION


def create_dataset(series, look_back=1):
    """(X, y): every window of `look_back` consecutive values, and the value that follows it;
    X of shape (len(series) - look_back, look_back), y (len(series) - look_back,), both empty
    when look_back >= len(series)."""
    ### BEGIN SOLUTION
    x, y = [], []
    for i in range(len(series) - look_back):
        x.append(series[i:i + look_back])
        y.append(series[i + look_back])
    return np.array(x).reshape(-1, look_back), np.array(y)
    ### END SOLUTION


def growth(series):
    """The monthly log growth: log(series[t] / series[t - 1]) for t = 1 .. n - 1 (n - 1 values)."""
    ### BEGIN SOLUTION
    series = np.asarray(series, dtype=float)
    return np.log(series[1:] / series[:-1])
    ### END SOLUTION


def fit_scaler(values):
    """(low, high): the smallest and the largest of `values`, for min-max scaling."""
    ### BEGIN SOLUTION
    return float(np.min(values)), float(np.max(values))
    ### END SOLUTION


def scale(values, low, high):
    """Min-max scaling: low -> 0, high -> 1."""
    ### BEGIN SOLUTION
    return (np.asarray(values, dtype=float) - low) / (high - low)
    ### END SOLUTION


def unscale(values, low, high):
    """The inverse of scale: 0 -> low, 1 -> high."""
    ### BEGIN SOLUTION
    return np.asarray(values, dtype=float) * (high - low) + low
    ### END SOLUTION


def to_sequences(windows):
    """Windows of shape (samples, look_back) as an LSTM takes them: (samples, time steps,
    features) = (samples, look_back, 1), one value a time step."""
    ### BEGIN SOLUTION
    windows = np.asarray(windows)
    return windows.reshape(len(windows), windows.shape[1], 1)
    ### END SOLUTION


def rmse(actual, predicted):
    """The root mean squared error between two series of the same length (shape (N,) or (N, 1))."""
    ### BEGIN SOLUTION
    actual = np.asarray(actual, dtype=float).reshape(-1)
    predicted = np.asarray(predicted, dtype=float).reshape(-1)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))
    ### END SOLUTION


def build_model(look_back=LOOK_BACK):
    """The LSTM network, compiled and untrained: sequences of `look_back` time steps of one
    value in (keras.Input(shape=(look_back, 1))), LSTM with 8 units, one linear output.
    Compile it with the adam optimizer and the mean_squared_error loss."""
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(look_back, 1)),
        keras.layers.LSTM(8),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model
    ### END SOLUTION
