"""Build the instructor notebooks source/<assignment>/<assignment>.ipynb (nbgrader format).

    python source/build_notebooks.py            # (re)write every notebook
    python source/build_notebooks.py --check    # exit 1 if a committed notebook is stale

The solution cells are copied verbatim (markers included) from the reference
solutions in reference/assignments/, so notebook and reference cannot drift;
tests/checks/ proves the notebooks' solutions score full marks and that this
script reproduces the committed notebooks byte for byte. The test cells hold
only the public asserts (the course's worked examples) and a comment naming
the hidden checks, which live in autograder/checks/ and run in the grader,
never in the student's kernel. Cell ids and metadata are fixed, so the output
is reproducible.
"""
from __future__ import annotations

import argparse
import os
import ast
import inspect
import sys
from pathlib import Path
from types import ModuleType

import nbformat

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the model assignments import Keras
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reference.assignments import ann_basics, cnn_shapes, conv_pooling  # noqa: E402

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN = "# Hidden checks: {grade_id} (run by the grader, not in your kernel)"


# --------------------------------------------------------------------------- cells

def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(cell_id: str, text: str):
    """A read-only instruction cell."""
    cell = nbformat.v4.new_markdown_cell(inspect.cleandoc(text), metadata=_nbgrader(cell_id, locked=True))
    cell["id"] = cell_id
    return cell


def code(cell_id: str, source: str):
    """A read-only code cell (imports, the course's example data) that runs in the kernel."""
    cell = nbformat.v4.new_code_cell(inspect.cleandoc(source), metadata=_nbgrader(cell_id, locked=True))
    cell["id"] = cell_id
    return cell


def solution(module: ModuleType, name: str):
    """The solution cell of function or variable `name`, verbatim from the reference module."""
    source = _function_source(module, name) if callable(getattr(module, name)) else _value_source(module, name)
    if BEGIN not in source or END not in source:
        raise ValueError(f"{module.__name__}.{name} has no {BEGIN} / {END} block")
    cell = nbformat.v4.new_code_cell(source, metadata=_nbgrader(name, solution=True))
    cell["id"] = name
    return cell


def tests(grade_id: str, points: int, public_asserts: str):
    """An autograded test cell: the public asserts, then the name of the hidden checks."""
    source = inspect.cleandoc(public_asserts) + "\n" + HIDDEN.format(grade_id=grade_id)
    cell = nbformat.v4.new_code_cell(source, metadata=_nbgrader(grade_id, grade=True, locked=True,
                                                               points=points))
    cell["id"] = grade_id
    return cell


def _function_source(module: ModuleType, name: str) -> str:
    return inspect.getsource(getattr(module, name)).rstrip("\n")


def _value_source(module: ModuleType, name: str) -> str:
    """`name = ...` at module level with the solution markers around it."""
    text = inspect.getsource(module)
    lines = text.splitlines()
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            first, last = node.lineno - 1, node.end_lineno  # 0-based first line, one past the last
            if lines[first - 1].strip() != BEGIN or lines[last].strip() != END:
                raise ValueError(f"{module.__name__}.{name} must sit between {BEGIN} and {END}")
            return "\n".join(lines[first - 1:last + 1])
    raise ValueError(f"{module.__name__} does not assign {name}")


