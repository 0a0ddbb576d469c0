"""lenet-alexnet-layer and receptive-field: keys equal the course's published numbers and the
reference, and every multiple-choice item has three modelled distractors (no fallback)."""
import pytest

from autograder.quiz import generate_item
from autograder.quiz import mistakes as M
from autograder.quiz.builder import FALLBACK, Draft, assemble, mistakes_of
from autograder.quiz.generators.course_cnns import STACKS, layer_question, questions
from autograder.quiz.model import Draw
from autograder.quiz.registry import DAY_PRESETS
from reference.architectures import ARCHITECTURES
from reference.receptive_field import receptive_field

ALL_QUESTIONS = [(stack, index, quantity) for stack in STACKS for index, quantity in questions(stack)]


def _as_multichoice(draft):
    return assemble("test", 0, 0, 1, Draw(1), draft, kind="multichoice")


@pytest.mark.parametrize("stack,index,quantity", ALL_QUESTIONS)
def test_every_course_layer_question_has_three_modelled_distractors(stack, index, quantity):
    item = _as_multichoice(layer_question(stack, index, quantity))
    assert len(item.options) == 4
    assert all(FALLBACK not in o.mistakes for o in item.distractors), item.options


@pytest.mark.parametrize("stack,index,quantity", ALL_QUESTIONS)
def test_keys_are_the_course_numbers(stack, index, quantity):
    arch = ARCHITECTURES[stack]
    draft = layer_question(stack, index, quantity)
    if quantity == "shape":
        assert draft.answer == M.shape_text(arch.expected_shapes[index])
    elif quantity == "params":
        assert draft.answer == arch.expected_params[index]
    else:  # BatchNormalization: half its 4*C parameters are trainable
        half = arch.expected_params[index] // 2
        assert draft.answer == f"{half:,} trainable, {half:,} non-trainable"


def test_alexnet_batch_norm_split_adds_up_to_the_published_totals():
    arch = ARCHITECTURES["alexnet_cifar10"]
    frozen = 0
    for index, quantity in questions("alexnet_cifar10"):
        if quantity == "split":
            frozen += int(layer_question("alexnet_cifar10", index, quantity).answer
                          .split(", ")[1].split()[0].replace(",", ""))
    assert frozen == arch.expected_non_trainable == 1_216


def test_batch_norm_mistakes_name_the_counts_students_give():
    # AlexNet's first BatchNormalization: 96 channels on a 4x4 map, 384 parameters.
    assert M.counted_only_gamma_and_beta(96, 16, "params") == 192
    assert M.counted_no_batch_norm_params(96, 16, "params") == 0
    assert M.counted_the_statistics_as_trainable(96, 16, "split") == "384 trainable, 0 non-trainable"
    assert M.counted_per_position(96, 1, "params") is None


def test_course_stack_mistakes():
    mnist = ARCHITECTURES["mnist_cnn"]
    layers = [dict(layer) for layer in mnist.layers]
    # Conv2D(16, 5) after 14x14x8: with the image's single channel instead of 8.
    assert M.used_the_image_channels(5, 1, 8, 16) == (5 * 5 * 1 + 1) * 16
    assert M.kept_the_input_channels((10, 10, 16), 8) == "(10, 10, 8)"
    assert M.pooled_the_channels_too((14, 14, 8), 2) == "(14, 14, 4)"
    assert M.flattened_shape_without_the_channels((5, 5, 16)) == "(25,)"
    assert M.used_valid_for_same_pooling(list(mnist.input_shape), layers, 1, "shape") is None
    alex = ARCHITECTURES["alexnet_cifar10"]
    alex_layers = [dict(layer) for layer in alex.layers]
    # Pooling 8x8 with MaxPooling2D(3, 2) as 'valid': floor((8 - 3) / 2) + 1 = 3.
    assert M.used_valid_for_same_pooling([32, 32, 3], alex_layers, 1, "shape") == "(3, 3, 96)"
    assert M.ignored_the_conv_strides([32, 32, 3], alex_layers, 0, "shape") == "(32, 32, 96)"


def test_day_one_asks_the_new_cnn_families_and_keeps_the_old():
    day1 = DAY_PRESETS[1]
    assert {"lenet-alexnet-layer", "receptive-field"} <= set(day1)
    assert day1[:9] == ("conv-output-size", "conv2d-params", "dense-params", "architecture-layer",
                        "conv-feature-map", "pooling", "activation", "loss", "transfer-learning")


# --- receptive-field --------------------------------------------------------------------

@pytest.fixture(scope="module")
def field_items():
    return [generate_item("receptive-field", v, 11) for v in range(300)]


def test_receptive_field_keys_and_distractors(field_items):
    stacks = set()
    for item in field_items:
        layers = item.params["layers"]
        assert item.answer == receptive_field(layers)
        assert item.answer <= item.params["input_shape"][0]
        assert "keras.Sequential" in item.figures[0].code
        stacks.add(repr(layers))
        if item.kind == "multichoice":
            assert len(item.options) == 4
            assert all(FALLBACK not in o.mistakes for o in item.distractors), item.name
    assert len(stacks) > 100


def test_receptive_field_mistakes_on_the_course_stack():
    conv5, pool2, conv3 = ({"type": "Conv2D", "filters": 8, "kernel_size": 5},
                           {"type": "MaxPooling2D", "pool_size": 2},
                           {"type": "Conv2D", "filters": 8, "kernel_size": 3})
    stack = [conv5, pool2, conv3]  # r: 5, 6 (jump 2), 6 + 2*2 = 10
    fns = (M.summed_the_kernel_sizes, M.ignored_strides_in_the_field, M.ignored_pooling_in_the_field,
           M.counted_only_the_last_window, M.used_the_jump_after_the_layer, M.forgot_the_first_pixel)
    assert [fn(stack) for fn in fns] == [10, 8, 7, 3, 1 + 4 + 2 + 4, 9]
    assert M.ignored_strides_in_the_field([conv3, conv3]) is None
    assert M.ignored_pooling_in_the_field([conv3, conv3]) is None
    # 5 + 2 + 3 is the key here: that mistake is dropped, the others stay.
    draft = Draft(prompt="p", params={}, answer=receptive_field(stack), explanation="e",
                  mistakes=mistakes_of(*[(fn, stack) for fn in fns]))
    item = assemble("test", 0, 0, 1, Draw(1), draft, kind="numeric")
    assert item.dropped == ("summed_the_kernel_sizes",)
    assert sorted(o.value for o in item.distractors) == [3, 7, 8, 9, 11]
