"""reference.shapes against the course's published numbers and against Keras 3 itself.

- Fixed tests: every count COURSE.md gives (literal numbers here, not read back
  from reference/architectures.py, so a wrong table there fails too).
- Hypothesis: random valid stacks of every supported layer, built both by the
  calculator and as a keras.Sequential; shapes and parameter splits must agree.
- Errors: each refusal names the layer, its type and the reason; random
  single layers that Keras refuses are refused here too.
"""
from __future__ import annotations

import dataclasses
import json
import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.architectures import ARCHITECTURES
from reference.shapes import (
    LAYER_TYPES,
    conv_output_length,
    conv_params,
    conv_transpose_output_length,
    dense_params,
    summarize,
)

keras = pytest.importorskip("keras")


# --------------------------------------------------------------------------- Keras side

def fresh_keras_session():
    """Keras's layer names and global state reset, without the full garbage collection
    clear_session runs by default: in a test process that has graded assignments that
    collection takes a second or more, once for every example drawn."""
    keras.backend.clear_session(free_memory=False)


def keras_rows(input_shape, layers, dtype="float32"):
    """Build the stack in Keras; per layer (output_shape without batch, params, trainable, non-trainable)."""
    fresh_keras_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notes (alpha, input_length) are not the point here
        built = [getattr(keras.layers, spec["type"])(**{k: v for k, v in spec.items() if k != "type"})
                 for spec in layers]
        model = keras.Sequential([keras.Input(shape=tuple(input_shape), dtype=dtype), *built])
    rows = []
    for layer in model.layers:
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
        frozen = sum(math.prod(w.shape) for w in layer.non_trainable_weights)
        assert layer.count_params() == trainable + frozen
        rows.append((tuple(layer.output.shape)[1:], trainable + frozen, trainable, frozen))
    return rows, model


def our_rows(summary):
    return [(s.output_shape, s.params, s.trainable_params, s.non_trainable_params) for s in summary.layers]


def assert_matches_keras(input_shape, layers, dtype="float32"):
    summary = summarize(input_shape, layers)
    rows, model = keras_rows(input_shape, layers, dtype)
    for i, (ours, theirs) in enumerate(zip(our_rows(summary), rows), start=1):
        assert ours == theirs, f"layer {i} {layers[i - 1]}: calculator {ours} != keras {theirs}"
    assert len(summary.layers) == len(rows)
    assert summary.total_params == model.count_params()
    assert summary.trainable_params == sum(math.prod(w.shape) for w in model.trainable_weights)
    assert summary.non_trainable_params == sum(math.prod(w.shape) for w in model.non_trainable_weights)
    for s in summary.layers:
        assert s.activation_size == math.prod(s.output_shape)
    return summary


# --------------------------------------------------------------------------- the course's numbers

# (total, trainable, non-trainable), copied from COURSE.md "Architectures and parameter counts".
COURSE_TOTALS = {
    "mnist_cnn": (62_430, 62_430, 0),
    "cnn_32x32x3": (62_958, 62_958, 0),
    "lenet5_cifar10": (83_126, 83_126, 0),
    "alexnet_cifar10": (8_492_810, 8_491_594, 1_216),
    "binary_cnn_200": (40_961_153, 40_961_153, 0),
    "vgg16_binary_200": (19_433_793, 19_433_793, 0),
}


def test_architectures_cover_the_course_mnist_first():
    assert list(ARCHITECTURES) == list(COURSE_TOTALS)


@pytest.mark.parametrize("name", COURSE_TOTALS)
def test_course_totals(name):
    arch = ARCHITECTURES[name]
    summary = summarize(arch.input_shape, arch.layers)
    totals = (summary.total_params, summary.trainable_params, summary.non_trainable_params)
    assert totals == COURSE_TOTALS[name]
    assert (arch.expected_total, arch.expected_trainable, arch.expected_non_trainable) == COURSE_TOTALS[name]


@pytest.mark.parametrize("name", COURSE_TOTALS)
def test_architecture_per_layer_expectations(name):
    arch = ARCHITECTURES[name]
    summary = summarize(arch.input_shape, arch.layers)
    if arch.expected_shapes is not None:
        assert [s.output_shape for s in summary.layers] == list(arch.expected_shapes)
    if arch.expected_params is not None:
        assert [s.params for s in summary.layers] == list(arch.expected_params)
    if arch.expected_activation_sizes is not None:
        assert [s.activation_size for s in summary.layers] == list(arch.expected_activation_sizes)
    for point in arch.checkpoints:
        assert sum(s.params for s in summary.layers[:point.layer]) == point.params
        assert summary.layers[point.layer - 1].output_shape == point.output_shape


def test_mnist_cnn_per_layer_as_published():
    arch = ARCHITECTURES["mnist_cnn"]
    summary = summarize(arch.input_shape, arch.layers)
    assert [s.output_shape for s in summary.layers] == [
        (28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)]
    assert [s.params for s in summary.layers] == [80, 0, 3216, 0, 0, 48120, 10164, 850]


