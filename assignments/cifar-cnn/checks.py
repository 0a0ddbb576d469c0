"""Hidden checks for the `cifar-cnn` assignment: LeNet-5 and the AlexNet-style network on
CIFAR-10, and the students' own confusion matrix.

    test_preprocess        preprocess(images): pixels / 255 as floats, the shape kept
                           (the course's pixels, and generated images)
    test_lenet5            build_lenet5(): every layer with its Keras arguments and its
                           parameters ([settings.lenet5] of assignment.toml), the input,
                           the output against the loss (compiled), 83,126 parameters
    test_alexnet           build_alexnet(): the same against [settings.alexnet], and the
                           trainable / non-trainable split it declares;
                           built, never trained (too heavy for a CPU grader)
    test_confusion_matrix  confusion_matrix(y_true, y_pred, num_classes=10) against
                           reference.metrics.confusion_matrix, per_class_accuracy(matrix)
                           against reference.metrics.accuracy on each class's examples
                           (0.0 for a class with no examples): the notebook's and fixed
                           examples, and Hypothesis properties (labels of shape (N,) or
                           (N, 1), classes that never occur, uint8 labels as CIFAR-10's)
    test_accuracy          the trained `model` (LeNet-5) on the grader's test split, in the
                           four steps of the declared thresholds
    test_matrix            the student's `matrix`: counts of the validation images (its row
                           sums are the true classes'), and the confusion matrix of their
                           rebuilt `model` on the same validation images, recomputed here
    test_training_time     the `train` cell within 3 x the reference solution's time on
                           this device, and a model well above chance

test_matrix reproduces the kernel's validation split (course_data.validation_split on
the grader's own copy of the training arrays), scales it as the course does, and
compares exactly, except that an image the model scores as a near-tie (its two best
scores within [settings.matrix] tie_margin of each other, relative to the best) may
have fallen either way in the kernel: each such image lets one count move.

When a result is wrong, the check recomputes the common mistakes (a transposed matrix,
labels of shape (N, 1) broadcast against (N,), a repeated index counted once, the
num_classes argument ignored, column sums: the precision, NaN for an empty class, the
training images instead of the validation ones, unscaled pixels...) and names the one
the result matches.
"""
from __future__ import annotations

import functools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder import datasets
from autograder.assignments import here
from autograder.checks import grade, hints, property_settings
from autograder.checks.accuracy import STEPS, fitting_batch, thresholds_from
from autograder.checks.budget import assert_within_budget, passes
from autograder.checks.compare import assert_array_matches, typed
from autograder.checks.hints import call, explaining, with_hint
from autograder.checks.structure import spec_from
from autograder.checks.trained_models import (assert_accuracy_step, assert_trained, memo, model_checks,
                                              preprocess_checks, shaped_for, trained_model)
from autograder.kernel import course_data
from reference import metrics as ref_metrics
from reference.data import CIFAR_LABELS, scale_pixels

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.datasets
SETTINGS = ASSIGNMENT.settings
THRESHOLDS = thresholds_from(ASSIGNMENT.thresholds)
TRAINING_CELL = ASSIGNMENT.training_cell
CLASSES = len(CIFAR_LABELS)
TIE_MARGIN = float(SETTINGS["matrix"]["tie_margin"])

# Examples per property test: enough to meet every common mistake on these small inputs,
# few enough that a submission's checks take a second or two through the bridge.
PROPERTY = property_settings(max_examples=25)


# --------------------------------------------------------------------------- 1. preprocess

for _check in preprocess_checks(DATASET):  # the colour images keep their shape
    globals()[_check.__name__] = grade("test_preprocess")(_check)


# --------------------------------------------------------------------------- 2-3. the networks
# Each exact to the course: its layers (weight 2), its input, its output against the loss,
# its parameters (AlexNet's trainable / non-trainable split too): [settings.lenet5], [settings.alexnet].

for _function, _grade_id, _declared in (("build_lenet5", "test_lenet5", SETTINGS["lenet5"]),
                                         ("build_alexnet", "test_alexnet", SETTINGS["alexnet"])):
    for _check, _weight in model_checks(spec_from(_declared), _function,
                                        prefix=_function.removeprefix("build_")):
        globals()[_check.__name__] = grade(_grade_id, _weight)(_check)
