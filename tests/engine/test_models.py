"""Student models cross as config + weights and are rebuilt only from standard Keras classes."""
import json
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from autograder import models  # noqa: E402
from autograder.bridge import KernelStudent, LocalStudent, StudentError, loads, dumps  # noqa: E402


def _mnist_ann(hidden=128):
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_model_is_rebuilt_with_its_weights_and_compile_config():
    original = _mnist_ann()
    rebuilt = LocalStudent({"model": original}).model("model")
    x = np.random.default_rng(0).random((5, 28, 28)).astype("float32")
    np.testing.assert_allclose(rebuilt.model.predict(x, verbose=0), original.predict(x, verbose=0),
                               rtol=1e-6)
    assert rebuilt.model is not original
    assert (rebuilt.optimizer, rebuilt.loss, rebuilt.metrics) == ("Adam", "sparse_categorical_crossentropy",
                                                                   ["accuracy"])
    assert rebuilt.parameters == original.count_params() == 101_770


def test_functional_models_and_wrapped_layers_cross():
    inputs = keras.Input((12, 3))
    x = keras.layers.Bidirectional(keras.layers.LSTM(4))(inputs)
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    rebuilt = LocalStudent({"m": model}).model("m")
    assert [type(layer).__name__ for layer in rebuilt.model.layers] == ["InputLayer", "Bidirectional", "Dense"]
    assert rebuilt.loss is None  # not compiled


def test_the_loss_config_is_kept():
    model = _mnist_ann(8)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rebuilt = LocalStudent({"m": model}).model("m")
    assert (rebuilt.loss, rebuilt.from_logits) == ("SparseCategoricalCrossentropy", True)
    assert rebuilt.loss_config["from_logits"] is True
    plain = LocalStudent({"m": _mnist_ann(8)}).model("m")
    assert (plain.loss, plain.from_logits, plain.loss_config) == (
        "sparse_categorical_crossentropy", False, {})
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy())
    assert LocalStudent({"m": model}).model("m").from_logits is False


def test_functions_keras_names_cross_as_their_names():
    """tf.nn.softmax and keras.losses' functions serialize as builtins.function: the grader
    takes the name Keras itself knows them by (and still refuses any other function)."""
    import tensorflow as tf

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=tf.nn.relu),
                              keras.layers.Dense(2, activation=tf.nn.softmax)])
    model.compile(optimizer="adam", loss=keras.losses.sparse_categorical_crossentropy,
                  metrics=[keras.metrics.sparse_categorical_accuracy])
    rebuilt = LocalStudent({"m": model}).model("m")
    assert [layer.get_config()["activation"] for layer in rebuilt.model.layers] == ["relu", "softmax"]
    assert (rebuilt.loss, rebuilt.metrics) == ("sparse_categorical_crossentropy",
                                               ["sparse_categorical_accuracy"])
    function = {"module": "builtins", "class_name": "function", "registered_name": "function"}
    assert models.named_functions({**function, "config": "softmax_v2"}) == "softmax"
    for name in ("get", "deserialize", "print", "__import__", "os.system"):
        assert models.named_functions({**function, "config": name}) == {**function, "config": name}


def test_a_lambda_layer_is_refused_before_keras_sees_it():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2),
                              keras.layers.Dense(1)])
    with pytest.raises(StudentError, match="the model uses a Lambda layer"):
        LocalStudent({"m": model}).model("m")


def test_a_custom_layer_is_refused():
    @keras.saving.register_keras_serializable(package="student")
    class Sneaky(keras.layers.Layer):
        def call(self, x):
            return x

    model = keras.Sequential([keras.Input((4,)), Sneaky(), keras.layers.Dense(1)])
    with pytest.raises(StudentError, match="not a standard Keras class"):
        LocalStudent({"m": model}).model("m")


