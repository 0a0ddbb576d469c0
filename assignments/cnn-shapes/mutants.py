"""Known-wrong student work for the cnn-shapes assignment.

Each mutant is the mistake a student actually makes, written as the student would
write the whole function (or the whole exercise table). The test installs it in a
notebook-like namespace (the reference solution exec'd anew), so summarize, which
calls the four other functions, sees it as it would in the student's kernel. A
mutant that calls a helper uses the correct one from the reference solution.

`symptoms`: words the failure messages of the mutant's own cell must contain.
`also_loses`: the other cells that must lose points because they call it.

The output-size and parameter-count mutants are mistakes of autograder/mistakes.py
(which the checks' hints and the quiz share): their symptom is the mistake's hint,
and tests/checks/test_shared_mistakes.py proves each computes its mistake's formula
(a mutant cannot call it: the student's kernel has no autograder). The wrong numbers
of the exercise tables are computed by the mistakes themselves.
"""
from __future__ import annotations

from autograder import mistakes as shared
from autograder.assignments import here
from autograder.mutants import function_mutant

# The solution's own functions, which the mutants below call as a student's notebook would.
SOLUTION = here(__file__).solution_namespace()
conv_output_shape = SOLUTION['conv_output_shape']
conv_params = SOLUTION['conv_params']
dense_params = SOLUTION['dense_params']
exercise_table = SOLUTION['exercise_table']
pool_output_shape = SOLUTION['pool_output_shape']


# --------------------------------------------------------------------------- conv_output_shape

