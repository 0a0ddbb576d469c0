"""VGG16's convolutional base in numbers: its output shape, and the trainable and non-trainable
parameters model.summary() reports with some of its blocks frozen under a new head.

The base is keras.applications.VGG16(include_top=False) written as layer dicts: five blocks of
3x3 'same' Conv2D layers (2, 2, 3, 3 and 3 of them, with 64, 128, 256, 512 and 512 filters),
each block closed by a 2x2 MaxPooling2D; 14,714,688 parameters. A frozen layer carries
"trainable": False. Every key comes from reference.shapes.summarize; each mistake re-runs it
on the model a student with that mistake has in mind (the head frozen too, no biases, the
freezing ignored, one block off, ...). No Keras here: tests/quiz/test_quiz_stress.py checks
the keys against keras.applications.VGG16.

The mistake functions are registered in autograder.quiz.mistakes' table with its `mistake`
decorator, as the other families' are, so their labels are the feedback and the family tests
(every mistake used, feedback naming it) cover them.
"""
from __future__ import annotations

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.generators.architecture import layer_code
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import shapes as ref_shapes

VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))  # (filters, convolutions)
VGG16_PARAMS = 14_714_688  # keras.applications.VGG16(include_top=False).count_params()
QUANTITIES = ("trainable", "non-trainable")

FROZEN_SIZES = (224, 200, 150, 128, 96, 64, 160)
SQUARE_SIZES = (224, 200, 150, 128, 96, 64, 160, 180, 100, 256, 299, 75)
OTHER_SIZES = ((150, 200), (180, 240), (240, 320), (120, 160), (200, 300))


def vgg16_base(frozen_blocks: int = 0, blocks: int = 5, pool_padding: str = "valid") -> list[dict]:
    """VGG16's base (include_top=False) up to block `blocks` (its pooling included), blocks
    1..frozen_blocks frozen. pool_padding 'same' is the mistaken ceil rounding."""
    layers: list[dict] = []
    for block, (filters, convs) in enumerate(VGG16_BLOCKS[:blocks], start=1):
        rows = [{"type": "Conv2D", "filters": filters, "kernel_size": 3, "padding": "same",
                 "activation": "relu"} for _ in range(convs)]
        rows.append({"type": "MaxPooling2D", "pool_size": 2, "strides": 2, "padding": pool_padding})
        if block <= frozen_blocks:
            rows = [dict(row, trainable=False) for row in rows]
        layers += rows
    return layers


def block_params(block: int) -> int:
    """Parameters of one VGG16 block (1-based), from reference.shapes."""
    def total(blocks: int) -> int:
        return ref_shapes.summarize([32, 32, 3], vgg16_base(blocks=blocks)).total_params
    return total(block) - total(block - 1)


def head_layers(kind: str, units: int, classes: int) -> list[dict]:
    """The new head: 'flatten' (Flatten -> Dense(units, relu) -> Dense(classes)) or 'gap'
    (GlobalAveragePooling2D -> Dense(classes)); sigmoid for one class, softmax otherwise."""
    out = {"type": "Dense", "units": classes,
           "activation": "sigmoid" if classes == 1 else "softmax"}
    if kind == "flatten":
        return [{"type": "Flatten"}, {"type": "Dense", "units": units, "activation": "relu"}, out]
    return [{"type": "GlobalAveragePooling2D"}, out]


def frozen_summary(input_shape, frozen_blocks: int, head: list[dict]) -> ref_shapes.Summary:
    return ref_shapes.summarize(input_shape, vgg16_base(frozen_blocks) + [dict(h) for h in head])


def count(input_shape, frozen_blocks: int, head: list[dict], quantity: str) -> int:
    """The trainable or non-trainable parameters of the base (blocks 1..frozen_blocks frozen)
    plus the head, as model.summary() reports them."""
    summary = frozen_summary(input_shape, frozen_blocks, head)
    return summary.trainable_params if quantity == "trainable" else summary.non_trainable_params


def _count_of(layers, input_shape, quantity):
    summary = ref_shapes.summarize(input_shape, layers)
    return summary.trainable_params if quantity == "trainable" else summary.non_trainable_params


# --- mistakes on the trainable / non-trainable split: wrong(input_shape, frozen, head, quantity)

@M.mistake("Counted the new head as non-trainable: only the frozen layers of the base are "
           "non-trainable; the head's layers are new and are trained.")
def counted_the_head_as_non_trainable(input_shape, frozen_blocks, head, quantity):
    frozen_head = [dict(layer, trainable=False) for layer in head]
    return _count_of(vgg16_base(frozen_blocks) + frozen_head, input_shape, quantity)


@M.mistake("Forgot the biases: every Conv2D filter and every Dense unit also has a bias, "
           "(k*k*C + 1) * F and (inputs + 1) * units.")
