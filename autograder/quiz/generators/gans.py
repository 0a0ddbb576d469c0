"""The course's GAN activities in numbers and in steps: a 1D GAN learning y = x^2 and a DCGAN
for 28x28 greyscale digits.

- conv2d-transpose-output: the output shape (or height) of a Conv2DTranspose, Keras 3 rule
  (reference.shapes.conv_transpose_output_length: 'same' gives n * s, 'valid'
  (n - 1) * s + max(k, s)), on sampled layers and on the DCGAN generator's two up-sampling
  steps (7x7x128 -> 14x14x128 -> 28x28x128).
- gan-params: parameter counts of one layer or of a whole course model (the 1D GAN's
  discriminator and generator, the DCGAN's generator and discriminator), latent size, units,
  filters and kernel varied; every key from reference.shapes.summarize of the model's layer
  dicts, every mistake re-counts the model the student has in mind.
- gan-training-step: which labels and which model's weights change in each step of the
  classic loop (a conceptual family: its key is the STEPS table), and the Keras 3 fact about
  discriminator.trainable.

No Keras here: tests/quiz/test_quiz_stress.py checks the keys (and the Keras 3 fact) against
Keras. The course's numbers, from Keras 3: the 1D discriminator has 101 parameters (75 + 26),
the 1D generator (latent_dim 5) 122; the DCGAN generator (latent_dim 100) 1,164,289
(633,472 + 262,272 + 262,272 + 6,273), the DCGAN discriminator 40,705 (640 + 36,928 + 3,137).
"""
from __future__ import annotations

from autograder.mistakes import dense_layer
from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, Mistake
from autograder.quiz.generators.architecture import layer_code
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import shapes as ref_shapes

DCGAN_SEED = (7, 7)  # the generator's Dense output is reshaped to 7 x 7 x filters
IMAGE = (28, 28, 1)


# --- conv2d-transpose-output ------------------------------------------------------------

def transpose_layer(filters: int, kernel: int, stride: int, padding: str) -> dict:
    return {"type": "Conv2DTranspose", "filters": filters, "kernel_size": kernel,
            "strides": stride, "padding": padding}


def transpose_shape(input_shape, layers) -> tuple:
    return ref_shapes.summarize(list(input_shape), layers).output_shape


def _axes(input_shape, per_axis, filters):
    h, w, _ = input_shape
    a, b = per_axis(h), per_axis(w)
    return None if a is None or b is None else (a, b, filters)


@M.mistake("Used the Conv2D formula: a Conv2DTranspose with stride s up-samples (about n * s), "
           "it does not down-sample like Conv2D's (n - k) / s + 1 or n / s.")
def used_the_conv2d_formula(input_shape, kernel, stride, padding, filters):
    def axis(n):
        try:
            return ref_shapes.conv_output_length(n, kernel, stride, padding)
        except ValueError:
            return None
    return _axes(input_shape, axis, filters)


@M.mistake("Forgot the stride: Conv2DTranspose multiplies the size by the stride, 'same' gives "
           "n * s and 'valid' (n - 1) * s + max(k, s).")
def forgot_the_transpose_stride(input_shape, kernel, stride, padding, filters):
    if stride == 1:
        return None
    return _axes(input_shape, lambda n: ref_shapes.conv_transpose_output_length(n, kernel, 1, padding),
                 filters)


@M.mistake("Used the 'valid' formula (n - 1) * s + k for padding='same': with 'same', Keras's "
           "Conv2DTranspose outputs exactly n * s, whatever the kernel.")
def used_valid_for_same_transpose(input_shape, kernel, stride, padding, filters):
    if padding != "same":
        return None
    return _axes(input_shape, lambda n: (n - 1) * stride + kernel, filters)


@M.mistake("Used the 'same' formula n * s for padding='valid': with 'valid', Conv2DTranspose "
           "outputs (n - 1) * s + max(k, s), the kernel's overhang included.")