del _check, _weight, _function, _grade_id, _declared


# --------------------------------------------------------------------------- 4. confusion matrix

def _describe(a) -> str:
    return typed(a, limit=16)


def _flat(labels) -> np.ndarray:
    return np.asarray(labels).ravel().astype(np.int64)


def _counts(labels, size: int) -> np.ndarray:
    return np.bincount(_flat(labels), minlength=size)


def _confusion_mistakes(y_true, y_pred, num_classes):
    true, predicted = _flat(y_true), _flat(y_pred)
    right = ref_metrics.confusion_matrix(true, predicted, num_classes)
    mistakes = [
        ("rows and columns are swapped (the matrix is transposed): M[i, j] counts the examples "
         "of TRUE class i PREDICTED as j, so the rows are the true classes", lambda: right.T),
    ]
    if np.ndim(y_true) != np.ndim(y_pred):
        both = (f"y_true has shape {np.shape(y_true)} and y_pred {np.shape(y_pred)}: labels of "
                "shape (N, 1), as CIFAR-10's, against labels of shape (N,) broadcast to every "
                "(true, predicted) pair of examples, N x N of them: flatten the labels first "
                "(np.ravel(y_true))")
        outer = np.outer(_counts(y_true, num_classes), _counts(y_pred, num_classes))
        mistakes += [(both, lambda: outer), (both, lambda: (outer > 0).astype(np.int64))]
    mistakes += [
        ("a repeated (true, predicted) pair was counted once: M[y_true, y_pred] += 1 does not add "
         "twice at a repeated index; count in a loop, or with np.add.at",
         lambda: (right > 0).astype(np.int64)),
        ("the num_classes argument was ignored: the matrix is num_classes x num_classes, every "
         "class included, even one that never occurs", lambda: ref_metrics.confusion_matrix(true, predicted)),
        ("the matrix has one row and one column too many: the classes run from 0 to "
         "num_classes - 1", lambda: ref_metrics.confusion_matrix(true, predicted, num_classes + 1)),
        ("the matrix is too small by one row and one column: the classes run from 0 to "
         "num_classes - 1, so it needs num_classes rows and columns",
         lambda: ref_metrics.confusion_matrix(true, predicted, num_classes - 1)),
        ("each row was divided by its total: return the COUNTS (per_class_accuracy divides)",
         lambda: right / np.maximum(right.sum(axis=1, keepdims=True), 1)),
    ]
    return mistakes


def _confusion_error(error: str) -> str | None:
    """The mistake behind what confusion_matrix raised."""
    if "NotImplementedError" in error:
        return None
    if "IndexError" in error or "out of bounds" in error:
        return ("the matrix is too small for some label: the classes run from 0 to "
                "num_classes - 1, so it needs num_classes rows and columns (a label 9 needs 10)")
    if "too deep" in error or "1 dimension" in error or "only length-1" in error \
            or "integer scalar" in error:
        return ("labels of shape (N, 1), as CIFAR-10's, must be flattened first "
                "(np.ravel(y_true)): the function takes labels of shape (N,) or (N, 1)")
    return None


def _check_confusion(student, y_true, y_pred, num_classes=None, label=""):
    fn = student.function("confusion_matrix")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    size = CLASSES if num_classes is None else num_classes

    def run(t, p):
        return fn(t, p) if num_classes is None else fn(t, p, num_classes)

    shown = "" if num_classes is None else f", num_classes={num_classes}"
    what = f"confusion_matrix(y_true={_describe(y_true)}, y_pred={_describe(y_pred)}{shown}){label}"
    hints.check_array(call(what, run, y_true, y_pred, on_error=_confusion_error),
                      ref_metrics.confusion_matrix(_flat(y_true), _flat(y_pred), size), what,
                      lambda: _confusion_mistakes(y_true, y_pred, size),
                      booleans="the matrix holds booleans: it counts examples, integers")


# CIFAR-10's classes (0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse,
# 8 ship, 9 truck): cats taken for dogs and a dog for a cat, a truck for an automobile, a
# bird for an airplane; no horse and no frog among them. The true labels come as CIFAR-10's
# (N, 1), the predictions as argmax gives them, (N,).
CIFAR_TRUE = np.array([3, 3, 5, 9, 1, 2, 0, 8, 3, 4, 9, 1], dtype=np.uint8).reshape(-1, 1)
CIFAR_PRED = np.array([5, 3, 3, 1, 1, 0, 0, 8, 5, 4, 9, 1])
CIFAR = " [example: CIFAR-10 labels of shape (N, 1) against predictions of shape (N,)]"
SMALL_TRUE, SMALL_PRED = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])


