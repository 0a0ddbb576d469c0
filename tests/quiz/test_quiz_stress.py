"""Stress test: 1,000 items per family, every key cross-checked against Keras / TensorFlow.

For all 1,000 items of every family:
- the item is sound (`validate_item`): exactly one correct option, options
  distinct after rounding, no mistake value inside a numeric tolerance and
  Moodle answer intervals disjoint, matrix items' LMS cell item sound, JSON
  round trip; plus explicit checks of the same invariants here;
- the key is recomputed from the stored parameters (the JSON is self-sufficient).

Against Keras / TensorFlow (what each family is checked with):
- conv-output-size: all 1,000 keys against tf.nn.conv2d output shapes; Keras
  Conv2D (after ZeroPadding2D for an int padding) on keras.Input for the first
  250 distinct parameter tuples (layer builds cost ~8 ms each).
- conv-feature-map: all 1,000 matrices (or the asked cell) against tf.nn.conv2d.
- pooling: all 1,000 against tf.nn.max_pool2d / tf.nn.avg_pool2d.
- conv2d-params: every distinct (kernel, channels, filters, use_bias) tuple among
  the 1,000 built as keras.layers.Conv2D on keras.Input: count_params.
- dense-params: every distinct (input shape, units, use_bias) as keras.Input ->
  [Flatten] -> Dense: count_params.
- architecture-layer: a Keras Sequential costs ~40 ms, so the first 250 distinct
  models (of the 1,000) are built with keras.Input and EVERY layer's output shape
  and count_params compared with reference.shapes; all 1,000 keys are checked
  against reference.shapes.summarize of the stored parameters.
- activation: all 1,000 against tf.math / tf.nn activations, derivatives by
  tf.GradientTape.
- loss: all 1,000 against keras.losses (and keras.metrics.RootMeanSquaredError);
  the Keras (float32) value must also lie inside the item's tolerance.
- steps-per-epoch: all 1,000 against tf.data.Dataset.range(n).batch(b).cardinality().
- transfer-learning: conceptual; the key is the course's strategy for the case
  and all options are distinct course texts.
- vgg16-frozen-params: keras.applications.VGG16(weights=None, include_top=False) once per
  input size, nested in a Sequential model with the item's head (one per distinct input and
  head), frozen as the item's code freezes it (base.trainable = False, or the named blocks'
  layers): the trainable / non-trainable weight counts; all keys also recomputed from
  reference.shapes.
- vgg16-output-shape: keras.applications.VGG16(weights=None, include_top=False) once per input
  size: the output shape of the asked block's pooling layer (block5_pool: the base's output).
- lenet-alexnet-layer: the three course stacks built as Keras models (keras.Input,
  the same layer dicts): every item's key against its layer's output shape,
  count_params, or trainable / non-trainable weight counts; all keys also
  recomputed from reference.shapes.summarize.
- receptive-field: all 1,000 keys recomputed by reference.receptive_field; the
  first 250 distinct stacks built as Keras models of the same layers (one filter,
  all-ones kernels, no bias or activation) and the field measured by pushing
  one-column impulses through them.
- recurrent-params: every distinct (layer, units, features, time steps, use_bias) built as
  keras.layers.SimpleRNN / LSTM / GRU (Keras 3 defaults: GRU reset_after=True) on
  keras.Input((steps, features)), every distinct Embedding on integer inputs of the item's
  length: count_params; all keys recomputed from reference.shapes.
- series-windows: all 1,000 against keras.utils.timeseries_dataset_from_array(series,
  None, sequence_length=look_back + 1) (a window and the value after it): its cardinality.
- augmentation: the claims each key states, rendered again from what Keras does
  with the item's layer: which calls change the images (training=True, evaluate,
  predict), whether repeated calls repeat, count_params, the training output
  shape; the course's conventions (training data only, the layer for each change)
  against their tables.

- conv2d-transpose-output: every distinct input and layer stack (up to 600) built as
  keras.layers.Conv2DTranspose on keras.Input: the output shape (or height); all keys also
  recomputed from reference.shapes.
- gan-params: every distinct model (the 1D GAN's discriminator and generator, the DCGAN's
  generator and discriminator, with the item's settings) built as a keras.Sequential of the
  same layers: count_params of the asked layer or of the model; all keys also recomputed.
- gan-training-step: a tiny 1D GAN trained one step of each kind under Keras 3, the classic
  way (discriminator.trainable toggled before each call): which model's weights changed
  must be the one the key names; the labels are the course's table; the Keras 3 item's key is
  what fixes the frozen-once code (checked in test_gan_keras3_trainable_fact).

test_cross_checks_catch_corrupted_keys proves the checks are not vacuous: each
family's checker rejects items whose key was altered.
"""
import dataclasses
import json
import time

import numpy as np
import pytest

