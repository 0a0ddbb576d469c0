"""The course's CNN architectures as data, with the numbers the course publishes.

Each `Architecture` is a Keras Sequential stack in the layer-dict form that
`reference.shapes.summarize` takes (Keras class name under "type", Keras
constructor arguments), its input shape (no batch, channels-last), and the
expected results from the course material (COURSE.md, "Architectures and
parameter counts", all confirmed with Keras 3). Per-layer lists have one entry
per layer, in order; where the course gives only some numbers, the rest were
derived by hand and are checked against Keras by the tests.

Used by the tests, `dlgrade demo`, the quiz generator and the CNN assignments.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Checkpoint:
    """A published number about a prefix of the stack, e.g. the VGG16 base inside a larger model."""

    layer: int  # 1-based index of the prefix's last layer
    label: str
    params: int  # parameters of layers 1..layer
    output_shape: Shape  # output of layer `layer`, no batch


@dataclass(frozen=True)
class Architecture:
    """One course architecture: the stack and its expected shapes and parameter counts."""

    name: str
    title: str
    input_shape: Shape
    layers: tuple[Mapping[str, Any], ...]  # read-only layer dicts
    expected_total: int
    expected_trainable: int
    expected_non_trainable: int
    expected_shapes: tuple[Shape, ...] | None = None  # per layer, no batch
    expected_params: tuple[int, ...] | None = None  # per layer
    expected_activation_sizes: tuple[int, ...] | None = None  # per layer
    checkpoints: tuple[Checkpoint, ...] = ()
    source: str = ""  # what the course says, for reports and the demo
    keras_notes: str = field(default="", compare=False)

    def spec(self) -> dict:
        """The stack as a `dlgrade shapes` SPEC.json document (plain, JSON-serialisable)."""
        return {"input_shape": list(self.input_shape), "layers": [_plain(layer) for layer in self.layers]}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


# Small constructors so the stacks read like the Keras code in the course.
def _layer(type_name: str, **kwargs: Any) -> Mapping[str, Any]:
    return MappingProxyType({"type": type_name, **kwargs})


def _conv(filters: int, kernel: int, padding: str = "valid", activation: str = "relu", **kw: Any):
    return _layer("Conv2D", filters=filters, kernel_size=kernel, padding=padding, activation=activation, **kw)


def _dense(units: int, activation: str = "relu"):
    return _layer("Dense", units=units, activation=activation)


_FLATTEN = _layer("Flatten")


def _max_pool(pool: int = 2, strides: int | None = None, padding: str = "valid"):
    return _layer("MaxPooling2D", pool_size=pool, strides=strides or pool, padding=padding)


def _vgg16_base() -> list[Mapping[str, Any]]:
    """keras.applications.VGG16(include_top=False) as explicit layers: 13 3x3 'same' convs, 5 max pools."""
    layers: list[Mapping[str, Any]] = []
    for filters, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        layers += [_conv(filters, 3, "same") for _ in range(convs)] + [_max_pool(2)]
    return layers


_VGG_PARAMS = (1792, 36928, 0, 73856, 147584, 0, 295168, 590080, 590080, 0,
               1180160, 2359808, 2359808, 0, 2359808, 2359808, 2359808, 0)
_VGG_SHAPES = ((200, 200, 64), (200, 200, 64), (100, 100, 64), (100, 100, 128), (100, 100, 128),
               (50, 50, 128), (50, 50, 256), (50, 50, 256), (50, 50, 256), (25, 25, 256),
               (25, 25, 512), (25, 25, 512), (25, 25, 512), (12, 12, 512), (12, 12, 512),
               (12, 12, 512), (12, 12, 512), (6, 6, 512))

_ALL = (
    Architecture(
        name="mnist_cnn",
        title="LeNet-style CNN for MNIST (28x28x1)",
        input_shape=(28, 28, 1),
        layers=(_conv(8, 3, "same"), _max_pool(2), _conv(16, 5, "valid"), _max_pool(2), _FLATTEN,
                _dense(120), _dense(84), _dense(10, "softmax")),
        expected_total=62_430, expected_trainable=62_430, expected_non_trainable=0,
        expected_shapes=((28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)),
        expected_params=(80, 0, 3216, 0, 0, 48120, 10164, 850),
        expected_activation_sizes=(6272, 1568, 1600, 400, 400, 120, 84, 10),
        source="Conv2D(8,3,same) MaxPool(2,2) Conv2D(16,5,valid) MaxPool(2,2) Flatten Dense 120/84/10: 62,430",
    ),
    Architecture(
        name="cnn_32x32x3",
        title="The same CNN on 32x32x3 with Conv2D(8, 5, valid) first",
        input_shape=(32, 32, 3),
        layers=(_conv(8, 5, "valid"), _max_pool(2), _conv(16, 5, "valid"), _max_pool(2), _FLATTEN,
                _dense(120), _dense(84), _dense(10, "softmax")),
        expected_total=62_958, expected_trainable=62_958, expected_non_trainable=0,
        expected_shapes=((28, 28, 8), (14, 14, 8), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)),
        expected_params=(608, 0, 3216, 0, 0, 48120, 10164, 850),
        # The course lists 3072 (the input), 6272, 1568, 1600, 400, 120, 84, 10: pool and Flatten both 400.
        expected_activation_sizes=(6272, 1568, 1600, 400, 400, 120, 84, 10),
        source="input activation size 3072; first conv (28,28,8) with 608 params; total 62,958",
    ),
    Architecture(
        name="lenet5_cifar10",
        title="LeNet-5 on CIFAR-10 (32x32x3)",
        input_shape=(32, 32, 3),
        layers=(_conv(6, 5, "same", "tanh"), _layer("AveragePooling2D", pool_size=2, strides=2),
                _conv(16, 5, "valid", "tanh"), _layer("AveragePooling2D", pool_size=2, strides=2), _FLATTEN,
                _dense(120, "tanh"), _dense(84, "tanh"), _dense(10, "softmax")),
        expected_total=83_126, expected_trainable=83_126, expected_non_trainable=0,
        expected_shapes=((32, 32, 6), (16, 16, 6), (12, 12, 16), (6, 6, 16), (576,), (120,), (84,), (10,)),
        expected_params=(456, 0, 2416, 0, 0, 69240, 10164, 850),
        source="params 456, 0, 2416, 0, 0, 69240, 10164, 850; total 83,126",
    ),
    Architecture(
        name="alexnet_cifar10",
        title="AlexNet-style CNN on CIFAR-10 (32x32x3)",
        input_shape=(32, 32, 3),
        layers=(_conv(96, 11, "same", strides=4), _max_pool(3, 2, "same"), _layer("BatchNormalization"),
                _conv(256, 5, "same"), _max_pool(3, 2, "same"), _layer("BatchNormalization"),
                _conv(384, 3, "same"), _conv(384, 3, "same"), _conv(256, 3, "same"), _max_pool(3, 2, "same"),
                _layer("BatchNormalization"), _FLATTEN, _dense(2048), _layer("Dropout", rate=0.5),
                _dense(2048), _layer("Dropout", rate=0.5), _dense(10, "softmax")),
        expected_total=8_492_810, expected_trainable=8_491_594, expected_non_trainable=1_216,
        expected_shapes=((8, 8, 96), (4, 4, 96), (4, 4, 96), (4, 4, 256), (2, 2, 256), (2, 2, 256),
                         (2, 2, 384), (2, 2, 384), (2, 2, 256), (1, 1, 256), (1, 1, 256), (256,),
                         (2048,), (2048,), (2048,), (2048,), (10,)),
        expected_params=(34944, 0, 384, 614656, 0, 1024, 885120, 1327488, 884992, 0, 1024, 0,
                         526336, 0, 4196352, 0, 20490),
        source="total 8,492,810 (trainable 8,491,594, non-trainable 1,216)",
    ),
    Architecture(
        name="binary_cnn_200",
        title="Binary CNN for cats vs dogs (200x200x3)",
        input_shape=(200, 200, 3),
        layers=(_conv(32, 3, "same"), _max_pool(2), _FLATTEN, _dense(128), _dense(1, "sigmoid")),
        expected_total=40_961_153, expected_trainable=40_961_153, expected_non_trainable=0,
        expected_shapes=((200, 200, 32), (100, 100, 32), (320000,), (128,), (1,)),
        expected_params=(896, 0, 0, 40_960_128, 129),
        source="params 896, 0, 0, 40,960,128, 129; total 40,961,153",
    ),
    Architecture(
        name="vgg16_binary_200",
        title="VGG16 base (include_top=False) + new head on 200x200x3",
        input_shape=(200, 200, 3),
        layers=(*_vgg16_base(), _FLATTEN, _dense(256), _dense(1, "sigmoid")),
        expected_total=19_433_793, expected_trainable=19_433_793, expected_non_trainable=0,
        expected_shapes=(*_VGG_SHAPES, (18432,), (256,), (1,)),
        expected_params=(*_VGG_PARAMS, 0, 4_718_848, 257),
        checkpoints=(Checkpoint(layer=18, label="VGG16 base (include_top=False)", params=14_714_688,
                                output_shape=(6, 6, 512)),),
        source="VGG16 base 14,714,688 params, output (6,6,512); with Flatten, Dense 256, Dense 1: 19,433,793",
        keras_notes="With the base frozen (trainable=False) the 14,714,688 base params become non-trainable.",
    ),
)

ARCHITECTURES: dict[str, Architecture] = {arch.name: arch for arch in _ALL}
"""The course architectures by name, the MNIST LeNet-style CNN first."""
