"""Reference solution of the `timeseries-mlp` assignment, written as a student would.

The course's activity 8: predict next month's airline passengers from the last
`look_back` months with a multilayer perceptron. `dlgrade build` copies the functions
into the notebook verbatim (the training cell is in notebook.md).
"""
import keras
import numpy as np

LOOK_BACK = 12


def split_series(series, train_fraction=0.67):
    """(train, test): the first int(len(series) * train_fraction) values, then the rest, in
    their order (a forecast is tested on the months after those it learnt from)."""
    ### BEGIN SOLUTION
    cut = int(len(series) * train_fraction)
    return series[:cut], series[cut:]
    ### END SOLUTION


def create_dataset(series, look_back=1):
    """(X, y) from a 1-D series: every window of `look_back` consecutive values, and the value
    that follows it. X has shape (len(series) - look_back, look_back), y (len(series) - look_back,);
    both are empty when look_back >= len(series)."""
    ### BEGIN SOLUTION
    x, y = [], []
    for i in range(len(series) - look_back):
        x.append(series[i:i + look_back])
        y.append(series[i + look_back])
    return np.array(x).reshape(-1, look_back), np.array(y)
    ### END SOLUTION


def rmse(actual, predicted):
    """The root mean squared error between two series of the same length (shape (N,) or (N, 1))."""
    ### BEGIN SOLUTION
    actual = np.asarray(actual, dtype=float).reshape(-1)
    predicted = np.asarray(predicted, dtype=float).reshape(-1)
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))
    ### END SOLUTION


def build_model(look_back=LOOK_BACK):
    """The course's MLP, compiled and untrained: `look_back` months in (keras.Input), Dense 12
    relu, Dense 8 relu, and one linear output (next month's passengers). Compile it with the
    adam optimizer and the mean_squared_error loss."""
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(look_back,)),
        keras.layers.Dense(12, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model
    ### END SOLUTION