from autograder.quiz import families, generate_item
from autograder.quiz import mistakes as QM
from autograder.quiz.generators import augmentation as aug
from autograder.quiz.generators import gans
from autograder.quiz.generators import transfer_counts as vgg
from autograder.quiz.generators.transfer import ALL_AT_ONCE, STEP_OPTIONS, STRATEGIES
from autograder.quiz.model import is_number, rounded, separated, validate_item
from reference import conv as ref_conv
from reference import metrics as ref_metrics
from reference import pooling as ref_pool
from reference import receptive_field as ref_rf
from reference import shapes as ref_shapes
from reference.architectures import ARCHITECTURES

tf = pytest.importorskip("tensorflow", reason="the stress test cross-checks against TensorFlow")
keras = pytest.importorskip("keras")

N_ITEMS = 1000
KERAS_DEDUP = 250
QUIZ_SEED = 20240601
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def all_items():
    return {name: [generate_item(name, v, QUIZ_SEED) for v in range(N_ITEMS)]
            for name in sorted(families())}


# --- invariants -------------------------------------------------------------------------

def check_invariants(item):
    problems = validate_item(item)
    assert not problems, f"{item.name}: {problems}"
    assert sum(o.correct for o in item.options) == 1
    texts = [o.text for o in item.options]
    assert len(set(texts)) == len(texts), f"{item.name}: options equal after rounding: {texts}"
    if item.kind == "multichoice":
        assert len(item.options) == 4, item.name
        assert item.key.text not in [o.text for o in item.distractors]
    lms = item.lms_item()
    if lms.kind == "numeric":
        for o in lms.distractors:
            assert abs(o.value - lms.answer) > lms.tolerance, f"{item.name}: {o.mistakes} inside tolerance"
            assert separated(o.value, lms.answer, lms.tolerance, lms.decimals)
        assert abs(rounded(lms.answer, lms.decimals) - lms.answer) <= lms.tolerance


def _matrix(item):
    """The full answer matrix and the asked cell (None for a matrix item)."""
    if item.kind == "matrix":
        return item.answer, None
    return item.params["matrix_answer"], tuple(item.params["cell"])


# --- per-family cross-checks: return a list of mismatch descriptions --------------------

def _tf_padding(padding):
    if padding == "valid":
        return "VALID"
    if padding == "same":
        return "SAME"
    p = int(padding)
    return [[0, 0], [p, p], [p, p], [0, 0]]


def check_conv_output_size(items, keras_limit=KERAS_DEDUP):
    bad = []
    seen = {}
    for item in items:
        p = item.params
        n, k, s, padding = p["n"], p["kernel"], p["stride"], p["padding"]
        out = tf.nn.conv2d(tf.zeros((1, n, n, 1)), tf.zeros((k, k, 1, 1)), strides=s,
                           padding=_tf_padding(padding)).shape[1]
        if out != item.answer:
            bad.append(f"{item.name}: tf.nn.conv2d gives {out}, key {item.answer}")
        if ref_conv.output_size(n, k, s, padding) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
        key = (n, k, s, padding, p["channels"])
        if key not in seen and len(seen) < keras_limit:
            inp = keras.Input((n, n, p["channels"]))
            x = keras.layers.ZeroPadding2D(padding)(inp) if isinstance(padding, int) else inp
            conv = keras.layers.Conv2D(p["filters"], k, strides=s,
                                       padding=padding if isinstance(padding, str) else "valid",
                                       kernel_initializer="zeros")
            seen[key] = tuple(conv(x).shape[1:3])
        if key in seen and seen[key] != (item.answer, item.answer):
            bad.append(f"{item.name}: Keras Conv2D gives {seen[key]}, key {item.answer}")
    return bad


