"""reference.receptive_field: the recurrence against impulses pushed through the stack with numpy."""
import itertools

import numpy as np
import pytest

from reference.receptive_field import receptive_field, receptive_field_steps


def conv(k, s=1):
    return {"type": "Conv2D", "filters": 1, "kernel_size": k, "strides": s}


def pool(k, s=None, op="MaxPooling2D"):
    layer = {"type": op, "pool_size": k}
    if s is not None:
        layer["strides"] = s
    return layer


def _windows(x, k, s):
    """Every k x k window of a batch (B, H, W) with stride s, 'valid': (B, H', W', k, k)."""
    view = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))
    return view[:, ::s, ::s]


def propagate(x, layers):
    """Push a batch of non-negative images through the stack: all-ones kernels, 'valid' windows.

    With non-negative inputs and all-ones kernels an output is non-zero exactly where some
    input pixel in its window is; max and average pooling keep that too.
    """
    for layer in layers:
        if layer["type"] == "Conv2D":
            x = _windows(x, layer["kernel_size"], layer.get("strides", 1)).sum(axis=(-2, -1))
        else:
            k = layer["pool_size"]
            w = _windows(x, k, layer.get("strides") or k)
            x = w.max(axis=(-2, -1)) if layer["type"] == "MaxPooling2D" else w.mean(axis=(-2, -1))
    return x


def brute_force_field(layers, n):
    """The input pixels a one-pixel impulse must hit to change output unit (0, 0): their set."""
    impulses = np.zeros((n * n, n, n))
    impulses[np.arange(n * n), np.arange(n * n) // n, np.arange(n * n) % n] = 1.0
    out = propagate(impulses, layers)
    hit = np.flatnonzero(out[:, 0, 0] != 0)
    return {(int(i) // n, int(i) % n) for i in hit}


def brute_force_side_1d(layers, n=200):
    """The same along one axis (square windows act on each axis alike): impulse lines are columns."""
    lines = np.zeros((n, 1, n))
    lines[np.arange(n), 0, np.arange(n)] = 1.0
    x = lines
    for layer in layers:  # windows of height 1 on a 1-row image: slide along the columns only
        k = layer.get("kernel_size", layer.get("pool_size"))
        s = layer.get("strides") or (1 if layer["type"] == "Conv2D" else k)
        view = np.lib.stride_tricks.sliding_window_view(x, k, axis=2)[:, :, ::s]
        x = view.max(axis=-1) if layer["type"] == "MaxPooling2D" else view.sum(axis=-1)
    hit = np.flatnonzero(x[:, 0, 0] != 0)
    assert hit.size and np.array_equal(hit, np.arange(hit[0], hit[-1] + 1)), "field not contiguous"
    assert hit[0] == 0
    return int(hit.size)


def test_the_course_stacks():
    assert receptive_field([conv(3), conv(3)]) == 5
    assert receptive_field([conv(3), conv(3), conv(3)]) == 7
    # conv 5x5 -> 5; pool 2x2 (stride 2) -> 6, jump 2; conv 3x3 -> 6 + 2 * 2 = 10
    assert receptive_field_steps([conv(5), pool(2), conv(3)]) == [(5, 1), (6, 2), (10, 2)]
    assert receptive_field([conv(7, 2), pool(3, 2), conv(3)]) == 19  # a ResNet-style stem
    assert receptive_field([]) == 1


@pytest.mark.parametrize("layers", [
    [conv(3), conv(3)],
    [conv(5), pool(2), conv(3)],
    [conv(3, 2), conv(3)],
    [conv(3), pool(3, 2, "AveragePooling2D"), conv(2)],
    [conv(5, 2), pool(2), conv(3, 2)],
])
def test_matches_one_pixel_impulses_in_2d(layers):
    r = receptive_field(layers)
    field = brute_force_field(layers, n=r + 6)
    assert field == {(a, b) for a in range(r) for b in range(r)}


SMALL = [conv(1), conv(2), conv(3), conv(3, 2), conv(5), conv(5, 3), pool(2), pool(3, 2), pool(2, 1)]


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_matches_impulses_for_every_small_stack(depth):
    for layers in itertools.product(SMALL, repeat=depth):
        assert receptive_field(layers) == brute_force_side_1d(list(layers)), layers


def test_padding_and_pass_through_layers_change_nothing():
    same = [dict(conv(3), padding="same"), {"type": "BatchNormalization"}, dict(conv(3), padding="same")]
    assert receptive_field(same) == receptive_field([conv(3), conv(3)]) == 5


def test_unknown_layers_are_refused():
    with pytest.raises(ValueError, match="unsupported layer type 'Dense'"):
        receptive_field([{"type": "Dense", "units": 3}])
    with pytest.raises(ValueError, match="dilated"):
        receptive_field([dict(conv(3), dilation_rate=2)])
