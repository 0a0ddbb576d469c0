"""The receptive field of a unit after a small stack of convolutions and pooling.

A stack the course discusses (two or three 3x3 convolutions, conv 5x5 + pool
2x2 + conv 3x3, a strided stem) or a sampled one, shown as Keras code; the key
is reference.receptive_field (r_out = r_in + (k - 1) * j_in, j_out = j_in * s),
which tests/reference checks against impulses pushed through the stack and the
stress test against a Keras model of the same layers.
"""
from __future__ import annotations

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.generators.architecture import model_code
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import receptive_field as ref_rf
from reference import shapes as ref_shapes

# (kernel, stride) per layer; "pool" marks a MaxPooling2D.
COURSE_STACKS = (
    (("conv", 3, 1), ("conv", 3, 1)),
    (("conv", 3, 1), ("conv", 3, 1), ("conv", 3, 1)),
    (("conv", 5, 1), ("pool", 2, 2), ("conv", 3, 1)),
    (("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1), ("pool", 2, 2)),
    (("conv", 7, 2), ("pool", 3, 2), ("conv", 3, 1)),
    (("conv", 5, 2), ("conv", 3, 1)),
)


def _layer(kind: str, k: int, s: int, filters: int, padding: str) -> dict:
    if kind == "pool":
        # The pooling stride is the pool size unless given: write it only where it differs.
        return {"type": "MaxPooling2D", "pool_size": k, **({} if s == k else {"strides": s})}
    layer = {"type": "Conv2D", "filters": filters, "kernel_size": k}
    if s != 1:
        layer["strides"] = s
    return dict(layer, padding=padding, activation="relu")


def _sampled_spec(draw: Draw) -> tuple:
    spec = [("conv", draw.choice([3, 3, 5, 7]), draw.choice([1, 1, 2]))]
    for _ in range(draw.integer(1, 2)):
        if spec[-1][0] == "conv" and draw.chance(0.4):
            spec.append(draw.choice([("pool", 2, 2), ("pool", 2, 2), ("pool", 3, 2)]))
        spec.append(("conv", draw.choice([3, 3, 3, 5]), draw.choice([1, 1, 1, 2])))
    return tuple(spec)


def sample_stack(draw: Draw) -> tuple[list[int], list[dict]]:
    """(input_shape, layers): a course stack or a sampled one that fits its input."""
    for _ in range(50):
        spec = draw.choice(COURSE_STACKS) if draw.chance(0.35) else _sampled_spec(draw)
        size = draw.choice([32, 64, 96, 128, 224])
        padding = draw.choice(["valid", "same"])
        filters = draw.choice([8, 16, 32])
        layers = []
        for kind, k, s in spec:
            layers.append(_layer(kind, k, s, filters, padding))
            filters = min(filters * 2, 128) if kind == "conv" else filters
        input_shape = [size, size, draw.choice([1, 3])]
        try:
            ref_shapes.summarize(input_shape, layers)
        except ValueError:
            continue
        if ref_rf.receptive_field(layers) <= size:  # a field wider than the image would confuse
            return input_shape, layers
    return [224, 224, 3], [_layer(kind, k, s, 16, "same") for kind, k, s in COURSE_STACKS[0]]


def _window_name(layer: dict) -> str:
    k, s = ref_rf.window(layer)
    what = "conv" if layer["type"] == "Conv2D" else "pool"
    return f"{what} {k}x{k}" + (f" stride {s}" if s != 1 else "")


@register("receptive-field", "Receptive field of a unit after a conv/pool stack", "CNN",
          ("numeric", "multichoice"))
def receptive_field(draw: Draw) -> Draft:
    input_shape, layers = sample_stack(draw)
    steps = ref_rf.receptive_field_steps(layers)
    key = steps[-1][0]
    lines, r_in, j_in = [], 1, 1
    for layer, (r, j) in zip(layers, steps):
        k, _ = ref_rf.window(layer)
        lines.append(f"{_window_name(layer)}: r = {r_in} + {k - 1}*{j_in} = {r}, j = {j}")
        r_in, j_in = r, j
    explanation = ("From r = 1 and jump j = 1 at the input, each layer gives r + (k - 1) * j and "
                   f"j * s: {'; '.join(lines)}. Padding moves the windows, not their size.")
    prompt = (f"Take one unit (one value of one feature map) in the output of the last layer of the "
              f"model below, which takes {'x'.join(map(str, input_shape))} images. Its receptive "
              "field is the r x r patch of input pixels that can change its value. What is r?")
    mistakes = mistakes_of(*[(fn, layers) for fn in (
        M.summed_the_kernel_sizes, M.ignored_strides_in_the_field, M.ignored_pooling_in_the_field,
        M.counted_only_the_last_window, M.used_the_jump_after_the_layer, M.forgot_the_first_pixel)])
    return Draft(prompt=prompt, params={"input_shape": input_shape, "layers": layers},
                 answer=key, explanation=explanation, mistakes=mistakes, minimum=1,
                 figures=(Figure("Model", code=model_code(input_shape, layers)),))