def check_conv_feature_map(items):
    bad = []
    for item in items:
        p = item.params
        x = np.array(p["x"], dtype=np.float64)[None, :, :, None]
        w = np.array(p["kernel"], dtype=np.float64)[:, :, None, None]
        out = tf.nn.conv2d(x, w, strides=p["stride"], padding=_tf_padding(p["padding"])).numpy()[0, :, :, 0]
        matrix, cell = _matrix(item)
        if out.shape != np.shape(matrix) or not np.allclose(out, matrix):
            bad.append(f"{item.name}: tf.nn.conv2d gives {out.tolist()}, key {matrix}")
        elif cell is not None and out[cell] != item.answer:
            bad.append(f"{item.name}: cell {cell} is {out[cell]}, key {item.answer}")
        ref = ref_conv.conv2d(np.array(p["x"]), np.array(p["kernel"]), stride=p["stride"],
                              padding=p["padding"])
        if ref.tolist() != matrix:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_pooling(items):
    bad = []
    for item in items:
        p = item.params
        x = np.array(p["x"], dtype=np.float64)[None, :, :, None]
        stride = p["stride"] or p["pool_size"]
        op = tf.nn.max_pool2d if p["op"] == "max" else tf.nn.avg_pool2d
        out = op(x, ksize=p["pool_size"], strides=stride, padding=p["padding"].upper()).numpy()[0, :, :, 0]
        matrix, cell = _matrix(item)
        if out.shape != np.shape(matrix) or not np.allclose(out, matrix, atol=1e-12):
            bad.append(f"{item.name}: tf.nn pooling gives {out.tolist()}, key {matrix}")
        elif cell is not None and not np.isclose(out[cell], item.answer):
            bad.append(f"{item.name}: cell {cell} is {out[cell]}, key {item.answer}")
        fn = ref_pool.max_pool if p["op"] == "max" else ref_pool.avg_pool
        if not np.allclose(fn(np.array(p["x"]), p["pool_size"], p["stride"], p["padding"]), matrix):
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_conv2d_params(items):
    bad, built = [], {}
    for item in items:
        p = item.params
        kernel = tuple(p["kernel_size"])
        key = (kernel, p["in_channels"], p["filters"], p["use_bias"])
        if key not in built:
            n = p["input_shape"][0]
            layer = keras.layers.Conv2D(p["filters"], kernel, strides=p["strides"], padding=p["padding"],
                                        use_bias=p["use_bias"], kernel_initializer="zeros")
            layer(keras.Input((n, n, p["in_channels"])))
            built[key] = layer.count_params()
        if built[key] != item.answer:
            bad.append(f"{item.name}: Keras counts {built[key]}, key {item.answer}")
        if ref_shapes.conv_params(kernel, p["in_channels"], p["filters"], p["use_bias"]) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_dense_params(items):
    bad, built = [], {}
    for item in items:
        p = item.params
        key = (tuple(p["input_shape"]), p["units"], p["use_bias"])
        if key not in built:
            inp = keras.Input(tuple(p["input_shape"]))
            x = keras.layers.Flatten()(inp) if len(p["input_shape"]) == 3 else inp
            dense = keras.layers.Dense(p["units"], use_bias=p["use_bias"], kernel_initializer="zeros")
            dense(x)
            built[key] = dense.count_params()
        if built[key] != item.answer:
            bad.append(f"{item.name}: Keras counts {built[key]}, key {item.answer}")
    return bad


def keras_model(input_shape, layers):
    built = [keras.Input(tuple(input_shape))]
    for spec in layers:
        kwargs = {k: v for k, v in spec.items() if k != "type"}
        if spec["type"] in ("Conv2D", "Dense"):
            kwargs["kernel_initializer"] = "zeros"
        built.append(getattr(keras.layers, spec["type"])(**kwargs))
    return keras.Sequential(built)


def _answer_of(row, quantity):
    from autograder.quiz.mistakes import shape_text
    return {"shape": shape_text(row.output_shape), "size": row.activation_size,
            "params": row.params}[quantity]


