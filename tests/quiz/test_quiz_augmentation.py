"""augmentation: the facts its keys state, checked against Keras 3, and the family's items."""
import warnings

import numpy as np
import pytest

from autograder.quiz import generate_item
from autograder.quiz import mistakes as M
from autograder.quiz.builder import FALLBACK
from autograder.quiz.generators import augmentation as aug

keras = pytest.importorskip("keras")

SHAPE = (24, 28, 3)
RANDOM_LAYERS = [(a.layer, dict(a.settings[0])) for a in aug.AUGMENTATIONS.values()]


@pytest.fixture(scope="module")
def images():
    # 32 images: a random flip leaves all of them unflipped with probability 2**-32 only;
    # values 60-190 stay inside 0-255 after a brightness offset of up to 0.2 * 255.
    return np.random.default_rng(1).uniform(60, 190, (32, *SHAPE)).astype("float32")


def _model(layer, args, *after):
    return keras.Sequential([keras.Input(SHAPE), getattr(keras.layers, layer)(**args), *after])


@pytest.mark.parametrize("layer,args", RANDOM_LAYERS)
def test_random_layers_act_only_in_training(layer, args, images):
    model = _model(layer, args, keras.layers.Flatten())
    target = images.reshape(len(images), -1)
    predicted = [model.predict(images, verbose=0) for _ in range(2)]
    trained = [np.asarray(model(images, training=True)) for _ in range(2)]
    model.compile(loss="mse", optimizer="sgd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "The model does not have any trainable weights."
        fit_loss = model.fit(images, target, batch_size=32, epochs=1, verbose=0).history["loss"][0]
    changes = {"fit": fit_loss > 0, "evaluate": model.evaluate(images, target, verbose=0) > 0,
               "predict": not np.array_equal(predicted[0], target)}
    assert {call for call, changed in changes.items() if changed} == aug.FACTS["active_in"]
    repeats = (np.array_equal(*predicted), np.array_equal(*trained))
    assert repeats == (aug.FACTS["repeats"]["predict"], aug.FACTS["repeats"]["training"])
    assert not np.array_equal(trained[0], target)  # training=True is what fit uses


@pytest.mark.parametrize("layer,args", RANDOM_LAYERS)
def test_random_layers_add_no_parameters_and_keep_the_shape(layer, args, images):
    head = (keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(2))
    plain = keras.Sequential([keras.Input(SHAPE), *[type(h).from_config(h.get_config()) for h in head]])
    augmented = _model(layer, args, *head)
    assert augmented.count_params() == plain.count_params()
    assert augmented.layers[0].count_params() == aug.FACTS["params"] == 0
    layer_only = _model(layer, args)
    for training in (True, False):
        out = layer_only(images, training=training)
        assert tuple(out.shape[1:]) == aug.augmented_shape(layer, args, SHAPE) == SHAPE


@pytest.mark.parametrize("layer,args", [("RandomCrop", {"height": 20, "width": 16}),
                                        ("Resizing", {"height": 12, "width": 30})])
def test_crop_and_resizing_set_the_training_shape(layer, args, images):
    out = getattr(keras.layers, layer)(**args)(images, training=True)
    assert tuple(out.shape[1:]) == aug.augmented_shape(layer, args, SHAPE) == (args["height"],
                                                                                args["width"], 3)


def test_each_layer_makes_the_change_its_invariance_question_names(images):
    flipped = np.asarray(keras.layers.RandomFlip("horizontal")(images, training=True))
    for x, y in zip(images, flipped):  # each image as it was or mirrored left-right
        assert np.array_equal(y, x) or np.array_equal(y, x[:, ::-1])
    assert any(np.array_equal(y, x[:, ::-1]) for x, y in zip(images, flipped))
    brighter = np.asarray(keras.layers.RandomBrightness(0.2)(images, training=True))
    offsets = (brighter - images).reshape(len(images), -1)  # one offset per image
    assert np.allclose(offsets, offsets[:, :1], atol=1e-3)
    contrasted = np.asarray(keras.layers.RandomContrast(0.2)(images, training=True))
    centred = images - images.mean(axis=(1, 2), keepdims=True)
    stretched = contrasted - contrasted.mean(axis=(1, 2), keepdims=True)
    scale = (stretched * centred).sum(axis=(1, 2, 3)) / (centred * centred).sum(axis=(1, 2, 3))
    # One scale per image around each channel's mean: the contrast changes, nothing else.
    assert np.allclose(stretched, scale[:, None, None, None] * centred, atol=1e-2)
    assert not np.allclose(scale, 1.0)


# --- the family ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def items():
    return [generate_item("augmentation", v, 5) for v in range(300)]


def test_every_item_has_three_modelled_distractors(items):
    for item in items:
        assert item.kind == "multichoice" and len(item.options) == 4, item.name
        assert all(FALLBACK not in o.mistakes for o in item.distractors), item.name
        assert len({o.text for o in item.options}) == 4


def test_keys_state_the_facts(items):
    questions = set()
    for item in items:
        p = item.params
        questions.add(p["question"])
        if p["question"] == "phase":
            assert item.answer == aug.PHASE_CLAIMS[frozenset({"fit"})]
        elif p["question"] == "repeat":
            assert item.answer == aug.REPEAT_CLAIMS[(True, False)]
        elif p["question"] == "params":
            assert item.answer.startswith("It does not change")
        elif p["question"] == "shape":
            expected = aug.augmented_shape(p["layer"], p["args"], p["input_shape"])
            assert item.answer == M.shape_text(expected)
        elif p["question"] == "data":
            assert item.answer == aug.DATA_CLAIM
        else:
            assert item.answer == aug.code(aug.AUGMENTATIONS[p["wanted"]].layer, p["args"])
            assert item.answer not in [o.text for o in item.distractors]
        if "layer" in p and p["question"] != "invariance":
            assert aug.code(p["layer"], p["args"]) in item.prompt
    assert questions == set(aug.QUESTIONS)


def test_layer_code_reads_like_the_course():
    assert aug.code("RandomFlip", {"mode": "horizontal"}) == 'layers.RandomFlip("horizontal")'
    assert aug.code("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.2}) == \
        "layers.RandomTranslation(0.1, 0.2)"


def test_shape_mistakes():
    assert M.enlarged_by_the_zoom([200, 200, 3], 0.2) == "(240, 240, 3)"
    assert M.padded_by_the_translation([200, 100, 3], 0.1, 0.2) == "(240, 140, 3)"
    assert M.enlarged_to_fit_the_rotation([100, 100, 3], 0.25) == "(100, 100, 3)"  # a quarter turn
    assert M.cut_off_the_crop_size([180, 180, 3], (160, 150, 3)) == "(20, 30, 3)"
    assert M.swapped_height_and_width((64, 64, 3)) is None
