"""Which notebooks train exactly what the reference trained, and the guard on the kept state
(autograder.trained_state: the in-process grader's resumption after the training cell)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from autograder import timing
from autograder.trained_state import AfterTraining, definitions, fingerprint, resumes_after_training

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SETUP = "import numpy as np\nimport keras\n"
DATA = "x, y = load()\n"
PREPROCESS = "def preprocess(images):\n    return np.asarray(images) / 255\n"
DECIDE = "def decide(p, threshold=0.5):\n    return (p > threshold).astype(int)\n"
TRAIN = "model = build()\nmodel.fit(preprocess(x), y)\n"
AFTER = "scores = decide(model.predict(x))\n"
REFERENCE = [SETUP, DATA, PREPROCESS, DECIDE, TRAIN, AFTER]
TRAINING = 4


def mutated(**cells) -> list[str]:
    names = ["setup", "data", "preprocess", "decide", "train", "after"]
    return [cells.get(name, source) for name, source in zip(names, REFERENCE)]


def test_a_function_only_the_cells_below_training_call_trains_as_the_reference():
    wrong = DECIDE.replace(">", "<")
    assert resumes_after_training(REFERENCE, mutated(decide=wrong), TRAINING)
    assert resumes_after_training(REFERENCE, mutated(after="scores = 1 - decide(model.predict(x))\n"), TRAINING)
    assert resumes_after_training(REFERENCE, REFERENCE, TRAINING)
    # a helper's own import of a module the cells above import too binds the same thing
    assert resumes_after_training(REFERENCE, mutated(decide="import numpy as np\n" + wrong), TRAINING)


def test_the_reference_versions_names_are_dropped_unless_an_unchanged_cell_imports_them():
    reference = mutated(decide="import math\nimport numpy as np\n" + DECIDE)
    again, dropped = resumes_after_training(reference, mutated(decide="def other(p):\n    return p\n"),
                                            TRAINING)
    assert again == {3}
    assert dropped == {"math", "decide"}  # np stays: the setup cell imports it too


@pytest.mark.parametrize("cells", [
    {"preprocess": PREPROCESS.replace("255", "256")},                   # training reads it
    {"train": TRAIN.replace("model.fit", "model.fit(x, y)\nmodel.fit")},  # the training itself
    {"data": "x, y = load()\nx = x[:10]\n"},                            # not a definition
    {"decide": DECIDE + "x = x[:10]\n"},                                # a definition and more
    {"decide": "@np.vectorize\n" + DECIDE},                             # a decorator runs code
    {"decide": DECIDE.replace("threshold=0.5", "threshold=np.mean(x)")},  # so does a default
    {"decide": "import pandas as np\n" + DECIDE},                       # rebinds what training reads
    {"decide": "def preprocess(images):\n    return images\n" + DECIDE},  # redefines a read name
    {"decide": "def decide(p:\n"},                                      # does not parse
])
def test_a_change_training_can_see_trains_anew(cells):
    assert not resumes_after_training(REFERENCE, mutated(**cells), TRAINING)


def test_a_function_called_through_another_cells_function_counts_as_read():
    build = "def build():\n    return keras.Sequential([layer()])\n"
    layer = "def layer():\n    return keras.layers.Dense(1)\n"
    reference = [SETUP, layer, build, TRAIN.replace("preprocess(x)", "x")]
    changed = [SETUP, layer.replace("1)", "2)"), build, reference[3]]
    assert not resumes_after_training(reference, changed, 3)
    assert not resumes_after_training(reference, reference[:3], 2)  # cells missing


def test_definitions_are_functions_and_imports_only():
    assert definitions("import numpy as np\nfrom a.b import c as d\n'''doc'''\ndef f(x=1):\n    pass\n") == (
        {"f"}, {("np", None, "numpy", 0), ("d", "a.b", "c", 0)})
    assert definitions("from m import *\n") is None
    assert definitions("class A:\n    pass\n") is None
    assert definitions("print(1)\n") is None


def test_the_kept_state_tells_when_a_cell_below_changed_what_it_holds():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), dtype="float32")
    history = model.fit(x, np.zeros(8), epochs=1, verbose=0)
    namespace = {"x": x, "model": model, "history": history, "names": ["a"], "np": np,
                 "table": {"k": [1, 2]}, "__builtins__": {}}
    times = timing.CellTimes({"train": 1.0})
    kept = AfterTraining.take(3, namespace, times)
    assert set(kept.fingerprints) == {"x", "model", "history", "names", "table"}
    assert kept.unchanged()
    resumed, resumed_times = kept.resume(["decide"])
    assert resumed is not kept.namespace and resumed_times is not kept.times
    assert resumed_times == {"train": 1.0}

    for change, undo in [
        (lambda: x.__setitem__((0, 0), 2.0), lambda: x.__setitem__((0, 0), 1.0)),
        (lambda: namespace["names"].append("b"), lambda: namespace["names"].pop()),
        (lambda: namespace["table"]["k"].append(3), lambda: namespace["table"]["k"].pop()),
        (lambda: history.history["loss"].append(0.0), lambda: history.history["loss"].pop()),
    ]:
        change()
        assert not kept.unchanged()
        undo()
        assert kept.unchanged()
    model.fit(x, np.zeros(8), epochs=1, verbose=0)  # refitted below the training cell
    assert not kept.unchanged()


def test_the_kept_state_restores_the_random_generators():
    kept = AfterTraining.take(0, {}, timing.CellTimes())
    first = np.random.rand(3)
    np.random.rand(5)
    kept.resume([])
    assert np.array_equal(np.random.rand(3), first)


def test_object_arrays_and_unknown_objects_are_not_fingerprinted():
    assert fingerprint({"a": np.array([object()]), "f": len, "o": object()}) == {}