def conv_output_shape_same_as_valid(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, _ = input_shape
    out_h = (height - kernel_size) // strides + 1  # the same formula whatever the padding
    out_w = (width - kernel_size) // strides + 1
    return (out_h, out_w, filters)


def conv_output_shape_ceil(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, _ = input_shape
    if padding == "same":
        return (-(-height // strides), -(-width // strides), filters)
    return (-(-(height - kernel_size) // strides) + 1, -(-(width - kernel_size) // strides) + 1, filters)


def conv_output_shape_strides_ignored(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, _ = input_shape
    if padding == "same":
        return (height, width, filters)  # "same" keeps the size...
    return (height - kernel_size + 1, width - kernel_size + 1, filters)


def conv_output_shape_as_list(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, _ = input_shape
    if padding == "same":
        return [-(-height // strides), -(-width // strides), filters]
    return [(height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1, filters]


def conv_output_shape_true_division(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, _ = input_shape
    if padding == "same":
        return (-(-height // strides), -(-width // strides), filters)
    return ((height - kernel_size) / strides + 1, (width - kernel_size) / strides + 1, filters)


def conv_output_shape_keeps_channels(input_shape, filters, kernel_size, strides=1, padding="valid"):
    height, width, channels = input_shape
    if padding == "same":
        return (-(-height // strides), -(-width // strides), channels)
    return ((height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1, channels)


# --------------------------------------------------------------------------- pool_output_shape

def _pool_shape(input_shape, pool_size, strides, padding, *, same=True, channels=True, as_list=False):
    """The student's pool_output_shape with one of several switches flipped (shared by the mutants)."""
    height, width, depth = input_shape
    if padding == "same" and same:
        sizes = [-(-height // strides), -(-width // strides)]
    else:
        sizes = [(height - pool_size) // strides + 1, (width - pool_size) // strides + 1]
    if channels:
        sizes.append(depth)
    return sizes if as_list else tuple(sizes)


def pool_output_shape_stride_one(input_shape, pool_size=2, strides=None, padding="valid"):
    if strides is None:
        strides = 1
    return _pool_shape(input_shape, pool_size, strides, padding)


def pool_output_shape_same_as_valid(input_shape, pool_size=2, strides=None, padding="valid"):
    return _pool_shape(input_shape, pool_size, strides or pool_size, padding, same=False)


def pool_output_shape_drops_channels(input_shape, pool_size=2, strides=None, padding="valid"):
    return _pool_shape(input_shape, pool_size, strides or pool_size, padding, channels=False)


def pool_output_shape_as_list(input_shape, pool_size=2, strides=None, padding="valid"):
    return _pool_shape(input_shape, pool_size, strides or pool_size, padding, as_list=True)


# --------------------------------------------------------------------------- conv_params / dense_params

def conv_params_no_bias(kernel_size, in_channels, filters, use_bias=True):
    return kernel_size * kernel_size * in_channels * filters


def conv_params_no_in_channels(kernel_size, in_channels, filters, use_bias=True):
    return (kernel_size * kernel_size + (1 if use_bias else 0)) * filters


def conv_params_use_bias_ignored(kernel_size, in_channels, filters, use_bias=True):
    return (kernel_size * kernel_size * in_channels + 1) * filters


def conv_params_kernel_not_squared(kernel_size, in_channels, filters, use_bias=True):
    return kernel_size * in_channels * filters + (filters if use_bias else 0)


def dense_params_no_bias(in_units, units, use_bias=True):
    return in_units * units


def dense_params_use_bias_ignored(in_units, units, use_bias=True):
    return (in_units + 1) * units


def dense_params_bias_per_input(in_units, units, use_bias=True):
    return in_units * units + (in_units if use_bias else 0)


# --------------------------------------------------------------------------- summarize

def _product(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _summarize(input_shape, layers, *, flatten_params=False, flatten_shape=None, size_of=_product,
               use_bias=True):
    """The student's summarize with one of several switches flipped (shared by the mutants).

    flatten_shape: how the student writes Flatten's output from the input shape;
    size_of: how the student counts the activation size of a shape;
    use_bias=False: the student never reads the layer's "use_bias" key.
    """
    rows, shape = [], tuple(input_shape)
    for layer in layers:
        kind, params = layer["type"], 0
        bias = layer.get("use_bias", True) if use_bias else True
        if kind == "Conv2D":
            params = conv_params(layer["kernel_size"], shape[-1], layer["filters"], bias)
            shape = conv_output_shape(shape, layer["filters"], layer["kernel_size"], layer.get("strides", 1),
                                      layer.get("padding", "valid"))
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            shape = pool_output_shape(shape, layer.get("pool_size", 2), layer.get("strides"),
                                      layer.get("padding", "valid"))
        elif kind == "Flatten":
            flat = (_product(shape),) if flatten_shape is None else flatten_shape(shape)
            if flatten_params:
                params = _product(shape)  # "every value is connected"
            shape = flat
        elif kind == "Dense":
            params = dense_params(shape[-1], layer["units"], bias)
            shape = shape[:-1] + (layer["units"],)
        elif kind != "Dropout":
            raise ValueError(f"unknown layer type {kind!r}")
        rows.append((kind, shape, size_of(shape), params))
    return rows


def summarize_flatten_params(input_shape, layers):
    return _summarize(input_shape, layers, flatten_params=True)


def summarize_flatten_column(input_shape, layers):
    return _summarize(input_shape, layers, flatten_shape=lambda shape: (_product(shape), 1))


def summarize_flatten_drops_channels(input_shape, layers):
    return _summarize(input_shape, layers, flatten_shape=lambda shape: (shape[0] * shape[1],))


def summarize_size_without_channels(input_shape, layers):
    return _summarize(input_shape, layers, size_of=lambda shape: _product(shape[:2]))


def summarize_use_bias_ignored(input_shape, layers):
    return _summarize(input_shape, layers, use_bias=False)


# --------------------------------------------------------------------------- exercise_table

def _table(row: int, **changes):
    """The reference table with row `row` (1 is the input) changed: layer, shape, size, params."""
    fields = ("layer", "shape", "size", "params")
    table = list(exercise_table)
    table[row - 1] = tuple(changes.get(field, value) for field, value in zip(fields, table[row - 1]))
    return table


# (5 * 5 + 1) * 8 = 208: the kernel over one channel instead of the image's 3
TABLE_CONV_NO_IN_CHANNELS = _table(2, params=shared.forgot_the_input_channels.wrong(5, 3, 8, True))
# 400 * 120 = 48000: the Dense layer's 120 biases forgotten
TABLE_DENSE_NO_BIAS = _table(7, params=shared.forgot_the_bias.wrong(*shared.dense_layer(400, 120)))
# Flatten given one parameter per value
TABLE_FLATTEN_PARAMS = _table(6, params=400)
# pooled with stride 1: 28 - 2 + 1 = 27
_SIDE_WITH_STRIDE_1 = shared.ignored_the_stride.wrong(28, 2, 2, "valid")
TABLE_POOL_STRIDE_ONE = _table(3, shape=(_SIDE_WITH_STRIDE_1, _SIDE_WITH_STRIDE_1, 8), size=_SIDE_WITH_STRIDE_1 ** 2 * 8)
# the activation size of the first convolution counted per channel: 28 * 28
TABLE_SIZE_WITHOUT_CHANNELS = _table(2, size=784)
# the input row left out
TABLE_NO_INPUT_ROW = list(exercise_table[1:])


EVERY_CALLER = ("test_summarize",)

MUTANTS = (
    function_mutant("conv_output_shape_same_as_valid", "conv_output_shape", conv_output_shape_same_as_valid,
           (shared.used_valid_instead_of_same.hint,), EVERY_CALLER),
    function_mutant("conv_output_shape_ceil", "conv_output_shape", conv_output_shape_ceil,
           (shared.ceil_instead_of_floor.hint,), EVERY_CALLER),
    function_mutant("conv_output_shape_strides_ignored", "conv_output_shape", conv_output_shape_strides_ignored,
           (shared.ignored_the_stride.hint,), EVERY_CALLER),
    function_mutant("conv_output_shape_as_list", "conv_output_shape", conv_output_shape_as_list,
           ("a list instead of a tuple",)),
    function_mutant("conv_output_shape_true_division", "conv_output_shape", conv_output_shape_true_division,
           (shared.true_division.hint,), EVERY_CALLER),
    function_mutant("conv_output_shape_keeps_channels", "conv_output_shape", conv_output_shape_keeps_channels,
           ("the output kept the input's channels",), EVERY_CALLER),
    function_mutant("pool_output_shape_stride_one", "pool_output_shape", pool_output_shape_stride_one,
           (shared.pooled_with_stride_1.hint,), EVERY_CALLER),
    function_mutant("pool_output_shape_same_as_valid", "pool_output_shape", pool_output_shape_same_as_valid,
           (shared.used_valid_instead_of_same.hint,), EVERY_CALLER),
    function_mutant("pool_output_shape_drops_channels", "pool_output_shape", pool_output_shape_drops_channels,
           ("the channels were dropped",), EVERY_CALLER),
    function_mutant("pool_output_shape_as_list", "pool_output_shape", pool_output_shape_as_list,
           ("a list instead of a tuple",)),
    function_mutant("conv_params_no_bias", "conv_params", conv_params_no_bias, (shared.forgot_the_bias.hint,),
           EVERY_CALLER),
    function_mutant("conv_params_no_in_channels", "conv_params", conv_params_no_in_channels,
           (shared.forgot_the_input_channels.hint,), EVERY_CALLER),
    function_mutant("conv_params_use_bias_ignored", "conv_params", conv_params_use_bias_ignored,
           (shared.added_a_bias_anyway.hint,), EVERY_CALLER),
    function_mutant("conv_params_kernel_not_squared", "conv_params", conv_params_kernel_not_squared,
           (shared.used_k_not_k_squared.hint,), EVERY_CALLER),
    function_mutant("dense_params_no_bias", "dense_params", dense_params_no_bias, (shared.forgot_the_bias.hint,),
           EVERY_CALLER),
    function_mutant("dense_params_use_bias_ignored", "dense_params", dense_params_use_bias_ignored,
           (shared.added_a_bias_anyway.hint,), EVERY_CALLER),
    function_mutant("dense_params_bias_per_input", "dense_params", dense_params_bias_per_input,
           (shared.bias_per_input.hint,), EVERY_CALLER),
    function_mutant("summarize_flatten_params", "summarize", summarize_flatten_params, ("no parameters",)),
    function_mutant("summarize_flatten_column", "summarize", summarize_flatten_column, ("Flatten outputs one axis",)),
    function_mutant("summarize_flatten_drops_channels", "summarize", summarize_flatten_drops_channels,
           ("Flatten outputs one axis",)),
    function_mutant("summarize_size_without_channels", "summarize", summarize_size_without_channels,
           ("the product of the output shape",)),
    function_mutant("summarize_use_bias_ignored", "summarize", summarize_use_bias_ignored,
           (shared.added_a_bias_anyway.hint,)),
    function_mutant("exercise_table_conv_no_in_channels", "exercise_table", TABLE_CONV_NO_IN_CHANNELS,
           ("row 2 (Conv2D)", shared.forgot_the_input_channels.hint)),
    function_mutant("exercise_table_dense_no_bias", "exercise_table", TABLE_DENSE_NO_BIAS,
           ("row 7 (Dense)", shared.forgot_the_bias.hint)),
    function_mutant("exercise_table_flatten_params", "exercise_table", TABLE_FLATTEN_PARAMS,
           ("row 6 (Flatten)", "no parameters")),
    function_mutant("exercise_table_pool_stride_one", "exercise_table", TABLE_POOL_STRIDE_ONE,
           ("row 3 (MaxPooling2D)", shared.ignored_the_stride.hint)),
    function_mutant("exercise_table_size_without_channels", "exercise_table", TABLE_SIZE_WITHOUT_CHANNELS,
           ("row 2 (Conv2D)", "the product of the output shape")),
    function_mutant("exercise_table_no_input_row", "exercise_table", TABLE_NO_INPUT_ROW, ("expected 9 rows",)),
)