def _payload(model):
    return loads(dumps(models.model_payload(model)))


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["config"]["layers"][1].update(module="os", class_name="system"), "os.system"),
    (lambda c: c["config"]["layers"][1].update(registered_name="student>Dense"), "registered as"),
    (lambda c: c["config"]["layers"][1]["config"].update(
        activation={"module": "builtins", "class_name": "function", "config": "evil",
                    "registered_name": "function"}), "builtins.function"),
    (lambda c: c["config"]["layers"][1]["config"].update(
        kernel_initializer={"module": "keras.initializers", "class_name": "__class__",
                            "config": {}}), "keras.initializers.__class__"),
    (lambda c: c["config"]["layers"][1]["config"].update(
        activation={"class_name": "__lambda__", "config": {"code": "x"}}), "__lambda__"),
    (lambda c: c.update(class_name="Dense"), "not a Keras model"),
])
def test_an_edited_config_is_refused_with_where(edit, message):
    payload = _payload(_mnist_ann(8))
    config = json.loads(payload["config"])
    edit(config)
    payload["config"] = json.dumps(config)
    with pytest.raises(StudentError, match=message):
        models.rebuild(payload)


def test_weights_that_do_not_fit_are_named():
    payload = _payload(_mnist_ann(8))
    payload["weights"][0] = np.zeros((3, 3), dtype="float32")
    with pytest.raises(StudentError, match=r"weights do not fit its layers: expected shapes \[\(784, 8\)"):
        models.rebuild(payload)


def test_size_caps(monkeypatch):
    payload = _payload(_mnist_ann(8))
    monkeypatch.setattr(models, "MAX_PARAMETERS", 1000)
    with pytest.raises(StudentError, match="6,370 parameters, over the grader's limit of 1,000"):
        models.rebuild(payload)
    monkeypatch.setattr(models, "MAX_CONFIG_BYTES", 100)
    with pytest.raises(StudentError, match="config is over"):
        models.rebuild(_payload(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])))


@pytest.mark.parametrize("payload", [None, {"config": 3, "weights": []}, {"config": "{", "weights": []},
                                     {"config": "[]", "weights": []},
                                     {"config": "{}", "weights": [np.array(["a"])]}])
def test_garbage_is_a_student_error(payload):
    with pytest.raises(StudentError):
        models.rebuild(payload)


def test_not_a_model_and_missing():
    student = LocalStudent({"m": [1, 2]})
    with pytest.raises(StudentError, match="m is not a Keras model"):
        student.model("m")
    with pytest.raises(StudentError, match="is not defined in your notebook"):
        student.model("model")


def _building_fails_as_locally(student):
    with pytest.raises(StudentError, match=r"^build_nothing\(\) did not return a Keras model \(it returned a NoneType\)$"):
        student.model("build_nothing", build=True)
    with pytest.raises(StudentError, match=r"^build_broken\(\) raised ValueError: no layers yet$"):
        student.model("build_broken", build=True)
    with pytest.raises(StudentError, match=r"^function build_model\(\) is not defined in your notebook$"):
        student.model("build_model", build=True)
    with pytest.raises(StudentError, match=r"^number is not a function \(it is a int\)$"):
        student.model("number", build=True)


def test_a_model_built_by_a_student_function_crosses():
    """student.model(name, build=True): what name() returns, as the model checks of build_model use."""
    student = LocalStudent({"build": _mnist_ann, "build_nothing": lambda: None, "number": 3,
                            "build_broken": lambda: (_ for _ in ()).throw(ValueError("no layers yet"))})
    assert student.model("build", build=True).parameters == 101_770
    _building_fails_as_locally(student)