def used_same_for_valid_transpose(input_shape, kernel, stride, padding, filters):
    if padding != "valid":
        return None
    return _axes(input_shape, lambda n: n * stride, filters)


@M.mistake("Used (n - 1) * s + k with a kernel smaller than the stride: Keras 3's 'valid' "
           "Conv2DTranspose outputs (n - 1) * s + max(k, s), so the gaps between strides count.")
def ignored_the_max_with_the_stride(input_shape, kernel, stride, padding, filters):
    if padding != "valid" or kernel >= stride:
        return None
    return _axes(input_shape, lambda n: (n - 1) * stride + kernel, filters)


@M.mistake("Kept the input's channels: Conv2DTranspose, like Conv2D, outputs one channel per "
           "filter.")
def kept_the_channels_in_the_transpose(input_shape, kernel, stride, padding, filters):
    if input_shape[2] == filters:
        return None
    h, w, _ = transpose_shape(input_shape, [transpose_layer(filters, kernel, stride, padding)])
    return (h, w, input_shape[2])


@M.mistake("Stopped after the first Conv2DTranspose: the DCGAN generator up-samples twice, "
           "7 -> 14 -> 28, to reach the 28x28 image size.")
def counted_one_upsampling_fewer(input_shape, layers):
    if len(layers) < 2:
        return None
    return transpose_shape(input_shape, layers[:-1])


TRANSPOSE_MISTAKES = (used_the_conv2d_formula, forgot_the_transpose_stride,
                      used_valid_for_same_transpose, used_same_for_valid_transpose,
                      ignored_the_max_with_the_stride, kept_the_channels_in_the_transpose)


def _shape_fallback(key_shape, stride):
    h, w, c = key_shape
    near = [(1, 1), (-1, -1), (2, 2), (-2, -2), (stride, stride), (-stride, -stride), (1, 0), (0, 1)]

    def fallback(draw: Draw, key, taken):
        for dh, dw in draw.shuffled(near) + [(d, d) for d in range(3, 60)]:
            if h + dh >= 1 and w + dw >= 1:
                text = M.shape_text((h + dh, w + dw, c))
                if text not in taken:
                    return text, ("Not one of the usual mistakes. Keras 3: 'same' gives n * s, "
                                  "'valid' (n - 1) * s + max(k, s), with one channel per filter.")
        raise ValueError(f"no fallback shape for {key}")
    return fallback


@register("conv2d-transpose-output", "Conv2DTranspose output size", "GAN",
          ("numeric", "multichoice"))