def test_cnn_32x32x3_activation_sizes_as_published():
    arch = ARCHITECTURES["cnn_32x32x3"]
    summary = summarize(arch.input_shape, arch.layers)
    assert math.prod(summary.input_shape) == 3072
    assert summary.layers[0].output_shape == (28, 28, 8) and summary.layers[0].params == 608
    # The course lists each distinct size once: pool 2 and Flatten are both 400.
    sizes = [s.activation_size for s in summary.layers]
    assert sizes == [6272, 1568, 1600, 400, 400, 120, 84, 10]


def test_lenet5_cifar10_params_as_published():
    arch = ARCHITECTURES["lenet5_cifar10"]
    assert [s.params for s in summarize(arch.input_shape, arch.layers).layers] == [
        456, 0, 2416, 0, 0, 69240, 10164, 850]


def test_binary_cnn_params_as_published():
    arch = ARCHITECTURES["binary_cnn_200"]
    assert [s.params for s in summarize(arch.input_shape, arch.layers).layers] == [
        896, 0, 0, 40_960_128, 129]


def test_vgg16_base_as_published():
    arch = ARCHITECTURES["vgg16_binary_200"]
    base = arch.layers[:18]
    assert [layer["type"] for layer in base].count("Conv2D") == 13
    assert [layer["type"] for layer in base].count("MaxPooling2D") == 5
    summary = summarize(arch.input_shape, base)
    assert summary.total_params == 14_714_688
    assert summary.output_shape == (6, 6, 512)


def test_alexnet_batchnorm_is_the_non_trainable_part():
    arch = ARCHITECTURES["alexnet_cifar10"]
    summary = summarize(arch.input_shape, arch.layers)
    bn = [s for s in summary.layers if s.type == "BatchNormalization"]
    assert [s.non_trainable_params for s in bn] == [192, 512, 512]
    assert sum(s.non_trainable_params for s in summary.layers) == 1_216


def test_frozen_vgg_base_moves_its_params_to_non_trainable():
    arch = ARCHITECTURES["vgg16_binary_200"]
    layers = [{**layer, "trainable": False} for layer in arch.layers[:18]] + [dict(x) for x in arch.layers[18:]]
    summary = summarize(arch.input_shape, layers)
    assert summary.non_trainable_params == 14_714_688
    assert summary.trainable_params == 19_433_793 - 14_714_688


@pytest.mark.parametrize("name", COURSE_TOTALS)
def test_architecture_matches_keras(name):
    arch = ARCHITECTURES[name]
    assert_matches_keras(arch.input_shape, [dict(layer) for layer in arch.layers])


def test_vgg16_base_matches_keras_applications():
    arch = ARCHITECTURES["vgg16_binary_200"]
    fresh_keras_session()
    vgg = keras.applications.VGG16(weights=None, include_top=False, input_shape=(200, 200, 3))
    keras_layers = vgg.layers[1:]  # drop the InputLayer
    ours = summarize(arch.input_shape, arch.layers[:18]).layers
    assert [type(layer).__name__ for layer in keras_layers] == [s.type for s in ours]
    assert [(tuple(layer.output.shape)[1:], layer.count_params()) for layer in keras_layers] == [
        (s.output_shape, s.params) for s in ours]
    assert vgg.count_params() == 14_714_688


def test_architecture_spec_is_json_and_round_trips():
    for arch in ARCHITECTURES.values():
        spec = json.loads(json.dumps(arch.spec()))
        assert summarize(spec["input_shape"], spec["layers"]) == summarize(arch.input_shape, arch.layers)


# --------------------------------------------------------------------------- helpers


def test_conv_output_length_course_examples():
    assert conv_output_length(28, 5) == 24  # 28x28, 5x5, P=0, S=1
    assert conv_output_length(5, 3) == 3
    assert conv_output_length(5, 3, padding=1) == 5  # padding keeps the size
    assert conv_output_length(5, 3, stride=2, padding=1) == 3
    assert conv_output_length(5, 2) == 4 and conv_output_length(4, 2) == 3 and conv_output_length(3, 2) == 2
    assert conv_output_length(4, 2, stride=2) == 2  # 2x2 pooling of the 4x4 example
    assert conv_output_length(28, 3, padding="same") == 28
    assert conv_output_length(32, 11, stride=4, padding="same") == 8  # AlexNet's first layer
    assert conv_output_length(25, 2, stride=2) == 12  # VGG16 block 4 on 200x200
    assert conv_output_length(7, 3, padding="valid", dilation=2) == 3


