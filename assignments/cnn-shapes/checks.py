"""Hidden checks for the `cnn-shapes` assignment.

One group of tests per graded cell of source/cnn-shapes/cnn-shapes.ipynb:

    test_conv_output_shape  conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid")
    test_pool_output_shape  pool_output_shape(input_shape, pool_size=2, strides=None, padding="valid")
    test_conv_params        conv_params(kernel_size, in_channels, filters, use_bias=True)
    test_dense_params       dense_params(in_units, units, use_bias=True)
    test_summarize          summarize(input_shape, layers) -> [(type, output_shape, activation_size, params)]
    test_exercise_table     the value `exercise_table`: the course's 32x32x3 CNN, by hand

The fixed tests walk every layer of the course's architectures
(reference/architectures.py); the property tests draw random layers and stacks.
Expected values come only from the trusted Keras-exact calculator
(reference/shapes.py). When an answer is wrong, the check recomputes the common
mistakes ("same" treated as "valid", input channels forgotten, Flatten counted
with parameters...) with the `_*_mistakes` tables below and names the one the
student's answer matches; the output-size and parameter-count mistakes are those
of autograder/mistakes.py, which the quiz and the mutants share.
"""
from __future__ import annotations

import math
from functools import partial

from hypothesis import given
from hypothesis import strategies as st

from autograder import mistakes as shared
from autograder.checks import grade, property_settings
from autograder.checks.compare import assert_value_equals
from autograder.checks.hints import diagnose, same_value, with_hint
from autograder.text import shown
from reference.architectures import ARCHITECTURES
from reference.shapes import conv_params as ref_conv_params
from reference.shapes import dense_params as ref_dense_params
from reference.shapes import summarize as ref_summarize

# Examples per property test: these are integer formulas, so examples are cheap;
# enough to meet every combination of padding, stride and odd/even sizes.
PROPERTY = property_settings(max_examples=40)

# The course architectures a student's summarize must handle (only the layer
# types the assignment asks for: AlexNet's BatchNormalization is left out).
SUMMARIZE_ARCHITECTURES = ("mnist_cnn", "cnn_32x32x3", "lenet5_cifar10", "binary_cnn_200", "vgg16_binary_200")
EXERCISE_ARCHITECTURE = "cnn_32x32x3"
POOL_TYPES = ("MaxPooling2D", "AveragePooling2D")


# --------------------------------------------------------------------------- reference answers

def _plain(layer) -> dict:
    """A course layer (a read-only mapping) as the plain dict a student receives."""
    return dict(layer)


def _one_layer(input_shape, layer) -> "tuple[tuple[int, ...], int]":
    """(output shape, params) of one layer, from the trusted calculator."""
    row = ref_summarize(input_shape, [layer]).layers[0]
    return row.output_shape, row.params


def _course_layers(types):
    """(architecture title, 1-based index, input shape, layer dict) of every course layer of `types`."""
    for arch in ARCHITECTURES.values():
        summary = ref_summarize(arch.input_shape, arch.layers)
        shape = arch.input_shape
        for index, (layer, row) in enumerate(zip(arch.layers, summary.layers), start=1):
            if layer["type"] in types:
                yield arch.title, index, shape, _plain(layer)
            shape = row.output_shape


# --------------------------------------------------------------------------- explaining failures

def _diagnose_value(actual, mistakes) -> str | None:
    """The first mistake whose answer equals `actual`, type included."""
    return diagnose(actual, mistakes, same_value)


def _fail(message: str, hint: str | None = None) -> AssertionError:
    return with_hint(AssertionError(message), hint)