def check_architecture(items, keras_limit=KERAS_DEDUP):
    bad, models = [], {}
    for item in items:
        p = item.params
        summary = ref_shapes.summarize(p["input_shape"], p["layers"])
        row = summary.layers[p["layer"] - 1]
        if _answer_of(row, p["quantity"]) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
        key = json.dumps([p["input_shape"], p["layers"]], sort_keys=True)
        if key not in models and len(models) < keras_limit:
            model = keras_model(p["input_shape"], p["layers"])
            models[key] = [(tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
            for i, (r, (shape, params)) in enumerate(zip(summary.layers, models[key])):
                if (r.output_shape, r.params) != (shape, params):
                    bad.append(f"{item.name}: layer {i + 1}: Keras {shape} {params}, "
                               f"reference {r.output_shape} {r.params}")
        if key in models:
            shape, params = models[key][p["layer"] - 1]
            keras_answer = {"shape": _answer_of(dataclasses.replace(row, output_shape=shape), "shape"),
                            "size": int(np.prod(shape)), "params": params}[p["quantity"]]
            if keras_answer != item.answer:
                bad.append(f"{item.name}: Keras gives {keras_answer}, key {item.answer}")
    return bad, len(models)


TF_ACTIVATIONS = {"sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu}


def check_activation(items):
    bad = []
    for item in items:
        p = item.params
        if p["function"] == "softmax":
            value = float(tf.nn.softmax(tf.constant(p["z"], tf.float64))[p["index"]])
        else:
            fn = (TF_ACTIVATIONS.get(p["function"])
                  or (lambda t: tf.nn.leaky_relu(t, alpha=p["alpha"])))
            x = tf.constant(p["x"], tf.float64)
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            value = float(tape.gradient(y, x)) if p["derivative"] else float(y)
        # tf.nn.leaky_relu holds alpha as a float32 even for float64 inputs: 1e-7, not 1e-12.
        if abs(value - item.answer) > 1e-7 * max(1.0, abs(item.answer)):
            bad.append(f"{item.name}: TensorFlow gives {value}, key {item.answer}")
        if item.kind == "numeric" and abs(value - rounded(item.answer, item.decimals)) > item.tolerance:
            bad.append(f"{item.name}: TensorFlow's {value} is outside the exported tolerance")
    return bad


def check_loss(items):
    bad = []
    objects = {"binary_crossentropy": keras.losses.BinaryCrossentropy(),
               "categorical_crossentropy": keras.losses.CategoricalCrossentropy(),
               "mse": keras.losses.MeanSquaredError(), "mae": keras.losses.MeanAbsoluteError()}
    for item in items:
        p = item.params
        y = np.array(p["y_true"], dtype=np.float32)
        yp = np.array(p["y_pred"], dtype=np.float32)
        if p["loss"] == "rmse":
            metric = keras.metrics.RootMeanSquaredError()
            metric.update_state(y, yp)
            value = float(metric.result())
        else:
            value = float(objects[p["loss"]](y, yp))
        if abs(value - item.answer) > 1e-5 * max(1.0, abs(item.answer)):
            bad.append(f"{item.name}: Keras gives {value}, key {item.answer}")
        if item.kind == "numeric" and abs(value - rounded(item.answer, item.decimals)) > item.tolerance:
            bad.append(f"{item.name}: Keras's {value} is outside the exported tolerance")
    return bad


def check_steps(items):
    bad = []
    for item in items:
        p = item.params
        steps = int(tf.data.Dataset.range(p["n_samples"]).batch(p["batch_size"]).cardinality())
        if steps != item.answer:
            bad.append(f"{item.name}: tf.data gives {steps}, key {item.answer}")
        if ref_metrics.steps_per_epoch(p["n_samples"], p["batch_size"]) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_transfer(items):
    bad = []
    known = set(STRATEGIES.values()) | set(STEP_OPTIONS.values()) | {ALL_AT_ONCE}
    for item in items:
        p = item.params
        expected = (STRATEGIES[(p["size"], p["similarity"])] if p["question"] == "strategy"
                    else STEP_OPTIONS["key"])
        if item.answer != expected or item.key.text != expected:
            bad.append(f"{item.name}: key {item.answer!r} is not the course's answer")
        if not {o.text for o in item.options} <= known:
            bad.append(f"{item.name}: option outside the course texts")
    return bad


def _vgg16(input_shape, bases):
    """keras.applications.VGG16's base (no weights needed for counts and shapes), one per size."""
    size = tuple(input_shape)
    if size not in bases:
        bases[size] = keras.applications.VGG16(weights=None, include_top=False, input_shape=size)
    return bases[size]


def keras_frozen_split(base, model, frozen_blocks):
    """(trainable, non-trainable) weight counts of `model` with the base frozen as the item's
    code freezes it."""
    if frozen_blocks == len(vgg.VGG16_BLOCKS):
        base.trainable = False
    else:
        base.trainable = True
        names = tuple(f"block{b}_" for b in range(1, frozen_blocks + 1))
        for layer in base.layers:
            layer.trainable = not layer.name.startswith(names)
    return (sum(int(np.prod(w.shape)) for w in model.trainable_weights),
            sum(int(np.prod(w.shape)) for w in model.non_trainable_weights))


def check_vgg16_frozen(items):
    bad, bases, models, splits = [], {}, {}, {}
    for item in items:
        p = item.params
        if vgg.count(p["input_shape"], p["frozen_blocks"], p["head"], p["quantity"]) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
        head = json.dumps([p["input_shape"], p["head"]], sort_keys=True)
        case = (head, p["frozen_blocks"])
        if case not in splits:
            base = _vgg16(p["input_shape"], bases)
            if head not in models:
                layers = [keras.Input(tuple(p["input_shape"])), base]
                for spec in p["head"]:
                    kwargs = {k: v for k, v in spec.items() if k != "type"}
                    if spec["type"] == "Dense":
                        kwargs["kernel_initializer"] = "zeros"
                    layers.append(getattr(keras.layers, spec["type"])(**kwargs))
                models[head] = keras.Sequential(layers)
            splits[case] = keras_frozen_split(base, models[head], p["frozen_blocks"])
        trainable, frozen = splits[case]
        keras_answer = trainable if p["quantity"] == "trainable" else frozen
        if keras_answer != item.answer:
            bad.append(f"{item.name}: Keras counts {keras_answer}, key {item.answer}")
    return bad


def check_vgg16_output_shape(items):
    bad, bases = [], {}
    for item in items:
        p = item.params
        base = _vgg16(p["input_shape"], bases)
        shape = tuple(base.get_layer(f"block{p['blocks']}_pool").output.shape[1:])
        if QM.shape_text(shape) != item.answer:
            bad.append(f"{item.name}: Keras gives {QM.shape_text(shape)}, key {item.answer}")
        again = ref_shapes.summarize(p["input_shape"], vgg.vgg16_base(blocks=p["blocks"]))
        if QM.shape_text(again.output_shape) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_lenet_alexnet(items):
    bad, models = [], {}
    for item in items:
        p = item.params
        summary = ref_shapes.summarize(p["input_shape"], p["layers"])
        row = summary.layers[p["layer"] - 1]
        ref = (_answer_of(row, "shape") if p["quantity"] == "shape" else
               QM.batch_norm_answer(row.trainable_params, row.non_trainable_params, p["quantity"]))
        if ref != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
        key = json.dumps([p["input_shape"], p["layers"]], sort_keys=True)
        if key not in models:
            model = keras_model(p["input_shape"], p["layers"])
            models[key] = [(tuple(layer.output.shape[1:]),
                            sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
                            sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights))
                           for layer in model.layers]
        shape, trainable, frozen = models[key][p["layer"] - 1]
        keras_answer = (QM.shape_text(shape) if p["quantity"] == "shape"
                        else QM.batch_norm_answer(trainable, frozen, p["quantity"]))
        if keras_answer != item.answer:
            bad.append(f"{item.name}: Keras gives {keras_answer}, key {item.answer}")
    return bad


def _min_height(layers, width):
    """The smallest input height the stack accepts (the field is measured along the width)."""
    for h in range(1, 1024):
        try:
            ref_shapes.summarize([h, width, 1], layers)
            return h
        except ValueError:
            continue
    raise AssertionError(f"no height fits {layers}")


def keras_receptive_field(layers, reach):
    """The width of the input columns that reach one central unit of the last layer.

    The same layers with one filter, all-ones kernels and no bias or activation; a batch of
    images each with one column of ones. With non-negative values an output is non-zero
    exactly when its window holds a non-zero input, pooling included. `reach` only sizes
    the image (wide enough for a field of that width away from the borders); a field
    touching a border is reported as None.
    """
    width = 2 * reach + 64
    height = _min_height(layers, width)
    built = [keras.Input((height, width, 1))]
    for spec in layers:
        kwargs = {k: v for k, v in spec.items() if k not in ("type", "filters", "activation")}
        if spec["type"] == "Conv2D":
            kwargs.update(filters=1, use_bias=False, kernel_initializer="ones")
        built.append(getattr(keras.layers, spec["type"])(**kwargs))
    model = keras.Sequential(built)
    images = np.zeros((width, height, width, 1), dtype=np.float32)
    images[np.arange(width), :, np.arange(width), 0] = 1.0
    out = np.asarray(model(images))
    centre = out.shape[2] // 2
    hit = np.flatnonzero(out[:, 0, centre, 0] != 0)
    if not hit.size or hit[0] == 0 or hit[-1] == width - 1:
        return None
    if not np.array_equal(hit, np.arange(hit[0], hit[-1] + 1)):
        return -1  # not one contiguous patch
    return int(hit.size)


def check_receptive_field(items, keras_limit=KERAS_DEDUP):
    bad, measured = [], {}
    for item in items:
        layers = item.params["layers"]
        if ref_rf.receptive_field(layers) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
        key = json.dumps(layers, sort_keys=True)
        if key not in measured and len(measured) < keras_limit:
            steps = ref_rf.receptive_field_steps(layers)
            measured[key] = keras_receptive_field(layers, reach=2 * steps[-1][0] + 16 * steps[-1][1])
        if key in measured and measured[key] != item.answer:
            bad.append(f"{item.name}: impulses through Keras give {measured[key]}, key {item.answer}")
    return bad, len(measured)


def check_recurrent(items):
    bad, counted = [], {}
    for item in items:
        p = item.params
        if p["layer"] == "Embedding":
            case = ("Embedding", p["input_dim"], p["output_dim"], p["length"])
            if case not in counted:
                layer = keras.layers.Embedding(p["input_dim"], p["output_dim"])
                layer(keras.Input((p["length"],), dtype="int32"))
                counted[case] = layer.count_params()
            again = p["input_dim"] * p["output_dim"]
        else:
            case = (p["layer"], p["units"], p["features"], p["steps"], p["use_bias"])
            if case not in counted:
                layer = getattr(keras.layers, p["layer"])(p["units"], use_bias=p["use_bias"])
                layer(keras.Input((p["steps"], p["features"])))
                counted[case] = layer.count_params()
            again = ref_shapes.recurrent_params(p["layer"], p["features"], p["units"], p["use_bias"])
        if counted[case] != item.answer:
            bad.append(f"{item.name}: Keras counts {counted[case]}, key {item.answer}")
        if again != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def check_series_windows(items):
    bad, counted = [], {}
    for item in items:
        case = (item.params["length"], item.params["look_back"])
        if case not in counted:
            windows = keras.utils.timeseries_dataset_from_array(
                np.arange(case[0]), None, sequence_length=case[1] + 1, batch_size=None)
            counted[case] = int(windows.cardinality())
        if counted[case] != item.answer:
            bad.append(f"{item.name}: Keras makes {counted[case]} windows, key {item.answer}")
        if ref_shapes.series_windows(*case) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def keras_augmentation(layer, args, input_shape):
    """What Keras does with one augmentation layer: the calls that change the images, whether
    repeated calls repeat, its parameters."""
    model = keras.Sequential([keras.Input(tuple(input_shape)), getattr(keras.layers, layer)(**args)])
    # 32 images: a random flip leaves all of them unflipped with probability 2**-32 only.
    x = np.random.default_rng(0).uniform(0, 255, (32, *input_shape)).astype("float32")
    predicted = [model.predict(x, verbose=0) for _ in range(2)]
    trained = [np.asarray(model(x, training=True)) for _ in range(2)]
    model.compile(loss="mse")
    changes = {"fit": not np.array_equal(trained[0], x),  # fit calls the model with training=True
               "evaluate": model.evaluate(x, x, verbose=0) > 0,
               "predict": not np.array_equal(predicted[0], x)}
    return {"active_in": {call for call, changed in changes.items() if changed},
            "repeats": (np.array_equal(*predicted), np.array_equal(*trained)),
            "params": model.count_params()}


def check_augmentation(items):
    bad, seen, shapes = [], {}, {}
    for item in items:
        p = item.params
        question = p["question"]
        if question in ("phase", "repeat", "params"):
            key = json.dumps([p["layer"], p["args"]], sort_keys=True)
            if key not in seen:  # the layer's behaviour does not depend on the image size
                seen[key] = keras_augmentation(p["layer"], p["args"], [24, 28, 3])
            facts = seen[key]
            expected = {"phase": lambda: aug.PHASE_CLAIMS.get(frozenset(facts["active_in"])),
                        "repeat": lambda: aug.REPEAT_CLAIMS.get(facts["repeats"]),
                        "params": lambda: aug.params_claim(facts["params"])}[question]()
        elif question == "shape":
            key = json.dumps([p["layer"], p["args"], p["input_shape"]], sort_keys=True)
            if key not in shapes:
                layer = getattr(keras.layers, p["layer"])(**p["args"])
                x = np.zeros((1, *p["input_shape"]), dtype=np.float32)
                shapes[key] = tuple(layer(x, training=True).shape[1:])
            expected = QM.shape_text(shapes[key])
        elif question == "data":
            expected = aug.DATA_CLAIM
        else:
            wanted = aug.AUGMENTATIONS[p["wanted"]]
            expected = (aug.code(p["layer"], p["args"]) if p["layer"] == wanted.layer
                        and p["args"] in [dict(s) for s in wanted.settings] else None)
        if expected != item.answer:
            bad.append(f"{item.name}: Keras / the course give {expected!r}, key {item.answer!r}")
        if item.key.text != item.answer:
            bad.append(f"{item.name}: the key option does not show the key")
    return bad


def check_conv_transpose(items, keras_limit=600):
    bad, built = [], {}
    for item in items:
        p = item.params
        shape = gans.transpose_shape(p["input_shape"], p["layers"])
        key = json.dumps([p["input_shape"], p["layers"]], sort_keys=True)
        if key not in built and len(built) < keras_limit:
            x = keras.Input(tuple(p["input_shape"]))
            for spec in p["layers"]:
                x = keras.layers.Conv2DTranspose(spec["filters"], spec["kernel_size"],
                                                 strides=spec["strides"],
                                                 padding=spec["padding"])(x)
            built[key] = tuple(x.shape[1:])
        for what, got in (("Keras gives", built.get(key)), ("reference.shapes gives", shape)):
            if got is None:
                continue
            expected = QM.shape_text(got) if p["question"] == "shape" else got[0]
            if expected != item.answer:
                bad.append(f"{item.name}: {what} {got}, key {item.answer}")
    return bad


def keras_gan_model(input_shape, layers):
    built = [keras.Input(tuple(input_shape))]
    for spec in layers:
        kwargs = {k: v for k, v in spec.items() if k != "type"}
        if spec["type"] == "Reshape":
            kwargs["target_shape"] = tuple(kwargs["target_shape"])
        built.append(getattr(keras.layers, spec["type"])(**kwargs))
    return keras.Sequential(built)


def check_gan_params(items):
    bad, models = [], {}
    for item in items:
        p = item.params
        key = json.dumps([p["input_shape"], p["layers"]], sort_keys=True)
        if key not in models:
            models[key] = keras_gan_model(p["input_shape"], p["layers"])
        model = models[key]
        counted = (model.count_params() if p["layer"] is None
                   else model.layers[p["layer"] - 1].count_params())
        if counted != item.answer:
            bad.append(f"{item.name}: Keras counts {counted}, key {item.answer}")
        index = None if p["layer"] is None else p["layer"] - 1
        if gans.gan_params_key(p["input_shape"], p["layers"], index) != item.answer:
            bad.append(f"{item.name}: key not reproducible from params")
    return bad


def _changed(model, step):
    before = [w.copy() for w in model.get_weights()]
    step()
    return any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))


