"""The embedded demo class: real notebooks, the mistakes students really make.

Builds a course directory from this repository's course (config, source/),
releases the assignments, writes submissions, and grades them:
    ada  the solution notebook: full marks
    ben  one classic mistake per function (names the mistake in the feedback)
    cy   a notebook that raises on import: every function undefined
    dee  the released notebook handed in untouched
    eve  a file that is not a notebook at all
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from autograder import course, grading, timing

DEMO_ASSIGNMENTS = ("conv-pooling", "cnn-shapes", "mnist-ann")
STUDENTS = {
    "ada": "the solution",
    "ben": "one classic mistake per function",
    "cy": "raises on import; every answer cell fails",
    "dee": "the released notebook, untouched",
    "eve": "not a notebook",
}

# Whole-cell replacements for ben: each a complete, plausible, wrong function.
MISTAKES = {
    "conv-pooling": {
        "output_size": '''def output_size(n, kernel, stride=1, padding=0):
    # ceil instead of floor
    import math
    return math.ceil((n - kernel + 2 * padding) / stride) + 1
''',
        "conv2d": '''import numpy as np

def conv2d(image, kernel, stride=1, padding=0):
    # flips the kernel: a true convolution, not the course's cross-correlation
    image = np.pad(np.asarray(image, dtype=float), padding)
    kernel = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = kernel.shape
    oh = (image.shape[0] - kh) // stride + 1
    ow = (image.shape[1] - kw) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out
''',
        "max_pool": '''import numpy as np

def max_pool(x, pool_size=2, stride=None):
    # pools with stride 1 whatever stride is asked for
    x = np.asarray(x)
    squeeze = x.ndim == 2
    if squeeze:
        x = x[:, :, None]
    oh, ow = x.shape[0] - pool_size + 1, x.shape[1] - pool_size + 1
    out = np.zeros((oh, ow, x.shape[2]), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[i, j] = x[i:i + pool_size, j:j + pool_size].max(axis=(0, 1))
    return out[:, :, 0] if squeeze else out
''',
    },
    "mnist-ann": {
        "build_model": '''def build_model():
    # the course's model before the exercise: no hidden layer
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''',
    },
    "cnn-shapes": {
        "conv_params": '''def conv_params(kernel_size, in_channels, filters, use_bias=True):
    # forgets the bias
    k = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    return k[0] * k[1] * in_channels * filters
''',
        "dense_params": '''def dense_params(in_units, units, use_bias=True):
    # forgets the bias
    return in_units * units
''',
    },
}

BROKEN_IMPORT = "import tensorflow_addons_that_is_not_installed  # the student's first cell\n"


def _defines(cell, name: str) -> bool:
    return cell.cell_type == "code" and re.search(rf"^def {re.escape(name)}\(", cell.source, re.M)


def _write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def build(repo: Path, target: Path) -> list[str]:
    """Lay out the demo course in `target` and write every demo submission."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(repo / course.CONFIG_FILE, target / course.CONFIG_FILE)
    for assignment in DEMO_ASSIGNMENTS:
        shutil.copytree(repo / "source" / assignment, target / "source" / assignment)
        # this machine's reference timings, when the instructor has taken them
        timings = repo / timing.CALIBRATION_DIR / assignment
        if timings.is_dir():
            shutil.copytree(timings, target / timing.CALIBRATION_DIR / assignment)
    api = course.api(target)
    for assignment in DEMO_ASSIGNMENTS:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"could not release {assignment}:\n{result['log']}")
        for name in grading.source_notebooks(target, assignment):
            solution = nbformat.read(str(target / "source" / assignment / name), as_version=4)
            released = nbformat.read(str(target / "release" / assignment / name), as_version=4)
            sub = lambda student: target / "submitted" / student / assignment / name  # noqa: E731
            _write(solution, sub("ada"))
            mistaken = nbformat.from_dict(solution)
            for cell in mistaken.cells:
                for function, code in MISTAKES.get(assignment, {}).items():
                    if _defines(cell, function):
                        cell.source = code
            _write(mistaken, sub("ben"))
            broken = nbformat.from_dict(solution)
            first_code = next(c for c in broken.cells if c.cell_type == "code")
            first_code.source = BROKEN_IMPORT + first_code.source
            for cell in broken.cells:  # every answer cell fails before it defines anything
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = "raise RuntimeError('lost my work')\n" + cell.source
            _write(broken, sub("cy"))
            _write(released, sub("dee"))
            sub("eve").parent.mkdir(parents=True, exist_ok=True)
            sub("eve").write_text("{this is not a notebook")
    return list(DEMO_ASSIGNMENTS)