def conv2d_transpose_output(draw: Draw) -> Draft:
    if draw.chance(0.3):  # the course's DCGAN generator
        input_shape = (*DCGAN_SEED, 128)
        steps = draw.choice([1, 2])
        layers = [transpose_layer(128, (4, 4), (2, 2), "same") for _ in range(steps)]
        asked_in = transpose_shape(input_shape, layers[:-1]) if steps == 2 else input_shape
        kernel, stride, padding, filters = 4, 2, "same", 128
        which = "the first" if steps == 1 else "the second"
        prompt = ("In the course's DCGAN generator, the Dense output is reshaped with "
                  "layers.Reshape((7, 7, 128)) and goes through two layers "
                  "layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding='same') (each "
                  f"followed by a LeakyReLU). What is the output shape after {which} "
                  "Conv2DTranspose, without the batch axis?")
        source = "dcgan"
    else:
        n = draw.integer(2, 16)
        w = n if draw.chance(0.75) else draw.integer(2, 16)
        channels = draw.choice([1, 3, 16, 32, 64, 128])
        filters = draw.choice([1, 3, 16, 32, 64, 128])
        kernel = draw.choice([1, 2, 3, 3, 4, 4, 5])
        stride = draw.choice([1, 2, 2, 2, 3])
        padding = draw.choice(["same", "valid"])
        input_shape = (n, w, channels)
        asked_in = input_shape
        layers = [transpose_layer(filters, kernel, stride, padding)]
        prompt = (f"An input of shape ({n}, {w}, {channels}) (height, width, channels) goes "
                  f"through layers.Conv2DTranspose({filters}, {kernel}, strides={stride}, "
                  f"padding='{padding}'). What is its output shape, without the batch axis?")
        source = "sampled"
    key_shape = transpose_shape(input_shape, layers)
    args = (asked_in, kernel, stride, padding, filters)
    wrong = [(fn, fn(*args)) for fn in TRANSPOSE_MISTAKES]
    wrong.append((counted_one_upsampling_fewer, counted_one_upsampling_fewer(input_shape, layers)))
    wrong = [(fn, value) for fn, value in wrong if value is not None]
    h_in = asked_in[0]
    rule = (f"'same': n * s = {h_in} * {stride} = {key_shape[0]}" if padding == "same" else
            f"'valid': (n - 1) * s + max(k, s) = ({h_in} - 1) * {stride} + max({kernel}, {stride}) "
            f"= {key_shape[0]}")
    explanation = (f"Keras 3's Conv2DTranspose, {rule} on each axis, with one channel per filter: "
                   f"{M.shape_text(key_shape)}.")
    params = {"question": "shape", "source": source, "input_shape": list(input_shape),
              "layers": layers, "filters": filters, "kernel_size": kernel, "strides": stride,
              "padding": padding}
    if draw.chance(0.35):  # the height alone, as a number
        params["question"] = "height"
        prompt = prompt.replace("What is its output shape, without the batch axis?",
                                "What is its output height?").replace(
            "What is the output shape after", "What is the output height after").replace(
            " Conv2DTranspose, without the batch axis?", " Conv2DTranspose?")
        mistakes = [Mistake(fn.__name__, value[0], fn.label) for fn, value in wrong
                    if value[0] != key_shape[0]]
        return Draft(prompt=prompt, params=params, answer=key_shape[0], explanation=explanation,
                     mistakes=mistakes, minimum=1)
    mistakes = [Mistake(fn.__name__, M.shape_text(value), fn.label) for fn, value in wrong]
    return Draft(prompt=prompt, params=params, answer=M.shape_text(key_shape),
                 explanation=explanation, mistakes=mistakes, kinds=("multichoice",),
                 fallback=_shape_fallback(key_shape, stride))


# --- gan-params -------------------------------------------------------------------------

def discriminator_1d(units: int = 25) -> tuple[list, list[dict]]:
    return [2], [{"type": "Dense", "units": units, "activation": "relu"},
                 {"type": "Dense", "units": 1, "activation": "sigmoid"}]


def generator_1d(latent_dim: int, units: int = 15) -> tuple[list, list[dict]]:
    return [latent_dim], [{"type": "Dense", "units": units, "activation": "relu"},
                          {"type": "Dense", "units": 2, "activation": "linear"}]


def dcgan_generator(latent_dim: int = 100, filters: int = 128, kernel: int = 4) -> tuple[list, list[dict]]:
    h, w = DCGAN_SEED
    up = {"type": "Conv2DTranspose", "filters": filters, "kernel_size": kernel, "strides": 2,
          "padding": "same"}
    leaky = {"type": "LeakyReLU", "negative_slope": 0.2}
    return [latent_dim], [{"type": "Dense", "units": filters * h * w}, dict(leaky),
                          {"type": "Reshape", "target_shape": [h, w, filters]},
                          dict(up), dict(leaky), dict(up), dict(leaky),
                          {"type": "Conv2D", "filters": 1, "kernel_size": 7,
                           "activation": "sigmoid", "padding": "same"}]


