"""Image augmentation with Keras 3's random preprocessing layers: what they do, and when.

Multiple-choice items on a drawn layer and setting: when the layers act, what
repeated calls give, the parameters they add, the output shape, which data get
augmented, and which layer teaches which invariance. The keys are rendered from
FACTS (what Keras 3 does with these layers) by the *_claim functions;
tests/quiz/test_quiz_augmentation.py checks each fact against Keras, and the
stress test renders every item's key again from what Keras does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw
from autograder.quiz.registry import register

# What Keras 3 does with RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
# RandomBrightness and RandomContrast (checked against Keras by the tests).
FACTS = {
    "active_in": frozenset({"fit"}),                     # of fit, evaluate and predict
    "repeats": {"predict": True, "training": False},     # the same outputs on a second call?
    "params": 0,
}


@dataclass(frozen=True)
class Augmentation:
    layer: str                              # the Keras class
    settings: tuple                         # drawn constructor arguments, in positional order
    what: str                               # the transformation it draws
    situation: str                          # the change it teaches the model to ignore
    picked: Callable                        # the mistake of choosing it for another change


AUGMENTATIONS = {
    "flip": Augmentation("RandomFlip", ({"mode": "horizontal"},), "mirroring",
                         "whether they face left or right", M.picked_random_flip),
    "rotation": Augmentation("RandomRotation", ({"factor": 0.05}, {"factor": 0.1}, {"factor": 0.2}),
                             "rotation angle", "in photos tilted by a few degrees",
                             M.picked_random_rotation),
    "zoom": Augmentation("RandomZoom", ({"height_factor": 0.1}, {"height_factor": 0.2},
                                        {"height_factor": 0.3}),
                         "zoom", "whether they are close to the camera or far away (large or "
                         "small in the frame)", M.picked_random_zoom),
    "translation": Augmentation("RandomTranslation",
                                ({"height_factor": 0.1, "width_factor": 0.1},
                                 {"height_factor": 0.2, "width_factor": 0.2},
                                 {"height_factor": 0.1, "width_factor": 0.2}),
                                "shift", "wherever they sit in the frame, not only in the centre",
                                M.picked_random_translation),
    "brightness": Augmentation("RandomBrightness", ({"factor": 0.1}, {"factor": 0.2}, {"factor": 0.3}),
                               "brightness change", "in photos taken in bright sunlight or in dim "
                               "light", M.picked_random_brightness),
    "contrast": Augmentation("RandomContrast", ({"factor": 0.1}, {"factor": 0.2}, {"factor": 0.3}),
                             "contrast change", "in washed-out, low-contrast photos as well as in "
                             "crisp ones", M.picked_random_contrast),
}
INPUT_SHAPES = ([180, 180, 3], [200, 200, 3], [224, 224, 3], [32, 32, 3], [150, 200, 3], [28, 28, 1])
OBJECTS = ("cats and dogs", "cars", "flowers", "birds", "road signs")
DATASETS = ("photos of cats and dogs", "the CIFAR-10 images", "photos of flowers")
PIPELINES = ("as the model's first layers", "in the tf.data input pipeline (dataset.map)")

PHASE_CLAIMS = {
    frozenset({"fit"}): "Only in training: in model.fit (and in calls with training=True); "
                        "model.evaluate and model.predict see the images unchanged.",
    frozenset({"fit", "evaluate", "predict"}): "In every call: model.fit, model.evaluate and "
                                               "model.predict alike.",
    frozenset({"fit", "evaluate"}): "In model.fit and model.evaluate, but not in model.predict.",
    frozenset({"predict"}): "Only in model.predict, to make the predictions robust "
                            "(test-time augmentation).",
}
ONCE_CLAIM = ("Once, before training: it adds transformed copies of the images to the dataset, "
              "which then stays fixed.")
REPEAT_CLAIMS = {  # (predict repeats, training=True repeats)
    (True, False): "The two predict calls give the same outputs; the two training=True calls "
                   "generally differ.",
    (False, False): "Both pairs differ: every call transforms the images at random.",
    (True, True): "Both pairs give the same outputs: the layer draws its transformation once and "
                  "reuses it.",
    (False, True): "The two predict calls differ; the two training=True calls give the same "
                   "outputs.",
}
DATA_CLAIM = "Only the training images: the validation and test images are used as they are."


def code(layer: str, args: dict) -> str:
    """The layer as the course writes it: layers.RandomFlip("horizontal"), layers.Resizing(64, 64)."""
    shown = [f'"{v}"' if isinstance(v, str) else str(v) for v in args.values()]
    return f"layers.{layer}({', '.join(shown)})"


def phase_claim(active) -> str:
    return PHASE_CLAIMS[frozenset(active)]


def repeat_claim(predict_repeats: bool, training_repeats: bool) -> str:
    return REPEAT_CLAIMS[(predict_repeats, training_repeats)]


def params_claim(count: int) -> str:
    return "It does not change: the layer has no weights." if count == 0 else f"It grows by {count:,}."


def augmented_shape(layer: str, args: dict, input_shape) -> tuple[int, ...]:
    """One image's shape after the layer in training: the random layers keep it (checked against
    Keras); Resizing and RandomCrop set the height and width."""
    if layer in ("Resizing", "RandomCrop"):
        return (args["height"], args["width"], input_shape[-1])
    return tuple(input_shape)


def _drawn(draw: Draw, name: str) -> tuple[Augmentation, dict]:
    aug = AUGMENTATIONS[name]
    return aug, dict(draw.choice(aug.settings))


def _phase(draw: Draw, aug: Augmentation, args: dict, shape: list) -> Draft:
    prompt = (f"A model for {'x'.join(map(str, shape))} images starts with {code(aug.layer, args)}. "
              "When does this layer change the images?")
    mistakes = mistakes_of(
        (M.augmented_at_inference, phase_claim({"fit", "evaluate", "predict"})),
        (M.augmented_in_evaluate, phase_claim({"fit", "evaluate"})),
        (M.confused_with_test_time_augmentation, phase_claim({"predict"})),
        (M.augmented_the_dataset_once, ONCE_CLAIM))
    explanation = ("The random layers act only in training: model.fit calls the model with "
                   "training=True, and each batch gets a new random transformation; "
                   "model.evaluate and model.predict run in inference mode, where the layers pass "
                   "the images through unchanged.")
    return Draft(prompt, {}, phase_claim(FACTS["active_in"]), explanation, mistakes)


def _repeat(draw: Draw, aug: Augmentation, args: dict, shape: list) -> Draft:
    prompt = (f"A model starts with {code(aug.layer, args)}, and x is a batch of images. You call "
              "model.predict(x) twice, then model(x, training=True) twice. What do you see?")
    mistakes = mistakes_of(
        (M.augmented_at_inference, repeat_claim(False, False)),
        (M.drew_the_transformation_once, repeat_claim(True, True)),
        (M.swapped_training_and_inference, repeat_claim(False, True)))
    explanation = ("At inference (predict) the layer passes the images through, so the outputs "
                   "repeat; with training=True it draws a new random transformation at every call.")
    key = repeat_claim(FACTS["repeats"]["predict"], FACTS["repeats"]["training"])
    return Draft(prompt, {}, key, explanation, mistakes)


def _params(draw: Draw, aug: Augmentation, args: dict, shape: list) -> Draft:
    prompt = (f"You add {code(aug.layer, args)} as the first layer of a model for "
              f"{'x'.join(map(str, shape))} images. How does model.count_params() change?")
    setting = ", ".join(f"{k}={v!r}" for k, v in args.items())
    mistakes = mistakes_of(
        (M.learned_the_transformation,
         f"It grows by a few trainable weights that learn the best {aug.what}."),
        (M.counted_the_factor_as_a_parameter,
         f"It grows by {len(args)}: the layer stores its setting ({setting}) as a parameter."),
        (M.confused_with_normalization,
         f"It grows by {2 * shape[-1]}: a non-trainable mean and variance per channel."))
    explanation = ("Augmentation layers have no weights: they draw a random transformation within "
                   "the range you set, so count_params() does not change.")
    return Draft(prompt, {}, params_claim(FACTS["params"]), explanation, mistakes)


def _shape(draw: Draw, shape: list) -> Draft:
    h, w, c = shape
    name = draw.choice(["rotation", "zoom", "translation", "RandomCrop", "Resizing"])
    if name in AUGMENTATIONS:
        aug, args = _drawn(draw, name)
        layer = aug.layer
    elif name == "RandomCrop":
        layer = name
        args = {"height": max(h // 2, h - draw.choice([4, 8, 16, 20, 32])),
                "width": max(w // 2, w - draw.choice([4, 8, 16, 20, 32]))}
    else:
        layer = name
        sizes = [s for s in ([128, 128], [64, 64], [96, 128], [160, 120], [224, 224], [32, 32])
                 if s != [h, w]]
        args = dict(zip(("height", "width"), draw.choice(sizes)))
    out = augmented_shape(layer, args, shape)
    key = M.shape_text(out)
    pairs = [(M.added_an_augmented_copy, out), (M.put_the_channels_first, out)]
    if layer == "RandomRotation":
        pairs.append((M.enlarged_to_fit_the_rotation, shape, args["factor"]))
    elif layer == "RandomZoom":
        pairs.append((M.enlarged_by_the_zoom, shape, args["height_factor"]))
    elif layer == "RandomTranslation":
        pairs.append((M.padded_by_the_translation, shape, args["height_factor"], args["width_factor"]))
    else:
        pairs += [(M.kept_the_input_size, shape), (M.swapped_height_and_width, out)]
        if layer == "RandomCrop":
            pairs.append((M.cut_off_the_crop_size, shape, out))
    prompt = (f"During model.fit, a batch of images of shape (batch, {h}, {w}, {c}) goes through "
              f"{code(layer, args)}. What is the shape of each image it outputs (without the batch "
              "dimension)?")
    if out == tuple(shape):
        explanation = (f"{layer} transforms each image within its own frame (resampled, the "
                       f"uncovered pixels filled): the shape stays {key}.")
    else:
        explanation = f"{layer}(height, width) outputs height x width images, channels unchanged: {key}."
    return Draft(prompt, {"layer": layer, "args": args}, key, explanation, mistakes_of(*pairs))


def _data(draw: Draw, aug: Augmentation, args: dict, shape: list) -> Draft:
    dataset, pipeline = draw.choice(DATASETS), draw.choice(PIPELINES)
    prompt = (f"You train a CNN on {dataset}, split into training, validation and test sets, and "
              f"augment with {code(aug.layer, args)} {pipeline}. Which images should be augmented?")
    mistakes = mistakes_of(
        (M.augmented_the_test_data, "The training and the test images alike, so that both come "
                                    "from the same distribution."),
        (M.augmented_only_the_test_data, "Only the test images, to check that the model is robust."),
        (M.augmented_the_validation_data, "The training and validation images, but not the test "
                                          "images."))
    explanation = ("Augmentation varies the training images so that the model learns to ignore "
                   "those changes; validation and test measure it on real, unaltered images.")
    return Draft(prompt, {"dataset": dataset, "pipeline": pipeline}, DATA_CLAIM, explanation,
                 mistakes)


def _invariance(draw: Draw) -> Draft:
    wanted = draw.choice(list(AUGMENTATIONS))
    objects = draw.choice(OBJECTS)
    options = {name: _drawn(draw, name) for name in AUGMENTATIONS}
    codes = {name: code(aug.layer, args) for name, (aug, args) in options.items()}
    prompt = (f"Your CNN should recognise {objects} {AUGMENTATIONS[wanted].situation}. Which "
              "augmentation layer teaches the model to ignore that change?")
    mistakes = mistakes_of(*[(AUGMENTATIONS[name].picked, codes[name])
                             for name in AUGMENTATIONS if name != wanted])
    aug, args = options[wanted]
    explanation = (f"{codes[wanted]} varies the {aug.what} of the training images, so the model "
                   f"learns to recognise {objects} {aug.situation}.")
    return Draft(prompt, {"wanted": wanted, "layer": aug.layer, "args": args, "objects": objects},
                 codes[wanted], explanation, mistakes)


QUESTIONS = ("phase", "repeat", "params", "shape", "data", "invariance")


@register("augmentation", "Image augmentation layers: when, what, where", "augmentation",
          ("multichoice",))
def augmentation(draw: Draw) -> Draft:
    question = draw.choice(QUESTIONS)
    shape = list(draw.choice(INPUT_SHAPES))
    if question == "shape":
        draft = _shape(draw, shape)
    elif question == "invariance":
        draft = _invariance(draw)
    else:
        aug, args = _drawn(draw, draw.choice(list(AUGMENTATIONS)))
        build = {"phase": _phase, "repeat": _repeat, "params": _params, "data": _data}[question]
        draft = build(draw, aug, args, shape)
        draft.params = {"layer": aug.layer, "args": args, **draft.params}
    draft.params = {"question": question, "input_shape": shape, **draft.params}
    draft.kinds = ("multichoice",)
    return draft
