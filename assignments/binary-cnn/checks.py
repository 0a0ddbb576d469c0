"""Hidden checks for the `binary-cnn` assignment (the course's companion binary CNN).

    test_load            load_cats_dogs(directory), called in the kernel on the student's
                         training folder and on a two-class folder of the grader's own:
                         two datasets, class names in the folders' order, batches of
                         [settings] batch_size images of image_size x 3 floats, one float
                         label a photo (label_mode "binary"), validation_split held back
    test_model           build_model(): the course's stack exactly ([model] of
                         assignment.toml), its input, its output against the loss
                         (a sigmoid, or a linear output with from_logits=True), parameters
    test_decide          decide(probabilities, threshold) by value and on any probabilities
                         of shape (N, 1) or (N,) and any threshold (Hypothesis): 1 above the
                         threshold, 0 below; exactly at it either is accepted
    test_metrics         binary_metrics(labels, predicted) by value and on any labels of
                         shape (N, 1) or (N,) (Hypothesis) against reference/metrics.py
    test_accuracy        the trained `model` on the grader's held-out photos (raw 0..255
                         pixels, a dog above 0.5), in the four steps of the thresholds
    test_val_metrics     the student's `val_metrics` against the confusion matrix of their
                         rebuilt `model` on their own validation photos (the files their
                         load_cats_dogs holds back), recomputed here; a probability within
                         [settings] tie_margin of 0.5 may have fallen either way
    test_training_time   the `train` cell within 3 x the reference solution's time on this
                         device, and a model well above chance
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograder.assignments import here
from autograder.checks import grade, property_settings
from autograder.checks.accuracy import fitting_batch
from autograder.checks.compare import assert_array_matches, typed
from autograder.checks.folder_loading import described, loader_checks, student_folder
from autograder.checks.hints import call, diagnose, explaining, with_hint
from autograder.checks.trained_models import image_classifier_checks, memo, trained_model
from reference import folders
from reference import metrics as ref_metrics

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.datasets
SETTINGS = ASSIGNMENT.settings
CLASSES = tuple(SETTINGS["classes"])
IMAGE_SIZE = tuple(SETTINGS["image_size"])
TIE_MARGIN = float(SETTINGS["tie_margin"])
LOADER = "load_cats_dogs"
KEYS = ("accuracy", "error", "confusion_matrix")
PROPERTY = property_settings(max_examples=25)

# --------------------------------------------------------------------------- 1. load_cats_dogs

globals().update(loader_checks(ASSIGNMENT, LOADER, label_mode="binary"))

# --------------------------------------------------------------------------- 2. the model: the
# checks every image classifier shares (taken in the notebook's order: the model here, the
# accuracy after binary_metrics, the training time last)

SHARED = image_classifier_checks(ASSIGNMENT, preprocess=False)


def _take(prefix: str) -> None:
    globals().update({name: check for name, check in SHARED.items() if name.startswith(prefix)})


_take("test_model")


# --------------------------------------------------------------------------- 3. decide

_describe = typed


def _decide_mistakes(p: np.ndarray, threshold: float):
    flat = p.reshape(-1)
    return [
        ("argmax over the one output column is always 0: a sigmoid gives one probability per "
         "photo; compare it with the threshold instead", lambda: np.argmax(p, axis=1)),
        ("the classes are the wrong way round: 1 (dog) is where the probability is ABOVE the "
         "threshold", lambda: (flat < threshold).astype(int)),
        ("the threshold argument is ignored: compare with `threshold`, not with 0.5 (np.round "
         "decides at 0.5 too)", lambda: (flat > 0.5).astype(int)),
    ]


def _check_decide(student, probabilities, threshold: float | None = None, label: str = "") -> None:
    p = np.asarray(probabilities, dtype=np.float64)
    fn = student.function("decide")
    args = (p,) if threshold is None else (p, threshold)
    cut = 0.5 if threshold is None else threshold
    what = (f"decide({_describe(p)}" + ("" if threshold is None else f", threshold={threshold:g}")
            + f"){label}")
    actual = call(what, fn, *args)
    expected = (p.reshape(-1) > cut).astype(np.int64)
    try:
        got = np.asarray(actual)
        assert got.dtype.kind in "biuf", f"{what}: expected an array of 0 and 1, got {type(actual).__name__}"
        if got.shape == (len(expected), 1):
            got = got.reshape(-1)  # one per photo, as a column: accepted
        at_threshold = np.isclose(p.reshape(-1), cut, rtol=0, atol=1e-12)
        if got.shape == expected.shape:
            got = np.where(at_threshold & np.isin(got, (0, 1)), expected, got)  # > or >=: both right
        assert_array_matches(got, expected, what)
    except AssertionError as failure:
        hint = diagnose(np.asarray(actual), _decide_mistakes(p, cut)) if explaining() else None
        raise with_hint(failure, hint) from None


@grade("test_decide")
def test_decide_examples(student):
    _check_decide(student, [[0.9], [0.2], [0.51], [0.49]], label=" [the notebook's example]")
    _check_decide(student, [[0.9], [0.2], [0.51], [0.49]], 0.8, " [the notebook's example]")
    _check_decide(student, [0.97, 0.03, 0.6, 0.4, 0.7], 0.65,
                  " [probabilities of shape (N,), another threshold]")


@grade("test_decide")
@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=8), column=st.booleans(),
       threshold=st.one_of(st.none(), st.floats(0.05, 0.95)))
@PROPERTY
def test_decide_any_probabilities(student, p, column, threshold):
    _check_decide(student, np.array(p).reshape((-1, 1) if column else (-1,)), threshold)


# --------------------------------------------------------------------------- 4. binary_metrics

def _expected_metrics(labels, predicted) -> dict:
    true, pred = np.ravel(labels).astype(np.int64), np.ravel(predicted).astype(np.int64)
    accuracy = ref_metrics.accuracy(true, pred)
    return {"accuracy": accuracy, "error": 1 - accuracy,
            "confusion_matrix": ref_metrics.confusion_matrix(true, pred, 2)}


def _metric_mistakes(key: str, labels, predicted, right: dict):
    t, p = np.asarray(labels, dtype=np.float64), np.asarray(predicted, dtype=np.float64)
    mistakes = []
    if key == "accuracy" and t.ndim != p.ndim:
        mistakes.append((f"labels of shape {t.shape} compared with predictions of shape {p.shape} "
                         "broadcast to an (N, N) table of every pair: flatten both first "
                         "(np.ravel)", lambda: float(np.mean(t == p))))
    if key == "error":
        mistakes.append(("the error is the share classified WRONG: 1 - accuracy",
                         lambda: right["accuracy"]))
        if t.ndim != p.ndim:
            mistakes.append((f"labels of shape {t.shape} against predictions of shape {p.shape} "
                             "broadcast to an (N, N) table: flatten both first (np.ravel)",
                             lambda: float(np.mean(t != p))))
    if key == "confusion_matrix":
        matrix = right["confusion_matrix"]
        mistakes += [
            ("rows and columns are swapped (the matrix is transposed): rows are the TRUE classes, "
             "columns the predicted ones, [[TN, FP], [FN, TP]]", lambda: matrix.T),
            ("the matrix holds shares: keep the counts", lambda: matrix / matrix.sum()),
            ("the positive class came first: [[TN, FP], [FN, TP]] puts the cats (0) in the first "
             "row and column", lambda: matrix[::-1, ::-1]),
            ("a repeated (true, predicted) pair was counted once: M[labels, predicted] += 1 does "
             "not add twice at a repeated index; count with np.add.at or a loop",
             lambda: (matrix > 0).astype(np.int64)),
        ]
    return mistakes


def _check_metrics(student, labels, predicted, label: str = "") -> None:
    fn = student.function("binary_metrics")
    what = f"binary_metrics({_describe(labels)}, {_describe(predicted)}){label}"
    result = call(what, fn, labels, predicted)
    assert isinstance(result, dict), (f"{what}: expected a dict with the keys "
                                      f"{', '.join(KEYS)}, got {type(result).__name__}")
    missing = [k for k in KEYS if k not in result]
    assert not missing, (f"{what}: the dict has no {', '.join(repr(k) for k in missing)} "
                         f"(its keys: {', '.join(map(repr, result)) or 'none'})")
    right = _expected_metrics(labels, predicted)
    for key in KEYS:
        try:
            assert_array_matches(result[key], right[key], f"{what}[{key!r}]")
        except AssertionError as failure:
            hint = (diagnose(result[key], _metric_mistakes(key, labels, predicted, right))
                    if explaining() else None)
            raise with_hint(failure, hint) from None


# Five photos: a dog taken for a cat; the labels as the dataset gives them.
EXAMPLE_LABELS = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]], dtype=np.float32)
EXAMPLE_PREDICTED = np.array([0, 1, 0, 0, 1])


@grade("test_metrics")
def test_metrics_examples(student):
    _check_metrics(student, EXAMPLE_LABELS, EXAMPLE_PREDICTED, " [the notebook's example]")
    _check_metrics(student, np.array([1, 1, 0, 0, 0, 1, 0, 1]), np.array([1, 0, 1, 0, 0, 1, 1, 1]),
                   " [labels and predictions of shape (N,)]")
    _check_metrics(student, np.array([[0.0], [0.0], [1.0]], dtype=np.float32),
                   np.array([[1], [1], [1]]), " [predictions of shape (N, 1)]")


@grade("test_metrics")
@given(data=st.data(), n=st.integers(1, 10))
@PROPERTY
def test_metrics_any_labels(student, data, n):
    bits = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    labels = np.array(data.draw(bits), dtype=np.float32).reshape(
        (-1, 1) if data.draw(st.booleans(), label="labels as a column") else (-1,))
    predicted = np.array(data.draw(bits), dtype=np.int64).reshape(
        (-1, 1) if data.draw(st.booleans(), label="predictions as a column") else (-1,))
    _check_metrics(student, labels, predicted)


# --------------------------------------------------------------------------- 5. accuracy

_take("test_accuracy")


# --------------------------------------------------------------------------- 6. val_metrics

def validation_photos(student) -> tuple[list, np.ndarray]:
    """(the validation files the student's load_cats_dogs holds back of the training folder,
    their labels): the photos val_ds holds in the kernel."""
    folder = student_folder(student, DATASET)
    _, val = described(student, LOADER, folder)
    paths = [str(p) for p in val.get("file_paths") or ()]
    assert paths, (f"the validation set {LOADER}() returns has no file_paths, so the grader "
                   "cannot tell which photos val_metrics counts (see test_load)")
    labels = np.array([CLASSES.index(Path(p).parent.name) for p in paths])
    return paths, labels


def models_matrix(student) -> tuple[np.ndarray, int]:
    """(the confusion matrix of the rebuilt `model` on the student's validation photos,
    how many of them it scores within the tie margin of 0.5)."""
    def compute():
        paths, labels = validation_photos(student)
        model = trained_model(student).model
        images = folders.read_images(paths, IMAGE_SIZE)
        try:
            scores = np.asarray(model.predict(images, batch_size=fitting_batch(model, 512), verbose=0))
        except Exception as exc:  # noqa: BLE001 - the student's model could not run on them
            raise AssertionError(f"the model could not classify the validation photos: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
        if scores.shape != (len(paths), 1):
            raise AssertionError(f"the model gives outputs of shape {scores.shape}: one probability "
                                 "per photo")
        from_logits = 0.0 if _logits(model) else 0.5
        scores = scores.reshape(-1)
        ties = int(np.sum(np.abs(scores - from_logits) <= TIE_MARGIN))
        return ref_metrics.confusion_matrix(labels, (scores > from_logits).astype(int), 2), ties
    return memo(student, "validation matrix", compute)


def _logits(model) -> bool:
    """A linear output (trained with from_logits=True): a dog above 0, not above 0.5."""
    from autograder.checks.model_spec import activation_name

    last = model.layers[-1]
    return activation_name(getattr(last, "activation", None)) == "linear"


def students_metrics(student) -> dict:
    def fetch():
        value = student.value("val_metrics")
        assert isinstance(value, dict) and all(k in value for k in KEYS), (
            f"val_metrics: expected the dict binary_metrics returns (keys {', '.join(KEYS)}), got "
            + (f"a dict with the keys {', '.join(map(repr, value))}" if isinstance(value, dict)
               else type(value).__name__))
        matrix = np.asarray(value["confusion_matrix"])
        assert matrix.shape == (2, 2) and matrix.dtype.kind in "iuf", (
            f"val_metrics['confusion_matrix']: expected a 2x2 array of counts, got "
            f"{matrix.dtype} of shape {matrix.shape}")
        return {**value, "confusion_matrix": matrix.astype(np.float64)}
    return memo(student, "val_metrics", fetch)


@grade("test_val_metrics")
def test_val_metrics_is_your_models_on_the_validation_photos(student):
    matrix = students_metrics(student)["confusion_matrix"]
    expected, ties = models_matrix(student)
    _, labels = validation_photos(student)
    moved = float(np.abs(matrix - expected).sum() / 2)
    if moved <= ties and np.isclose(matrix.sum(), len(labels)):
        return
    show = lambda m: np.array2string(np.asarray(m).astype(np.int64), separator=", ")  # noqa: E731
    where = (f"{moved:g} photos counted in the wrong place"
             + (f" ({ties} near-ties may fall either way)" if ties else "")
             if np.isclose(matrix.sum(), len(labels)) else
             f"it counts {matrix.sum():g} photos, not the {len(labels)} validation photos")
    failure = AssertionError(
        f"val_metrics['confusion_matrix'] is not your `model`'s on the {len(labels)} validation "
        f"photos of load_cats_dogs, recomputed by the grader (a dog above 0.5): {where}\n"
        f"expected:\n{show(expected)}\ngot:\n{show(matrix)}")
    hint = None
    if np.array_equal(matrix, expected.T):
        hint = "the matrix is transposed: rows are the true classes, columns the predicted ones"
    elif np.array_equal(matrix.sum(axis=1), expected.sum(axis=1)) and \
            np.array_equal(matrix.sum(axis=0), expected.sum(axis=0)):
        hint = ("the right photos and the right predictions, paired wrongly: a val_ds made with "
                "subset=\"validation\" shuffles on every pass, so labels taken in one pass and "
                "predict(val_ds) in another belong to different photos; take both in the same "
                "loop (for images, labels in val_ds)")
    raise with_hint(failure, hint) from None


@grade("test_val_metrics")
def test_val_metrics_accuracy_and_error_agree_with_the_matrix(student):
    metrics = students_metrics(student)
    matrix = metrics["confusion_matrix"]
    total = matrix.sum()
    assert total > 0, "val_metrics['confusion_matrix'] counts no photos"
    accuracy = np.trace(matrix) / total
    for key, value in (("accuracy", accuracy), ("error", 1 - accuracy)):
        assert_array_matches(np.asarray(metrics[key], dtype=np.float64), value,
                             f"val_metrics[{key!r}] (from its own confusion matrix)")


# --------------------------------------------------------------------------- 7. training time

_take("test_training")
