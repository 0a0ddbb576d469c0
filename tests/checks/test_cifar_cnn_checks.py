"""cifar-cnn's own proofs, beyond what tests/checks/test_assignments.py proves for every
assignment: the declared networks are the course's (layer by layer, with Keras's own
counts), equivalent forms of them pass the hidden checks and the public asserts alike,
every hint's mistake differs from the right answer where it is used, and test_matrix
compares exactly but for the near-ties it documents.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder import assignments, build
from autograder.bridge import LocalStudent
from autograder.checks.runner import checks_module, run_checks
from autograder.checks.structure import spec_from, weight_counts
from reference import metrics as ref_metrics

CIFAR = assignments.load(Path(__file__).resolve().parents[2], "cifar-cnn")
checks = checks_module(CIFAR)

# The course's counts (confirmed with Keras 3).
LENET5_COUNTS = [456, 0, 2416, 0, 0, 69240, 10164, 850]
LENET5_TOTAL = 83_126
ALEXNET_TOTAL, ALEXNET_TRAINABLE, ALEXNET_FROZEN = 8_492_810, 8_491_594, 1_216

FUNCTIONAL_LENET5 = '''
def build_lenet5():
    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.Conv2D(6, (5, 5), padding="same")(inputs)
    x = keras.layers.Activation("tanh")(x)
    x = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)
    x = keras.layers.Conv2D(16, 5)(x)
    x = keras.layers.Activation("tanh")(x)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Reshape((576,))(x)
    x = keras.layers.Dense(120, activation="tanh")(x)
    x = keras.layers.Dense(84, activation="tanh")(x)
    outputs = keras.layers.Dense(10)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
'''

FUNCTIONAL_ALEXNET = '''
def build_alexnet():
    def convolution(x, filters, size, strides=1):
        x = keras.layers.Conv2D(filters, (size, size), strides=(strides, strides), padding="same")(x)
        return keras.layers.ReLU()(x)

    def pool(x):
        return keras.layers.MaxPooling2D(pool_size=(3, 3), strides=(2, 2), padding="same")(x)

    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.BatchNormalization()(pool(convolution(inputs, 96, 11, 4)))
    x = keras.layers.BatchNormalization()(pool(convolution(x, 256, 5)))
    x = convolution(convolution(convolution(x, 384, 3), 384, 3), 256, 3)
    x = keras.layers.BatchNormalization()(pool(x))
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.5)(keras.layers.Activation("relu")(keras.layers.Dense(2048)(x)))
    x = keras.layers.Dropout(0.5)(keras.layers.Dense(2048, activation="relu")(x))
    outputs = keras.layers.Softmax()(keras.layers.Dense(10)(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
'''


def with_cells(*sources: str) -> dict:
    namespace = CIFAR.solution_namespace()
    for source in sources:
        exec(source, namespace)
    return namespace


def failed(outcomes) -> list:
    return [(o.name, o.message) for o in outcomes if not o.passed]


# --------------------------------------------------------------------------- the declaration

def test_the_declared_lenet5_is_the_course_s():
    spec = spec_from(CIFAR.settings["lenet5"])
    assert [layer.args.get("parameters") for layer in spec.layers] == LENET5_COUNTS
    assert spec.parameters == (LENET5_TOTAL, LENET5_TOTAL) == (sum(LENET5_COUNTS),) * 2
    model = CIFAR.solution_namespace()["build_lenet5"]()
    assert [layer.count_params() for layer in model.layers] == LENET5_COUNTS
    assert model.count_params() == LENET5_TOTAL


def test_the_declared_alexnet_is_the_course_s():
    spec = spec_from(CIFAR.settings["alexnet"])
    assert spec.parameters == (ALEXNET_TOTAL, ALEXNET_TOTAL)
    assert (spec.trainable_parameters, spec.non_trainable_parameters) == (
        (ALEXNET_TRAINABLE,) * 2, (ALEXNET_FROZEN,) * 2)
    model = CIFAR.solution_namespace()["build_alexnet"]()
    assert model.count_params() == ALEXNET_TOTAL
    counts = weight_counts(model)
    assert (counts["trainable_parameters"], counts["non_trainable_parameters"]) == (
        ALEXNET_TRAINABLE, ALEXNET_FROZEN)
    declared = [layer.args.get("parameters", 0) for layer in spec.layers]
    assert [layer.count_params() for layer in model.layers] == declared
    frozen = [layer.args.get("non_trainable_parameters", 0) for layer in spec.layers]
    assert sum(frozen) == ALEXNET_FROZEN


# --------------------------------------------------------------------------- equivalent forms

@pytest.mark.parametrize("cell, source", [("test_lenet5", FUNCTIONAL_LENET5),
                                          ("test_alexnet", FUNCTIONAL_ALEXNET)])
def test_an_equivalent_network_passes_the_hidden_checks_and_the_public_asserts(cell, source):
    """Functional, activation layers, Reshape for Flatten, logits with from_logits=True,
    a Softmax layer, one-hot labels' loss: the same network to the exercise."""
    namespace = with_cells(source)
    outcomes = run_checks(CIFAR, LocalStudent(namespace), grade_id=cell)
    assert outcomes and not failed(outcomes)
    public = next(c for c in build.notebook(CIFAR).cells if c.get("id") == cell)
    exec("import numpy as np\nimport keras\n" + public.source, namespace)


