"""Parameter counts of single Conv2D and Dense layers."""
from __future__ import annotations

from autograder.mistakes import dense_layer
from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw
from autograder.quiz.registry import register
from reference import shapes as ref_shapes


@register("conv2d-params", "Conv2D parameter count", "CNN", ("numeric", "multichoice"))
def conv2d_params(draw: Draw) -> Draft:
    if draw.chance(0.15):
        kernel = draw.choice([(1, 3), (3, 1), (1, 5), (5, 1), (3, 5)])
    else:
        k = draw.choice([1, 3, 3, 3, 5, 5, 7])
        kernel = (k, k)
    kh, kw = kernel
    channels = draw.choice([1, 3, 3, 8, 16, 32, 64])
    filters = draw.choice([4, 6, 8, 16, 32, 64, 96, 128, 256])
    use_bias = not draw.chance(0.15)
    padding = draw.choice(["valid", "same"])
    stride = draw.choice([1, 1, 2])
    n = draw.integer(max(kh, kw, 8), 64)
    kernel_arg = kh if kh == kw else kernel
    key = ref_shapes.conv_params(kernel_arg, channels, filters, use_bias)
    out_h = ref_shapes.conv_output_length(n, kh, stride, padding)
    out_w = ref_shapes.conv_output_length(n, kw, stride, padding)
    without_bias = ref_shapes.conv_params(kernel_arg, channels, filters, use_bias=False)
    kernel_code = str(kh) if kh == kw else f"({kh}, {kw})"
    extra = "" if use_bias else ", use_bias=False"
    stride_code = "" if stride == 1 else f", strides={stride}"
    prompt = (f"How many parameters (weights and biases) does "
              f"layers.Conv2D({filters}, {kernel_code}{stride_code}, padding='{padding}'{extra}) have "
              f"when its input is {n}x{n}x{channels}?")
    layer = (kernel_arg, channels, filters, use_bias)
    mistakes = mistakes_of(
        (M.forgot_the_bias, *layer), (M.forgot_the_input_channels, *layer),
        (M.counted_one_filter, *layer), (M.one_bias_for_the_layer, without_bias, use_bias),
        (M.used_k_not_k_squared, *layer), (M.forgot_weight_sharing, key, out_h, out_w),
        (M.added_a_bias_anyway, *layer))
    formula = (f"(k_h*k_w*C + 1) * F = ({kh}*{kw}*{channels} + 1) * {filters}" if use_bias
               else f"k_h*k_w*C * F = {kh}*{kw}*{channels} * {filters} (no bias)")
    explanation = (f"{formula} = {key}. Padding and stride change the output size, not the "
                   "parameters: the weights are shared across positions.")
    return Draft(prompt=prompt,
                 params={"kernel_size": list(kernel), "in_channels": channels, "filters": filters,
                         "use_bias": use_bias, "padding": padding, "strides": stride,
                         "input_shape": [n, n, channels]},
                 answer=key, explanation=explanation, mistakes=mistakes, minimum=1)


@register("dense-params", "Dense parameter count", "ANN", ("numeric", "multichoice"))
def dense_params(draw: Draw) -> Draft:
    units = draw.choice([1, 2, 5, 10, 16, 32, 64, 84, 120, 128, 256, 512])
    use_bias = not draw.chance(0.1)
    extra = "" if use_bias else ", use_bias=False"
    if draw.chance(0.5):
        in_units = draw.choice([4, 8, 10, 11, 13, 16, 32, 64, 84, 100, 120, 128, 256, 400, 512, 784])
        key = ref_shapes.dense_params(in_units, units, use_bias)
        input_shape = [in_units]
        prompt = (f"How many parameters does layers.Dense({units}{extra}) have when it follows "
                  f"a layer with {in_units} outputs?")
        flatten = None
    else:
        h = draw.integer(2, 8)
        c = draw.choice([3, 6, 8, 16, 32, 64])
        input_shape = [h, h, c]
        summary = ref_shapes.summarize(input_shape, [{"type": "Flatten"},
                                                     {"type": "Dense", "units": units,
                                                      "use_bias": use_bias}])
        in_units = summary.layers[0].activation_size
        key = summary.layers[1].params
        prompt = (f"A feature map of shape ({h}, {h}, {c}) goes through layers.Flatten() and then "
                  f"layers.Dense({units}{extra}). How many parameters does the Dense layer have?")
        flatten = (h, h, c)
    without_bias = ref_shapes.dense_params(in_units, units, use_bias=False)
    layer = dense_layer(in_units, units, use_bias)
    mistakes = mistakes_of(
        (M.forgot_the_bias, *layer), (M.one_bias_for_the_layer, without_bias, use_bias),
        (M.bias_per_input, *layer), (M.added_inputs_and_units, in_units, units, use_bias),
        (M.added_a_bias_anyway, *layer),
        *([(M.flattened_without_the_channels, *flatten, units, use_bias)] if flatten else []))
    flat = f"Flatten gives {flatten[0]}*{flatten[1]}*{flatten[2]} = {in_units} inputs; " if flatten else ""
    formula = (f"(inputs + 1) * units = ({in_units} + 1) * {units}" if use_bias
               else f"inputs * units = {in_units} * {units} (no bias)")
    return Draft(prompt=prompt,
                 params={"input_shape": input_shape, "in_units": in_units, "units": units,
                         "use_bias": use_bias},
                 answer=key, explanation=f"{flat}{formula} = {key}.", mistakes=mistakes, minimum=1)