@pytest.mark.slow
def test_a_model_crosses_from_a_real_kernel():
    from jupyter_client.manager import start_new_kernel

    km, client = start_new_kernel(kernel_name="python3", env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    try:
        def run(code, timeout):
            outputs = []

            def hook(msg):
                if msg["msg_type"] in ("display_data", "execute_result"):
                    outputs.append({"output_type": msg["msg_type"], "data": msg["content"]["data"]})
                elif msg["msg_type"] == "error":
                    outputs.append({"output_type": "error", "ename": msg["content"]["ename"],
                                    "evalue": msg["content"]["evalue"]})

            client.execute_interactive(code, timeout=max(timeout, 60), output_hook=hook)
            return outputs

        run("import keras\nmodel = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),"
            " keras.layers.Dense(128, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
            "bad = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t)])\n"
            "number = 3\n"
            "def build(): return model\n"
            "def build_nothing(): return None\n"
            "def build_broken(): raise ValueError('no layers yet')", 60)
        student = KernelStudent(run, call_timeout=60)
        student.install()
        rebuilt = student.model("model")
        assert rebuilt.parameters == 101_770 and rebuilt.loss == "sparse_categorical_crossentropy"
        with pytest.raises(StudentError, match="Lambda"):
            student.model("bad")
        with pytest.raises(StudentError, match="number is not a Keras model"):
            student.model("number")
        assert student.model("build", build=True).parameters == 101_770
        _building_fails_as_locally(student)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_model_is_sized_from_its_config_before_keras_builds_it():
    """A config that declares a huge layer but sends no weights is refused from its config
    (the grader never allocates it), and so is a layer with enormous outputs."""
    import json

    from autograder import models

    def payload(*layers, shape=(28, 28)):
        model = keras.Sequential([keras.Input(shape), *layers])
        return json.loads(model.to_json())

    small = payload(keras.layers.Flatten(), keras.layers.Dense(10))
    assert models.estimate(small) == (7850, 784)
    huge = payload(keras.layers.Flatten(), keras.layers.Dense(10))
    huge["config"]["layers"][-1]["config"]["units"] = 10**9
    with pytest.raises(StudentError, match="declares 785,000,000,000 parameters, over the grader's limit"):
        models.rebuild({"config": json.dumps(huge), "weights": []})
    wide = payload(keras.layers.Reshape((7, 7, 16)), keras.layers.UpSampling2D(500), shape=(784,))
    with pytest.raises(StudentError, match="outputs 196,000,000 values per example, over the grader's limit"):
        models.rebuild({"config": json.dumps(wide), "weights": []})



def test_a_functional_model_is_sized_from_its_graph_before_keras_builds_it():
    """The same for a functional graph: each layer's input shape is carried from the Input
    through the names its node refers to (not the shapes the config records, which a forged
    config may shrink), branches and merges included."""
    import json

    from autograder import models

    inputs = keras.Input((8,))
    left = keras.layers.Dense(4, activation="relu")(inputs)
    right = keras.layers.Dense(6)(inputs)
    merged = keras.layers.Concatenate()([left, right])
    images = keras.layers.Reshape((2, 5, 1))(merged)
    conv = keras.layers.Conv2D(3, 2, padding="same")(images)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(conv))
    model = keras.Model(inputs, outputs)
    config = json.loads(model.to_json())
    assert models.estimate(config) == (model.count_params(), 30)

    huge = json.loads(model.to_json())
    dense = next(layer for layer in huge["config"]["layers"] if layer["name"] == right.name.split("/")[0]
                 or layer["class_name"] == "Dense" and layer["config"]["units"] == 6)
    dense["config"]["units"] = 10**9
    for layer in huge["config"]["layers"]:  # the recorded shapes say nothing is big
        text = json.dumps(layer.get("inbound_nodes")).replace("1000000000", "6")
        layer["inbound_nodes"] = json.loads(text)
    with pytest.raises(StudentError, match="declares [0-9,]+ parameters, over the grader's limit"):
        models.rebuild({"config": json.dumps(huge), "weights": []})

    # a layer used twice (shared weights) or a nested model is not estimated: Keras builds it
    shared = keras.layers.Dense(8)
    twice = keras.Model(inputs, shared(shared(inputs)))
    assert models.estimate(json.loads(twice.to_json())) is None


def test_predictions_run_in_batches_that_fit_the_grader():
    from autograder.checks.accuracy import PREDICT_MEMORY, fitting_batch

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    assert fitting_batch(model, 512) == 512  # not sized: as asked
    model._dlgrade_largest_activation = PREDICT_MEMORY // 40
    assert fitting_batch(model, 512) == 10
    model._dlgrade_largest_activation = 10 * PREDICT_MEMORY
    assert fitting_batch(model, 512) == 1