# --------------------------------------------------------------------------- the hints

CONFUSION_CASES = [(checks.SMALL_TRUE, checks.SMALL_PRED, 3),
                   (checks.CIFAR_TRUE, checks.CIFAR_PRED, 10),
                   (np.array([0, 1]), np.array([1, 1]), 4)]


def test_confusion_mistakes_differ_from_the_answer_on_an_example():
    """Each hint can be named by the examples' check: its mistake changes one of them."""
    named, differ = set(), set()
    for y_true, y_pred, classes in CONFUSION_CASES:
        right = ref_metrics.confusion_matrix(np.ravel(y_true), np.ravel(y_pred), classes)
        for description, mistake in checks._confusion_mistakes(y_true, y_pred, classes):
            named.add(description)
            try:
                wrong = mistake()
            except ValueError:  # a label beyond the smaller matrix: that mistake raises instead
                continue
            if not checks.hints.same_result(wrong, right):
                differ.add(description)
    assert named == differ


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_per_class_mistakes_differ_on_the_probe(size):
    probe = checks._like(np.zeros((size, size)), 0)
    right = checks._trusted_from_matrix(probe)
    mistakes = checks._per_class_mistakes(probe)
    with np.errstate(all="ignore"):
        named = {d for d, m in mistakes if not checks.hints.same_result_allowing_nan(m(), right)}
    if size >= 3:  # the probe has a class without examples from 3 classes on
        assert named == {d for d, _ in mistakes}
    elif size == 2:
        assert named == {d for d, _ in mistakes if "no examples" not in d}


def test_per_class_accuracy_agrees_with_reference_metrics():
    matrix = ref_metrics.confusion_matrix(np.ravel(checks.CIFAR_TRUE), checks.CIFAR_PRED, 10)
    per_class = checks._trusted_from_matrix(matrix)
    examples = matrix.sum(axis=1)
    assert per_class[examples == 0].tolist() == [0.0, 0.0]  # no horse, no frog
    # weighted by each class's examples, the per-class accuracies give the accuracy
    assert np.isclose((per_class * examples).sum() / examples.sum(),
                      ref_metrics.accuracy(checks.CIFAR_TRUE, checks.CIFAR_PRED))


# --------------------------------------------------------------------------- test_matrix

@pytest.fixture(scope="module")
def untrained():
    """An untrained LeNet-5 as `model`, and its confusion matrix on the validation images."""
    import keras

    keras.utils.set_random_seed(0)
    model = CIFAR.solution_namespace()["build_lenet5"]()
    x_val, y_val, _ = checks.validation()
    predicted = model.predict(checks.scale_pixels(x_val), verbose=0).argmax(axis=1)
    return model, ref_metrics.confusion_matrix(y_val, predicted, 10)


def grade_matrix(model, matrix):
    student = LocalStudent({"model": model, "matrix": matrix})
    return run_checks(CIFAR, student, grade_id="test_matrix")


def test_the_model_s_own_matrix_passes(untrained):
    model, matrix = untrained
    assert not failed(grade_matrix(model, matrix))
    assert not failed(grade_matrix(model, matrix.tolist()))   # a list of lists is a matrix too


def test_one_image_moved_fails_without_a_near_tie(untrained):
    model, matrix = untrained
    _, ties = checks.models_matrix(LocalStudent({"model": model}))
    assert ties == 0
    moved = matrix.copy()
    row = int(np.argmax(moved.max(axis=1)))
    column = int(np.argmax(moved[row]))
    moved[row, column] -= 1
    moved[row, (column + 1) % 10] += 1
    outcomes = grade_matrix(model, moved)
    assert [name for name, _ in failed(outcomes)] == ["test_matrix_is_your_models"]
    assert "1 images counted in the wrong place" in failed(outcomes)[0][1]


def test_near_ties_may_fall_either_way():
    """A model that scores every image alike (all ties): any counts of the validation images
    in the right rows are its matrix, as the kernel's arithmetic may break the ties."""
    import keras

    keras.utils.set_random_seed(0)
    model = CIFAR.solution_namespace()["build_lenet5"]()
    last = model.layers[-1]
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    _, y_val, _ = checks.validation()
    anywhere = np.zeros((10, 10), dtype=np.int64)
    np.add.at(anywhere, (y_val, (y_val * 7 + 3) % 10), 1)
    assert not failed(grade_matrix(model, anywhere))
    shares = anywhere / anywhere.sum(axis=1, keepdims=True)
    messages = [message for _, message in failed(grade_matrix(model, shares))]
    assert messages and "the matrix holds shares" in messages[0]


@pytest.mark.parametrize("value, words", [
    (np.zeros((3, 3)), "expected shape (10, 10)"),
    ("a matrix", "expected a numpy array of counts, got str"),
])
def test_a_matrix_of_the_wrong_kind_says_so(untrained, value, words):
    model, _ = untrained
    messages = [message for _, message in failed(grade_matrix(model, value))]
    assert len(messages) == 2 and all(words in m for m in messages), messages