def notebook(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- conv-pooling

CONV_POINTS = {"test_output_size": 2, "test_zero_pad": 1, "test_conv2d": 4, "test_conv2d_multi": 4,
               "test_max_pool": 2, "test_avg_pool": 2}


def conv_pooling_notebook() -> nbformat.NotebookNode:
    m, p = conv_pooling, CONV_POINTS
    return notebook([
        markdown("intro", f"""
            # Convolution and pooling from scratch

            In the course you built CNNs with Keras layers. Here you write what those layers
            compute, with nothing but numpy: the output size of a convolution, zero padding,
            the convolution itself (one channel, then a whole `Conv2D` layer with channels,
            filters and biases), and max / average pooling.

            **How this notebook is graded.** Write your code in the cells marked
            `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). Do not rename
            the functions or change their parameters. After each function comes a test cell:
            the asserts in it are the course's worked examples; run it to check your work. When
            you submit, the grader also runs *hidden checks* (named in the last line of each test
            cell) on many small random inputs, compares your results with a trusted
            implementation, and tells you the smallest input where yours differs. Partial
            credit is given per check.

            | Part | Function | Points |
            |---|---|---|
            | 1 | `output_size` | {p['test_output_size']} |
            | 2 | `zero_pad` | {p['test_zero_pad']} |
            | 3 | `conv2d` | {p['test_conv2d']} |
            | 4 | `conv2d_multi` | {p['test_conv2d_multi']} |
            | 5 | `max_pool` | {p['test_max_pool']} |
            | 5 | `avg_pool` | {p['test_avg_pool']} |
            | | **Total** | **{sum(p.values())}** |

            Use numpy only (no TensorFlow, no scipy): plain loops over the output positions
            are fine.
            """),
        code("setup", """
            import numpy as np
            """),
        code("course_examples", """
            # The course's worked examples, used in the explanations and the public checks below.
            X_IMAGE = np.array([[1, 0, 0, 0, 1],
                                [0, 1, 0, 1, 0],
                                [0, 0, 1, 0, 0],
                                [0, 1, 0, 1, 0],
                                [1, 0, 0, 0, 1]])
            X_KERNEL = np.array([[1, 0, 1],
                                 [0, 1, 0],
                                 [1, 0, 1]])
            VERTICAL_KERNEL = np.array([[0, 1, 0],
                                        [0, 1, 0],
                                        [0, 1, 0]])
            PAD_IMAGE = np.array([[1, 2, 0, 3, 1],
                                  [1, 0, 0, 2, 2],
                                  [2, 1, 2, 1, 1],
                                  [0, 0, 1, 0, 0],
                                  [1, 2, 1, 1, 1]])
            PAD_KERNEL = np.array([[-1, 1, 2],
                                   [1, 1, 0],
                                   [-1, -2, 0]])
            KEEP_IMAGE = np.array([[2, 1, 0, 1, 2],
                                   [1, 2, 1, 2, 1],
                                   [0, 1, 2, 1, 0],
                                   [1, 2, 1, 2, 1],
                                   [2, 1, 0, 1, 2]])
            POOL_MATRIX = np.array([[5, 2, 4, 1],
                                    [3, 2, 2, 9],
                                    [4, 1, 1, 3],
                                    [1, 2, 0, 0]])
            """),
        markdown("explain_output_size", r"""
            ## 1. The output size of a convolution

            A kernel of size $K$ slid over an input of size $W_{in}$, $S$ pixels at a time, after
            adding $P$ zeros on **each** side, fits in

            $$W_{out} = \left\lfloor \frac{W_{in} - K + 2P}{S} \right\rfloor + 1$$

            positions. The floor matters when the stride does not divide evenly: the last,
            incomplete window is dropped. Example from the slides: a 28x28 image and a 5x5 filter
            with $P = 0$, $S = 1$ give a 24x24 output. (One slide writes the same thing as
            $\lceil (N - f + 1) / s \rceil$, which is equal; the floor form is the one to use.)

            Write `output_size(n, kernel, stride=1, padding=0)`; it must return an `int`.
            """),
        solution(m, "output_size"),
        tests("test_output_size", p["test_output_size"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert output_size(28, 5) == 24, "a 28x28 image and a 5x5 filter give 24x24"
            assert isinstance(output_size(28, 5), int), "return an int: use // (floor division)"
            assert output_size(5, 3) == 3, "a 5x5 image and a 3x3 kernel give 3x3"
            assert output_size(5, 3, padding=1) == 5, "padding 1 keeps a 5x5 image 5x5 with a 3x3 kernel"
            assert output_size(5, 3, stride=2, padding=1) == 3, "padding 1, stride 2 gives 3x3"
            assert output_size(4, 2, stride=2) == 2, "2x2 pooling windows with stride 2 on a 4x4 input"
            """),
        markdown("explain_zero_pad", """
            ## 2. Zero padding

            Padding by $p$ surrounds the image with $p$ rows of zeros at the top **and** the bottom
            and $p$ columns of zeros at the left **and** the right: an (H, W) image becomes
            (H + 2p, W + 2p), with the image unchanged in the middle. Without padding every
            convolution shrinks the image and uses the border pixels less often than the
            centre ones; with a 3x3 kernel, padding 1 keeps the size.

            Write `zero_pad(image, p)` for a 2-D image (`np.pad` is allowed, a slice assignment
            into `np.zeros` works too).
            """),
        solution(m, "zero_pad"),
        tests("test_zero_pad", p["test_zero_pad"], """
            # Public checks. Run this cell to check your work.
            padded = zero_pad(PAD_IMAGE, 1)
            assert padded.shape == (7, 7), "p = 1 adds one row/column on every side: 5x5 -> 7x7"
            assert np.array_equal(padded[1:-1, 1:-1], PAD_IMAGE), "the image sits unchanged in the middle"
            assert padded[0].sum() == padded[-1].sum() == padded[:, 0].sum() == padded[:, -1].sum() == 0
            assert zero_pad(PAD_IMAGE, 2).shape == (9, 9)
            assert np.array_equal(zero_pad(PAD_IMAGE, 0), PAD_IMAGE), "p = 0 changes nothing"
            """),
        markdown("explain_conv2d", """
            ## 3. Convolution (as in the course: cross-correlation)

            Place the kernel on the top-left corner of the (padded) image, multiply each kernel
            value by the pixel under it and add everything up: that is output (0, 0). Move the
            kernel `stride` pixels to the right for the next output, and `stride` pixels down for
            the next row. Output (i, j) therefore uses the window that starts at row
            `i * stride`, column `j * stride`.

            The kernel is **not flipped**: what deep learning (and Keras) calls convolution is,
            strictly speaking, cross-correlation.

            The X image with the X kernel (stride 1, no padding):

            ```
            input  1 0 0 0 1   kernel 1 0 1   output 3 0 3
                   0 1 0 1 0          0 1 0          0 5 0
                   0 0 1 0 0          1 0 1          3 0 3
                   0 1 0 1 0
                   1 0 0 0 1
            ```

            (The slide prints 3 in the centre; the centre window is the X itself, so the sum is 5.)
            With `PAD_IMAGE` and `PAD_KERNEL`: no padding gives `[[-2, -1, 3], [2, 5, 8], [-2, 0, -1]]`;
            padding 1 and stride 2 give `[[-1, 2, -2], [3, 5, 2], [1, 4, 2]]`.

            Write `conv2d(image, kernel, stride=1, padding=0)`; use your `zero_pad` and
            `output_size`.
            """),
        solution(m, "conv2d"),
        tests("test_conv2d", p["test_conv2d"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert np.array_equal(conv2d(X_IMAGE, X_KERNEL), [[3, 0, 3], [0, 5, 0], [3, 0, 3]])
            assert np.array_equal(conv2d(X_IMAGE, VERTICAL_KERNEL), [[1, 1, 1], [2, 1, 2], [1, 1, 1]])
            assert np.array_equal(conv2d(PAD_IMAGE, PAD_KERNEL), [[-2, -1, 3], [2, 5, 8], [-2, 0, -1]])
            assert np.array_equal(conv2d(PAD_IMAGE, PAD_KERNEL, padding=1),
                                  [[-1, 2, 2, -1, -2], [2, -2, -1, 3, -1], [3, 2, 5, 8, 2],
                                   [2, -2, 0, -1, -3], [1, 5, 4, 1, 2]])
            assert np.array_equal(conv2d(PAD_IMAGE, PAD_KERNEL, stride=2, padding=1),
                                  [[-1, 2, -2], [3, 5, 2], [1, 4, 2]])
            assert np.array_equal(conv2d(KEEP_IMAGE, X_KERNEL, padding=1),
                                  [[4, 3, 4, 3, 4], [3, 6, 5, 6, 3], [4, 5, 10, 5, 4],
                                   [3, 6, 5, 6, 3], [4, 3, 4, 3, 4]])
            """),
        markdown("explain_conv2d_multi", """
            ## 4. A whole `Conv2D` layer: channels, filters, bias, "same" padding

            A real layer gets an (H, W, C) input, for example an RGB image with C = 3. Each of
            its F filters is a (kh, kw, C) kernel: it covers **all** the channels of the window at
            once, and its output at (i, j) is the sum over the window and every channel, plus the
            filter's bias. Stacking the F results gives an (H', W', F) output. Keras stores the
            kernels as one (kh, kw, C, F) array and the biases as an (F,) array, as here.

            `padding="valid"` means no padding. `padding="same"` (Keras) pads so that the output
            is $\\lceil H / S \\rceil \\times \\lceil W / S \\rceil$ (with stride 1: the input's size).
            Along each axis the total padding is $\\max((out - 1) S + k - n, 0)$; when it is odd,
            TensorFlow puts the extra row / column at the **bottom / right**. Example: n = 4,
            k = 2, stride 1 needs 1 pixel of padding in total: 0 at the top, 1 at the bottom.

            Write `conv2d_multi(x, kernels, bias, stride=1, padding="valid")`.
            """),
        solution(m, "conv2d_multi"),
        tests("test_conv2d_multi", p["test_conv2d_multi"], """
            # Public checks. Run this cell to check your work.
            x = X_IMAGE[:, :, np.newaxis]                      # (5, 5, 1): one channel
            k = X_KERNEL[:, :, np.newaxis, np.newaxis]         # (3, 3, 1, 1): one filter
            assert conv2d_multi(x, k, np.zeros(1)).shape == (3, 3, 1)
            assert np.array_equal(conv2d_multi(x, k, np.zeros(1))[:, :, 0], [[3, 0, 3], [0, 5, 0], [3, 0, 3]])
            assert np.array_equal(conv2d_multi(x, k, np.array([1.0]))[:, :, 0], [[4, 1, 4], [1, 6, 1], [4, 1, 4]]), \\
                "the bias is added to every output value"
            two = np.stack([X_IMAGE, X_IMAGE], axis=-1)        # (5, 5, 2): the X image twice
            k2 = np.stack([X_KERNEL, X_KERNEL], axis=-1)[:, :, :, np.newaxis]  # (3, 3, 2, 1)
            assert np.array_equal(conv2d_multi(two, k2, np.zeros(1))[:, :, 0], [[6, 0, 6], [0, 10, 0], [6, 0, 6]]), \\
                "a filter sums over all input channels"
            same = conv2d_multi(KEEP_IMAGE[:, :, np.newaxis], k, np.zeros(1), padding="same")
            assert np.array_equal(same[:, :, 0], conv2d(KEEP_IMAGE, X_KERNEL, padding=1)), \\
                "'same' with a 3x3 kernel and stride 1 pads 1 on every side"
            assert conv2d_multi(np.zeros((5, 5, 3)), np.zeros((2, 2, 3, 4)), np.zeros(4), 2, "same").shape == (3, 3, 4)
            assert conv2d_multi(np.zeros((4, 4, 1)), np.zeros((2, 2, 1, 1)), np.zeros(1), 1, "same").shape == (4, 4, 1)
            """),
        markdown("explain_pooling", """
            ## 5. Max and average pooling

            Pooling slides a `pool_size` x `pool_size` window over each channel separately and
            keeps the maximum (max pooling) or the mean (average pooling) of each window. The
            stride defaults to the pool size, so the windows do not overlap, and windows that
            do not fit are dropped ("valid"): the output size is the same formula as in part 1.
            Pooling has no parameters, and keeps the number of channels.

            The course's example, 2x2 windows with stride 2 on `POOL_MATRIX`:

            ```
            5 2 | 4 1
            3 2 | 2 9        max -> 5 9     average -> 3 4
            ----+----               4 3                2 1
            4 1 | 1 3
            1 2 | 0 0
            ```

            Write `max_pool(x, pool_size=2, stride=None)` and `avg_pool(x, pool_size=2, stride=None)`
            for a 2-D (H, W) or a 3-D (H, W, C) input.
            """),
        solution(m, "max_pool"),
        tests("test_max_pool", p["test_max_pool"], """
            # Public checks: the course's worked example. Run this cell to check your work.
            assert np.array_equal(max_pool(POOL_MATRIX), [[5, 9], [4, 3]]), "2x2 windows, stride 2"
            assert np.array_equal(max_pool(POOL_MATRIX, 2, 2), [[5, 9], [4, 3]])
            assert np.array_equal(max_pool(POOL_MATRIX, 2, 1), [[5, 4, 9], [4, 2, 9], [4, 2, 3]]), "stride 1 overlaps"
            channels = np.stack([POOL_MATRIX, 10 - POOL_MATRIX], axis=-1)  # (4, 4, 2)
            assert max_pool(channels).shape == (2, 2, 2), "pooling keeps the channels"
            assert np.array_equal(max_pool(channels)[:, :, 1], [[8, 9], [9, 10]]), "each channel on its own"
            assert max_pool(np.zeros((5, 5))).shape == (2, 2), "windows that do not fit are dropped"
            """),
        solution(m, "avg_pool"),
        tests("test_avg_pool", p["test_avg_pool"], """
            # Public checks: the course's worked example. Run this cell to check your work.
            assert np.array_equal(avg_pool(POOL_MATRIX), [[3, 4], [2, 1]]), "2x2 windows, stride 2"
            assert np.allclose(avg_pool(POOL_MATRIX, 2, 1)[0], [3, 2.5, 4]), "stride 1 overlaps"
            channels = np.stack([POOL_MATRIX, 10 - POOL_MATRIX], axis=-1)  # (4, 4, 2)
            assert np.array_equal(avg_pool(channels)[:, :, 1], [[7, 6], [8, 9]]), "each channel on its own"
            assert avg_pool(np.ones((5, 5))).shape == (2, 2), "windows that do not fit are dropped"
            """),
        markdown("closing", """
            ## What the hidden checks look at

            For every function, the course's worked examples and many small random inputs
            (images up to 10x10, kernels up to 5x5, strides up to 3, up to 3 channels and filters).
            When your result differs, the feedback shows the smallest input where it does, the
            expected and the actual arrays, and, when it recognises one, the mistake it looks
            like (a flipped kernel, a forgotten bias, pooling with stride 1, ...).
            """),
    ])


# --------------------------------------------------------------------------- cnn-shapes

SHAPES_POINTS = {"test_conv_output_shape": 2, "test_pool_output_shape": 2, "test_conv_params": 2,
                 "test_dense_params": 1, "test_summarize": 4, "test_exercise_table": 4}


def cnn_shapes_notebook() -> nbformat.NotebookNode:
    m, p = cnn_shapes, SHAPES_POINTS
    return notebook([
        markdown("intro", f"""
            # Shapes, activation sizes and parameters of a CNN

            Before training a CNN it pays to know, layer by layer, what shape comes out, how many
            values that is (the *activation size*: what the layer stores per example) and how many
            parameters the layer learns. Keras prints this with `model.summary()`; here you compute
            it yourself, then fill the course's exercise table by hand.

            **How this notebook is graded.** Write your code in the cells marked
            `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line); do not rename the
            functions or change their parameters. The test cell after each part holds the course's
            worked examples as asserts: run it to check your work. The grader also runs *hidden
            checks* (named in the last line of each test cell) on every layer of the course's
            models and on many random layers and models, and compares your answers with a
            calculator that matches Keras exactly.

            | Part | What | Points |
            |---|---|---|
            | 1 | `conv_output_shape` | {p['test_conv_output_shape']} |
            | 2 | `pool_output_shape` | {p['test_pool_output_shape']} |
            | 3 | `conv_params` | {p['test_conv_params']} |
            | 3 | `dense_params` | {p['test_dense_params']} |
            | 4 | `summarize` | {p['test_summarize']} |
            | 5 | the exercise table | {p['test_exercise_table']} |
            | | **Total** | **{sum(p.values())}** |

            Shapes are Keras shapes without the batch dimension, channels last:
            an image is (height, width, channels), the output of `Flatten` or `Dense` is (units,).
            """),
        code("setup", """
            import numpy as np
            """),
        code("course_models", """
            # The course's models as lists of layer dicts (the Keras class name under "type",
            # then the Keras arguments). Used in the public checks below.
            MNIST_CNN = [  # input (28, 28, 1)
                {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "MaxPooling2D", "pool_size": 2, "strides": 2},
                {"type": "Conv2D", "filters": 16, "kernel_size": 5, "padding": "valid", "activation": "relu"},
                {"type": "MaxPooling2D", "pool_size": 2, "strides": 2},
                {"type": "Flatten"},
                {"type": "Dense", "units": 120, "activation": "relu"},
                {"type": "Dense", "units": 84, "activation": "relu"},
                {"type": "Dense", "units": 10, "activation": "softmax"},
            ]
            BINARY_CNN = [  # input (200, 200, 3): cats vs dogs
                {"type": "Conv2D", "filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "MaxPooling2D", "pool_size": 2},
                {"type": "Flatten"},
                {"type": "Dense", "units": 128, "activation": "relu"},
                {"type": "Dropout", "rate": 0.5},
                {"type": "Dense", "units": 1, "activation": "sigmoid"},
            ]
            """),
        markdown("explain_conv_output_shape", r"""
            ## 1. The output shape of a `Conv2D` layer

            Keras computes each spatial axis (height, then width) with

            * `padding="valid"` (no padding): $n_{out} = \left\lfloor \frac{n - k}{s} \right\rfloor + 1$
            * `padding="same"`: $n_{out} = \left\lceil \frac{n}{s} \right\rceil$, whatever the kernel size

            and the output has one channel per filter. Examples from the course:
            (28, 28, 1) through `Conv2D(8, 3, padding="same")` gives (28, 28, 8);
            (14, 14, 8) through `Conv2D(16, 5)` ("valid") gives (10, 10, 16); the AlexNet-style
            model's `Conv2D(96, 11, strides=4, padding="same")` on a (32, 32, 3) image gives (8, 8, 96).

            Write `conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid")`;
            it must return a **tuple** of ints. (Hint: `-(-n // s)` is the ceiling of n / s.)
            """),
        solution(m, "conv_output_shape"),
        tests("test_conv_output_shape", p["test_conv_output_shape"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert conv_output_shape((28, 28, 1), 8, 3, padding="same") == (28, 28, 8)
            assert conv_output_shape((14, 14, 8), 16, 5) == (10, 10, 16)
            assert conv_output_shape((28, 28, 1), 6, 5) == (24, 24, 6), "28x28 with a 5x5 filter gives 24x24"
            assert conv_output_shape((32, 32, 3), 96, 11, strides=4, padding="same") == (8, 8, 96)
            assert conv_output_shape((200, 200, 3), 32, 3, 1, "same") == (200, 200, 32)
            assert isinstance(conv_output_shape((14, 14, 8), 16, 5), tuple), "return a tuple"
            """),
        markdown("explain_pool_output_shape", """
            ## 2. The output shape of a pooling layer

            `MaxPooling2D` and `AveragePooling2D` use the same two formulas with the pool size in
            place of the kernel size. Their stride defaults to the pool size (`strides=None`),
            and they keep the number of channels. Examples: (28, 28, 8) through
            `MaxPooling2D(2)` gives (14, 14, 8); AlexNet's `MaxPooling2D(3, strides=2,
            padding="same")` turns (8, 8, 96) into (4, 4, 96).

            Write `pool_output_shape(input_shape, pool_size=2, strides=None, padding="valid")`.
            """),
        solution(m, "pool_output_shape"),
        tests("test_pool_output_shape", p["test_pool_output_shape"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert pool_output_shape((28, 28, 8)) == (14, 14, 8), "pool 2, stride = pool size"
            assert pool_output_shape((10, 10, 16), 2) == (5, 5, 16)
            assert pool_output_shape((8, 8, 96), 3, 2, "same") == (4, 4, 96)
            assert pool_output_shape((2, 2, 256), 3, 2, "same") == (1, 1, 256)
            assert pool_output_shape((5, 5, 1), 2) == (2, 2, 1), "windows that do not fit are dropped"
            """),
        markdown("explain_params", """
            ## 3. Parameters

            * `Conv2D`: each of the F filters has $K_h \\times K_w \\times C_{in}$ weights and one
              bias: $(K_h K_w C_{in} + 1) \\times F$. The first layer of the MNIST CNN,
              `Conv2D(8, 3)` on one channel, has $(3 \\cdot 3 \\cdot 1 + 1) \\cdot 8 = 80$; on an RGB
              image `Conv2D(8, 5)` has $(5 \\cdot 5 \\cdot 3 + 1) \\cdot 8 = 608$.
            * `Dense`: $(n_{in} + 1) \\times units$, e.g. 400 inputs into 120 units: 48,120.
            * Pooling, `Flatten` and `Dropout` learn nothing: 0 parameters.

            With `use_bias=False` the biases are not there. Write `conv_params` and `dense_params`.
            """),
        solution(m, "conv_params"),
        tests("test_conv_params", p["test_conv_params"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert conv_params(3, 1, 8) == 80
            assert conv_params(5, 8, 16) == 3216
            assert conv_params(5, 3, 8) == 608, "the kernel covers all 3 input channels"
            assert conv_params(3, 3, 32) == 896
            assert conv_params(3, 1, 8, use_bias=False) == 72
            """),
        solution(m, "dense_params"),
        tests("test_dense_params", p["test_dense_params"], """
            # Public checks: the course's worked examples. Run this cell to check your work.
            assert dense_params(400, 120) == 48120
            assert dense_params(120, 84) == 10164
            assert dense_params(84, 10) == 850
            assert dense_params(320000, 128) == 40960128, "the binary CNN's big Dense layer"
            assert dense_params(84, 10, use_bias=False) == 840
            """),
        markdown("explain_summarize", """
            ## 4. A whole model, as `model.summary()` shows it

            `summarize(input_shape, layers)` walks through a list of layer dicts (see
            `MNIST_CNN` above) and returns one row per layer: `(type, output_shape,
            activation_size, params)`. Each layer's output shape is the next layer's input shape.
            Handle `Conv2D`, `MaxPooling2D`, `AveragePooling2D`, `Flatten` (all values on one
            axis), `Dense` (acts on the last axis) and `Dropout` (changes nothing: it only zeroes
            values while training). Missing arguments take the Keras defaults (`strides` 1 for
            `Conv2D` and the pool size for pooling, `padding` "valid"); keys such as
            `activation` or `rate` change neither shapes nor parameters. Use your functions from
            parts 1 to 3.

            The MNIST CNN has 62,430 parameters: 80, 0, 3216, 0, 0, 48120, 10164 and 850.
            """),
        solution(m, "summarize"),
        tests("test_summarize", p["test_summarize"], """
            # Public checks: the course's models. Run this cell to check your work.
            rows = summarize((28, 28, 1), MNIST_CNN)
            assert len(rows) == 8, "one row per layer"
            assert [tuple(r[1]) for r in rows] == [(28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16),
                                                    (400,), (120,), (84,), (10,)]
            assert [r[2] for r in rows] == [6272, 1568, 1600, 400, 400, 120, 84, 10]
            assert [r[3] for r in rows] == [80, 0, 3216, 0, 0, 48120, 10164, 850]
            assert sum(r[3] for r in rows) == 62430
            assert rows[0][0] == "Conv2D" and rows[4][0] == "Flatten"
            assert sum(r[3] for r in summarize((200, 200, 3), BINARY_CNN)) == 40961153
            """),
        markdown("explain_exercise", """
            ## 5. Exercise: the course's table, by hand

            The CNN of the course on 32x32x3 images:
            `Conv2D(8, 5)` -> `MaxPooling2D(2)` -> `Conv2D(16, 5)` -> `MaxPooling2D(2)` -> `Flatten`
            -> `Dense(120)` -> `Dense(84)` -> `Dense(10, softmax)`, all convolutions "valid" with
            stride 1.

            Work out, with pen and paper first, the activation shape, the activation size and the
            number of parameters of every layer, and write them as `exercise_table`: a list with
            the input row first, then one row per layer, each row
            `(layer, activation shape, activation size, parameters)`:

            ```python
            exercise_table = [
                ("Input", (32, 32, 3), 3072, 0),
                ("Conv2D", (..., ..., ...), ..., ...),
                ("MaxPooling2D", ...),
                ...                                  # 9 rows in all
            ]
            ```

            Then compare with your `summarize`. The course gives the total: 62,958 parameters.
            """),
        solution(m, "exercise_table"),
        tests("test_exercise_table", p["test_exercise_table"], """
            # Public checks. Run this cell to check your work.
            assert len(exercise_table) == 9, "the input row, then one row per layer (8 layers)"
            assert tuple(exercise_table[0]) == ("Input", (32, 32, 3), 3072, 0)
            assert all(len(row) == 4 for row in exercise_table), "(layer, shape, size, parameters)"
            assert sum(row[3] for row in exercise_table) == 62958, "the course's total"
            """),
    ])


# --------------------------------------------------------------------------- ann-basics

ANN_POINTS = {"test_activations": 4, "test_neuron": 2, "test_softmax": 2, "test_losses": 4,
              "test_metrics": 2, "test_gradient_step": 6}


def ann_basics_notebook() -> nbformat.NotebookNode:
    m, p = ann_basics, ANN_POINTS
    return notebook([
        markdown("intro", f"""
            # The building blocks of a neural network, from scratch

            Keras hides what a `Dense` layer, an activation, a loss or a metric computes. Here you
            write them yourself, with nothing but numpy: the activations of the course and their
            derivatives, one neuron, softmax, the four losses, accuracy and the confusion matrix,
            and finally one step of gradient descent of a small network, backpropagation included.

            **How this notebook is graded.** Write your code in the cells marked
            `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line). Do not rename the
            functions or change their parameters. After each part comes a test cell: the asserts
            in it are worked examples; run it to check your work. When you submit, the grader also
            runs *hidden checks* (named in the last line of each test cell) on many small random
            inputs, compares your results with a trusted implementation, and tells you the
            smallest input where yours differs. Partial credit is given per check.

            | Part | Functions | Points |
            |---|---|---|
            | 1 | `sigmoid`, `tanh`, `relu`, `leaky_relu` and their `*_derivative` | {p['test_activations']} |
            | 2 | `neuron` | {p['test_neuron']} |
            | 3 | `softmax` | {p['test_softmax']} |
            | 4 | `binary_crossentropy`, `categorical_crossentropy`, `mse`, `mae` | {p['test_losses']} |
            | 5 | `accuracy`, `confusion_matrix` | {p['test_metrics']} |
            | 6 | `gradient_step` | {p['test_gradient_step']} |
            | | **Total** | **{sum(p.values())}** |

            Use numpy only (no TensorFlow, no scikit-learn). Every function takes numbers, lists or
            numpy arrays and returns floats (or numpy arrays of floats).
            """),
        code("setup", """
            import numpy as np
            """),
        code("examples", """
            # Example data used in the explanations and the public checks below.
            NEURON_X = np.array([2.0, -1.0, 3.0])     # one example with 3 inputs
            NEURON_W = np.array([0.5, 1.0, -0.5])     # the neuron's weights
            NEURON_B = 1.0                            # and its bias
            HDB_PRICES = np.array([232000.0, 250000.0])  # two resale prices from the HDB data set
            # XOR through a 2-2-1 network: 4 examples, 2 inputs, 2 hidden units, 1 output.
            XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
            XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
            XOR_WEIGHTS = [np.array([[0.5, -0.5], [0.25, 1.0]]), np.array([[1.0], [-1.0]])]
            XOR_BIASES = [np.array([0.0, 0.5]), np.array([0.25])]
            """),
        markdown("explain_activations", r"""
            ## 1. Activations and their derivatives

            An activation $g$ is applied to every value $z$ separately:

            | name | $g(z)$ | $g'(z)$ |
            |---|---|---|
            | sigmoid | $\dfrac{1}{1 + e^{-z}}$ | $g(1 - g)$ |
            | tanh | $\dfrac{e^z - e^{-z}}{e^z + e^{-z}}$ | $1 - g^2$ |
            | ReLU | $\max(z, 0)$ | 1 if $z > 0$, else 0 |
            | Leaky ReLU | $z$ if $z > 0$, else $\alpha z$ | 1 if $z > 0$, else $\alpha$ |

            The course's slides use $\alpha = 0.01$ for Leaky ReLU: make it the default. (Keras's
            `LeakyReLU` layer and `tf.nn.leaky_relu` have other defaults.)

            Every derivative function takes $z$, the activation's **input**, as TensorFlow's
            gradients do: `sigmoid_derivative(z)` computes $g = $ `sigmoid(z)` and returns
            $g(1 - g)$. At $z = 0$ exactly, the derivative of ReLU is 0 and that of Leaky ReLU is
            $\alpha$ (TensorFlow's convention).

            Mind very large inputs: `np.exp(1000)` is `inf`, and `inf / inf` is NaN. Your
            functions must give `sigmoid(-1000) == 0`, `sigmoid(1000) == 1` and `tanh(1000) == 1`.
            For the sigmoid, compute with $e^{-|z|}$, which never overflows: for $z < 0$,
            $g(z) = e^{z} / (1 + e^{z})$. Return floats, never booleans (`(z > 0).astype(float)`).
            """),
        solution(m, "sigmoid"),
        solution(m, "sigmoid_derivative"),
        solution(m, "tanh"),
        solution(m, "tanh_derivative"),
        solution(m, "relu"),
        solution(m, "relu_derivative"),
        solution(m, "leaky_relu"),
        solution(m, "leaky_relu_derivative"),
        tests("test_activations", p["test_activations"], """
            # Public checks. Run this cell to check your work.
            assert sigmoid(0) == 0.5 and sigmoid_derivative(0) == 0.25
            assert np.isclose(sigmoid(2), 0.8807971) and np.isclose(sigmoid(-2), 0.1192029)
            assert np.allclose(sigmoid([-1000, 1000]), [0, 1]), "no NaN for large |z|"
            assert np.isclose(sigmoid_derivative(2), 0.1049936), "g(1 - g) with g = sigmoid(2)"
            assert tanh(0) == 0 and tanh_derivative(0) == 1
            assert np.isclose(tanh_derivative(1), 0.4199743), "1 - g^2 with g = tanh(1)"
            assert np.allclose(tanh([-1000, 1000]), [-1, 1]), "no NaN for large |z|"
            assert np.array_equal(relu([-2, 0, 3]), [0, 0, 3])
            assert np.array_equal(relu_derivative([-2, 0, 3]), [0, 0, 1]), "the slope at 0 is 0"
            assert np.allclose(leaky_relu([-2, 0, 3]), [-0.02, 0, 3]), "the course's alpha is 0.01"
            assert np.allclose(leaky_relu([-2, 0, 3], 0.2), [-0.4, 0, 3])
            assert np.allclose(leaky_relu_derivative([-2, 0, 3]), [0.01, 0.01, 1]), "the slope at 0 is alpha"
            assert relu(np.zeros((2, 3))).shape == (2, 3), "elementwise: the shape is kept"
            """),
        markdown("explain_neuron", r"""
            ## 2. One neuron

            A neuron multiplies each input $x_i$ by its weight $w_i$, adds them up, adds its bias
            $b$, and passes the result through its activation: $a = g(\sum_i x_i w_i + b) =
            g(x \cdot w + b)$. The example neuron above has
            $z = 2 \cdot 0.5 + (-1) \cdot 1 + 3 \cdot (-0.5) + 1 = -0.5$, so with the sigmoid it
            outputs $g(-0.5) \approx 0.3775$.

            `np.dot(x, w)` also works for a batch: with `x` of shape (N, n) it gives the N weighted
            sums at once. Write `neuron(x, w, b, activation="sigmoid")` with your functions of
            part 1.
            """),
        solution(m, "neuron"),
        tests("test_neuron", p["test_neuron"], """
            # Public checks. Run this cell to check your work.
            assert np.isclose(neuron(NEURON_X, NEURON_W, NEURON_B), 0.3775407), "sigmoid(-0.5)"
            assert np.isclose(neuron(NEURON_X, NEURON_W, NEURON_B, "tanh"), -0.4621172)
            assert neuron(NEURON_X, NEURON_W, NEURON_B, "relu") == 0
            assert np.isclose(neuron(NEURON_X, NEURON_W, NEURON_B, "leaky_relu"), -0.005)
            assert np.isclose(neuron(NEURON_X, NEURON_W, 0.0), 0.1824255), "without the bias, z = -1.5"
            batch = np.array([NEURON_X, [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
            assert np.allclose(neuron(batch, NEURON_W, NEURON_B, "relu"), [0, 2, 1]), "one output per example"
            """),
        markdown("explain_softmax", r"""
            ## 3. Softmax

            The output layer of a classifier with C classes gives C scores per example; softmax
            turns them into probabilities: $\mathrm{softmax}(z)_i = e^{z_i} / \sum_j e^{z_j}$.
            `softmax([1, 2, 3])` is about `[0.090, 0.245, 0.665]`.

            For a batch (N, C) each row is one example: normalise over the **last** axis
            (`axis=-1, keepdims=True`), so that every row sums to 1. Adding the same number to all
            the scores of a row does not change its softmax, so subtract each row's maximum first:
            then the largest exponent is $e^0 = 1$ and scores like 1000 cannot overflow.
            """),
        solution(m, "softmax"),
        tests("test_softmax", p["test_softmax"], """
            # Public checks. Run this cell to check your work.
            assert np.allclose(softmax([1, 2, 3]), [0.0900306, 0.2447285, 0.6652410])
            assert np.allclose(softmax([1000, 1001, 1002]), [0.0900306, 0.2447285, 0.6652410]), \\
                "subtract the maximum: e^1000 overflows"
            batch = softmax([[1, 2, 3], [1, 1, 1]])
            assert batch.shape == (2, 3) and np.allclose(batch.sum(axis=1), 1), "each row sums to 1"
            assert np.allclose(batch[1], 1 / 3)
            assert np.allclose(softmax([[1000, 1001, 1002], [0, 0, 0]])[1], 1 / 3), "each row's own maximum"
            """),
        markdown("explain_losses", r"""
            ## 4. Losses

            As Keras computes them, each a single number (the mean over the examples):

            * **Binary cross-entropy** (log loss), for 0/1 labels $y$ and predicted probabilities
              $p$ of the label 1: the mean of $-(y \ln p + (1 - y) \ln(1 - p))$.
            * **Categorical cross-entropy**, for one-hot labels and probability rows (N, C): for
              each example $-\sum_c y_c \ln p_c$ (only the true class counts), then the mean over
              the N examples.
            * **MSE**, the mean of the squared errors $(y - p)^2$; **MAE**, the mean of $|y - p|$.
              For the two HDB resale prices 232,000 and 250,000 predicted as 240,000 and 245,000,
              the errors are -8,000 and 5,000: MSE = 44,500,000 and MAE = 6,500.

            $\ln 0 = -\infty$: a model certain of the wrong answer would get an infinite loss (and
            $0 \cdot \ln 0$ is NaN). Keras clips the probabilities to $[10^{-7}, 1 - 10^{-7}]$
            first (`np.clip`); do the same. Use the natural logarithm, `np.log`.
            """),
        solution(m, "binary_crossentropy"),
        solution(m, "categorical_crossentropy"),
        solution(m, "mse"),
        solution(m, "mae"),
        tests("test_losses", p["test_losses"], """
            # Public checks. Run this cell to check your work.
            assert np.isclose(binary_crossentropy([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3]), 0.1976349)
            assert np.isclose(binary_crossentropy([1, 0], [0.0, 1.0]), 16.1180957), "clip at 1e-7: -ln(1e-7)"
            assert np.isclose(binary_crossentropy([1, 0], [1.0, 0.0]), 0, atol=1e-6), "no NaN when right"
            assert np.isclose(categorical_crossentropy([[0, 1, 0], [1, 0, 0]], [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]]),
                              0.5249111), "(-ln 0.7 - ln 0.5) / 2"
            assert np.isclose(categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]]), 0, atol=1e-6)
            assert np.isclose(mse(HDB_PRICES, [240000.0, 245000.0]), 44500000)
            assert np.isclose(mae(HDB_PRICES, [240000.0, 245000.0]), 6500)
            assert np.isclose(mse([[1, 2], [3, 4]], [[1, 0], [5, 4]]), 2), "the mean over all values"
            """),
        markdown("explain_metrics", """
            ## 5. Accuracy and the confusion matrix

            **Accuracy** is the fraction of examples classified correctly (the course's *error* is
            1 - accuracy). Labels come either as class numbers, shape (N,), or as one row per
            example, shape (N, C): one-hot labels, or the probabilities a softmax layer predicts.
            The class of a row is its largest entry: `np.argmax(rows, axis=1)`. Compare classes,
            not rows.

            The **confusion matrix** M counts, for every pair of classes, how many examples of
            true class i were predicted as class j: M[i, j]. Rows are the true classes, columns
            the predicted ones; the diagonal holds the correct predictions. Example with the ten
            Fashion-MNIST classes (0 T-shirt/top, 2 Pullover, 4 Coat, 5 Sandal, 6 Shirt,
            7 Sneaker, ...): a shirt predicted as a T-shirt adds 1 to M[6, 0].
            """),
        solution(m, "accuracy"),
        solution(m, "confusion_matrix"),
        tests("test_metrics", p["test_metrics"], """
            # Public checks. Run this cell to check your work.
            assert np.isclose(accuracy([0, 1, 2, 2], [0, 2, 2, 2]), 0.75)
            one_hot = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]])
            probabilities = np.array([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
            assert np.isclose(accuracy(one_hot, probabilities), 0.75), "compare the argmax of each row"
            assert np.isclose(accuracy(one_hot, [0, 2, 2, 2]), 0.75)
            cm = confusion_matrix([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0])
            assert np.array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 1]]), "rows: true class, columns: predicted"
            assert confusion_matrix([6, 9], [0, 9], num_classes=10).shape == (10, 10)
            assert confusion_matrix([6, 9], [0, 9], num_classes=10)[6, 0] == 1, "a shirt taken for a T-shirt"
            assert confusion_matrix([0, 1], [2, 0]).shape == (3, 3), "the largest label of both, plus 1"
            """),
        markdown("explain_gradient_step", r"""
            ## 6. One step of gradient descent, with backpropagation

            A fully connected network of L layers, as Keras's `Dense` layers store it: layer $l$
            has a weight matrix $W_l$ of shape $(n_{l-1}, n_l)$ and a bias $b_l$ of shape
            $(n_l,)$. With one example per row of $x$ (N, $n_0$):

            * forward: $a_0 = x$, $z_l = a_{l-1} W_l + b_l$, $a_l = g(z_l)$; the output is $a_L$;
            * loss: $J = \mathrm{mse}(y, a_L)$, the mean over all $N \cdot n_L$ values;
            * backward: $\delta_L = \frac{\partial J}{\partial a_L} \cdot g'(z_L)$ with
              $\frac{\partial J}{\partial a_L} = \frac{2 (a_L - y)}{N \cdot n_L}$, then for each
              layer below $\delta_{l-1} = (\delta_l W_l^T) \cdot g'(z_{l-1})$ (elementwise $\cdot$);
            * gradients: $\frac{\partial J}{\partial W_l} = a_{l-1}^T \delta_l$ and
              $\frac{\partial J}{\partial b_l}$ = $\delta_l$ summed over the examples (axis 0);
            * update, the course's gradient descent: $W \leftarrow W - \text{rate} \cdot
              \frac{\partial J}{\partial W}$, and the same for $b$.

            Backpropagate with the weights you were given: compute $\delta_{l-1}$ from the OLD
            $W_l$ (keep the new arrays in separate lists). Return the new weights, the new biases
            and the loss $J$ before the update. This is exactly what `keras.optimizers.SGD(rate)`
            does in one `train_on_batch` on the whole batch with the MSE loss.

            Write `gradient_step(x, y, weights, biases, rate, activation="sigmoid")` with your
            activations, derivatives and `mse`; `activation` applies to every layer.
            """),
        solution(m, "gradient_step"),
        tests("test_gradient_step", p["test_gradient_step"], """
            # Public checks. Run this cell to check your work.
            new_weights, new_biases, loss = gradient_step(XOR_X, XOR_Y, XOR_WEIGHTS, XOR_BIASES, 0.5)
            assert [W.shape for W in new_weights] == [(2, 2), (2, 1)] and [b.shape for b in new_biases] == [(2,), (1,)]
            assert np.isclose(loss, 0.2506085), "the MSE before the update"
            assert np.allclose(new_weights[1], [[0.9933027], [-1.0075291]])
            assert np.allclose(new_biases[0], [-0.0021838, 0.5036333])
            assert np.allclose(new_weights[0], [[0.4983801, -0.4994732], [0.2503038, 1.0020116]])
            assert gradient_step(XOR_X, XOR_Y, new_weights, new_biases, 0.5)[2] < loss, "a step lowers the loss"
            assert np.array_equal(XOR_WEIGHTS[0], [[0.5, -0.5], [0.25, 1.0]]), "do not change the weights given"
            """),
        markdown("closing", """
            ## What the hidden checks look at

            For every function, the examples above and many small random inputs (values up to
            z = 800 for the activations, scores of 1000 for softmax, probabilities of exactly 0 and
            1, networks of 1 to 3 layers of up to 3 units with every activation). When your result
            differs, the feedback shows the smallest input where it does, the expected and the
            actual values, and, when it recognises one, the mistake it looks like (g' = g, softmax
            over the wrong axis, a forgotten bias, W + rate * dJ/dW, ...).
            """),
    ])


def _elsewhere(module: str, function: str):
    """A builder kept in its own file under source/ (imported when first used)."""
    def build() -> nbformat.NotebookNode:
        import importlib

        here = str(Path(__file__).resolve().parent)
        if here not in sys.path:
            sys.path.insert(0, here)
        return getattr(importlib.import_module(module), function)()
    return build


BUILDERS = {"conv-pooling": conv_pooling_notebook, "cnn-shapes": cnn_shapes_notebook,
            "ann-basics": ann_basics_notebook,
            "mnist-ann": _elsewhere("model_notebooks", "mnist_ann_notebook"),
            "fashion-ann": _elsewhere("model_notebooks", "fashion_ann_notebook"),
            "hdb-regression": _elsewhere("hdb_notebook", "hdb_regression_notebook")}


# Files copied into an assignment's folder beside its notebook (nbgrader releases them,
# and puts them back into every submission it grades).
SUPPORT_FILES = {
    "mnist-ann": {"course_data.py": "autograder/course_data.py"},
    "fashion-ann": {"course_data.py": "autograder/course_data.py"},
    "hdb-regression": {"course_data.py": "autograder/course_data.py"},
}


def support_files(assignment: str) -> dict[Path, str]:
    """{path in source/<assignment>/: the content it must have}."""
    return {ROOT / "source" / assignment / name: (ROOT / master).read_text(encoding="utf-8")
            for name, master in SUPPORT_FILES.get(assignment, {}).items()}


def path_of(assignment: str) -> Path:
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def render(assignment: str) -> str:
    """The notebook's file content, exactly as written to disk."""
    text = nbformat.writes(BUILDERS[assignment](), version=4)
    return text if text.endswith("\n") else text + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help=f"default: all ({', '.join(BUILDERS)})")
    parser.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1)")
    args = parser.parse_args(argv)
    unknown = [a for a in args.assignments if a not in BUILDERS]
    if unknown:
        parser.error(f"unknown assignment(s) {', '.join(unknown)} (known: {', '.join(BUILDERS)})")
    stale = []
    for assignment in args.assignments or list(BUILDERS):
        files = {path_of(assignment): render(assignment), **support_files(assignment)}
        for path, text in files.items():
            if args.check:
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    stale.append(path)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"stale: {path.relative_to(ROOT)} (run python source/build_notebooks.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