@given(n=st.integers(1, 300), k=st.integers(1, 15), s=st.integers(1, 8))
def test_conv_output_length_formulas(n, k, s):
    assert conv_output_length(n, k, s, "same") == math.ceil(n / s)
    if n >= k:
        out = conv_output_length(n, k, s, "valid")
        assert out == (n - k) // s + 1 == math.ceil((n - k + 1) / s)  # the slide's form, read correctly
        assert out == conv_output_length(n, k, s, 0)
    else:
        with pytest.raises(ValueError, match="does not fit"):
            conv_output_length(n, k, s, "valid")


@pytest.mark.parametrize("bad", [dict(n=0, kernel=3), dict(n=5, kernel=3, stride=0), dict(n=5, kernel=3, stride=-1),
                                 dict(n=5, kernel=3, padding="full"), dict(n=5, kernel=3, padding=-1),
                                 dict(n=5.0, kernel=3), dict(n=5, kernel=True)])
def test_conv_output_length_rejects(bad):
    with pytest.raises(ValueError):
        conv_output_length(**bad)


def test_conv_transpose_output_length_rules():
    assert conv_transpose_output_length(7, 3, 2, "same") == 14  # n * s
    assert conv_transpose_output_length(7, 3, 2, "valid") == 15  # (n-1)s + max(k, s)
    assert conv_transpose_output_length(7, 1, 3, "valid") == 21  # stride wins over a small kernel
    assert conv_transpose_output_length(7, 4, 2, "same", output_padding=1) == 13  # (n-1)s + k%2 + p
    assert conv_transpose_output_length(7, 3, 2, "valid", output_padding=1) == 16
    assert conv_transpose_output_length(1, 2, 1, "same", output_padding=0) == 0  # Keras allows this


def test_param_helpers():
    assert conv_params(3, 1, 8) == 80
    assert conv_params(5, 8, 16) == 3216
    assert conv_params((11, 11), 3, 96) == 34944
    assert conv_params((3, 3), 3, 64, use_bias=False) == 1728
    assert conv_params((3,), 4, 2) == 26
    assert dense_params(400, 120) == 48120
    assert dense_params(320000, 128) == 40_960_128
    assert dense_params(84, 10, use_bias=False) == 840
    for bad in [lambda: conv_params(0, 1, 8), lambda: dense_params(4, 0), lambda: dense_params(4.0, 2)]:
        with pytest.raises(ValueError):
            bad()


# --------------------------------------------------------------------------- behaviour