def check_shape(actual, expected: tuple, what: str, mistakes=()) -> None:
    """`actual` must be the tuple of ints `expected`; explain a list, a float, a wrong value."""
    if isinstance(actual, list) and all(isinstance(v, int) for v in actual) and tuple(actual) == expected:
        raise _fail(f"{what}: returned the list {shown(actual)}; return a tuple: {shown(expected)}",
                    "a list instead of a tuple: write (h, w, c), not [h, w, c]")
    if not isinstance(actual, (tuple, list)):
        raise _fail(f"{what}: expected a tuple of ints such as {shown(expected)}, "
                    f"got {type(actual).__name__} {shown(actual)}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in actual):
        kinds = ", ".join(type(v).__name__ for v in actual)
        raise _fail(f"{what}: every entry of the shape must be an int, got {shown(actual)} ({kinds})",
                    shared.true_division.hint)
    if isinstance(actual, list):
        raise _fail(f"{what}: expected the tuple {shown(expected)}, got the list {shown(actual)}",
                    "a list instead of a tuple: write (h, w, c), not [h, w, c]")
    if actual != expected:
        raise _fail(f"{what}: expected {shown(expected)}, got {shown(actual)}", _diagnose_value(actual, mistakes))


def check_count(actual, expected: int, what: str, mistakes=()) -> None:
    """`actual` must be the int `expected`; explain the mistake it matches."""
    try:
        assert_value_equals(actual, expected, what)
    except AssertionError as failure:
        raise _fail(str(failure), _diagnose_value(actual, mistakes)) from None


# --------------------------------------------------------------------------- the mistakes

def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# The mistakes below that are not local are defined once in autograder/mistakes.py, where the
# quiz and this assignment's mutants take them from too. Those of one axis' length, in the order
# they are tried (each gives None where the padding or stride rules it out):
AXIS_MISTAKES = (shared.used_valid_instead_of_same, shared.used_same_instead_of_valid,
                 shared.ceil_instead_of_floor, shared.forgot_the_plus_one, shared.ignored_the_stride)
CONV_PARAMS_MISTAKES = (shared.forgot_the_input_channels, shared.forgot_the_bias,
                        shared.added_a_bias_anyway, shared.used_k_not_k_squared,
                        shared.bias_per_input_channel)
DENSE_PARAMS_MISTAKES = (shared.forgot_the_bias, shared.added_a_bias_anyway, shared.bias_per_input)


def _window_shape_mistakes(input_shape, window, strides, padding, channels_out, pooling=False,
                           default_stride=False):
    """Wrong (H', W', C') answers for a Conv2D (channels_out = filters) or pooling window.

    default_stride: the layer's strides were left to their default, so "stride 1
    instead of the pool size" is a possible mistake.
    """
    h, w, c = input_shape

    def length(n):
        return _ceil_div(n, strides) if padding == "same" else (n - window) // strides + 1

    def per_axis(lengths):
        """A thunk: the shape with each axis' length from `lengths(n)`, None if it gives None."""
        def shape():
            out_h, out_w = lengths(h), lengths(w)
            return None if out_h is None or out_w is None else (out_h, out_w, channels_out)
        return shape

    def shared_shape(mistake):
        return mistake.hint, per_axis(lambda n: mistake.wrong(n, window, strides, padding))

    mistakes = []
    if default_stride:
        mistakes.append(shared_shape(shared.pooled_with_stride_1))
    if pooling:
        mistakes.append(("the channels were dropped: pooling keeps the channels, (H', W', C)",
                         lambda: (length(h), length(w))))
    else:
        mistakes.append(("the output kept the input's channels; a Conv2D outputs one channel per filter: "
                         "(H', W', filters)",
                         lambda: (length(h), length(w), c)))
    mistakes += [shared_shape(m) for m in AXIS_MISTAKES]
    if padding == "same":
        mistakes.append(("rounded down: 'same' gives ceil(n / strides), not floor",
                         per_axis(lambda n: n // strides)))
    mistakes.append(("rows and columns are swapped: the shape is (height, width, channels)",
                     lambda: (length(w), length(h), channels_out)))
    return mistakes


def _count_mistakes(known, *layer):
    return [(m.hint, partial(m.wrong, *layer)) for m in known]


def _conv_params_mistakes(kernel_size, in_channels, filters, use_bias):
    return _count_mistakes(CONV_PARAMS_MISTAKES, kernel_size, in_channels, filters, use_bias)


def _dense_params_mistakes(in_units, units, use_bias):
    return _count_mistakes(DENSE_PARAMS_MISTAKES, *shared.dense_layer(in_units, units, use_bias))


# --------------------------------------------------------------------------- strategies

@st.composite
def conv_cases(draw):
    """(input_shape, filters, kernel_size, strides, padding) of a Conv2D that fits."""
    shape = (draw(st.integers(1, 40)), draw(st.integers(1, 40)), draw(st.integers(1, 8)))
    padding = draw(st.sampled_from(["valid", "same"]))
    largest = min(7, *shape[:2]) if padding == "valid" else 7
    kernel = draw(st.integers(1, largest))
    return shape, draw(st.integers(1, 64)), kernel, draw(st.integers(1, 4)), padding


@st.composite
def pool_cases(draw):
    """(input_shape, pool_size, strides or None, padding) of a pooling layer that fits."""
    shape = (draw(st.integers(1, 40)), draw(st.integers(1, 40)), draw(st.integers(1, 8)))
    padding = draw(st.sampled_from(["valid", "same"]))
    largest = min(4, *shape[:2]) if padding == "valid" else 4
    pool = draw(st.integers(1, largest))
    return shape, pool, draw(st.one_of(st.none(), st.integers(1, 3))), padding


def _conv_layer(draw, shape):
    padding = draw(st.sampled_from(["valid", "same"]))
    largest = min(5, *shape[:2]) if padding == "valid" else 5
    layer = {"type": "Conv2D", "filters": draw(st.integers(1, 32)),
             "kernel_size": draw(st.integers(1, largest)), "activation": "relu"}
    strides = draw(st.integers(1, 2))
    if strides != 1:
        layer["strides"] = strides
    if padding != "valid" or draw(st.booleans()):
        layer["padding"] = padding
    if draw(st.integers(0, 3)) == 0:  # the docstring's use_bias, sometimes off
        layer["use_bias"] = False
    return layer


def _pool_layer(draw, shape):
    padding = draw(st.sampled_from(["valid", "same"]))
    largest = min(3, *shape[:2]) if padding == "valid" else 3
    layer = {"type": draw(st.sampled_from(POOL_TYPES)), "pool_size": draw(st.integers(1, largest))}
    strides = draw(st.one_of(st.none(), st.integers(1, 3)))
    if strides is not None:
        layer["strides"] = strides
    if padding != "valid" or draw(st.booleans()):
        layer["padding"] = padding
    return layer


@st.composite
def stacks(draw):
    """(input_shape, layers): convolution/pooling blocks, then maybe Flatten and a Dense head."""
    shape = (draw(st.integers(1, 32)), draw(st.integers(1, 32)), draw(st.integers(1, 4)))
    layers = []
    current = shape
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "pool", "dropout"]))
        if kind == "conv":
            layer = _conv_layer(draw, current)
        elif kind == "pool":
            layer = _pool_layer(draw, current)
        else:
            layer = {"type": "Dropout", "rate": 0.25}
        layers.append(layer)
        current, _ = _one_layer(current, layer)
    if draw(st.booleans()):
        layers.append({"type": "Flatten"})
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.integers(0, 3)) == 0:
                layers.append({"type": "Dropout", "rate": 0.5})
            else:
                layers.append({"type": "Dense", "units": draw(st.integers(1, 128)), "activation": "relu"})
                if draw(st.integers(0, 3)) == 0:
                    layers[-1]["use_bias"] = False
    return shape, layers


