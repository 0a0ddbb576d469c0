"""The transfer-learning checks (autograder/checks/transfer.py) on models built here: the base
found by its layers' names, nested or flat; pretrained, frozen, fine-tuned a little or too
much; each verdict's words; the learning rate read from a compile config; preprocess hints."""
import json

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from autograder import models  # noqa: E402
from autograder.bridge import LocalStudent  # noqa: E402
from autograder.checks import transfer  # noqa: E402
from autograder.kernel import course_data  # noqa: E402
from autograder.kernel.bridge import model_payload  # noqa: E402
from reference import pretrained  # noqa: E402

SHAPE = (32, 32, 3)


@pytest.fixture(scope="module")
def base_weights():
    return pretrained.load()


def head_on(base, flat: bool = False):
    if flat:  # the base's own layers in the model: keras.Model(base.input, head(base.output))
        x = keras.layers.Flatten()(base.output)
        return keras.Model(base.input, keras.layers.Dense(5, activation="softmax")(x))
    return keras.Sequential([keras.Input(SHAPE), base, keras.layers.Flatten(),
                             keras.layers.Dense(5, activation="softmax")])


def rebuilt(model, optimizer=None):
    model.compile(optimizer=optimizer or keras.optimizers.Adam(1e-5),
                  loss="sparse_categorical_crossentropy")
    return models.rebuild(model_payload(model))


def nudge(model, blocks, by: float):
    """Move each convolution of `blocks` by `by` of its weights' norm."""
    rng = np.random.default_rng(0)
    for layer, _ in transfer.walk(model):
        if transfer.CONVOLUTION.match(layer.name) and transfer.block(layer.name) in blocks:
            weights = layer.get_weights()
            norm = np.sqrt(sum(float(np.sum(w.astype(np.float64) ** 2)) for w in weights))
            noise = [rng.normal(size=w.shape) for w in weights]
            scale = by * norm / np.sqrt(sum(float(np.sum(n ** 2)) for n in noise))
            layer.set_weights([w + scale * n for w, n in zip(weights, noise)])


def test_the_stand_in_is_vgg16s_blocks_with_fewer_filters(base_weights):
    assert base_weights.embedded and "STAND-IN" in base_weights.source
    names = list(base_weights.weights)
    assert names[0] == "block1_conv1" and names[-1] == "block5_conv3" and len(names) == 13
    filters = [base_weights.weights[f"block{b}_conv1"][0].shape[-1] for b in range(1, 6)]
    assert tuple(filters) == course_data.STAND_IN_FILTERS
    assert base_weights.parameters == sum(base_weights.block_parameters([b]) for b in range(1, 6))
    built = base_weights.build(SHAPE)
    assert built.count_params() == base_weights.parameters and built.output_shape == (None, 1, 1, 64)
    # VGG16's own arithmetic with its own filters: the course's 14,714,688
    assert course_data.vgg16_layers((224, 224, 3)).count_params() == 14_714_688


@pytest.mark.parametrize("flat", [False, True])
def test_a_frozen_pretrained_base_passes_nested_or_flat(base_weights, flat):
    base = base_weights.build(SHAPE)
    base.trainable = False
    student = rebuilt(head_on(base, flat))
    transfer.assert_weights_pretrained(student.model, "m")
    transfer.assert_trainable_blocks(student.model, "m", ())
    transfer.assert_non_trainable_count(student, "m")


def test_no_base_is_named_as_training_from_scratch():
    scratch = keras.Sequential([keras.Input(SHAPE), keras.layers.Conv2D(8, 3), keras.layers.Flatten(),
                                keras.layers.Dense(5)])
    with pytest.raises(AssertionError, match="has no VGG16 base.*trained from scratch"):
        transfer.assert_weights_pretrained(rebuilt(scratch).model, "m")


def test_random_weights_are_told_from_a_trained_base():
    base = course_data.vgg16_layers(SHAPE, course_data.STAND_IN_FILTERS)  # weights=None
    with pytest.raises(AssertionError, match=r"random weights \(weights=None\)"):
        transfer.assert_weights_pretrained(rebuilt(head_on(base)).model, "m")


def test_a_base_of_other_filters_is_not_the_graders():
    base = course_data.vgg16_layers(SHAPE, (4, 8, 16, 16, 16))
    with pytest.raises(AssertionError, match="kernel of shape.*load_vgg16"):
        transfer.assert_pretrained_base(rebuilt(head_on(base)).model, "m")


def test_a_base_missing_its_top_block_is_named(base_weights):
    base = base_weights.build(SHAPE)
    cut = keras.Model(base.input, base.get_layer("block4_pool").output, name="vgg16")
    with pytest.raises(AssertionError, match="lacks block5_conv1, block5_conv2, block5_conv3"):
        transfer.assert_pretrained_base(rebuilt(head_on(cut)).model, "m")


def test_a_trained_base_loses_where_it_should_be_frozen(base_weights):
    base = base_weights.build(SHAPE)
    nudge(base, (5,), 0.01)
    model = rebuilt(head_on(base)).model
    with pytest.raises(AssertionError, match=r"its base should hold the pretrained weights unchanged "
                                             r"after training.*block5_conv1 by 1\.00%"):
        transfer.assert_weights_pretrained(model, "m", when=" after training")
    transfer.assert_weights_pretrained(model, "m", (1, 2, 3, 4))  # the blocks below are intact
    transfer.assert_fine_tuned(model, "m", (5,))                  # 1%: fine-tuned a little