def test_summary_to_dict_exact_and_json():
    summary = summarize((6, 6, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3},
                                    {"type": "BatchNormalization"}])
    d = json.loads(json.dumps(summary.to_dict()))
    assert d == {
        "layers": [
            {"type": "Conv2D", "output_shape": [4, 4, 2], "activation_size": 32, "params": 20,
             "trainable_params": 20, "non_trainable_params": 0},
            {"type": "BatchNormalization", "output_shape": [4, 4, 2], "activation_size": 32, "params": 8,
             "trainable_params": 4, "non_trainable_params": 4},
        ],
        "total_params": 28, "trainable_params": 24, "non_trainable_params": 4,
    }
    assert summary.layers[1].index == 2 and summary.input_shape == (6, 6, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.total_params = 0  # type: ignore[misc]


def test_ignored_keys_aliases_and_keras_defaults():
    plain = summarize((28, 28, 1), [{"type": "Conv2D", "filters": 8, "kernel_size": 3},
                                    {"type": "MaxPooling2D"}])
    dressed = summarize([28, 28, 1], [
        {"type": "Convolution2D", "filters": 8, "kernel_size": [3, 3], "activation": "relu", "name": "c1",
         "kernel_initializer": "he_normal", "strides": 1, "padding": "valid", "use_bias": True},
        {"type": "MaxPool2D", "pool_size": 2, "strides": None, "name": "p1"}])
    assert plain == dressed
    assert [s.type for s in dressed.layers] == ["Conv2D", "MaxPooling2D"]  # canonical names
    assert dressed.layers[1].output_shape == (13, 13, 8)  # pool 2, stride defaults to the pool size


def test_gru_lstm_simplernn_params():
    layers = [{"type": "GRU", "units": 4, "return_sequences": True},  # reset_after=True: 2 biases per gate
              {"type": "GRU", "units": 4, "reset_after": False, "return_sequences": True},
              {"type": "LSTM", "units": 2, "return_sequences": True},
              {"type": "SimpleRNN", "units": 3}]
    summary = summarize((5, 3), layers)
    assert [s.params for s in summary.layers] == [3 * 4 * (3 + 4 + 2), 3 * 4 * (4 + 4 + 1),
                                                  4 * 2 * (4 + 2 + 1), 3 * (2 + 3 + 1)]
    assert summary.output_shape == (3,)


def test_dense_on_a_sequence_acts_on_the_last_axis():
    summary = summarize((7,), [{"type": "Embedding", "input_dim": 100, "output_dim": 8},
                               {"type": "Dense", "units": 4}])
    assert [(s.output_shape, s.params) for s in summary.layers] == [((7, 8), 800), ((7, 4), 36)]


def test_empty_stack():
    summary = summarize((4,), [])
    assert summary.layers == () and summary.total_params == 0 and summary.output_shape == (4,)


def test_every_layer_type_is_known_to_keras():
    for name in LAYER_TYPES:
        assert hasattr(keras.layers, name)


# --------------------------------------------------------------------------- errors


def raises(input_shape, layers, *fragments):
    with pytest.raises(ValueError) as info:
        summarize(input_shape, layers)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_error_messages_from_the_brief_exactly():
    conv = {"type": "Conv2D", "filters": 1, "kernel_size": 3}
    assert raises((4, 4, 1), [conv, {"type": "Dropout", "rate": 0.1}, {"type": "MaxPooling2D", "pool_size": 3}]) == (
        "layer 3 MaxPooling2D: pool 3x3 does not fit input 2x2 with padding 'valid'")
    assert raises((8, 8, 1), [conv, {**conv, "padding": "full"}]) == (
        "layer 2 Conv2D: unknown padding 'full' (use 'valid' or 'same')")
    message = raises((8, 8, 1), [{"type": "Foo"}])
    assert message.startswith("layer 1 Foo: unknown layer type (known: Conv2D, ")
    assert all(name in message for name in LAYER_TYPES)


_ERRORS = [
    # missing required keys (Keras 3 constructors require them)
    ((8, 8, 1), [{"type": "Conv2D", "kernel_size": 3}], "layer 1 Conv2D", "missing required argument 'filters'"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 3}], "layer 1 Conv2D", "'kernel_size'"),
    ((8,), [{"type": "Dense"}], "layer 1 Dense", "missing required argument 'units'"),
    ((8, 8, 1), [{"type": "AveragePooling2D"}], "layer 1 AveragePooling2D", "'pool_size'"),
    ((8,), [{"type": "Embedding", "input_dim": 10}], "layer 1 Embedding", "'output_dim'"),
    ((8,), [{"type": "Reshape"}], "layer 1 Reshape", "'target_shape'"),
    ((8,), [{"type": "Dropout"}], "layer 1 Dropout", "'rate'"),
    ((8,), [{"type": "Activation"}], "layer 1 Activation", "'activation'"),
    ((8, 3), [{"type": "LSTM"}], "layer 1 LSTM", "'units'"),
    # padding strings
    ((8, 3), [{"type": "Conv1D", "filters": 2, "kernel_size": 3, "padding": "full"}],
     "layer 1 Conv1D", "unknown padding 'full' (use 'valid', 'same' or 'causal')"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "causal"}],
     "layer 1 Conv2D", "unknown padding 'causal'"),
    ((8, 8, 1), [{"type": "MaxPooling2D", "padding": "SAME"}], "layer 1 MaxPooling2D", "unknown padding 'SAME'"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": 1}], "unknown padding 1"),
    # strides and sizes
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 0}],
     "layer 1 Conv2D", "strides must be a positive integer"),
    ((8, 8, 1), [{"type": "MaxPooling2D", "strides": -1}], "layer 1 MaxPooling2D", "strides"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": [3, 0]}], "layer 1 Conv2D", "kernel_size"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": [3, 3, 3]}], "kernel_size"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 0, "kernel_size": 3}], "filters must be a positive integer"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2.0, "kernel_size": 3}], "filters must be a positive integer"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}],
     "layer 1 Conv2D", "dilation_rate"),
    # input rank
    ((784,), [{"type": "Conv2D", "filters": 8, "kernel_size": 3}],
     "layer 1 Conv2D: expects a 3-D input (height, width, channels), got shape (784,)"),
    ((28, 28, 1), [{"type": "LSTM", "units": 4}], "layer 1 LSTM: expects a 2-D input (steps, features)"),
    ((8,), [{"type": "Flatten"}, {"type": "MaxPooling1D"}], "layer 2 MaxPooling1D: expects a 2-D input"),
    ((8, 8, 1), [{"type": "Flatten"}, {"type": "GlobalAveragePooling2D"}], "layer 2 GlobalAveragePooling2D"),
    # impossible shapes
    ((3, 3, 1), [{"type": "Conv2D", "filters": 8, "kernel_size": 5}],
     "layer 1 Conv2D: kernel 5x5 does not fit input 3x3 with padding 'valid'"),
    ((6, 6, 1), [{"type": "Conv2D", "filters": 8, "kernel_size": 3, "dilation_rate": 3}],
     "kernel 3x3 with dilation_rate 3x3 (span 7x7) does not fit input 6x6"),
    ((5, 2), [{"type": "AveragePooling1D", "pool_size": 6}], "layer 1 AveragePooling1D: pool 6 does not fit input 5"),
    ((20,), [{"type": "Reshape", "target_shape": [3, -1]}], "layer 1 Reshape: cannot reshape 20 values"),
    ((20,), [{"type": "Reshape", "target_shape": [4, 4]}], "cannot reshape 20 values"),
    ((20,), [{"type": "Reshape", "target_shape": [-1, -1]}], "at most one -1"),
    ((1, 1, 2), [{"type": "Conv2DTranspose", "filters": 2, "kernel_size": 2, "padding": "same",
                  "output_padding": 0}], "layer 1 Conv2DTranspose: output would be empty"),
    ((4, 4, 2), [{"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "strides": 2,
                  "output_padding": 2}], "output_padding 2x2 must be smaller than strides 2x2"),
    ((4, 4, 3), [{"type": "Conv2D", "filters": 4, "kernel_size": 1, "groups": 2}], "groups=2 must divide"),
    ((5, 3), [{"type": "GRU", "units": 2, "return_state": True}], "layer 1 GRU: return_state"),
    ((5, 3), [{"type": "BatchNormalization", "axis": 0}], "layer 1 BatchNormalization: axis 0"),
    ((5, 3), [{"type": "BatchNormalization", "axis": 3}], "axis 3"),
    ((8,), [{"type": "Dropout", "rate": 1.5}], "rate must be a number between 0 and 1"),
    ((8, 8, 1), [{"type": "ZeroPadding2D", "padding": [1, 2, 3]}], "layer 1 ZeroPadding2D: padding"),
    ((8, 8, 1), [{"type": "ZeroPadding2D", "padding": -1}], "padding"),
    # arguments Keras would not accept
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "stride": 2}],
     "layer 1 Conv2D: unknown argument 'stride' (did you mean 'strides'?)"),
    ((8,), [{"type": "Dense", "units": 2, "use_bias": "yes"}], "use_bias must be true or false"),
    ((8,), [{"type": "Dense", "units": 2, "trainable": 0}], "trainable must be true or false"),
    ((8, 8, 1), [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "data_format": "channels_first"}],
     "data_format 'channels_first' is not supported"),
    ((8,), [{"type": "Dense", "units": 2, "quantization_config": {"mode": "int8"}}], "quantization_config"),
    # malformed layer lists
    ((8,), [{"units": 2}], "layer 1: missing 'type'"),
    ((8,), [{"type": "Dense", "units": 2}, "Dense"], "layer 2: expected a dict"),
    ((8,), {"type": "Dense", "units": 2}, "layers must be a list"),
]