def dcgan_discriminator(filters: int = 64, kernel: int = 3) -> tuple[list, list[dict]]:
    conv = {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "strides": 2,
            "padding": "same"}
    leaky = {"type": "LeakyReLU", "negative_slope": 0.2}
    drop = {"type": "Dropout", "rate": 0.4}
    return list(IMAGE), [dict(conv), dict(leaky), dict(drop), dict(conv), dict(leaky), dict(drop),
                         {"type": "Flatten"}, {"type": "Dense", "units": 1, "activation": "sigmoid"}]


MODELS = {
    "discriminator_1d": "the 1D GAN's discriminator",
    "generator_1d": "the 1D GAN's generator",
    "dcgan_generator": "the DCGAN's generator",
    "dcgan_discriminator": "the DCGAN's discriminator",
}


def gan_params_key(input_shape, layers, index):
    """The parameters of layer `index` (0-based), or of the whole model (index None)."""
    summary = ref_shapes.summarize(list(input_shape), layers)
    return summary.total_params if index is None else summary.layers[index].params


def _shapes(input_shape, layers):
    summary = ref_shapes.summarize(list(input_shape), layers)
    return [tuple(input_shape)] + [row.output_shape for row in summary.layers], summary


def _recount(input_shape, layers, index, per_layer):
    """The asked count when per_layer(i, layer, shapes) gives a layer's wrong count (None: the
    layer is counted right); None when the mistake changes nothing asked."""
    shapes, summary = _shapes(input_shape, layers)
    values, changed = [], False
    for i, (layer, row) in enumerate(zip(layers, summary.layers)):
        wrong = per_layer(i, layer, shapes) if index is None or i == index else None
        if wrong is None or wrong == row.params:
            values.append(row.params)
        else:
            values.append(wrong)
            changed = True
    if not changed:
        return None
    return values[index] if index is not None else sum(values)


def _kernel_args(i, layer, shapes):
    """A weighted layer's (kernel, in_channels, filters, use_bias), a Dense one as a 1x1 kernel."""
    use_bias = layer.get("use_bias", True)
    if layer["type"] in ("Conv2D", "Conv2DTranspose"):
        return layer["kernel_size"], shapes[i][-1], layer["filters"], use_bias
    if layer["type"] == "Dense":
        return dense_layer(shapes[i][-1], layer["units"], use_bias)
    return None


def _shared(fn, types=("Conv2D", "Conv2DTranspose", "Dense")):
    """A per-layer mistake of autograder.quiz.mistakes on (kernel, in_channels, filters, bias)."""
    def per_layer(i, layer, shapes):
        args = _kernel_args(i, layer, shapes)
        return fn(*args) if args and layer["type"] in types else None
    return per_layer


@M.mistake("Took Conv2DTranspose for UpSampling2D: it is a learned convolution with "
           "k*k*C*F weights and F biases; only UpSampling2D has no weights.")
def treated_the_transpose_as_upsampling(i, layer, shapes):
    return 0 if layer["type"] == "Conv2DTranspose" else None


@M.mistake("Gave the generator's Dense layer only `filters` units: it has filters*7*7 units, "
           "reshaped to (7, 7, filters) for the first Conv2DTranspose.")
def sized_the_dense_without_the_seed_map(i, layer, shapes):
    # shapes[i + 1]: the Dense output; the LeakyReLU's, then the Reshape's (7, 7, filters).
    if layer["type"] != "Dense" or i + 3 >= len(shapes) or len(shapes[i + 3]) != 3:
        return None  # only the Dense before the Reshape
    filters = shapes[i + 3][-1]
    return ref_shapes.dense_params(shapes[i][-1], filters)


def _flattened_without_channels(i, layer, shapes):
    if layer["type"] != "Dense" or i == 0 or len(shapes[i - 1]) != 3:
        return None
    h, w, c = shapes[i - 1]
    return M.flattened_without_the_channels(h, w, c, layer["units"], layer.get("use_bias", True))


def _weights_per_position(i, layer, shapes):
    if layer["type"] not in ("Conv2D", "Conv2DTranspose"):
        return None
    h, w, _ = shapes[i + 1]
    args = _kernel_args(i, layer, shapes)
    return M.forgot_weight_sharing(ref_shapes.conv_params(*args), h, w)