def test_fine_tuning_too_far_or_not_at_all(base_weights):
    base = base_weights.build(SHAPE)
    with pytest.raises(AssertionError, match="still hold the pretrained weights.*recompile"):
        transfer.assert_fine_tuned(rebuilt(head_on(base)).model, "m", (5,))
    nudge(base, (5,), 0.10)
    with pytest.raises(AssertionError, match=r"changed block5_conv\d by 10\.0%.*beyond the 3%"):
        transfer.assert_fine_tuned(rebuilt(head_on(base)).model, "m", (5,))


def test_trainable_flags_as_keras_applies_them(base_weights):
    base = base_weights.build(SHAPE)
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name.startswith("block5")
    student = rebuilt(head_on(base))
    transfer.assert_trainable_blocks(student.model, "m", (5,))
    transfer.assert_non_trainable_count(student, "m", (1, 2, 3, 4))
    with pytest.raises(AssertionError, match="expected the whole base frozen; block5_conv1"):
        transfer.assert_trainable_blocks(student.model, "m", ())
    for layer in base.layers:  # block 4 instead of block 5
        layer.trainable = layer.name.startswith("block4")
    with pytest.raises(AssertionError, match="block4_conv1.*would train.*block5_conv1, block5_conv2, "
                                             "block5_conv3 are frozen"):
        transfer.assert_trainable_blocks(rebuilt(head_on(base)).model, "m", (5,))
    base.trainable = False  # the outer flag freezes layers marked trainable inside
    transfer.assert_trainable_blocks(rebuilt(head_on(base)).model, "m", ())


@pytest.mark.parametrize("optimizer, rate", [
    (lambda: keras.optimizers.Adam(1e-5), 1e-5),
    (lambda: "adam", 1e-3),
    (lambda: keras.optimizers.RMSprop(2e-5), 2e-5),
    (lambda: keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(3e-5, 100, 0.9)), 3e-5),
])
def test_the_learning_rate_is_read_from_the_compile_config(base_weights, optimizer, rate):
    student = rebuilt(head_on(base_weights.build(SHAPE)), optimizer())
    assert student.learning_rate == pytest.approx(rate)
    if rate <= transfer.VERY_SMALL_LEARNING_RATE:
        transfer.assert_learning_rate(student, "m")
    else:
        with pytest.raises(AssertionError, match="learning rate of 0.001"):
            transfer.assert_learning_rate(student, "m")


def test_an_optimizer_config_without_a_rate_reads_none():
    assert models._learning_rate({"class_name": "Adam", "config": {}}) is None
    assert models._learning_rate("adam") is None
    assert models._learning_rate({"config": {"learning_rate": True}}) is None


PHOTOS = np.random.default_rng(1).integers(0, 256, (2, 4, 4, 3)).astype(np.uint8)


@pytest.mark.parametrize("body, words", [
    ("return images / 255.0", "scaled to [0, 1]"),
    ("return images / 127.5 - 1", "[-1, 1]"),
    ("return images.astype('float32')", "unchanged"),
    ("return images - np.array([123.68, 116.779, 103.939])", "RGB to BGR"),
    ("return images[..., ::-1].astype('float32')", "mean pixel was not subtracted"),
    ("return keras.applications.vgg16.preprocess_input("
     "keras.applications.vgg16.preprocess_input(images.astype('float32')))", "applied twice"),
])
def test_preprocess_mistakes_are_named(body, words):
    namespace = {"np": np, "keras": keras}
    exec(f"def preprocess(images):\n    {body}\n", namespace)
    with pytest.raises(AssertionError) as failure:
        transfer.check_preprocess(LocalStudent(namespace), PHOTOS)
    assert words in str(failure.value)


def test_preprocess_as_vgg16_passes_numpy_or_tensor():
    for body in ("return keras.applications.vgg16.preprocess_input(keras.ops.cast(images, 'float32'))",
                 "return keras.applications.vgg16.preprocess_input(np.array(images, dtype='float64'))"):
        namespace = {"np": np, "keras": keras}
        exec(f"def preprocess(images):\n    {body}\n", namespace)
        transfer.check_preprocess(LocalStudent(namespace), PHOTOS)
    assert transfer.vgg16_input(PHOTOS)[0, 0, 0, 0] == pytest.approx(PHOTOS[0, 0, 0, 2] - 103.939, abs=1e-4)


def test_the_committed_stand_in_reloads_to_the_bit(tmp_path, base_weights):
    built = base_weights.build(SHAPE)
    names = [layer.name for layer in built.layers if layer.get_weights()]
    with np.load(pretrained.STAND_IN, allow_pickle=False) as stored:
        assert sorted(stored.files) == sorted(f"{n}/{p}" for n in names for p in ("kernel", "bias"))
        for name in names:
            assert np.array_equal(built.get_layer(name).get_weights()[0], stored[f"{name}/kernel"])
    assert json.dumps(pretrained.STAND_IN_WORDS).startswith('"EMBEDDED STAND-IN')


def test_a_head_of_its_own_non_trainable_weights_leaves_the_base_count(base_weights):
    base = base_weights.build(SHAPE)
    base.trainable = False
    model = keras.Sequential([keras.Input(SHAPE), base, keras.layers.Flatten(),
                              keras.layers.BatchNormalization(), keras.layers.Dense(5, activation="softmax")])
    student = rebuilt(model)
    assert sum(int(np.prod(w.shape)) for w in student.model.non_trainable_weights) > base_weights.parameters
    transfer.assert_non_trainable_count(student, "m")
    base.trainable = True
    with pytest.raises(AssertionError, match="has 0 non-trainable parameters in its base.*230,568"):
        transfer.assert_non_trainable_count(rebuilt(model), "m")
