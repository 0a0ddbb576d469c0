"""Known-wrong notebooks for timeseries-lstm: the growth's mistakes (no log, differences,
percentage change, upside down), the scaling's (divided by high, refitted on its own values,
unscale without low, high first, fitted on the passengers), the sequences' (one time step of look_back features, not reshaped), the
model's, the shared windowing and split mistakes, and the training cell's."""
from autograder.assignments import here
from autograder.model_mutants import STUB, classifier_build_mutants, keras_model, trains_outside_the_timed_cell
from autograder.mutants import Mutant

SETTINGS = here(__file__).settings
EPOCHS, BATCH = SETTINGS["epochs"], SETTINGS["batch_size"]
COMPILED = 'optimizer="adam", loss="mean_squared_error"'
INPUT = "keras.Input(shape=(look_back, 1))"
HIDDEN = ("keras.layers.LSTM(8)",)
OUTPUT = "keras.layers.Dense(1)"
FUNCTIONS = ("test_split", "test_windows", "test_growth", "test_scaling", "test_sequences", "test_rmse")
FIT = f"model.fit(to_sequences(x_train), y_train, epochs={EPOCHS}, batch_size={BATCH}, verbose=0)"


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude,
                       compile_args=compile_args).replace("def build_model():",
                                                          "def build_model(look_back=LOOK_BACK):")


def training(fit: str = FIT, after: str = "") -> str:
    lines = ["x_train, y_train = create_dataset(scale(growth(train), *scaling), LOOK_BACK)",
             "model = build_model()"] + ([f"history = {fit}"] if fit else [])
    return "\n".join(lines + ([after] if after else [])) + "\n"


def function(name: str, args: str, body: str) -> str:
    return f"def {name}({args}):\n    return {body}\n"


def without(*cells: str) -> tuple[str, ...]:
    return tuple(c for c in FUNCTIONS + ("test_model",) if c not in cells)