# --------------------------------------------------------------------------- conv_output_shape

def _check_conv_output_shape(student, shape, filters, kernel, strides, padding, label=""):
    actual = student.function("conv_output_shape")(shape, filters, kernel, strides, padding)
    layer = {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "strides": strides, "padding": padding}
    expected, _ = _one_layer(shape, layer)
    what = (f"conv_output_shape({shape}, filters={filters}, kernel_size={kernel}, strides={strides}, "
            f"padding={padding!r}){label}")
    check_shape(actual, expected, what, _window_shape_mistakes(shape, kernel, strides, padding, filters))


@grade("test_conv_output_shape", 1)
def test_conv_output_shape_course_layers(student):
    for title, index, shape, layer in _course_layers(("Conv2D",)):
        _check_conv_output_shape(student, shape, layer["filters"], layer["kernel_size"], layer.get("strides", 1),
                                 layer.get("padding", "valid"), f" [course: {title}, layer {index}]")


@grade("test_conv_output_shape", 2)
@PROPERTY
@given(case=conv_cases())
def test_conv_output_shape_any_layer(student, case):
    _check_conv_output_shape(student, *case)


# --------------------------------------------------------------------------- pool_output_shape

def _check_pool_output_shape(student, shape, pool, strides, padding, label=""):
    function = student.function("pool_output_shape")
    actual = function(shape, pool) if strides is None and padding == "valid" else function(shape, pool, strides, padding)
    layer = {"type": "MaxPooling2D", "pool_size": pool, "strides": strides, "padding": padding}
    expected, _ = _one_layer(shape, layer)
    what = f"pool_output_shape({shape}, pool_size={pool}, strides={strides}, padding={padding!r}){label}"
    step = pool if strides is None else strides
    check_shape(actual, expected, what, _window_shape_mistakes(shape, pool, step, padding, shape[2], pooling=True,
                                                               default_stride=strides is None))