@st.composite
def label_cases(draw, max_classes=5, max_n=10):
    """(y_true, y_pred, num_classes): labels below num_classes, each of shape (N,) or (N, 1),
    as int64 or as CIFAR-10's uint8."""
    classes, n = draw(st.integers(1, max_classes)), draw(st.integers(1, max_n))
    dtype = draw(st.sampled_from((np.int64, np.uint8)))
    labels = st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)

    def shaped(values):
        column = draw(st.booleans())
        return np.array(values, dtype=dtype).reshape((-1, 1) if column else (-1,))

    return shaped(draw(labels)), shaped(draw(labels)), classes


@grade("test_confusion_matrix")
def test_confusion_matrix_examples(student):
    _check_confusion(student, SMALL_TRUE, SMALL_PRED, 3, " [the notebook's example: 3 classes]")
    _check_confusion(student, CIFAR_TRUE, CIFAR_PRED, label=CIFAR)
    _check_confusion(student, CIFAR_TRUE.ravel(), CIFAR_PRED.reshape(-1, 1), 10,
                     " [example: predictions of shape (N, 1)]")
    _check_confusion(student, [0, 1], [1, 1], 4, " [example: classes 2 and 3 never occur]")


@grade("test_confusion_matrix")
@PROPERTY
@given(case=label_cases(), default=st.booleans())
def test_confusion_matrix_any_labels(student, case, default):
    y_true, y_pred, classes = case
    _check_confusion(student, y_true, y_pred, None if default else classes)


def trusted_per_class_accuracy(y_true, y_pred, num_classes) -> np.ndarray:
    """Each class's accuracy by reference.metrics.accuracy on its own examples; 0.0 without any."""
    true, predicted = _flat(y_true), _flat(y_pred)
    return np.array([ref_metrics.accuracy(true[true == c], predicted[true == c]) if np.any(true == c)
                     else 0.0 for c in range(num_classes)])


def _per_class_mistakes(matrix):
    m = np.asarray(matrix, dtype=np.float64)
    right, rows, columns = np.diag(m), m.sum(axis=1), m.sum(axis=0)

    def safe(top, bottom):
        return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)

    precision = ("divided by the column sums: that is each class's precision (of the images "
                 "PREDICTED as the class, the share right); per-class accuracy divides by the "
                 "ROW sums, the examples of each TRUE class")
    return [
        ("a class with no examples gives 0 / 0 = NaN: return 0.0 for it (np.divide(..., "
         "where=row_sums > 0), or test the row sum)", lambda: right / rows),
        (precision, lambda: right / columns),
        (precision, lambda: safe(right, columns)),
        ("divided by the number of ALL examples: divide each class's right answers by its own "
         "examples, the row sum", lambda: right / m.sum()),
        ("these are the counts on the diagonal: divide them by the row sums", lambda: right),
        ("this is each class's error (1 - accuracy): return the share classified RIGHT",
         lambda: safe(rows - right, rows)),
        ("each row was divided by its sum, but the diagonal was not taken: return one value per "
         "class (np.diag)", lambda: m / rows[:, None]),
        ("this is the overall accuracy (the diagonal's sum over the total), one number: return "
         "one value per class", lambda: np.trace(m) / m.sum()),
    ]


def _like(matrix, salt: int) -> np.ndarray:
    """A confusion matrix of the same size with varied counts (from 3 classes on, its last
    class without examples)."""
    size = np.shape(matrix)[0]
    varied = np.random.default_rng(4200 + salt).integers(0, 6, size=(size, size))
    varied[np.arange(size), np.arange(size)] += 1
    varied[np.arange(size), (np.arange(size) + 1) % size] += 2  # not symmetric
    if size > 2:
        varied[-1] = 0
    return varied


