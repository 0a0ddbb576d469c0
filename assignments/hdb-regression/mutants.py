"""Known-wrong student implementations for the hdb-regression assignment.

Each mutant is the mistake a student actually makes, written as the student would
write the whole function (or, for the network, the whole cell). A function's mutant
replaces it in a notebook-like namespace, so prepare_features, which calls
parse_remaining_lease, storey_midpoint and one_hot, sees it as it would in the
student's kernel. A mutant of prepare_features uses the solution's helpers.

`symptoms`: words the failure messages of the mutant's own cell must contain.
`also_loses`: the other cells that must lose points because they call it. A
helper whose wrong result prepare_features still turns into the right numbers
(a string "736" becomes 736.0 in its .astype(float)) costs nothing there.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from autograder.assignments import here
from autograder.model_mutants import CUSTOM_LAYER, ONE_EPOCH, STUB
from autograder.mutants import Mutant, function_mutant

# The solution's own functions, which the mutants below call as a student's notebook would.
SOLUTION = here(__file__).solution_namespace()
one_hot = SOLUTION['one_hot']
parse_remaining_lease = SOLUTION['parse_remaining_lease']
scale = SOLUTION['scale']
storey_midpoint = SOLUTION['storey_midpoint']


FEATURES = ("test_features",)
CATEGORICAL = ("town", "flat_type", "flat_model")

# --------------------------------------------------------------------------- parse_remaining_lease


def lease_months_ignored(text):
    return int(text.split()[0]) * 12


def lease_years_plus_months(text):
    words = text.split()
    return int(words[0]) + (int(words[2]) if len(words) > 2 else 0)


def lease_fixed_positions(text):
    return int(text[:2]) * 12 + int(text[9:11])  # "61 years 04 months": the digits sit at 0-1 and 9-10


def lease_in_years(text):
    words = text.split()
    return int(words[0]) + (int(words[2]) / 12 if len(words) > 2 else 0)


def lease_plural_months_only(text):
    match = re.search(r"(\d+) years(?: (\d+) months)?", text)
    return int(match.group(1)) * 12 + int(match.group(2) or 0)


def lease_as_text(text):
    words = text.split()
    years = int(words[0]) if words[1].startswith("year") else 0
    months = int(words[-2]) if words[-1].startswith("month") else 0
    return str(years * 12 + months)


# --------------------------------------------------------------------------- storey_midpoint

def storey_low_end(text):
    return int(text[:2])


def storey_high_end(text):
    return int(text.split(" TO ")[1])


def storey_precedence(text):
    low, high = text.split(" TO ")
    return int(low) + int(high) / 2


def storey_as_text(text):
    low, high = text.split(" TO ")
    return str((int(low) + int(high)) / 2)


# --------------------------------------------------------------------------- one_hot

def one_hot_get_dummies(values, categories):
    return pd.get_dummies(pd.Series(list(values))).to_numpy(dtype=float)


def one_hot_dataframe(values, categories):
    return pd.get_dummies(pd.Series(list(values)))


def one_hot_order_of_appearance(values, categories):
    seen = list(dict.fromkeys(values))
    encoded = np.zeros((len(values), len(seen)))
    for i, value in enumerate(values):
        encoded[i, seen.index(value)] = 1.0
    return encoded


def one_hot_sorted_categories(values, categories):
    categories = sorted(categories)
    encoded = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        if value in categories:
            encoded[i, categories.index(value)] = 1.0
    return encoded


def one_hot_unknown_raises(values, categories):
    categories = list(categories)
    encoded = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        encoded[i, categories.index(value)] = 1.0
    return encoded


def one_hot_drop_first(values, categories):
    encoded = np.zeros((len(values), len(categories)))
    for i, value in enumerate(values):
        if value in categories:
            encoded[i, list(categories).index(value)] = 1.0
    return encoded[:, 1:]


def one_hot_ignores_case(values, categories):
    folded = [c.upper() for c in categories]
    encoded = np.zeros((len(values), len(folded)))
    for i, value in enumerate(values):
        if value.upper() in folded:
            encoded[i, folded.index(value.upper())] = 1.0
    return encoded


# --------------------------------------------------------------------------- scale

def _min_max(x, low, high):
    span = high - low
    return (x - low) / np.where(span == 0, 1.0, span)


def scale_test_own_min_max(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    return (_min_max(x_train, x_train.min(axis=0), x_train.max(axis=0)),
            _min_max(x_test, x_test.min(axis=0), x_test.max(axis=0)))


def scale_fit_on_all(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    everything = np.vstack([x_train, x_test])
    low, high = everything.min(axis=0), everything.max(axis=0)
    return _min_max(x_train, low, high), _min_max(x_test, low, high)


def scale_global_min_max(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    low, high = x_train.min(), x_train.max()
    return _min_max(x_train, low, high), _min_max(x_test, low, high)


def scale_axis_1(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    low, high = x_train.min(axis=1), x_train.max(axis=1)
    return _min_max(x_train, low, high), _min_max(x_test, low, high)


def scale_divides_by_zero(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    low, high = x_train.min(axis=0), x_train.max(axis=0)
    return (x_train - low) / (high - low), (x_test - low) / (high - low)


def scale_constant_column_by_its_max(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    low, high = x_train.min(axis=0), x_train.max(axis=0)
    span = np.where(high > low, high - low, np.where(high != 0, np.abs(high), 1.0))
    return (x_train - low) / span, (x_test - low) / span


def scale_standardised(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1.0
    return (x_train - mean) / std, (x_test - mean) / std


def scale_clips_test(x_train, x_test):
    x_train, x_test = np.asarray(x_train, dtype=float), np.asarray(x_test, dtype=float)
    low = x_train.min(axis=0)
    span = x_train.max(axis=0) - low
    span[span == 0] = 1.0
    return (x_train - low) / span, np.clip((x_test - low) / span, 0, 1)


# --------------------------------------------------------------------------- prepare_features

def _numeric(df, order=("floor_area_sqm", "storey", "lease")):
    columns = {"floor_area_sqm": df["floor_area_sqm"].astype(float),
               "storey": [storey_midpoint(text) for text in df["storey_range"]],
               "lease": [parse_remaining_lease(text) for text in df["remaining_lease"]]}
    return np.column_stack([columns[name] for name in order])


def features_get_dummies(df, categories):
    df = pd.DataFrame(df)
    dummies = pd.get_dummies(df[list(CATEGORICAL)]).to_numpy(dtype=float)
    return np.hstack([_numeric(df), dummies])


def features_scaled(df, categories):
    df = pd.DataFrame(df)
    x = np.hstack([_numeric(df)] + [one_hot(df[c], categories[c]) for c in CATEGORICAL])
    return scale(x, x)[0]


def features_one_hot_first(df, categories):
    df = pd.DataFrame(df)
    return np.hstack([one_hot(df[c], categories[c]) for c in CATEGORICAL] + [_numeric(df)])


def features_lease_before_storey(df, categories):
    df = pd.DataFrame(df)
    numeric = _numeric(df, ("floor_area_sqm", "lease", "storey"))
    return np.hstack([numeric] + [one_hot(df[c], categories[c]) for c in CATEGORICAL])


def features_area_truncated(df, categories):
    df = pd.DataFrame(df)
    numeric = _numeric(df)
    numeric[:, 0] = df["floor_area_sqm"].astype(int)  # 67.5 sqm taken as 67
    return np.hstack([numeric] + [one_hot(df[c], categories[c]) for c in CATEGORICAL])


def features_as_dataframe(df, categories):
    df = pd.DataFrame(df)
    return pd.DataFrame(np.hstack([_numeric(df)] + [one_hot(df[c], categories[c]) for c in CATEGORICAL]))


FUNCTION_MUTANTS = [
    function_mutant("lease_months_ignored", "parse_remaining_lease", lease_months_ignored, ("months were ignored",),
           FEATURES),
    function_mutant("lease_years_plus_months", "parse_remaining_lease", lease_years_plus_months,
           ("not turned into months",), FEATURES),
    function_mutant("lease_fixed_positions", "parse_remaining_lease", lease_fixed_positions,
           ("no months part", "fixed positions"), FEATURES),
    function_mutant("lease_in_years", "parse_remaining_lease", lease_in_years, ("lease in years",), FEATURES),
    function_mutant("lease_plural_months_only", "parse_remaining_lease", lease_plural_months_only,
           ("singular", "no years part"), FEATURES),
    function_mutant("lease_as_text", "parse_remaining_lease", lease_as_text, ("got the text '736'", "a string")),
    function_mutant("storey_low_end", "storey_midpoint", storey_low_end, ("LOW end",), FEATURES),
    function_mutant("storey_high_end", "storey_midpoint", storey_high_end, ("HIGH end",), FEATURES),
    function_mutant("storey_precedence", "storey_midpoint", storey_precedence, ("divides only high by 2",), FEATURES),
    function_mutant("storey_as_text", "storey_midpoint", storey_as_text, ("a string",)),
    function_mutant("one_hot_get_dummies", "one_hot", one_hot_get_dummies, ("came from the values",), FEATURES),
    function_mutant("one_hot_dataframe", "one_hot", one_hot_dataframe, ("not a pandas object",), FEATURES),
    function_mutant("one_hot_order_of_appearance", "one_hot", one_hot_order_of_appearance, ("first appear",), FEATURES),
    function_mutant("one_hot_sorted_categories", "one_hot", one_hot_sorted_categories, ("were sorted",), FEATURES),
    function_mutant("one_hot_unknown_raises", "one_hot", one_hot_unknown_raises, ("row of zeros",), FEATURES),
    function_mutant("one_hot_drop_first", "one_hot", one_hot_drop_first, ("drop_first",), FEATURES),
    function_mutant("one_hot_ignores_case", "one_hot", one_hot_ignores_case, ("IMPROVED, the old spelling",)),
    function_mutant("scale_test_own_min_max", "scale", scale_test_own_min_max, ("its own min and max",)),
    function_mutant("scale_fit_on_all", "scale", scale_fit_on_all, ("training and the test set together",)),
    function_mutant("scale_global_min_max", "scale", scale_global_min_max, ("whole array",)),
    function_mutant("scale_axis_1", "scale", scale_axis_1, ("per COLUMN",)),
    function_mutant("scale_divides_by_zero", "scale", scale_divides_by_zero, ("NaN", "divided by 0")),
    function_mutant("scale_constant_column_by_its_max", "scale", scale_constant_column_by_its_max,
                    ("divided by its max",)),
    function_mutant("scale_standardised", "scale", scale_standardised, ("standardisation",)),
    function_mutant("scale_clips_test", "scale", scale_clips_test, ("clipped",)),
    function_mutant("features_get_dummies", "prepare_features", features_get_dummies, ("came from the data",)),
    function_mutant("features_scaled", "prepare_features", features_scaled, ("were scaled",)),
    function_mutant("features_one_hot_first", "prepare_features", features_one_hot_first, ("come first",)),
    function_mutant("features_lease_before_storey", "prepare_features", features_lease_before_storey,
           ("numeric columns are in the wrong order",)),
    function_mutant("features_as_dataframe", "prepare_features", features_as_dataframe, ("not a pandas object",)),
    function_mutant("features_area_truncated", "prepare_features", features_area_truncated,
                    ("whole square metres",)),
]


# --------------------------------------------------------------------------- the network

def regression_model(*layers: str, loss: str = '"mse"', prelude: str = "",
                     first: str = "keras.Input(shape=(N_FEATURES,))") -> str:
    body = ",\n        ".join((first,) + layers)
    return (f"{prelude}def build_model():\n    model = keras.Sequential([\n        {body},\n    ])\n"
            f"    model.compile(optimizer=\"adam\", loss={loss}, metrics=[\"mae\"])\n    return model\n")


def regression_training(fit: str = "x_train, y_train") -> str:
    return f"model = build_model()\nhistory = model.fit({fit}, epochs=10, batch_size=64, verbose=0)\n"


RELU_64 = 'keras.layers.Dense(64, activation="relu")'


def network_mutants() -> list[Mutant]:
    """The network half: build_model and the training cell."""
    model_cells = ("test_model", "test_mae", "test_training_time")
    return [
        Mutant(
            "output_with_relu",
            {"build_model": regression_model(RELU_64, RELU_64, 'keras.layers.Dense(1, activation="relu")')},
            {"test_model": ("output layer: expected activation linear, found relu",)},
            keeps=("test_features",)),
        Mutant(
            "output_with_sigmoid",  # every price squeezed into (0, 1) thousand dollars
            {"build_model": regression_model(RELU_64, 'keras.layers.Dense(1, activation="sigmoid")')},
            {"test_model": ("found sigmoid",), "test_mae": ("no better than predicting the average",),
             "test_training_time": ("looks untrained",)},
            keeps=("test_features",)),
        Mutant(
            "no_hidden_layer",
            {"build_model": regression_model("keras.layers.Dense(1)")},
            {"test_model": ("no hidden Dense layer",), "test_mae": ("above",)},
            keeps=("test_features",)),
        Mutant(
            "hidden_layers_without_activation",
            {"build_model": regression_model("keras.layers.Dense(64)", "keras.layers.Dense(64)",
                                             "keras.layers.Dense(1)")},
            {"test_model": ("hidden layers have no relu",)},
            keeps=("test_features", "test_training_time")),
        Mutant(
            "classification_loss",  # the labels are prices: fit fails
            {"build_model": regression_model(RELU_64, "keras.layers.Dense(1)",
                                             loss='"sparse_categorical_crossentropy"')},
            {"test_model": ("not a regression loss",), "test_mae": ("above",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_features",)),
        Mutant(
            "wrong_input_shape",
            {"build_model": regression_model(RELU_64, "keras.layers.Dense(1)",
                                             first="keras.Input(shape=(3,))")},
            {"test_model": ("input shape: expected (57,), found (3,)",),
             "test_mae": ("could not predict from the 57 features",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_features",)),
        Mutant(
            "untrained_model",
            {"train": "model = build_model()\n"},
            {"test_mae": ("no better than predicting the average",),
             "test_training_time": ("looks untrained",)},
            keeps=("test_model",)),
        Mutant(
            "trained_on_10_sales",
            {"train": regression_training("x_train[:10], y_train[:10]")},
            {"test_mae": ("above",), "test_training_time": ("looks untrained",)},
            keeps=("test_model",)),
        Mutant(
            "lambda_layer",
            {"build_model": regression_model(RELU_64, "keras.layers.Lambda(lambda x: x * 1.0)",
                                             "keras.layers.Dense(1)"), "train": ONE_EPOCH},
            {cell: ("Lambda layer",) for cell in model_cells},
            keeps=("test_features",)),
        Mutant(
            "custom_layer",
            {"build_model": regression_model("Doubling()", RELU_64, "keras.layers.Dense(1)",
                                             prelude=CUSTOM_LAYER), "train": ONE_EPOCH},
            {cell: ("not a standard Keras class",) for cell in model_cells},
            keeps=("test_features",)),
        Mutant(
            "training_cell_left_as_the_stub",
            {"train": STUB},
            {"test_mae": ("model is not defined",),
             "test_training_time": ("could not be timed", "model is not defined")},
            keeps=("test_model",)),
    ]


MUTANTS = FUNCTION_MUTANTS + network_mutants()