GAN_PARAM_MISTAKES = (
    (M.forgot_the_bias, _shared(M.forgot_the_bias)),
    (M.forgot_the_input_channels, _shared(M.forgot_the_input_channels, ("Conv2D", "Conv2DTranspose"))),
    (M.added_inputs_and_units, _shared(lambda k, c, f, b=True: M.added_inputs_and_units(c, f, b),
                                       ("Dense",))),
    (M.bias_per_input, _shared(M.bias_per_input, ("Dense",))),
    (M.flattened_without_the_channels, _flattened_without_channels),
    (treated_the_transpose_as_upsampling, treated_the_transpose_as_upsampling),
    (sized_the_dense_without_the_seed_map, sized_the_dense_without_the_seed_map),
)
LAYER_ONLY_MISTAKES = ((M.forgot_weight_sharing, _weights_per_position),)


def gan_model(draw: Draw) -> tuple[str, dict, list, list[dict]]:
    """(model, its settings, input shape, layers), the course's settings half of the time."""
    model = draw.choice(list(MODELS))
    course = draw.chance(0.4)
    if model == "discriminator_1d":
        settings = {"units": 25 if course else draw.choice([10, 16, 20, 25, 32, 50])}
        input_shape, layers = discriminator_1d(**settings)
    elif model == "generator_1d":
        settings = {"latent_dim": 5 if course else draw.choice([2, 3, 5, 8, 10, 20]),
                    "units": 15 if course else draw.choice([10, 15, 16, 20, 32])}
        input_shape, layers = generator_1d(**settings)
    elif model == "dcgan_generator":
        settings = {"latent_dim": 100 if course else draw.choice([50, 64, 100, 128]),
                    "filters": 128 if course else draw.choice([32, 64, 128]),
                    "kernel": 4 if course else draw.choice([3, 4, 5])}
        input_shape, layers = dcgan_generator(**settings)
    else:
        settings = {"filters": 64 if course else draw.choice([32, 64, 128]),
                    "kernel": 3 if course else draw.choice([3, 4, 5])}
        input_shape, layers = dcgan_discriminator(**settings)
    return model, settings, input_shape, layers


def gan_model_code(input_shape, layers) -> str:
    lines = ["model = keras.Sequential([", f"    keras.Input(shape={tuple(input_shape)}),"]
    for i, layer in enumerate(layers, start=1):
        code = layer_code(layer)
        if layer["type"] == "Conv2DTranspose":
            code = (f"layers.Conv2DTranspose({layer['filters']}, {layer['kernel_size']}, "
                    f"strides={layer['strides']}, padding='{layer['padding']}')")
        elif layer["type"] == "Reshape":
            code = f"layers.Reshape({tuple(layer['target_shape'])})"
        elif layer["type"] == "LeakyReLU":
            code = f"layers.LeakyReLU(negative_slope={layer['negative_slope']})"
        lines.append(f"    {code},  # layer {i}")
    lines.append("])")
    return "\n".join(lines)


