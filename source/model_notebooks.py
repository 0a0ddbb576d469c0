"""The instructor notebooks of the "build and train a Keras model" assignments.

Built by source/build_notebooks.py (which registers them) from the reference
solutions in reference/assignments/mnist_ann.py and fashion_ann.py. Each
assignment folder also gets course_data.py (a copy of autograder/course_data.py),
through which the notebook loads its data in the grader and at home alike.
"""
from __future__ import annotations

import nbformat

import build_notebooks as nb
from autograder.checks import fashion_ann as fashion_checks
from autograder.checks import mnist_ann as mnist_checks
from reference.assignments import fashion_ann, mnist_ann

POINTS = {"test_preprocess": 2, "test_model": 4, "test_accuracy": 8, "test_training_time": 2}


def training_cell(cell_id: str, source: str):
    """The solution cell that trains the model: the grader times it from outside the kernel."""
    if nb.BEGIN not in source or nb.END not in source:
        raise ValueError(f"the training cell {cell_id} has no {nb.BEGIN} / {nb.END} block")
    cell = nbformat.v4.new_code_cell(source, metadata=nb._nbgrader(cell_id, solution=True))
    cell["id"] = cell_id
    return cell


def _percent(value: float) -> str:
    return f"{value:.0%}" if round(value * 100) == value * 100 else f"{value:.1%}"


def _intro(title: str, activity: str, exercise: str, dataset: str, checks) -> str:
    real, embedded = checks.THRESHOLDS["real"], checks.THRESHOLDS["embedded"]
    p = POINTS
    return f"""
        # {title}

        {activity} The exercise: **{exercise}**

        **How this notebook is graded.** Write your code in the cells marked
        `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). Do not rename the
        functions or the variables `model` and `history`. The test cells hold public checks you
        can run yourself; when you submit, the grader runs hidden checks instead, in its own
        process: it rebuilds your model from its configuration and weights (standard Keras
        layers only: no `Lambda`, no custom layers), and measures it on test images your
        notebook never sees.

        | Part | What | Points |
        |---|---|---|
        | 1 | `preprocess` scales the pixels | {p['test_preprocess']} |
        | 2 | `build_model` builds and compiles the network the exercise asks for | {p['test_model']} |
        | 3 | the trained `model`'s accuracy on the grader's test images | {p['test_accuracy']} |
        | 4 | the training cell runs within its time budget and leaves a trained `model` | {p['test_training_time']} |
        | | **Total** | **{sum(p.values())}** |

        **Accuracy.** Full credit at {_percent(real.target)} test accuracy on {dataset}, none
        at {_percent(real.floor)} or below, and a quarter of the points for each quarter of the
        way between. When the grader has no copy of {dataset}, it trains and measures on an
        embedded stand-in dataset and says so (`load_data` prints where your data came from);
        there full credit is at {_percent(embedded.target)}, none at {_percent(embedded.floor)}.

        **Time.** The grader times your training cell from outside your kernel. It may take up to
        3 times as long as the reference solution's on the same grading machine: a few epochs of
        this small network are plenty. Training far longer costs those points (and the
        grader stops a cell after an hour).
        """


def _setup(dataset: str):
    return [
        nb.code("setup", """
            import numpy as np
            import keras
            from course_data import load_data

            keras.utils.set_random_seed(0)  # the same weights and batches on every run
            """),
        nb.code("data", f"""
            # Training images and labels, with the last tenth held back for validation.
            (x_train, y_train), (x_val, y_val) = load_data("{dataset}")
            print("training:", x_train.shape, y_train.shape, "validation:", x_val.shape, y_val.shape)
            """),
    ]


PREPROCESS_TESTS = """
    # Public checks. Run this cell to check your work.
    scaled = preprocess(x_train[:2])
    assert scaled.shape == (2, 28, 28), "keep the shape: the model's Flatten layer flattens"
    assert scaled.dtype.kind == "f", "floats, not integers"
    assert 0 <= scaled.min() and scaled.max() <= 1
    assert np.allclose(preprocess(np.array([[0, 51, 255]], dtype=np.uint8)), [[0, 0.2, 1]])
    """

ACCURACY_TESTS = """
    # Public checks. Run this cell to check your work.
    val_loss, val_accuracy = model.evaluate(preprocess(x_val), y_val, verbose=0)
    print(f"validation accuracy: {val_accuracy:.4f}")
    assert val_accuracy >= 0.85, "well below what this network reaches: is it trained?"
    """

TIME_TESTS = """
    # Public checks. Run this cell to check your work.
    assert len(history.history["loss"]) >= 1, "model.fit ran for at least one epoch"
    assert history.history["loss"][-1] < history.history["loss"][0], "the loss went down"
    """