def _check_per_class(student, matrix, expected, label=""):
    fn = student.function("per_class_accuracy")
    what = f"per_class_accuracy({_describe(matrix)}){label}"

    def probe():
        return hints.probe_varied(fn, lambda m: _trusted_from_matrix(m), _per_class_mistakes, _like,
                                  np.asarray(matrix))

    hints.check_array(call(what, fn, matrix), expected, what, lambda: _per_class_mistakes(matrix), probe,
                      booleans="the result holds booleans: return each class's accuracy, a float")


def _trusted_from_matrix(matrix) -> np.ndarray:
    """per-class accuracy of a confusion matrix, through the labels it counts."""
    m = np.asarray(matrix, dtype=np.int64)
    size = len(m)
    true = np.repeat(np.arange(size), m.sum(axis=1))
    predicted = np.concatenate([np.repeat(np.arange(size), row) for row in m]) if m.sum() else true
    return trusted_per_class_accuracy(true, predicted, size)


@grade("test_confusion_matrix")
def test_per_class_accuracy_examples(student):
    small = ref_metrics.confusion_matrix(SMALL_TRUE, SMALL_PRED, 3)
    _check_per_class(student, small, trusted_per_class_accuracy(SMALL_TRUE, SMALL_PRED, 3),
                     " [the notebook's example]")
    cifar = ref_metrics.confusion_matrix(_flat(CIFAR_TRUE), CIFAR_PRED, CLASSES)
    _check_per_class(student, cifar, trusted_per_class_accuracy(CIFAR_TRUE, CIFAR_PRED, CLASSES),
                     " [example: CIFAR-10 classes; no horse and no frog among the examples]")
    _check_per_class(student, [[2, 0], [0, 0]], np.array([1.0, 0.0]),
                     " [example: class 1 has no examples]")


@grade("test_confusion_matrix")
@PROPERTY
@given(case=label_cases())
def test_per_class_accuracy_any_matrix(student, case):
    y_true, y_pred, classes = case
    matrix = ref_metrics.confusion_matrix(_flat(y_true), _flat(y_pred), classes)
    _check_per_class(student, matrix, trusted_per_class_accuracy(y_true, y_pred, classes))


# --------------------------------------------------------------------------- 5. accuracy

for _step in range(1, STEPS + 1):
    def _check(student, step=_step):
        assert_accuracy_step(student, DATASET, THRESHOLDS, step, CLASSES)
    _check.__name__ = f"test_accuracy_step_{_step}_of_{STEPS}"
    globals()[_check.__name__] = grade("test_accuracy")(_check)
del _check


# --------------------------------------------------------------------------- 6. the matrix

@functools.lru_cache(maxsize=2)
def validation(name: str = DATASET) -> tuple[np.ndarray, np.ndarray, int]:
    """(validation images as the kernel has them, their labels (N,), training images' count):
    the kernel's split of the grader's own copy of the training data."""
    data = datasets.evaluation(name)
    (x_train, _), (x_val, y_val) = course_data.validation_split(data.x_train, data.y_train)
    return x_val, _flat(y_val), len(x_train)