@register("gan-params", "GAN model parameter counts", "GAN", ("numeric", "multichoice"))
def gan_params(draw: Draw) -> Draft:
    model, settings, input_shape, layers = gan_model(draw)
    summary = ref_shapes.summarize(list(input_shape), layers)
    weighted = [i for i, row in enumerate(summary.layers) if row.params]
    index = None if draw.chance(0.5) else draw.choice(weighted)
    key = gan_params_key(input_shape, layers, index)
    pairs = GAN_PARAM_MISTAKES + (LAYER_ONLY_MISTAKES if index is not None else ())
    mistakes = []
    for fn, per_layer in pairs:
        value = _recount(input_shape, layers, index, per_layer)
        if value is not None:
            mistakes.append(Mistake(fn.__name__, value, fn.label))
    asked = ("the whole model (model.count_params())" if index is None
             else f"layer {index + 1} ({layers[index]['type']})")
    what = MODELS[model]
    prompt = (f"The code below builds {what}. How many parameters (weights and biases) does "
              f"{asked} have?")
    counts = " + ".join(f"{row.params:,}" for row in summary.layers if row.params)
    explanation = (f"Weighted layers: {counts} = {summary.total_params:,}; LeakyReLU, Reshape, "
                   "Dropout and Flatten have no parameters. A Dense layer has (inputs + 1) * units, "
                   "a Conv2D or Conv2DTranspose (k*k*C + 1) * F, C the input's channels."
                   if index is None else
                   f"Layer {index + 1} has {key:,} parameters: a Dense layer has (inputs + 1) * "
                   "units, a Conv2D or Conv2DTranspose (k*k*C + 1) * F, C the input's channels.")
    return Draft(prompt=prompt,
                 params={"model": model, "settings": settings, "input_shape": list(input_shape),
                         "layers": layers, "layer": None if index is None else index + 1},
                 answer=key, explanation=explanation, mistakes=mistakes, minimum=1,
                 figures=(Figure("Model", code=gan_model_code(input_shape, layers)),))


# --- gan-training-step ------------------------------------------------------------------

STEPS = {
    "real": "Labels 1 (real); only the discriminator's weights change.",
    "fake": "Labels 0 (fake); only the discriminator's weights change.",
    "generator": "Labels 1 (inverted: 'real'); only the generator's weights change, the "
                 "discriminator is frozen inside the combined model.",
}
WRONG_STEPS = {
    "real_as_fake": "Labels 0 (fake); only the discriminator's weights change.",
    "fake_as_real": "Labels 1 (real); only the discriminator's weights change.",
    "both_real": "Labels 1 (real); both the generator's and the discriminator's weights change.",
    "both_fake": "Labels 0 (fake); both the generator's and the discriminator's weights change.",
    "generator_fake": "Labels 0 (fake); only the generator's weights change.",
    "generator_and_discriminator": "Labels 1 (inverted: 'real'); both the generator's and the "
                                   "discriminator's weights change.",
    "only_discriminator_real": "Labels 1 (real); only the discriminator's weights change, the "
                               "generator is frozen inside the combined model.",
}
STEP_PROMPTS = {
    "real": "the discriminator is trained with discriminator.train_on_batch on a half batch of "
            "real samples",
    "fake": "the discriminator is trained with discriminator.train_on_batch on a half batch of "
            "samples the generator made from random latent points",
    "generator": "the combined model gan = Sequential([generator, discriminator]) is trained "
                 "with gan.train_on_batch on a batch of random latent points",
}
KERAS3 = {
    "key": "Set discriminator.trainable = True before discriminator.train_on_batch and "
           "discriminator.trainable = False before gan.train_on_batch, in every iteration.",
    "nothing": "Nothing: the discriminator was compiled before trainable was set to False, so it "
               "still trains on its own and stays frozen only inside the combined model.",
    "true_once": "Set discriminator.trainable = True once, after define_gan, and leave it.",
    "remove": "Remove discriminator.trainable = False: the discriminator then trains in both "
              "steps.",
}

swapped_the_real_and_fake_labels = M.conceptual(
    "swapped_the_real_and_fake_labels",
    "Swapped the labels: the discriminator learns 1 for real samples and 0 for the generator's "
    "fake ones.")
updated_the_generator_in_the_discriminator_step = M.conceptual(
    "updated_the_generator_in_the_discriminator_step",
    "Thought the generator trains in the discriminator's step: discriminator.train_on_batch "
    "updates only the discriminator; the fake samples are just its inputs.")
used_fake_labels_for_the_generator = M.conceptual(
    "used_fake_labels_for_the_generator",
    "Used labels 0 in the generator's step: the generator is trained to make the discriminator "
    "say 'real', so the combined model gets inverted labels, 1.")
