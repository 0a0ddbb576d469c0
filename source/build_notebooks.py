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
import ast
import inspect
import sys
from pathlib import Path
from types import ModuleType

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reference.assignments import cnn_shapes, conv_pooling  # noqa: E402

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


BUILDERS = {"conv-pooling": conv_pooling_notebook, "cnn-shapes": cnn_shapes_notebook}


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
        text, path = render(assignment), path_of(assignment)
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