def forgot_the_biases(input_shape, frozen_blocks, head, quantity):
    layers = [dict(layer, use_bias=False) if layer["type"] in ("Conv2D", "Dense") else layer
              for layer in vgg16_base(frozen_blocks) + [dict(h) for h in head]]
    return _count_of(layers, input_shape, quantity)


@M.mistake("Counted the frozen blocks as trainable: a layer with trainable = False keeps its "
           "weights fixed, and model.summary() counts them as non-trainable.")
def counted_the_frozen_blocks_as_trainable(input_shape, frozen_blocks, head, quantity):
    return count(input_shape, 0, head, quantity)


@M.mistake("Counted the whole base as frozen: only the named blocks are frozen; the blocks "
           "above them are trainable again and are fine-tuned with the head.")
def counted_the_whole_base_as_frozen(input_shape, frozen_blocks, head, quantity):
    if frozen_blocks == len(VGG16_BLOCKS):
        return None
    return count(input_shape, len(VGG16_BLOCKS), head, quantity)


@M.mistake("Off by one block: froze one block too many; the block after the last frozen one "
           "is trainable, all of its convolutions.")
def froze_one_block_too_many(input_shape, frozen_blocks, head, quantity):
    if frozen_blocks + 1 >= len(VGG16_BLOCKS):  # the whole base: counted_the_whole_base_as_frozen
        return None
    return count(input_shape, frozen_blocks + 1, head, quantity)


@M.mistake("Off by one block: froze one block too few; the last frozen block is frozen with all "
           "of its convolutions (base.trainable = False freezes all five blocks).")
def froze_one_block_too_few(input_shape, frozen_blocks, head, quantity):
    if frozen_blocks - 1 <= 0:  # nothing frozen: counted_the_frozen_blocks_as_trainable
        return None
    return count(input_shape, frozen_blocks - 1, head, quantity)


@M.mistake("Flattened without the channels: Flatten of the base's H x W x 512 output gives "
           "H*W*512 inputs to the Dense layer.")
def flattened_the_base_without_the_channels(input_shape, frozen_blocks, head, quantity):
    if head[0]["type"] != "Flatten" or quantity != "trainable":
        return None
    h, w, c = ref_shapes.summarize(input_shape, vgg16_base()).output_shape
    units = head[1]["units"]
    return (count(input_shape, frozen_blocks, head, quantity)
            - ref_shapes.dense_params(h * w * c, units) + ref_shapes.dense_params(h * w, units))


@M.mistake("Took global average pooling for Flatten: GlobalAveragePooling2D averages each "
           "channel's map, giving 512 values, not H*W*512.")
def treated_global_pooling_as_flatten(input_shape, frozen_blocks, head, quantity):
    if head[0]["type"] != "GlobalAveragePooling2D" or quantity != "trainable":
        return None
    flat = [{"type": "Flatten"}] + [dict(h) for h in head[1:]]
    value = count(input_shape, frozen_blocks, flat, quantity)
    return None if value == count(input_shape, frozen_blocks, head, quantity) else value


# --- mistakes on the base's output shape: wrong(input_shape, blocks) -> shape text ----------

def _shape(input_shape, layers) -> str:
    return M.shape_text(ref_shapes.summarize(input_shape, layers).output_shape)


@M.mistake("Rounded up in the pooling: a 2x2 max pooling with stride 2 and padding 'valid' "
           "floors, n // 2 (25 -> 12), dropping an odd last row or column.")
def pooled_with_ceil(input_shape, blocks):
    wrong = _shape(input_shape, vgg16_base(blocks=blocks, pool_padding="same"))
    return None if wrong == _shape(input_shape, vgg16_base(blocks=blocks)) else wrong


@M.mistake("Counted one pooling too few: every block ends with a 2x2 max pooling that halves "
           "the height and width (five in the whole base, block 5's included).")
def counted_one_pooling_fewer(input_shape, blocks):
    return _shape(input_shape, vgg16_base(blocks=blocks)[:-1])


def _other_channels(blocks: int) -> int:
    """The filters of the nearest block before (else after) `blocks` with a different count."""
    own = VGG16_BLOCKS[blocks - 1][0]
    for b in [*range(blocks - 1, 0, -1), *range(blocks + 1, len(VGG16_BLOCKS) + 1)]:
        if VGG16_BLOCKS[b - 1][0] != own:
            return VGG16_BLOCKS[b - 1][0]
    raise AssertionError("VGG16's blocks differ in filters")


@M.mistake("Took another block's channels: the blocks have 64, 128, 256, 512 and 512 filters, "
           "and the output keeps the filters of the asked block's last convolution.")