def keras_gan_steps():
    """{step: (discriminator changed, generator changed)} for one step of each kind of the
    classic loop, on a tiny 1D GAN, the discriminator's trainable toggled before each call."""
    keras.utils.set_random_seed(0)
    d_shape, d_layers = gans.discriminator_1d(8)
    g_shape, g_layers = gans.generator_1d(3, 8)
    disc = keras_gan_model(d_shape, d_layers)
    disc.compile(loss="binary_crossentropy", optimizer="adam")
    gen = keras_gan_model(g_shape, g_layers)
    disc.trainable = False
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="adam")
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.5, 0.5, (16, 1))
    real = np.hstack([x, x ** 2]).astype("float32")
    latent = rng.normal(size=(16, 3)).astype("float32")
    fake = gen.predict(latent, verbose=0)
    out = {}
    for step, (inputs, labels, model) in {"real": (real, np.ones((16, 1)), disc),
                                          "fake": (fake, np.zeros((16, 1)), disc),
                                          "generator": (latent, np.ones((16, 1)), gan)}.items():
        disc.trainable = model is disc
        g_before = [w.copy() for w in gen.get_weights()]
        d_changed = _changed(disc, lambda: model.train_on_batch(inputs, labels))
        g_changed = any(not np.allclose(a, b) for a, b in zip(g_before, gen.get_weights()))
        out[step] = (d_changed, g_changed)
    return out