@grade("test_pool_output_shape", 1)
def test_pool_output_shape_course_layers(student):
    for title, index, shape, layer in _course_layers(POOL_TYPES):
        _check_pool_output_shape(student, shape, layer.get("pool_size", 2), layer.get("strides"),
                                 layer.get("padding", "valid"), f" [course: {title}, layer {index}]")


@grade("test_pool_output_shape", 2)
@PROPERTY
@given(case=pool_cases())
def test_pool_output_shape_any_layer(student, case):
    _check_pool_output_shape(student, *case)


# --------------------------------------------------------------------------- conv_params / dense_params

def _check_conv_params(student, kernel, channels, filters, use_bias, label=""):
    function = student.function("conv_params")
    actual = function(kernel, channels, filters) if use_bias else function(kernel, channels, filters, use_bias)
    what = f"conv_params(kernel_size={kernel}, in_channels={channels}, filters={filters}, use_bias={use_bias}){label}"
    check_count(actual, ref_conv_params(kernel, channels, filters, use_bias), what,
                _conv_params_mistakes(kernel, channels, filters, use_bias))


def _check_dense_params(student, in_units, units, use_bias, label=""):
    function = student.function("dense_params")
    actual = function(in_units, units) if use_bias else function(in_units, units, use_bias)
    what = f"dense_params(in_units={in_units}, units={units}, use_bias={use_bias}){label}"
    check_count(actual, ref_dense_params(in_units, units, use_bias), what,
                _dense_params_mistakes(in_units, units, use_bias))


@grade("test_conv_params", 1)
def test_conv_params_course_layers(student):
    for title, index, shape, layer in _course_layers(("Conv2D",)):
        _check_conv_params(student, layer["kernel_size"], shape[-1], layer["filters"], True,
                           f" [course: {title}, layer {index}]")


@grade("test_conv_params", 2)
@PROPERTY
@given(kernel=st.integers(1, 11), channels=st.integers(1, 512), filters=st.integers(1, 512),
       use_bias=st.booleans())
def test_conv_params_any_layer(student, kernel, channels, filters, use_bias):
    _check_conv_params(student, kernel, channels, filters, use_bias)


@grade("test_dense_params", 1)
def test_dense_params_course_layers(student):
    for title, index, shape, layer in _course_layers(("Dense",)):
        _check_dense_params(student, shape[-1], layer["units"], True, f" [course: {title}, layer {index}]")


@grade("test_dense_params", 2)
@PROPERTY
@given(in_units=st.integers(1, 100_000), units=st.integers(1, 4096), use_bias=st.booleans())
def test_dense_params_any_layer(student, in_units, units, use_bias):
    _check_dense_params(student, in_units, units, use_bias)


# --------------------------------------------------------------------------- summarize