def used_another_blocks_channels(input_shape, blocks):
    shape = ref_shapes.summarize(input_shape, vgg16_base(blocks=blocks)).output_shape
    return M.shape_text((*shape[:2], _other_channels(blocks)))


@M.mistake("Kept doubling the channels: block 5 has 512 filters, like block 4, not 1024.")
def kept_doubling_the_channels(input_shape, blocks):
    if blocks != len(VGG16_BLOCKS):
        return None
    shape = ref_shapes.summarize(input_shape, vgg16_base()).output_shape
    return M.shape_text((*shape[:2], 2 * shape[2]))


# --- the code shown with the prompt -----------------------------------------------------

def _base_call(input_shape) -> str:
    return ("keras.applications.VGG16(weights='imagenet', include_top=False, "
            f"input_shape={tuple(input_shape)})")


def _freeze_code(frozen_blocks: int) -> list[str]:
    if frozen_blocks == len(VGG16_BLOCKS):
        return ["base.trainable = False"]
    names = ", ".join(f"'block{b}'" for b in range(1, frozen_blocks + 1))
    names = names if frozen_blocks == 1 else f"({names})"
    return ["for layer in base.layers:",
            f"    layer.trainable = not layer.name.startswith({names})"]


def _head_code(layer: dict) -> str:
    if layer["type"] == "GlobalAveragePooling2D":
        return "layers.GlobalAveragePooling2D()"
    return layer_code(layer)


def frozen_model_code(input_shape, frozen_blocks: int, head: list[dict]) -> str:
    lines = [f"base = {_base_call(input_shape)}", *_freeze_code(frozen_blocks),
             "model = keras.Sequential([", "    base,"]
    lines += [f"    {_head_code(layer)}," for layer in head]
    lines.append("])")
    return "\n".join(lines)


def _blocks_words(first: int, last: int) -> str:
    if first == last:
        return f"block {first}"
    return f"blocks {first} {'and' if last == first + 1 else 'to'} {last}"


def _freeze_words(frozen_blocks: int) -> str:
    n = len(VGG16_BLOCKS)
    if frozen_blocks == n:
        return "is entirely frozen (base.trainable = False)"
    trained = _blocks_words(frozen_blocks + 1, n)
    if frozen_blocks == n - 1:
        return (f"has all but the top block frozen ({_blocks_words(1, frozen_blocks)} frozen, "
                f"{trained} trained)")
    return (f"has {_blocks_words(1, frozen_blocks)} frozen ({trained} "
            f"{'is' if frozen_blocks + 1 == n else 'are'} trained)")


def _head_words(head: list[dict]) -> str:
    def word(layer):
        if layer["type"] == "Dense":
            return f"Dense({layer['units']}, {layer['activation']})"
        return layer["type"]
    return " -> ".join(word(layer) for layer in head)


@register("vgg16-frozen-params", "Trainable and non-trainable parameters of a frozen VGG16 base",
          "transfer", ("numeric", "multichoice"))
def vgg16_frozen_params(draw: Draw) -> Draft:
    size = draw.choice(FROZEN_SIZES)
    input_shape = [size, size, 3]
    frozen = draw.choice([5, 5, 5, 4, 4, 3, 2, 1])
    if draw.chance(0.65):
        head = head_layers("flatten", draw.choice([64, 128, 256, 256, 512]),
                           draw.choice([1, 1, 3, 5, 10]))
    else:
        head = head_layers("gap", 0, draw.choice([1, 3, 5, 10, 102]))
    quantity = draw.choice(QUANTITIES)
    summary = frozen_summary(input_shape, frozen, head)
    key = summary.trainable_params if quantity == "trainable" else summary.non_trainable_params
    args = (input_shape, frozen, head, quantity)
    mistakes = mistakes_of(*[(fn, *args) for fn in (
        counted_the_head_as_non_trainable, forgot_the_biases,
        counted_the_frozen_blocks_as_trainable, counted_the_whole_base_as_frozen,
        froze_one_block_too_many, froze_one_block_too_few,
        flattened_the_base_without_the_channels, treated_global_pooling_as_flatten)])

    n_base = len(vgg16_base())
    out = summary.layers[n_base - 1].output_shape
    head_rows = summary.layers[n_base:]
    head_total = sum(row.params for row in head_rows)
    parts = []
    inputs = out[-1]
    for layer, row in zip(head, head_rows):
        if layer["type"] == "Flatten":
            inputs = row.activation_size
            parts.append(f"Flatten gives {out[0]}*{out[1]}*{out[2]} = {inputs:,} values")
        elif layer["type"] == "GlobalAveragePooling2D":
            parts.append(f"GlobalAveragePooling2D gives {out[2]} values")
        else:
            parts.append(f"Dense({layer['units']}) has ({inputs:,} + 1) * {layer['units']} = "
                         f"{row.params:,}")
            inputs = layer["units"]
    frozen_params = sum(block_params(b) for b in range(1, frozen + 1))
    if frozen == len(VGG16_BLOCKS):
        split = (f"The whole base is frozen: its {VGG16_PARAMS:,} parameters are non-trainable, "
                 f"and only the head's {head_total:,} are trainable.")
    else:
        trained = _blocks_words(frozen + 1, len(VGG16_BLOCKS))
        verbs = ("holds" if frozen == 1 else "hold",
                 "is" if frozen + 1 == len(VGG16_BLOCKS) else "are")
        split = (f"The frozen {_blocks_words(1, frozen)} {verbs[0]} {frozen_params:,} parameters "
                 f"(non-trainable); {trained} ({VGG16_PARAMS - frozen_params:,}) {verbs[1]} "
                 f"trained with the head ({head_total:,}).")
    explanation = (f"The base outputs {M.shape_text(out)}. {'; '.join(parts)}: the head has "
                   f"{head_total:,} parameters. {split} Trainable: {summary.trainable_params:,}; "
                   f"non-trainable: {summary.non_trainable_params:,}.")
    prompt = (f"A VGG16 base, {_base_call(input_shape)}, {_freeze_words(frozen)}, and a new "
              f"head {_head_words(head)} goes on top (the code below). How many {quantity} "
              "parameters does model.summary() report?")
    return Draft(prompt=prompt,
                 params={"input_shape": input_shape, "frozen_blocks": frozen, "head": head,
                         "quantity": quantity},
                 answer=key, explanation=explanation, mistakes=mistakes, minimum=0,
                 figures=(Figure("Model", code=frozen_model_code(input_shape, frozen, head)),))