def check_gan_training_step(items, observed={}):  # observed: Keras's steps, run once a session
    bad = []
    if not observed:
        observed.update(keras_gan_steps())
    for item in items:
        p = item.params
        if p["question"] == "keras3":
            expected = gans.KERAS3["key"]
        else:
            d_changed, g_changed = observed[p["step"]]
            expected = gans.STEPS[p["step"]]
            who = ("only the discriminator's" if d_changed and not g_changed else
                   "only the generator's" if g_changed and not d_changed else None)
            if who is None or who not in expected:
                bad.append(f"{item.name}: Keras changed discriminator={d_changed}, "
                           f"generator={g_changed}; the key says {expected!r}")
        if item.answer != expected or item.key.text != expected:
            bad.append(f"{item.name}: key {item.answer!r} is not the course's answer")
        known = set(gans.STEP_TEXTS.values()) | set(gans.KERAS3.values())
        if not {o.text for o in item.options} <= known:
            bad.append(f"{item.name}: option outside the course texts")
    return bad


CHECKS = {
    "conv2d-transpose-output": check_conv_transpose,
    "gan-params": check_gan_params,
    "gan-training-step": check_gan_training_step,
    "conv-output-size": check_conv_output_size,
    "conv-feature-map": check_conv_feature_map,
    "pooling": check_pooling,
    "conv2d-params": check_conv2d_params,
    "dense-params": check_dense_params,
    "architecture-layer": lambda items: check_architecture(items)[0],
    "activation": check_activation,
    "loss": check_loss,
    "steps-per-epoch": check_steps,
    "transfer-learning": check_transfer,
    "vgg16-frozen-params": check_vgg16_frozen,
    "vgg16-output-shape": check_vgg16_output_shape,
    "lenet-alexnet-layer": check_lenet_alexnet,
    "receptive-field": lambda items: check_receptive_field(items)[0],
    "augmentation": check_augmentation,
    "recurrent-params": check_recurrent,
    "series-windows": check_series_windows,
}


