"""Reference solution of the `hdb-regression` assignment, written as a student would.

The preprocessing half of activity 1 (predicting HDB resale prices with an ANN):
turning the text columns of the data into numbers a network can learn from. The
trusted versions the grader compares against are in reference/hdb.py. Each
function below is copied verbatim into a solution cell of
source/hdb-regression/hdb-regression.ipynb by `dlgrade build`; the
docstrings are the task statements the students read.
"""
import keras
import numpy as np
import pandas as pd


def parse_remaining_lease(text):
    """The remaining lease in MONTHS, an int: "61 years 04 months" -> 61 * 12 + 4 = 736.

    The data writes it in four ways: "61 years 04 months"; "63 years" (no months
    part); "72 years 01 month" (one month, in the singular); and "9 months" (no
    years part).
    """
    ### BEGIN SOLUTION
    words = text.split()
    months = 0
    for number, unit in zip(words[::2], words[1::2]):
        if unit.startswith("year"):
            months += int(number) * 12
        else:
            months += int(number)
    return months
    ### END SOLUTION


def storey_midpoint(text):
    """The middle storey of a storey range, a float: "10 TO 12" -> 11.0, "01 TO 03" -> 2.0."""
    ### BEGIN SOLUTION
    low, high = text.split(" TO ")
    return (int(low) + int(high)) / 2
    ### END SOLUTION


def one_hot(values, categories):
    """One-hot encoding: a float array (N, C), one row per value and one column per category.

    values: N category names (a list or a pandas column); categories: the C names in
    a FIXED order. Row i has 1.0 in the column of values[i] and 0.0 elsewhere; the
    columns follow `categories` as given (not the order of the values, not sorted),
    so that the training and the test set get the same columns. A value that is not
    in `categories` gives a row of zeros.
    """
    ### BEGIN SOLUTION
    column = {category: j for j, category in enumerate(categories)}
    encoded = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        if value in column:
            encoded[i, column[value]] = 1.0
    return encoded
    ### END SOLUTION


def scale(x_train, x_test):
    """Min-max scaling fitted on the training set: returns (x_train_scaled, x_test_scaled).

    x_train (N, D) and x_test (M, D): one row per sale, one column per feature. For
    each COLUMN take the minimum and the maximum over the TRAINING rows, and map
    both sets with (x - min) / (max - min): training values land in [0, 1]; test
    values may fall outside it (do not clip them). A column whose max equals its min
    is divided by 1 instead of 0 (as scikit-learn's MinMaxScaler does).
    """
    ### BEGIN SOLUTION
    x_train = np.asarray(x_train, dtype=float)
    x_test = np.asarray(x_test, dtype=float)
    low = x_train.min(axis=0)
    span = x_train.max(axis=0) - low
    span[span == 0] = 1.0
    return (x_train - low) / span, (x_test - low) / span
    ### END SOLUTION


def prepare_features(df, categories):
    """The features of every sale, unscaled: a float array (N, 3 + C_town + C_flat_type + C_flat_model).

    df: the sales, a DataFrame with the data's columns (the grader passes a dict of
    columns; pd.DataFrame(df) turns either into a DataFrame). categories: a dict
    {"town": [...], "flat_type": [...], "flat_model": [...]} of the fixed category lists.
    The columns, in this order: floor_area_sqm; the storey (storey_midpoint of
    storey_range); the remaining lease in months (parse_remaining_lease); then the
    one-hot columns of town, of flat_type and of flat_model, with your functions above.
    """
    ### BEGIN SOLUTION
    df = pd.DataFrame(df)
    parts = [np.column_stack([
        df["floor_area_sqm"].astype(float),
        df["storey_range"].map(storey_midpoint),
        df["remaining_lease"].map(parse_remaining_lease),
    ])]
    for column in ("town", "flat_type", "flat_model"):
        parts.append(one_hot(df[column], categories[column]))
    return np.hstack(parts).astype(float)
    ### END SOLUTION


def build_model():
    """A regression network for the N_FEATURES scaled features of a sale, compiled, untrained.

    Start with keras.Input(shape=(N_FEATURES,)); then at least one hidden Dense layer
    with relu; the output is ONE neuron with no activation (a price can be any
    number). Compile it with the adam optimizer, a regression loss ("mse", the
    course's mean squared error) and the "mae" metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(N_FEATURES,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model
    ### END SOLUTION