updated_the_discriminator_in_the_gan_step = M.conceptual(
    "updated_the_discriminator_in_the_gan_step",
    "Thought the discriminator also trains in the GAN step: it is frozen (trainable = False) "
    "inside the combined model, so only the generator's weights change.")
froze_the_wrong_model = M.conceptual(
    "froze_the_wrong_model",
    "Froze the wrong model: in the combined model the discriminator is frozen and the generator "
    "learns from the discriminator's gradients.")
kept_the_keras2_compile_snapshot = M.conceptual(
    "kept_the_keras2_compile_snapshot",
    "Relied on Keras 2's compile-time snapshot: in Keras 3 `trainable` is read when the model "
    "trains, so discriminator.trainable = False also stops discriminator.train_on_batch.")
unfroze_it_once = M.conceptual(
    "unfroze_it_once",
    "Unfroze it for good: with trainable = True left on, gan.train_on_batch also updates the "
    "discriminator, with the generator's inverted labels.")
removed_the_freeze = M.conceptual(
    "removed_the_freeze",
    "Removed the freeze: without it gan.train_on_batch updates the discriminator too, teaching it "
    "to call fakes 'real'.")

STEP_MISTAKES = {
    "real": ((swapped_the_real_and_fake_labels, "real_as_fake"),
             (updated_the_generator_in_the_discriminator_step, "both_real"),
             (froze_the_wrong_model, "generator")),
    "fake": ((swapped_the_real_and_fake_labels, "fake_as_real"),
             (updated_the_generator_in_the_discriminator_step, "both_fake"),
             (used_fake_labels_for_the_generator, "generator_fake")),
    "generator": ((used_fake_labels_for_the_generator, "generator_fake"),
                  (updated_the_discriminator_in_the_gan_step, "generator_and_discriminator"),
                  (froze_the_wrong_model, "only_discriminator_real")),
}
STEP_TEXTS = {**STEPS, **WRONG_STEPS}


@register("gan-training-step", "GAN training loop steps", "GAN", ("multichoice",))
def gan_training_step(draw: Draw) -> Draft:
    data = draw.choice(["a 1D GAN learning y = x^2", "a DCGAN for 28x28 greyscale digits"])
    if draw.chance(0.25):
        prompt = (f"Training {data} with the classic Keras 2 code under Keras 3: define_gan sets "
                  "discriminator.trainable = False once, before compiling the combined model, "
                  "and the loop then calls discriminator.train_on_batch and gan.train_on_batch. "
                  "The discriminator never learns. What fixes it?")
        mistakes = [Mistake(fn.__name__, KERAS3[name], fn.label)
                    for fn, name in ((kept_the_keras2_compile_snapshot, "nothing"),
                                     (unfroze_it_once, "true_once"), (removed_the_freeze, "remove"))]
        return Draft(prompt=prompt, params={"question": "keras3", "data": data},
                     answer=KERAS3["key"],
                     explanation="In Keras 3, `trainable` is read at every training call, not "
                                 "fixed at compile time: the discriminator must be trainable for "
                                 "its own step and frozen for the combined model's step.",
                     mistakes=mistakes, kinds=("multichoice",))
    step = draw.choice(list(STEPS))
    prompt = (f"In the classic training loop of {data}, {STEP_PROMPTS[step]}. Which labels does "
              "this step use, and whose weights change?")
    mistakes = [Mistake(fn.__name__, STEP_TEXTS[name], fn.label)
                for fn, name in STEP_MISTAKES[step]]
    explanation = ("The discriminator learns real = 1 and fake = 0 in its own steps; the "
                   "generator learns through the combined model, where the discriminator is "
                   "frozen, with inverted labels 1 so that its fakes are pushed towards 'real'.")
    return Draft(prompt=prompt, params={"question": "step", "step": step, "data": data},
                 answer=STEPS[step], explanation=explanation, mistakes=mistakes,
                 kinds=("multichoice",))