def test_every_family_has_a_cross_check():
    assert set(CHECKS) == set(families())


@pytest.mark.parametrize("family", sorted(CHECKS))
def test_stress(all_items, family):
    items = all_items[family]
    assert len(items) == N_ITEMS
    for item in items:
        check_invariants(item)
    started = time.perf_counter()
    bad = CHECKS[family](items)
    assert not bad, f"{len(bad)} mismatches, e.g. {bad[:5]}"
    elapsed = time.perf_counter() - started
    assert elapsed < 120, f"{family} cross-check took {elapsed:.0f} s"


def test_architecture_cross_check_covers_enough_distinct_models(all_items):
    items = all_items["architecture-layer"]
    distinct = {json.dumps([i.params["input_shape"], i.params["layers"]], sort_keys=True)
                for i in items}
    assert len(distinct) >= KERAS_DEDUP
    _, checked = check_architecture(items[:300], keras_limit=5)
    assert checked == 5
    course = {i.params["source"] for i in items} - {"sampled"}
    assert course and course <= set(ARCHITECTURES)


def _corrupt(item):
    """The same item with a wrong key (what a buggy generator would produce)."""
    if item.kind == "matrix":
        wrong = [row[:] for row in item.answer]
        wrong[0][0] = wrong[0][0] + 1
        return dataclasses.replace(item, answer=wrong)
    if item.kind == "numeric" and "matrix_answer" in item.params:
        return dataclasses.replace(item, answer=item.answer + 1)
    if is_number(item.answer):
        return dataclasses.replace(item, answer=item.answer + (1 if isinstance(item.answer, int) else 0.01))
    return dataclasses.replace(item, answer=item.answer + " (altered)")


