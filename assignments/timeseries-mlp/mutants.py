"""Known-wrong notebooks for timeseries-mlp: the split's mistakes (shuffled, round, the parts
swapped), the windows' (the course's off-by-one that drops the last window, a target inside
its window, windows one month too long), the RMSE's (no root, MAE, broadcast), the model's,
and the training cell's (untrained, 10 windows, targets shuffled apart from their windows,
passengers scaled for training only, over budget)."""
from autograder.assignments import here
from autograder.model_mutants import STUB, classifier_build_mutants, keras_model, trains_outside_the_timed_cell
from autograder.mutants import Mutant

SETTINGS = here(__file__).settings
EPOCHS, BATCH = SETTINGS["epochs"], SETTINGS["batch_size"]
COMPILED = 'optimizer="adam", loss="mean_squared_error"'
INPUT = "keras.Input(shape=(look_back,))"
HIDDEN = ('keras.layers.Dense(12, activation="relu")', 'keras.layers.Dense(8, activation="relu")')
OUTPUT = "keras.layers.Dense(1)"
FUNCTIONS = ("test_split", "test_windows", "test_rmse")
MODEL = ("test_model", "test_forecast", "test_training_time")


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude,
                       compile_args=compile_args).replace("def build_model():",
                                                          "def build_model(look_back=LOOK_BACK):")


def training(fit: str = f"model.fit(x_train, y_train, epochs={EPOCHS}, batch_size={BATCH}, verbose=0)",
             before: str = "", after: str = "") -> str:
    lines = ["train, val = split_series(series)", "x_train, y_train = create_dataset(train, LOOK_BACK)"]
    lines += [before] if before else []
    lines += ["model = build_model()"] + ([f"history = {fit}"] if fit else [])
    return "\n".join(lines + ([after] if after else [])) + "\n"


def windows(stop: str = "len(series) - look_back", window: str = "series[i:i + look_back]",
            target: str = "series[i + look_back]") -> str:
    return ("def create_dataset(series, look_back=1):\n    x, y = [], []\n"
            f"    for i in range({stop}):\n        x.append({window})\n        y.append({target})\n"
            "    return np.array(x).reshape(-1, look_back), np.array(y)\n")


def split(body: str) -> str:
    return f"def split_series(series, train_fraction=0.67):\n{body}"


def rmse(body: str) -> str:
    return f"def rmse(actual, predicted):\n    return {body}\n"


MUTANTS = classifier_build_mutants(model, HIDDEN, OUTPUT, compiled=COMPILED, keeps=FUNCTIONS,
                                   measured="test_forecast") + [
    # --- split_series
    Mutant(
        "split_shuffled",  # sklearn's train_test_split shuffles by default
        {"split_series": split("    order = np.random.default_rng(0).permutation(len(series))\n"
                               "    cut = int(len(series) * train_fraction)\n"
                               "    return series[order[:cut]], series[order[cut:]]\n")},
        {"test_split": ("shuffled",)},
        keeps=("test_windows", "test_rmse", "test_model")),
    Mutant(
        "split_rounded",
        {"split_series": split("    cut = round(len(series) * train_fraction)\n"
                               "    return series[:cut], series[cut:]\n")},
        {"test_split": ("round() instead of int()",)},
        keeps=("test_windows", "test_rmse", "test_model")),
    Mutant(
        "split_the_wrong_way_round",
        {"split_series": split("    cut = len(series) - int(len(series) * train_fraction)\n"
                               "    return series[cut:], series[:cut]\n")},
        {"test_split": ("wrong way round",)},
        keeps=("test_windows", "test_rmse", "test_model")),
    # --- create_dataset
    Mutant(
        "last_window_dropped",  # the tutorial's range(len(dataset) - look_back - 1)
        {"create_dataset": windows(stop="len(series) - look_back - 1")},
        {"test_windows": ("last window is missing",)},
        keeps=("test_split", "test_rmse", "test_model")),
    Mutant(
        "target_inside_its_window",  # y is the window's own last month: the model learns to copy
        {"create_dataset": windows(target="series[i + look_back - 1]")},
        {"test_windows": ("target is inside its window",), "test_forecast": ("RMSE",)},
        keeps=("test_split", "test_rmse", "test_model")),
    # --- rmse
    Mutant(
        "rmse_without_the_root",
        {"rmse": rmse("float(np.mean((np.ravel(actual) - np.ravel(predicted)) ** 2))")},
        {"test_rmse": ("mean squared error",)},
        keeps=("test_split", "test_windows", "test_model")),
    Mutant(
        "rmse_as_mae",
        {"rmse": rmse("float(np.mean(np.abs(np.ravel(actual) - np.ravel(predicted))))")},
        {"test_rmse": ("mean absolute error",)},
        keeps=("test_split", "test_windows", "test_model")),
    Mutant(
        "rmse_broadcast",  # (N,) - (N, 1) is an N x N table
        {"rmse": rmse("float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(predicted)) ** 2)))")},
        {"test_rmse": ("broadcast",)},
        keeps=("test_split", "test_windows") + MODEL),
    # --- build_model
    Mutant(
        "no_hidden_layer",  # a linear regression
        {"build_model": model(OUTPUT)},
        {"test_model": ("no Dense(relu)",)},
        keeps=FUNCTIONS),
    Mutant(
        "relu_output",  # passengers are positive, but the course's output is linear
        {"build_model": model(*HIDDEN, 'keras.layers.Dense(1, activation="relu")')},
        {"test_model": ("relu",)},
        keeps=FUNCTIONS),
    Mutant(
        "classification_loss",
        {"build_model": model(*HIDDEN, OUTPUT, compile_args='optimizer="adam", loss="binary_crossentropy"')},
        {"test_model": ("loss",)},
        keeps=FUNCTIONS),
    Mutant(
        "input_of_one_month",  # the course's first look_back: the model cannot take a year
        {"build_model": model(*HIDDEN, OUTPUT, first="keras.Input(shape=(1,))")},
        {"test_model": ("input shape: expected (12,), found (1,)",)},
        keeps=("test_split", "test_windows", "test_rmse")),
    # --- the training cell
    Mutant(
        "untrained_model",
        {"train": training(fit="")},
        {"test_forecast": ("looks untrained",), "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "trained_on_10_windows",
        {"train": training(fit=f"model.fit(x_train[:10], y_train[:10], epochs={EPOCHS}, "
                               f"batch_size={BATCH}, verbose=0)")},
        {"test_forecast": ("RMSE",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "targets_shuffled_apart_from_windows",
        {"train": training(fit=f"model.fit(x_train, np.random.default_rng(0).permutation(y_train), "
                               f"epochs={EPOCHS}, batch_size={BATCH}, verbose=0)")},
        {"test_forecast": ("RMSE",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "trained_on_scaled_passengers",  # min-max scaled in the notebook, given passengers after
        {"train": training(before="low, high = x_train.min(), x_train.max()\n"
                                  "x_train, y_train = (x_train - low) / (high - low), (y_train - low) / (high - low)")},
        {"test_forecast": ("RMSE",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "training_cell_left_as_the_stub",
        {"train": STUB},
        {"test_forecast": ("model is not defined",),
         "test_training_time": ("could not be timed", "model is not defined")},
        keeps=FUNCTIONS + ("test_model",)),
    trains_outside_the_timed_cell(lambda after: training(after=after), before="build_model",
                                  keeps=FUNCTIONS + ("test_model", "test_forecast")),
]
