"""Reference solution of the `cnn-shapes` assignment, written as a student would.

Plain Python integer arithmetic: nothing here needs numpy.
Each function and the exercise table below are copied verbatim into the solution
cells of source/cnn-shapes/cnn-shapes.ipynb by `dlgrade build`; the
docstrings are the task statements the students read. The trusted calculator the
grader compares against is reference/shapes.py (Keras-exact, many more layers).
"""


def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding="valid"):
    """Output shape of a Conv2D layer, as Keras computes it (no batch dimension).

    input_shape: (H, W, C); filters: number of filters F; kernel_size: int k
    (a k x k kernel); strides: int; padding: "valid" or "same".
    "valid": H' = floor((H - k) / strides) + 1;  "same": H' = ceil(H / strides).
    Returns the TUPLE (H', W', F), e.g. conv_output_shape((28, 28, 1), 8, 3,
    padding="same") == (28, 28, 8).
    """
    ### BEGIN SOLUTION
    height, width, _ = input_shape
    if padding == "same":
        out_h = -(-height // strides)  # ceil(height / strides)
        out_w = -(-width // strides)
    else:
        out_h = (height - kernel_size) // strides + 1
        out_w = (width - kernel_size) // strides + 1
    return (out_h, out_w, filters)
    ### END SOLUTION


def pool_output_shape(input_shape, pool_size=2, strides=None, padding="valid"):
    """Output shape of a MaxPooling2D / AveragePooling2D layer, as Keras computes it.

    input_shape: (H, W, C); pool_size: int; strides: int, or None for the pool
    size (the Keras default); padding: "valid" or "same" (same rules as Conv2D).
    Pooling keeps the channels: returns the TUPLE (H', W', C).
    """
    ### BEGIN SOLUTION
    if strides is None:
        strides = pool_size
    height, width, channels = input_shape
    if padding == "same":
        out_h = -(-height // strides)
        out_w = -(-width // strides)
    else:
        out_h = (height - pool_size) // strides + 1
        out_w = (width - pool_size) // strides + 1
    return (out_h, out_w, channels)
    ### END SOLUTION


def conv_params(kernel_size, in_channels, filters, use_bias=True):
    """Number of parameters of a Conv2D layer with a kernel_size x kernel_size kernel.

    Each filter has kernel_size * kernel_size * in_channels weights, plus one
    bias if use_bias. Example: conv_params(5, 3, 8) == (5 * 5 * 3 + 1) * 8 == 608.
    """
    ### BEGIN SOLUTION
    weights = kernel_size * kernel_size * in_channels * filters
    biases = filters if use_bias else 0
    return weights + biases
    ### END SOLUTION


def dense_params(in_units, units, use_bias=True):
    """Number of parameters of a Dense layer: in_units * units weights (+ units biases)."""
    ### BEGIN SOLUTION
    return in_units * units + (units if use_bias else 0)
    ### END SOLUTION


def summarize(input_shape, layers):
    """What Keras' model.summary() shows for a stack of layers, one row per layer.

    input_shape: (H, W, C) of one example (no batch). layers: a list of dicts,
    the Keras class name under "type" and the Keras arguments, e.g.
      {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"}
      {"type": "MaxPooling2D", "pool_size": 2}   (also "AveragePooling2D")
      {"type": "Flatten"}
      {"type": "Dense", "units": 120, "activation": "relu"}
      {"type": "Dropout", "rate": 0.5}
    Missing arguments take the Keras defaults (strides 1 for Conv2D and the pool
    size for pooling, padding "valid", use_bias True); other keys (activation,
    rate, name, ...) change neither shapes nor parameters.
    Returns a list with one row per layer:
    (type, output_shape, activation_size, params), where output_shape is a tuple
    and activation_size is the number of values in it.
    """
    ### BEGIN SOLUTION
    rows = []
    shape = tuple(input_shape)
    for layer in layers:
        kind = layer["type"]
        params = 0
        if kind == "Conv2D":
            kernel_size = layer["kernel_size"]
            strides = layer.get("strides", 1)
            padding = layer.get("padding", "valid")
            params = conv_params(kernel_size, shape[-1], layer["filters"], layer.get("use_bias", True))
            shape = conv_output_shape(shape, layer["filters"], kernel_size, strides, padding)
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            shape = pool_output_shape(shape, layer.get("pool_size", 2), layer.get("strides"),
                                      layer.get("padding", "valid"))
        elif kind == "Flatten":
            size = 1
            for d in shape:
                size *= d
            shape = (size,)
        elif kind == "Dense":
            params = dense_params(shape[-1], layer["units"], layer.get("use_bias", True))
            shape = shape[:-1] + (layer["units"],)
        elif kind == "Dropout":
            pass  # Dropout zeroes values while training; shape and parameters unchanged
        else:
            raise ValueError(f"unknown layer type {kind!r}")
        activation_size = 1
        for d in shape:
            activation_size *= d
        rows.append((kind, shape, activation_size, params))
    return rows
    ### END SOLUTION


### BEGIN SOLUTION
exercise_table = [
    # (layer, activation shape, activation size, parameters)
    ("Input", (32, 32, 3), 3072, 0),
    ("Conv2D", (28, 28, 8), 6272, 608),
    ("MaxPooling2D", (14, 14, 8), 1568, 0),
    ("Conv2D", (10, 10, 16), 1600, 3216),
    ("MaxPooling2D", (5, 5, 16), 400, 0),
    ("Flatten", (400,), 400, 0),
    ("Dense", (120,), 120, 48120),
    ("Dense", (84,), 84, 10164),
    ("Dense", (10,), 10, 850),
]
### END SOLUTION