def _training_part(module, title: str):
    return [
        nb.markdown("explain_training", f"""
            ## 3. Train it

            Build the model with `build_model()` and train it with `model.fit` on the preprocessed
            training images, watching the validation set. Keep the result in `model` (and what
            `fit` returns in `history`): the grader measures that `model`.

            {title}
            """),
        training_cell("train", module.TRAINING),
        nb.tests("test_accuracy", POINTS["test_accuracy"], ACCURACY_TESTS),
        nb.tests("test_training_time", POINTS["test_training_time"], TIME_TESTS),
    ]


def mnist_ann_notebook() -> nbformat.NotebookNode:
    m = mnist_ann
    return nb.notebook([
        nb.markdown("intro", _intro(
            "Handwritten digits with a neural network",
            "The course's activity 2: classify 28x28 greyscale images of handwritten digits "
            "(MNIST, 70,000 images) with Keras. The course's first model is a single Dense "
            "layer of 10 softmax neurons on the flattened pixels (about 92% accuracy).",
            "add a hidden Dense layer of 128 neurons with relu, and compare performance.",
            "MNIST", mnist_checks)),
        *_setup("mnist"),
        nb.markdown("explain_preprocess", """
            ## 1. Scale the pixels

            The images are uint8 arrays of shape (N, 28, 28) with pixels from 0 (black) to 255
            (white). Networks train better on small inputs: scale every pixel to [0, 1] by
            dividing by 255, as floats. Keep the shape (the model flattens the images itself).
            """),
        nb.solution(m, "preprocess"),
        nb.tests("test_preprocess", POINTS["test_preprocess"], PREPROCESS_TESTS),
        nb.markdown("explain_model", """
            ## 2. The network

            The course's model was `Flatten` followed by `Dense(10, activation="softmax")`. Do the
            exercise: put a hidden `Dense` layer of 128 neurons with the relu activation between
            them. Start the model with `keras.Input(shape=(28, 28))` (Keras 3 warns about
            `input_shape=` on a layer).
            """),
        nb.solution(m, "build_model"),
        nb.tests("test_model", POINTS["test_model"], """
            # Public checks. Run this cell to check your work.
            m = build_model()
            assert [type(layer).__name__ for layer in m.layers] == ["Flatten", "Dense", "Dense"]
            assert m.layers[1].units == 128 and m.layers[1].activation.__name__ == "relu"
            assert m.layers[2].units == 10 and m.layers[2].activation.__name__ == "softmax"
            assert m.count_params() == 101_770, "(784 + 1) * 128 + (128 + 1) * 10"
            """),
        *_training_part(m, "Compare: the course's model without the hidden layer reaches about "
                           "92% on MNIST; yours should pass 97% after a few epochs."),
    ])


def fashion_ann_notebook() -> nbformat.NotebookNode:
    m = fashion_ann
    return nb.notebook([
        nb.markdown("intro", _intro(
            "Fashion with a neural network",
            "The course's activity 3: classify 28x28 greyscale images of clothes (Fashion-MNIST, "
            "70,000 images; labels 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, "
            "5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot) with Keras, starting from the "
            "network of the digits activity: one hidden Dense layer of 128 relu neurons.",
            "add another hidden layer after the first.", "Fashion-MNIST", fashion_checks)),
        *_setup("fashion_mnist"),
        nb.markdown("explain_preprocess", """
            ## 1. Scale the pixels

            As for the digits: uint8 pixels 0..255 in arrays of shape (N, 28, 28) become floats in
            [0, 1] (divide by 255), and the shape stays.
            """),
        nb.solution(m, "preprocess"),
        nb.tests("test_preprocess", POINTS["test_preprocess"], PREPROCESS_TESTS),
        nb.markdown("explain_model", """
            ## 2. The network

            Start from the digits network: `keras.Input(shape=(28, 28))`, `Flatten`, a hidden
            `Dense(128, activation="relu")`, and the output `Dense(10, activation="softmax")`. Do
            the exercise: add a second hidden `Dense` layer with relu right after the first one.
            Its size is yours to choose.
            """),
        nb.solution(m, "build_model"),
        nb.tests("test_model", POINTS["test_model"], """
            # Public checks. Run this cell to check your work.
            m = build_model()
            assert [type(layer).__name__ for layer in m.layers] == ["Flatten", "Dense", "Dense", "Dense"]
            assert m.layers[1].units == 128, "the first hidden layer stays as it was"
            assert all(layer.activation.__name__ == "relu" for layer in m.layers[1:3])
            assert m.layers[3].units == 10 and m.layers[3].activation.__name__ == "softmax"
            """),
        *_training_part(m, "Compare with the one-hidden-layer network: the second layer "
                           "usually adds a point or two of accuracy."),
    ])