def _scores(model, images: np.ndarray) -> np.ndarray:
    try:
        scores = np.asarray(model.predict(shaped_for(model, images), batch_size=fitting_batch(model, 512),
                                          verbose=0))
    except Exception as exc:  # noqa: BLE001 - the student's model could not run on the data
        raise AssertionError(f"the model could not classify {'x'.join(map(str, images.shape[1:]))} "
                             f"images: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
    if scores.ndim != 2 or scores.shape[1] != CLASSES:
        raise AssertionError(f"the model's output has shape {scores.shape}: one row of "
                             f"{CLASSES} scores per image")
    return scores


def models_matrix(student) -> tuple[np.ndarray, int]:
    """(the confusion matrix of the student's rebuilt `model` on the validation images scaled
    as the course does, how many of them it scores as near-ties)."""
    def compute():
        x_val, y_val, _ = validation()
        scores = _scores(trained_model(student).model, scale_pixels(x_val))
        top = np.sort(scores, axis=1)[:, -2:]
        ties = int(np.sum(top[:, 1] - top[:, 0] <= TIE_MARGIN * np.maximum(1.0, np.abs(top[:, 1]))))
        return ref_metrics.confusion_matrix(y_val, scores.argmax(axis=1), CLASSES), ties
    return memo(student, "validation matrix", compute)


def students_matrix(student) -> np.ndarray:
    """The student's `matrix`, as a numeric array of shape (10, 10)."""
    def fetch():
        value = student.value("matrix")
        what = f"matrix (the confusion matrix of the {len(validation()[1]):,} validation images)"
        try:
            array = np.asarray(value) if isinstance(value, (np.ndarray, list, tuple)) else None
        except ValueError:
            array = None
        if array is None or array.dtype.kind not in "iuf":
            raise AssertionError(f"{what}: expected a numpy array of counts, got "
                                 f"{type(value).__name__}"
                                 + (f" of dtype {array.dtype}" if array is not None else ""))
        if array.shape != (CLASSES, CLASSES):
            raise AssertionError(f"{what}: expected shape ({CLASSES}, {CLASSES}), one row and one "
                                 f"column per class, got {array.shape}")
        counts = array.astype(np.float64)
        return counts.astype(np.int64) if np.all(counts == np.round(counts)) else counts
    return memo(student, "matrix", fetch)


def _matrix_hint(matrix: np.ndarray, expected: np.ndarray | None = None,
                 unscaled=None) -> str | None:
    _, y_val, n_train = validation()
    total = matrix.sum()
    if expected is not None and np.array_equal(matrix, expected.T):
        return ("the matrix is transposed: rows are the true classes, columns the predicted "
                "ones (confusion_matrix(y_val, predicted): the true labels first)")
    if np.array_equal(matrix.sum(axis=0), _counts(y_val, CLASSES)) and expected is None:
        return ("the columns hold the true classes: the matrix is transposed (rows are the true "
                "classes: confusion_matrix(y_val, predicted), the true labels first)")
    if total == n_train:
        return (f"the matrix counts {n_train:,} images, as many as the training images: compute "
                f"it on the validation images, x_val and y_val ({len(y_val):,})")
    if np.allclose(matrix.sum(axis=1), 1) or np.isclose(total, 1):
        return "the matrix holds shares: keep the counts"
    if unscaled is not None:
        try:
            if np.array_equal(matrix, unscaled()):
                return ("this is your model's matrix on pixels 0..255: the grader feeds it the "
                        "images scaled as the course does (pixels / 255): fix preprocess (see "
                        "test_preprocess)")
        except AssertionError:
            pass
    return None


@grade("test_matrix")
def test_matrix_counts_the_validation_images(student):
    matrix = students_matrix(student)
    _, y_val, _ = validation()
    try:
        assert_array_matches(matrix.sum(axis=1), _counts(y_val, CLASSES),
                             f"the row sums of matrix (the {len(y_val):,} validation images of "
                             "each true class)", atol=0.5)
    except AssertionError as failure:
        raise with_hint(failure, _matrix_hint(matrix) if explaining() else None) from None


@grade("test_matrix")
def test_matrix_is_your_models(student):
    matrix = students_matrix(student)
    expected, ties = models_matrix(student)
    moved = float(np.abs(matrix - expected).sum() / 2)
    if moved <= ties:
        return
    x_val, y_val, _ = validation()

    def unscaled():
        scores = _scores(trained_model(student).model, np.asarray(x_val, dtype=np.float32))
        return ref_metrics.confusion_matrix(y_val, scores.argmax(axis=1), CLASSES)

    show = functools.partial(np.array2string, separator=", ", max_line_width=100)
    where = (f"{moved:g} images counted in the wrong place"
             + (f" ({ties} near-ties may fall either way)" if ties else "")
             if np.isclose(matrix.sum(), len(y_val)) else
             f"it counts {matrix.sum():g} images, not the {len(y_val):,} validation images")
    failure = AssertionError(
        f"matrix is not the confusion matrix of your `model` on the {len(y_val):,} validation "
        f"images, recomputed by the grader (images scaled as the course does: pixels / 255): "
        f"{where}\nexpected:\n{show(expected)}\ngot:\n{show(matrix)}")
    raise with_hint(failure, _matrix_hint(matrix, expected, unscaled)) from None


# --------------------------------------------------------------------------- 7. training

@grade("test_training_time")
def test_training_within_budget(student):
    assert_within_budget(student, TRAINING_CELL, looks_trained=lambda: passes(
        test_training_left_a_trained_model, student))


@grade("test_training_time")
def test_training_left_a_trained_model(student):
    assert_trained(student, DATASET, CLASSES)