@pytest.mark.parametrize("family", sorted(CHECKS))
def test_cross_checks_catch_corrupted_keys(all_items, family):
    items = all_items[family][:20]
    corrupted = [_corrupt(i) for i in items]
    bad = CHECKS[family](corrupted)
    assert len({b.split(":")[0] for b in bad}) == len(items), bad[:3]


def test_vgg16_course_numbers_in_keras():
    """The course's numbers, from Keras itself: VGG16's base has 14,714,688 parameters and outputs
    (6, 6, 512) at 200x200x3; frozen under Flatten -> Dense(256) -> Dense(1, sigmoid), 19,433,793
    in all, 4,719,105 trainable; with block 5 unfrozen, 7,635,264 non-trainable."""
    small = keras.applications.VGG16(weights=None, include_top=False, input_shape=(64, 64, 3))
    assert small.count_params() == vgg.VGG16_PARAMS == 14_714_688
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(200, 200, 3))
    assert tuple(base.output.shape[1:]) == (6, 6, 512)
    model = keras.Sequential([keras.Input((200, 200, 3)), base, keras.layers.Flatten(),
                              keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    head = vgg.head_layers("flatten", 256, 1)
    assert model.count_params() == 19_433_793
    assert keras_frozen_split(base, model, 5) == (4_719_105, 14_714_688)
    assert keras_frozen_split(base, model, 4) == (7_079_424 + 4_719_105, 7_635_264)
    for frozen in range(1, 6):
        assert keras_frozen_split(base, model, frozen) == (
            vgg.count([200, 200, 3], frozen, head, "trainable"),
            vgg.count([200, 200, 3], frozen, head, "non-trainable"))


def test_receptive_field_cross_check_measures_enough_distinct_stacks(all_items):
    items = all_items["receptive-field"]
    distinct = {json.dumps(i.params["layers"], sort_keys=True) for i in items}
    assert len(distinct) >= KERAS_DEDUP
    _, measured = check_receptive_field(items[:100], keras_limit=5)
    assert measured == 5


def test_new_cnn_cross_checks_cover_every_question(all_items):
    asked = {(i.params["stack"], i.params["quantity"]) for i in all_items["lenet-alexnet-layer"]}
    assert {s for s, _ in asked} == {"mnist_cnn", "lenet5_cifar10", "alexnet_cifar10"}
    assert ("alexnet_cifar10", "split") in asked
    questions = {i.params["question"] for i in all_items["augmentation"]}
    assert questions == set(aug.QUESTIONS)


def test_gan_course_numbers_in_keras():
    """The course's GAN models, from Keras itself: the 1D discriminator 101 (75 + 26), the 1D
    generator (d + 1) * 15 + 32, the DCGAN generator 1,164,289 with 7x7x128 -> 14x14x128 ->
    28x28x128 -> 28x28x1, the DCGAN discriminator 40,705."""
    disc = keras_gan_model(*gans.discriminator_1d())
    assert [layer.count_params() for layer in disc.layers] == [75, 26] and disc.count_params() == 101
    for d in (2, 5, 100):
        assert keras_gan_model(*gans.generator_1d(d)).count_params() == (d + 1) * 15 + 32
    gen = keras_gan_model(*gans.dcgan_generator())
    assert gen.count_params() == 1_164_289
    assert [tuple(layer.output.shape[1:]) for layer in gen.layers if "transpose" in layer.name] == [
        (14, 14, 128), (28, 28, 128)]
    assert tuple(gen.layers[-1].output.shape[1:]) == (28, 28, 1)
    assert keras_gan_model(*gans.dcgan_discriminator()).count_params() == 40_705


@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
def test_gan_keras3_trainable_fact():
    """Keras 3: discriminator.trainable = False set once (the classic Keras 2 define_gan) stops
    discriminator.train_on_batch too; toggling it before each call trains each model in its step."""
    keras.utils.set_random_seed(1)
    disc = keras_gan_model(*gans.discriminator_1d(8))
    disc.compile(loss="binary_crossentropy", optimizer="adam")
    gen = keras_gan_model(*gans.generator_1d(3, 8))
    disc.trainable = False
    gan = keras.Sequential([gen, disc])
    gan.compile(loss="binary_crossentropy", optimizer="adam")
    x = np.random.default_rng(1).normal(size=(16, 2)).astype("float32")
    assert not _changed(disc, lambda: disc.train_on_batch(x, np.ones((16, 1))))
    assert keras_gan_steps() == {"real": (True, False), "fake": (True, False),
                                 "generator": (False, True)}