MUTANTS = classifier_build_mutants(model, HIDDEN, OUTPUT, compiled=COMPILED, keeps=FUNCTIONS,
                                   measured="test_forecast") + [
    # --- growth
    Mutant(
        "growth_without_the_log",
        {"growth": function("growth", "series", "np.asarray(series, dtype=float)[1:] / np.asarray(series, dtype=float)[:-1]")},
        {"test_growth": ("ratio without the log",)},
        keeps=without("test_growth", "test_fitted_on_training")),
    Mutant(
        "growth_as_differences",
        {"growth": function("growth", "series", "np.diff(np.asarray(series, dtype=float))")},
        {"test_growth": ("differences",)},
        keeps=without("test_growth", "test_fitted_on_training")),
    Mutant(
        "growth_as_percentage",  # the percentage change: on months of 1 passenger, the differences
        {"growth": function("growth", "series", "np.diff(np.asarray(series, dtype=float)) / np.asarray(series, dtype=float)[:-1]")},
        {"test_growth": ("percentage change",)},
        keeps=without("test_growth", "test_fitted_on_training")),
    Mutant(
        "growth_upside_down",
        {"growth": function("growth", "series", "np.log(np.asarray(series, dtype=float)[:-1] / np.asarray(series, dtype=float)[1:])")},
        {"test_growth": ("upside down",)},
        keeps=without("test_growth", "test_fitted_on_training")),
    # --- scaling
    Mutant(
        "scale_divides_by_high",
        {"scale": function("scale", "values, low, high", "np.asarray(values, dtype=float) / high")},
        {"test_scaling": ("divided by high only",)},
        keeps=without("test_scaling")),
    Mutant(
        "scale_refitted_on_its_values",  # on the notebook's example, dividing by high
        {"scale": "def scale(values, low, high):\n    values = np.asarray(values, dtype=float)\n"
                  "    return (values - values.min()) / (values.max() - values.min())\n"},
        {"test_scaling": ("fits the smallest and largest value again",)},
        keeps=without("test_scaling")),
    Mutant(
        "unscale_without_low",
        {"unscale": function("unscale", "values, low, high", "np.asarray(values, dtype=float) * (high - low)")},
        {"test_scaling": ("low is missing",)},
        keeps=without("test_scaling")),
    Mutant(
        "fit_scaler_high_first",
        {"fit_scaler": function("fit_scaler", "values", "float(np.max(values)), float(np.min(values))")},
        {"test_scaling": ("smallest value first",), "test_fitted_on_training": ("low < high",)},
        keeps=without("test_scaling", "test_fitted_on_training")),
    # Fitted on all 96 months: on this series the same (low, high) as on the 64 training months
    # (the extreme growths lie in 1949-1954), so a leak changes nothing here; the check names it
    # when it differs.
    Mutant(
        "scaling_fitted_on_the_passengers",
        {"scaling": "train, val = split_series(series)\nscaling = fit_scaler(train)\n"},
        {"test_fitted_on_training": ("fitted on the passengers",)},
        keeps=FUNCTIONS + ("test_model",)),
    # --- to_sequences
    Mutant(
        "one_time_step_of_look_back_features",  # the course's first LSTM: (samples, 1, look_back)
        {"to_sequences": function("to_sequences", "windows", "np.asarray(windows).reshape(len(windows), 1, -1)")},
        {"test_sequences": ("one time step of look_back features",)},
        keeps=("test_split", "test_windows", "test_growth", "test_scaling", "test_rmse", "test_model")),
    Mutant(
        "windows_not_reshaped",  # [samples, features]: the LSTM refuses them
        {"to_sequences": function("to_sequences", "windows", "np.asarray(windows)")},
        {"test_sequences": ("not reshaped",)},
        keeps=("test_split", "test_windows", "test_growth", "test_scaling", "test_rmse", "test_model")),
    # --- split, windows, rmse (the checks timeseries-mlp shares)
    Mutant(
        "split_rounded",  # the same 64 months here, not on every series
        {"split_series": "def split_series(series, train_fraction=0.67):\n"
                         "    cut = round(len(series) * train_fraction)\n    return series[:cut], series[cut:]\n"},
        {"test_split": ("round() instead of int()",)},
        keeps=without("test_split", "test_fitted_on_training")),
    Mutant(
        "last_window_dropped",
        {"create_dataset": "def create_dataset(series, look_back=1):\n    x, y = [], []\n"
                           "    for i in range(len(series) - look_back - 1):\n"
                           "        x.append(series[i:i + look_back])\n        y.append(series[i + look_back])\n"
                           "    return np.array(x).reshape(-1, look_back), np.array(y)\n"},
        {"test_windows": ("last window is missing",)},
        keeps=without("test_windows")),
    Mutant(
        "rmse_without_the_root",
        {"rmse": function("rmse", "actual, predicted", "float(np.mean((np.ravel(actual) - np.ravel(predicted)) ** 2))")},
        {"test_rmse": ("mean squared error",)},
        keeps=without("test_rmse")),
    # --- build_model
    Mutant(
        "lstm_of_4_units",  # the tutorial's LSTM(4): not the exercise's
        {"build_model": model("keras.layers.LSTM(4)", OUTPUT)},
        {"test_model": ("LSTM(8", "found LSTM(4")},
        keeps=FUNCTIONS),
    Mutant(
        "lstm_returning_sequences",  # a forecast per time step: output (None, 12, 1), not (None, 1)
        {"build_model": model("keras.layers.LSTM(8, return_sequences=True)", OUTPUT)},
        {"test_model": ("found LSTM(8, return_sequences=True)",)},
        keeps=FUNCTIONS),
    Mutant(
        "dense_instead_of_lstm",
        {"build_model": model("keras.layers.Flatten()", 'keras.layers.Dense(8, activation="relu")', OUTPUT)},
        {"test_model": ("no LSTM",)},
        keeps=FUNCTIONS),
    Mutant(
        "input_without_the_feature_axis",
        {"build_model": model(*HIDDEN, OUTPUT, first="keras.Input(shape=(look_back,))")},
        {"test_model": ("expected ndim=3",)},
        keeps=FUNCTIONS),
    # --- the training cell
    Mutant(
        "untrained_model",
        {"train": training(fit="")},
        {"test_forecast": ("RMSE",), "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS + ("test_model", "test_fitted_on_training")),
    Mutant(
        "targets_shuffled_apart_from_windows",
        {"train": training(fit=f"model.fit(to_sequences(x_train), np.random.default_rng(0).permutation(y_train), "
                               f"epochs={EPOCHS}, batch_size={BATCH}, verbose=0)")},
        {"test_forecast": ("RMSE",)},
        keeps=FUNCTIONS + ("test_model", "test_fitted_on_training")),
    Mutant(
        "training_cell_left_as_the_stub",
        {"train": STUB},
        {"test_forecast": ("model is not defined",),
         "test_training_time": ("could not be timed", "model is not defined")},
        keeps=FUNCTIONS + ("test_model", "test_fitted_on_training")),
    trains_outside_the_timed_cell(lambda after: training(after=after), before="scaling",
                                  keeps=FUNCTIONS + ("test_model", "test_fitted_on_training", "test_forecast")),
]