def _shape_fallback(draw: Draw, key: str, taken: set) -> tuple[str, str]:
    h, w, c = (int(d) for d in key.strip("()").split(","))
    candidates = [(h + 1, w + 1, c), (2 * h, 2 * w, c), (h, w, 2 * c), (h + 2, w + 2, c),
                  (max(1, h - 1), max(1, w - 1), c), (4 * h, 4 * w, c), (h, w, c // 2)]
    for shape in draw.shuffled(candidates):
        text = M.shape_text(shape)
        if text not in taken:
            return text, ("Not one of the usual mistakes: the 'same' convolutions keep the height "
                          "and width, each block's pooling halves them (rounding down).")
    raise ValueError(f"no fallback shape left for {key}")


@register("vgg16-output-shape", "Output shape of the VGG16 base", "transfer", ("multichoice",))
def vgg16_output_shape(draw: Draw) -> Draft:
    if draw.chance(0.2):
        h, w = draw.choice(OTHER_SIZES)
    else:
        h = w = draw.choice(SQUARE_SIZES)
    input_shape = [h, w, 3]
    blocks = len(VGG16_BLOCKS) if draw.chance(0.7) else draw.integer(1, 4)
    layers = vgg16_base(blocks=blocks)
    summary = ref_shapes.summarize(input_shape, layers)
    key = M.shape_text(summary.output_shape)
    mistakes = mistakes_of(
        (pooled_with_ceil, input_shape, blocks), (counted_one_pooling_fewer, input_shape, blocks),
        (used_another_blocks_channels, input_shape, blocks),
        (kept_doubling_the_channels, input_shape, blocks),
        (M.put_the_channels_first, summary.output_shape),
        (M.used_valid_for_same_layers, input_shape, layers, len(layers) - 1, "shape"))
    pools = [row.output_shape for row in summary.layers if row.type == "MaxPooling2D"]
    heights = " -> ".join(str(d) for d in [h] + [s[0] for s in pools])
    sizes = heights if h == w else (heights + " (height), "
                                    + " -> ".join(str(d) for d in [w] + [s[1] for s in pools])
                                    + " (width)")
    filters = VGG16_BLOCKS[blocks - 1][0]
    explanation = (f"The 3x3 'same' convolutions keep the height and width; each block's 2x2 max "
                   f"pooling halves them, rounding down: {sizes}. Block {blocks}'s last "
                   f"convolution has {filters} filters: {key}.")
    base = _base_call(input_shape)
    if blocks == len(VGG16_BLOCKS):
        prompt = (f"What is the output shape (without the batch dimension) of VGG16's "
                  f"convolutional base, {base}?")
    else:
        prompt = (f"In VGG16's convolutional base, {base}, what is the output shape (without the "
                  f"batch dimension) of block {blocks}'s pooling layer, block{blocks}_pool?")
    return Draft(prompt=prompt, params={"input_shape": input_shape, "blocks": blocks},
                 answer=key, explanation=explanation, mistakes=mistakes, kinds=("multichoice",),
                 fallback=_shape_fallback)