ERROR_CASES = [pytest.param(case[0], case[1], case[2:], id=case[-1][:40]) for case in _ERRORS]


@pytest.mark.parametrize("input_shape, layers, fragments", ERROR_CASES)
def test_errors_name_layer_and_reason(input_shape, layers, fragments):
    raises(input_shape, layers, *fragments)


@pytest.mark.parametrize("bad", [(), [28, 0, 1], [28, -1], "28", [28.0], None, [True, 2], 784])
def test_bad_input_shape(bad):
    with pytest.raises(ValueError, match="input_shape"):
        summarize(bad, [])


# --------------------------------------------------------------------------- a fixed tour vs Keras
# Every layer type and every shape-changing argument at least once, whatever hypothesis draws.

TOUR = [
    ((9, 7, 2), [{"type": "AveragePooling2D", "pool_size": [2, 3], "strides": [3, 1], "padding": "same"},
                 {"type": "AvgPool2D", "pool_size": 2},
                 {"type": "MaxPool2D", "padding": "same"},
                 {"type": "GlobalMaxPooling2D", "keepdims": True}, {"type": "GlobalAveragePooling2D"}]),
    ((5, 4, 3), [{"type": "Conv2DTranspose", "filters": 2, "kernel_size": 2, "strides": 3},
                 {"type": "Conv2DTranspose", "filters": 3, "kernel_size": [4, 3], "strides": 2, "padding": "same",
                  "output_padding": [1, 0], "use_bias": False},
                 {"type": "Convolution2DTranspose", "filters": 1, "kernel_size": 3, "dilation_rate": 2},
                 {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}]),
    ((12, 3), [{"type": "Conv1D", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "causal"},
               {"type": "Convolution1D", "filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "causal"},
               {"type": "MaxPooling1D"}, {"type": "AvgPool1D", "pool_size": 2, "padding": "same"},
               {"type": "AveragePooling1D", "pool_size": 1, "strides": 2}, {"type": "MaxPool1D", "pool_size": 1}]),
    ((10,), [{"type": "Embedding", "input_dim": 50, "output_dim": 6, "lora_rank": 2, "input_length": 10},
             {"type": "GRU", "units": 3, "reset_after": False, "use_bias": False, "return_sequences": True},
             {"type": "LSTM", "units": 4, "use_bias": False, "return_sequences": True, "trainable": False},
             {"type": "SimpleRNN", "units": 2, "return_sequences": True}, {"type": "GRU", "units": 5},
             {"type": "Dense", "units": 2, "lora_rank": 1, "use_bias": False}], "int32"),
    ((8, 8, 3), [{"type": "DepthwiseConv2D", "kernel_size": [3, 2], "depth_multiplier": 3, "strides": [2, 1]},
                 {"type": "SeparableConv2D", "filters": 4, "kernel_size": 2, "depth_multiplier": 2,
                  "dilation_rate": 2, "padding": "same"},
                 {"type": "SeparableConvolution2D", "filters": 2, "kernel_size": 1, "use_bias": False},
                 {"type": "DepthwiseConv2D", "kernel_size": 2, "dilation_rate": [1, 2], "use_bias": False}]),
    ((4, 5, 2), [{"type": "ZeroPadding2D", "padding": [[1, 2], [3, 0]]}, {"type": "ZeroPadding2D"},
                 {"type": "ZeroPadding2D", "padding": [0, 2]}, {"type": "UpSampling2D", "size": [2, 3]},
                 {"type": "UpSampling2D"}, {"type": "BatchNormalization", "axis": 1},
                 {"type": "BatchNormalization", "center": False, "scale": False},
                 {"type": "BatchNormalization", "trainable": False}, {"type": "LeakyReLU", "alpha": 0.2},
                 {"type": "Conv2D", "filters": 4, "kernel_size": [1, 3], "groups": 2, "padding": "Same"}]),
    ((2, 3, 4), [{"type": "Dense", "units": 5}, {"type": "Reshape", "target_shape": [-1, 5]},
                 {"type": "Dropout", "rate": 0.2, "noise_shape": None},
                 {"type": "Activation", "activation": "softmax"}, {"type": "Flatten"},
                 {"type": "Dense", "units": 3, "trainable": False}]),
]


@pytest.mark.parametrize("case", TOUR, ids=lambda case: "-".join(layer["type"] for layer in case[1])[:60])
def test_layer_tour_matches_keras(case):
    assert_matches_keras(*case)


def test_tour_covers_every_layer_type():
    from reference.shapes import _ALIASES

    seen = {_ALIASES.get(layer["type"], layer["type"]) for case in TOUR for layer in case[1]}
    assert seen == set(LAYER_TYPES)


# --------------------------------------------------------------------------- random stacks vs Keras


def size_arg(draw, values):
    """An int when all axes agree (sometimes), else a list: both forms Keras accepts."""
    values = list(values)
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


def window(draw, spatial, padding, max_kernel=5, dilation=True):
    """kernel, strides, dilation_rate that fit `spatial` under `padding` (Keras forbids strides>1 with dilation>1)."""
    dilated = dilation and draw(st.integers(0, 3)) == 0
    kernel, rates = [], []
    for n in spatial:
        k = draw(st.integers(1, max_kernel if padding != "valid" else min(max_kernel, n)))
        d = draw(st.integers(1, 3 if padding != "valid" else max(1, (n - 1) // max(k - 1, 1)))) if dilated else 1
        kernel.append(k)
        rates.append(d)
    strides = [1] * len(spatial) if max(rates) > 1 else [draw(st.integers(1, 3)) for _ in spatial]
    args = {"kernel_size": size_arg(draw, kernel), "strides": size_arg(draw, strides)}
    if max(rates) > 1:
        args["dilation_rate"] = size_arg(draw, rates)
    return args


IMAGE_KINDS = ["Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D",
               "AveragePooling2D", "BatchNormalization", "ZeroPadding2D", "UpSampling2D", "Dropout",
               "Activation", "LeakyReLU"]
VECTOR_KINDS = ["Dense", "Dropout", "BatchNormalization", "Activation", "LeakyReLU", "Flatten", "Reshape"]
SEQUENCE_KINDS = ["Conv1D", "MaxPooling1D", "AveragePooling1D", "SimpleRNN", "LSTM", "GRU", "Dense",
                  "Dropout", "BatchNormalization"]


def kinds(draw, names, most):
    """Distinct layer kinds in random order (a permutation spreads examples over all kinds)."""
    return draw(st.permutations(names))[:draw(st.integers(1, most))]


def draw_image_layer(draw, shape, kind):
    """One layer of `kind` valid for an (H, W, C) input."""
    h, w, c = shape
    if kind in ("UpSampling2D", "Conv2DTranspose") and h * w > 256:
        kind = "MaxPooling2D"  # keep the sizes small
    if kind in ("DepthwiseConv2D", "SeparableConv2D") and c > 8:
        kind = "Conv2D"
    padding = draw(st.sampled_from(["valid", "same"]))
    use_bias = draw(st.booleans())
    if kind == "Conv2D":
        groups = draw(st.sampled_from([g for g in (1, 1, 2, 3) if c % g == 0]))
        layer = {"filters": groups * draw(st.integers(1, 3)), "padding": draw(st.sampled_from([padding, "SAME"])),
                 "use_bias": use_bias, "activation": "relu", **window(draw, (h, w), padding)}
        if groups > 1:
            layer["groups"] = groups
    elif kind == "Conv2DTranspose":
        layer = {"filters": draw(st.integers(1, 4)), "padding": padding, "use_bias": use_bias,
                 **window(draw, (h, w), "same", max_kernel=4)}
        strides = layer["strides"] if isinstance(layer["strides"], list) else [layer["strides"]] * 2
        if min(h, w) >= 2 and draw(st.booleans()):  # a 1-pixel input can give an empty output
            layer["output_padding"] = size_arg(draw, [draw(st.integers(0, s - 1)) for s in strides])
    elif kind in ("DepthwiseConv2D", "SeparableConv2D"):
        layer = {"padding": padding, "use_bias": use_bias, **window(draw, (h, w), padding),
                 "depth_multiplier": draw(st.integers(1, 2))}
        if kind == "SeparableConv2D":
            layer["filters"] = draw(st.integers(1, 4))
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = [draw(st.integers(1, 4 if padding == "same" else min(4, n))) for n in (h, w)]
        layer = {"pool_size": size_arg(draw, pool), "padding": padding}
        if draw(st.booleans()):
            layer["strides"] = size_arg(draw, [draw(st.integers(1, 3)) for _ in pool])
        if kind == "MaxPooling2D" and pool == [2, 2] and draw(st.booleans()):
            del layer["pool_size"]  # the Keras default
    elif kind == "BatchNormalization":
        layer = {"center": draw(st.booleans()), "scale": draw(st.booleans()),
                 "axis": draw(st.sampled_from([-1, -1, 3, 1, -2]))}
    elif kind == "ZeroPadding2D":
        layer = {"padding": draw(st.one_of(
            st.integers(0, 2), st.lists(st.integers(0, 2), min_size=2, max_size=2),
            st.lists(st.lists(st.integers(0, 2), min_size=2, max_size=2), min_size=2, max_size=2)))}
    elif kind == "UpSampling2D":
        layer = {"size": size_arg(draw, [draw(st.integers(1, 3)) for _ in range(2)])}
    elif kind == "Dropout":
        layer = {"rate": draw(st.sampled_from([0.0, 0.25, 0.5]))}
    elif kind == "Activation":
        layer = {"activation": "relu"}
    else:
        layer = {"negative_slope": 0.01}
    return {"type": kind, **layer}


def maybe_frozen(draw, layer):
    if draw(st.integers(0, 5)) == 0:
        layer["trainable"] = False
    return layer


@st.composite
def image_stacks(draw):
    input_shape = (draw(st.integers(1, 16)), draw(st.integers(1, 16)), draw(st.integers(1, 4)))
    layers = []
    shape = input_shape
    for kind in kinds(draw, IMAGE_KINDS + ["Conv2D"], 6):
        layers.append(maybe_frozen(draw, draw_image_layer(draw, shape, kind)))
        shape = summarize(input_shape, layers).output_shape
    head = draw(st.sampled_from(["none", "flatten", "global"]))
    if head == "flatten":
        layers += [{"type": "Flatten"}, {"type": "Dense", "units": draw(st.integers(1, 5))}]
    elif head == "global":
        layers.append({"type": draw(st.sampled_from(["GlobalAveragePooling2D", "GlobalMaxPooling2D"])),
                       "keepdims": draw(st.booleans())})
    return input_shape, layers


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def draw_reshape(draw, shape):
    size = math.prod(shape)
    a = draw(st.sampled_from(divisors(size)))
    target = draw(st.sampled_from([[size], [a, -1], [-1, a], [a, size // a], [a, -1, 1]]))
    return {"type": "Reshape", "target_shape": target}


def draw_vector_layer(draw, shape, kind):
    """One layer of `kind` valid for any (..., n) input: Dense acts on the last axis."""
    if kind == "Dense":
        layer = {"type": "Dense", "units": draw(st.integers(1, 12)), "use_bias": draw(st.booleans())}
        if draw(st.integers(0, 5)) == 0:
            layer["lora_rank"] = draw(st.integers(1, 3))
        return layer
    if kind == "Dropout":
        return {"type": "Dropout", "rate": 0.5}
    if kind == "BatchNormalization":
        return {"type": "BatchNormalization", "center": draw(st.booleans()), "scale": draw(st.booleans())}
    if kind == "Activation":
        return {"type": "Activation", "activation": "tanh"}
    if kind == "LeakyReLU":
        return {"type": "LeakyReLU"}
    if kind == "Flatten":
        return {"type": "Flatten"}
    return draw_reshape(draw, shape)


@st.composite
def dense_stacks(draw):
    input_shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    layers = []
    shape = input_shape
    for kind in kinds(draw, VECTOR_KINDS + ["Dense"], 6):
        layers.append(maybe_frozen(draw, draw_vector_layer(draw, shape, kind)))
        shape = summarize(input_shape, layers).output_shape
    return input_shape, layers


def draw_sequence_layer(draw, shape, kind):
    """One layer of `kind` valid for a (T, F) input."""
    steps, _ = shape
    if kind == "Conv1D":
        padding = draw(st.sampled_from(["valid", "same", "causal"]))
        return {"type": "Conv1D", "filters": draw(st.integers(1, 4)), "padding": padding,
                "use_bias": draw(st.booleans()), **window(draw, (steps,), padding)}
    if kind in ("MaxPooling1D", "AveragePooling1D"):
        padding = draw(st.sampled_from(["valid", "same"]))
        layer = {"type": kind, "pool_size": draw(st.integers(1, 3 if padding == "same" else min(3, steps))),
                 "padding": padding}
        if draw(st.booleans()):
            layer["strides"] = draw(st.integers(1, 3))
        return layer
    if kind in ("SimpleRNN", "LSTM", "GRU"):
        layer = {"type": kind, "units": draw(st.integers(1, 4)), "use_bias": draw(st.booleans()),
                 "return_sequences": draw(st.booleans())}
        if kind == "GRU":
            layer["reset_after"] = draw(st.booleans())
        return layer
    return draw_vector_layer(draw, shape, kind)


@st.composite
def sequence_stacks(draw):
    steps = draw(st.integers(1, 10))
    layers = []
    if draw(st.booleans()):
        input_shape, dtype = (steps,), "int32"
        layers.append({"type": "Embedding", "input_dim": draw(st.integers(2, 30)),
                       "output_dim": draw(st.integers(1, 6))})
        if draw(st.integers(0, 4)) == 0:
            layers[0]["lora_rank"] = 2
    else:
        input_shape, dtype = (steps, draw(st.integers(1, 5))), "float32"
    shape = summarize(input_shape, layers).output_shape
    for kind in kinds(draw, SEQUENCE_KINDS, 5):
        if len(shape) == 2:
            layer = draw_sequence_layer(draw, shape, kind)
        else:  # an RNN or a Flatten ended the sequence: a vector head
            layer = draw_vector_layer(draw, shape, kind if kind in VECTOR_KINDS else "Dense")
        layers.append(maybe_frozen(draw, layer))
        shape = summarize(input_shape, layers).output_shape
    return input_shape, layers, dtype


@settings(max_examples=40)
@given(image_stacks())
def test_image_stacks_match_keras(stack):
    assert_matches_keras(*stack)


@settings(max_examples=25)
@given(dense_stacks())
def test_dense_stacks_match_keras(stack):
    assert_matches_keras(*stack)


@settings(max_examples=35)
@given(sequence_stacks())
def test_sequence_stacks_match_keras(stack):
    input_shape, layers, dtype = stack
    assert_matches_keras(input_shape, layers, dtype)


@st.composite
def maybe_invalid_layers(draw):
    """A single windowed layer whose window may not fit its small input."""
    kind = draw(st.sampled_from(["Conv2D", "MaxPooling2D", "AveragePooling2D", "DepthwiseConv2D",
                                 "SeparableConv2D", "Conv1D", "MaxPooling1D"]))
    one_d = kind.endswith("1D")
    spatial = [draw(st.integers(1, 5)) for _ in range(1 if one_d else 2)]
    size = [draw(st.integers(1, 6)) for _ in spatial]
    layer = {"type": kind, "padding": draw(st.sampled_from(["valid", "same"])),
             "strides": [draw(st.integers(1, 3)) for _ in spatial]}
    if "Pooling" in kind:
        layer["pool_size"] = size
    else:
        layer["kernel_size"] = size
        if kind != "DepthwiseConv2D":
            layer["filters"] = 2
    return (*spatial, 2), [layer]


@settings(max_examples=20)
@given(maybe_invalid_layers())
def test_refuses_exactly_what_keras_refuses(stack):
    input_shape, layers = stack
    try:
        ours = our_rows(summarize(input_shape, layers))
    except ValueError as exc:
        assert str(exc).startswith(f"layer 1 {layers[0]['type']}: ")
        ours = None
    try:
        theirs = keras_rows(input_shape, layers)[0]
    except ValueError:
        theirs = None
    assert ours == theirs


def test_keras_signatures_match_the_accepted_arguments():
    """The calculator accepts exactly the constructor arguments of the installed Keras (plus base kwargs)."""
    import inspect

    from reference import shapes

    base = {"name", "trainable", "dtype", "autocast", "activity_regularizer", "input_shape", "input_dim"}
    popped = {"LeakyReLU": {"alpha"}, "Embedding": {"input_length"}, "SimpleRNN": {"zero_output_for_mask"},
              "LSTM": {"zero_output_for_mask", "implementation"}, "GRU": {"zero_output_for_mask", "implementation"}}
    for name, kind in shapes._KINDS.items():
        params = inspect.signature(getattr(keras.layers, name).__init__).parameters
        named = {p for p, v in params.items() if p != "self" and v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL)}
        assert kind.args == named | base | popped.get(name, set()), name