def _describe(layer: dict) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in layer.items() if k != "type")
    return f"{layer['type']}({args})"


def _row_mistakes(layer: dict, input_shape, field: str):
    """Wrong answers for the output shape ("shape") or the params ("params") of one layer."""
    kind = layer["type"]
    if field == "shape" and kind == "Conv2D":
        return _window_shape_mistakes(input_shape, layer["kernel_size"], layer.get("strides", 1),
                                      layer.get("padding", "valid"), layer["filters"])
    if field == "shape" and kind in POOL_TYPES:
        pool = layer.get("pool_size", 2)
        return _window_shape_mistakes(input_shape, pool, layer.get("strides") or pool,
                                      layer.get("padding", "valid"), input_shape[-1], pooling=True,
                                      default_stride=layer.get("strides") is None)
    if field == "params" and kind == "Conv2D":
        return _conv_params_mistakes(layer["kernel_size"], input_shape[-1], layer["filters"],
                                     layer.get("use_bias", True))
    if field == "params" and kind == "Dense":
        return _dense_params_mistakes(input_shape[-1], layer["units"], layer.get("use_bias", True))
    return ()


def _shape_hint(layer: dict, input_shape, got, want) -> str | None:
    if layer["type"] == "Dropout":
        return "Dropout does not change the shape: it only zeroes values while training"
    if layer["type"] == "Flatten":
        return "Flatten outputs one axis holding every value: (H * W * C,)"
    hint = _diagnose_value(got, _row_mistakes(layer, input_shape, "shape"))
    if hint is None and len(want) == 1 and got == (want[0], 1):
        hint = f"write the Keras shape {shown(want)} (no batch), not the column vector {shown(got)}"
    return hint


def _params_hint(layer: dict, input_shape, got, want) -> str | None:
    if want == 0 and isinstance(got, int) and got > 0:
        return f"a {layer['type']} layer has no parameters (nothing in it is learned)"
    return _diagnose_value(got, _row_mistakes(layer, input_shape, "params"))


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


SIZE_HINT = "the activation size is the number of values in the output: the product of the output shape"


def _check_row(row, expected, layer: dict, input_shape, where: str) -> None:
    """One summarize row against the trusted row; `where` names the layer and its input."""
    if not isinstance(row, (tuple, list)) or len(row) != 4:
        raise _fail(f"{where}: each row must be (type, output_shape, activation_size, params), got {shown(row)}")
    kind, shape, size, params = row
    if kind != expected.type:
        raise _fail(f"{where}: the type should be {shown(expected.type)}, got {shown(kind)}")
    if not isinstance(shape, (tuple, list)) or not all(_is_count(d) for d in shape):
        raise _fail(f"{where}: the output shape must be a tuple of ints such as {shown(expected.output_shape)}, "
                    f"got {shown(shape)}")
    shape = tuple(shape)
    if shape != expected.output_shape:
        raise _fail(f"{where}: output shape expected {shown(expected.output_shape)}, got {shown(shape)}",
                    _shape_hint(layer, input_shape, shape, expected.output_shape))
    if not (_is_count(size) and size == expected.activation_size):
        raise _fail(f"{where}: activation size expected {shown(expected.activation_size)}, got {shown(size)}",
                    SIZE_HINT if _is_count(size) else "the activation size must be an int")
    if not (_is_count(params) and params == expected.params):
        raise _fail(f"{where}: params expected {shown(expected.params)}, got {shown(params)}",
                    _params_hint(layer, input_shape, params, expected.params))


def _check_summarize(student, input_shape, layers, label=""):
    rows = student.function("summarize")(input_shape, layers)
    summary = ref_summarize(input_shape, layers)
    what = f"summarize({input_shape}, {len(layers)} layers){label}"
    if not isinstance(rows, (list, tuple)):
        raise _fail(f"{what}: expected a list of rows, got {type(rows).__name__} {shown(rows)}")
    if len(rows) != len(summary.layers):
        raise _fail(f"{what}: expected one row per layer ({len(summary.layers)} rows), got {len(rows)} rows")
    shape = tuple(input_shape)
    for index, (row, expected, layer) in enumerate(zip(rows, summary.layers, layers), start=1):
        _check_row(row, expected, layer, shape, f"{what}, row {index} {_describe(layer)} on input shape {shape}")
        shape = expected.output_shape


@grade("test_summarize", 2)
def test_summarize_course_architectures(student):
    for name in SUMMARIZE_ARCHITECTURES:
        arch = ARCHITECTURES[name]
        label = f" [course: {arch.title}]"
        _check_summarize(student, arch.input_shape, [_plain(layer) for layer in arch.layers], label)


@grade("test_summarize", 2)
@PROPERTY
@given(case=stacks())
def test_summarize_any_stack(student, case):
    _check_summarize(student, *case)


# --------------------------------------------------------------------------- the exercise table

def _exercise_expected():
    """[(name, shape, size, params)]: the input row, then one row per layer, from the calculator."""
    arch = ARCHITECTURES[EXERCISE_ARCHITECTURE]
    summary = ref_summarize(arch.input_shape, arch.layers)
    rows = [("Input", arch.input_shape, math.prod(arch.input_shape), 0)]
    rows += [(row.type, row.output_shape, row.activation_size, row.params) for row in summary.layers]
    return arch, rows


def _exercise_rows(student):
    """The student's table, structurally checked: one (name, shape, size, params) per row."""
    table = student.value("exercise_table")
    arch, expected = _exercise_expected()
    names = ", ".join(name for name, *_ in expected)
    if not isinstance(table, (list, tuple)):
        raise _fail(f"exercise_table: expected a list of rows, got {type(table).__name__}")
    if len(table) != len(expected):
        raise _fail(f"exercise_table: expected {len(expected)} rows ({names}), got {len(table)}")
    for index, row in enumerate(table, start=1):
        if not isinstance(row, (list, tuple)) or len(row) != 4:
            raise _fail(f"exercise_table row {index}: expected (layer, activation shape, activation size, "
                        f"parameters), got {shown(row)}")
    return arch, table, expected


def _exercise_layer(arch, index):
    """The layer dict of table row `index` (1 is the input) and its input shape."""
    if index == 1:
        return None, None
    summary = ref_summarize(arch.input_shape, arch.layers)
    shape = arch.input_shape if index == 2 else summary.layers[index - 3].output_shape
    return _plain(arch.layers[index - 2]), shape


def _exercise_column(student, column: int, title: str):
    """Check one column of the table, listing every wrong row with the mistake it matches."""
    arch, table, expected = _exercise_rows(student)
    problems = []
    for index, (row, want) in enumerate(zip(table, expected), start=1):
        got = row[column]
        if column == 1 and isinstance(got, list):
            got = tuple(got)
        if got == want[column] and (column == 1 or _is_count(got)):
            continue
        layer, shape = _exercise_layer(arch, index)
        hint = None
        if column == 2:
            hint = SIZE_HINT if _is_count(got) else "write the size as an int"
        elif layer is not None and column == 1:
            hint = _shape_hint(layer, shape, got, want[1])
        elif layer is not None and column == 3:
            hint = _params_hint(layer, shape, got, want[3])
        problems.append(f"row {index} ({want[0]}): {title} expected {shown(want[column])}, got {shown(got)}"
                        + (f"; likely mistake: {hint}" if hint else ""))
    if problems:
        raise _fail(f"exercise_table: {len(problems)} wrong {title} value(s) for the 32x32x3 CNN:\n"
                    + "\n".join(problems))


@grade("test_exercise_table", 1)
def test_exercise_table_rows(student):
    _exercise_rows(student)


@grade("test_exercise_table", 1)
def test_exercise_table_shapes(student):
    _exercise_column(student, 1, "activation shape")


@grade("test_exercise_table", 1)
def test_exercise_table_sizes(student):
    _exercise_column(student, 2, "activation size")


@grade("test_exercise_table", 1)
def test_exercise_table_params(student):
    _exercise_column(student, 3, "parameters")
