"""Families and mistake functions: course worked examples, coverage, feedback naming mistakes."""
import collections

import numpy as np
import pytest

from autograder.mistakes import dense_layer
from autograder.quiz import families, generate_item
from autograder.quiz import mistakes as M
from autograder.quiz.generators import transfer_counts as vgg
from autograder.quiz.generators.transfer import ALL_AT_ONCE, CONCEPTUAL_MISTAKES, STRATEGIES
from autograder.quiz.registry import DAY_PRESETS, parse_families
from reference import shapes as ref_shapes
from reference.architectures import ARCHITECTURES

POOL_X = [[5, 2, 4, 1], [3, 2, 2, 9], [4, 1, 1, 3], [1, 2, 0, 0]]  # COURSE.md pooling example
X_IMAGE = [[1, 0, 0, 0, 1], [0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 0, 0, 0, 1]]
X_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
PAD_X = [[1, 2, 0, 3, 1], [1, 0, 0, 2, 2], [2, 1, 2, 1, 1], [0, 0, 1, 0, 0], [1, 2, 1, 1, 1]]
PAD_K = [[-1, 1, 2], [1, 1, 0], [-1, -2, 0]]

SAMPLES = 150


@pytest.fixture(scope="module")
def samples():
    return {name: [generate_item(name, v, 2024) for v in range(SAMPLES)] for name in families()}


# --- mistake functions on the course's numbers ------------------------------------------

def test_conv_params_mistakes_on_the_course_layer():
    # Conv2D(16, 5, valid) on 14x14x8: 3216 (COURSE.md); forgot the 16 biases -> 3200.
    assert M.forgot_the_bias(5, 8, 16, True) == 3200
    assert M.forgot_the_bias(5, 8, 16, False) is None  # no biases to forget
    assert M.forgot_the_input_channels(5, 8, 16) == (5 * 5 + 1) * 16
    assert M.counted_one_filter(5, 8, 16) == 5 * 5 * 8 + 1
    assert M.used_k_not_k_squared(5, 8, 16) == (5 * 8 + 1) * 16
    assert M.forgot_weight_sharing(3216, 10, 10) == 321600
    assert M.forgot_the_input_channels(5, 1, 16) is None  # C = 1: not a distinct mistake


def test_dense_params_mistakes_count_a_dense_layer_as_a_1x1_kernel():
    # Dense(120) after 400 inputs: 48120; the same mistakes as a Conv2D's.
    layer = dense_layer(400, 120)
    assert M.forgot_the_bias(*layer) == 48000
    assert M.bias_per_input(*layer) == 48400
    assert M.added_a_bias_anyway(*dense_layer(400, 120, use_bias=False)) == 48120


def test_output_size_mistakes():
    # 28x28, 5x5, P=0, S=1 -> 24 (COURSE.md); the mistakes around it.
    assert M.forgot_the_plus_one(28, 5, 1, "valid") == 23
    assert M.used_same_instead_of_valid(28, 5, 1, "valid") == 28
    assert M.ceil_instead_of_floor(7, 2, 2, "valid") == 4  # floor(5/2)+1 = 3
    assert M.ignored_the_stride(28, 5, 1, "valid") is None
    assert M.padded_one_side(5, 3, 1, 1) == 4
    assert M.used_valid_instead_of_same(5, 3, 1, "same") == 3


def test_pooling_mistakes_on_the_course_matrix():
    # max -> [[5, 9], [4, 3]], average -> [[3, 4], [2, 1]].
    assert M.used_max_instead_of_average(POOL_X, "avg", 2, None, "valid").tolist() == [[5, 9], [4, 3]]
    assert M.used_average_instead_of_max(POOL_X, "max", 2, None, "valid").tolist() == [[3, 4], [2, 1]]
    assert M.pooled_with_stride_1_map(POOL_X, "max", 2, None, "valid").shape == (3, 3)
    assert M.summed_instead_of_averaging(POOL_X, "avg", 2, None, "valid").tolist() == [[12, 16], [8, 4]]
    assert M.averaged_over_the_padding(POOL_X, "avg", 2, None, "valid") is None
    # 'same' 2x2 average with stride 2 on 5x5: the corner window has 1 real pixel.
    x = np.arange(25).reshape(5, 5)
    wrong = M.averaged_over_the_padding(x, "avg", 2, None, "same")
    assert wrong[2, 2] == pytest.approx(24 / 4)


def test_conv_mistakes_on_the_course_examples():
    # The X kernel is symmetric: flipping changes nothing, so the mistake does not apply.
    assert M.flipped_the_kernel(X_IMAGE, X_KERNEL, 1, "valid") is None
    flipped = M.flipped_the_kernel(PAD_X, PAD_K, 1, "valid")
    assert flipped.tolist() != [[-2, -1, 3], [2, 5, 8], [-2, 0, -1]]
    assert M.ignored_the_padding_map(PAD_X, PAD_K, 1, 1).tolist() == [[-2, -1, 3], [2, 5, 8], [-2, 0, -1]]
    assert M.ignored_the_stride_map(PAD_X, PAD_K, 2, 1).shape == (5, 5)
    assert M.padded_one_side_map(PAD_X, PAD_K, 1, 1).shape == (4, 4)


def test_activation_and_loss_mistakes():
    assert M.sigmoid_formula_on_x(0.5) == 0.25
    assert M.forgot_to_square(0.0) == 1.0
    assert M.forgot_the_alpha(-2.0, False) == 0.0 and M.forgot_the_alpha(2.0, False) is None
    assert M.used_tensorflow_default_alpha(-1.0, 0.01, True) == 0.2
    assert M.took_the_square_root(4.0) == 2.0
    assert M.forgot_to_average([1, 2], [2, 4], 2) == 5.0
    assert M.used_log10_bce([1], [0.1]) == pytest.approx(1.0)
    assert M.floor_instead_of_ceil(60000, 128) == 468  # Keras: 469


def test_every_mistake_function_has_a_label_naming_it():
    for name, fn in M.MISTAKES.items():
        assert fn.__name__ == name and fn.label.strip()
        assert fn.label[0].isupper()


# --- families ------------------------------------------------------------------------

def test_families_registered_and_day_presets_valid():
    assert set(families()) >= {
        "conv-output-size", "conv2d-params", "dense-params", "architecture-layer",
        "conv-feature-map", "pooling", "activation", "loss", "steps-per-epoch", "transfer-learning",
        "vgg16-frozen-params", "vgg16-output-shape"}
    day1 = DAY_PRESETS[1]
    assert day1[day1.index("transfer-learning") + 1:][:2] == ("vgg16-frozen-params",
                                                             "vgg16-output-shape")
    for day, names in DAY_PRESETS.items():
        assert parse_families(",".join(names)) == list(names)


def test_every_mistake_function_is_used_by_some_family(samples):
    used = collections.Counter()
    for items in samples.values():
        for item in items:
            for o in item.distractors:
                used.update(o.mistakes)
            used.update(item.dropped)
    known = set(M.MISTAKES) | set(CONCEPTUAL_MISTAKES) | {"fallback"}
    assert set(used) <= known
    unused = set(M.MISTAKES) - set(used)
    assert not unused, f"mistake functions no family produced in {SAMPLES} items: {sorted(unused)}"


def test_distractor_feedback_is_the_mistake_label(samples):
    for items in samples.values():
        for item in items:
            for o in item.distractors:
                for name in o.mistakes:
                    if name in M.MISTAKES:
                        assert M.MISTAKES[name].label in o.feedback


def test_every_family_offers_modelled_mistakes_most_of_the_time(samples):
    for name, items in samples.items():
        with_mistakes = sum(any(o.mistakes != ("fallback",) for o in i.distractors) for i in items)
        assert with_mistakes >= 0.8 * len(items), name


def test_families_make_each_of_their_kinds(samples):
    for name, items in samples.items():
        assert {i.kind for i in items} == set(families()[name].kinds), name


def test_prompts_state_their_parameters(samples):
    for item in samples["conv-output-size"]:
        p = item.params
        assert f"{p['n']}x{p['n']}" in item.prompt and f"{p['kernel']}x{p['kernel']}" in item.prompt
    for item in samples["steps-per-epoch"]:
        assert f"batch_size={item.params['batch_size']}" in item.prompt
        assert f"{item.params['n_samples']:,}" in item.prompt
    for item in samples["architecture-layer"]:
        assert f"layer {item.params['layer']} " in item.prompt
        assert item.figures and "keras.Sequential" in item.figures[0].code


def _action(text: str) -> str:
    """The action a strategy names: its words before the first colon."""
    return text.split(":")[0].strip().lower()


# What each case does with the base, in words no other strategy uses.
ACTION_WORDS = {("small", "similar"): "whole base as a frozen feature extractor",
                ("large", "similar"): "fine-tune the top blocks",
                ("small", "different"): "features from an earlier block",
                ("large", "different"): "fine-tune deeply"}


def test_transfer_strategies_are_four_distinct_actions():
    actions = {case: _action(text) for case, text in STRATEGIES.items()}
    assert len(set(actions.values())) == 4
    for case, words in ACTION_WORDS.items():
        holders = [c for c, text in STRATEGIES.items() if words in text.lower()]
        assert holders == [case], (words, holders)
        assert words not in ALL_AT_ONCE.lower()
    # Small data, similar vs different: the whole frozen base vs an earlier, more generic part.
    similar, different = STRATEGIES[("small", "similar")], STRATEGIES[("small", "different")]
    assert "whole base" in similar and "whole base" not in different
    assert "earlier" in different and "earlier" not in similar
    assert "ImageNet" in different and "help less" in different
    # Large data: the top blocks vs much of the base, both with a very small learning rate.
    assert "top blocks" in STRATEGIES[("large", "similar")]
    assert "much of the base" in STRATEGIES[("large", "different")]
    assert all("very small learning rate" in STRATEGIES[("large", s)] for s in ("similar", "different"))


def test_transfer_learning_keys_follow_the_four_cases(samples):
    cases = collections.Counter()
    for item in samples["transfer-learning"]:
        assert item.kind == "multichoice" and len(item.options) == 4
        texts = [o.text for o in item.options]
        assert len(set(texts)) == 4
        if item.params["question"] == "strategy":
            case = (item.params["size"], item.params["similarity"])
            cases[case] += 1
            assert item.answer == STRATEGIES[case]
            assert item.explanation.startswith(f"{case[0].capitalize()}, {case[1]} data:")
            # No distractor repeats the key's action: distinct action parts, and each case's
            # action words in one option at most, the key's in the key.
            assert len({_action(t) for t in texts}) == 4, texts
            assert ACTION_WORDS[case] in item.key.text.lower()
            for words in ACTION_WORDS.values():
                assert sum(words in t.lower() for t in texts) <= 1, (words, texts)
            for o in item.distractors:
                assert ACTION_WORDS[case] not in o.text.lower()
    assert set(cases) == set(STRATEGIES)


# --- VGG16's base: the course's numbers ---------------------------------------------------

COURSE_HEAD = vgg.head_layers("flatten", 256, 1)  # Flatten -> Dense(256, relu) -> Dense(1, sigmoid)


def test_vgg16_base_is_the_course_architecture():
    base = vgg.vgg16_base()
    assert base == [dict(layer) for layer in ARCHITECTURES["vgg16_binary_200"].layers[:18]]
    assert ref_shapes.summarize([64, 64, 3], base).total_params == vgg.VGG16_PARAMS == 14_714_688
    assert [vgg.block_params(b) for b in range(1, 6)] == [38_720, 221_440, 1_475_328, 5_899_776,
                                                          7_079_424]
    assert sum(vgg.block_params(b) for b in range(1, 5)) == 7_635_264


def test_vgg16_output_shapes_on_the_course_sizes():
    for size, shape in ((224, (7, 7, 512)), (200, (6, 6, 512)), (64, (2, 2, 512)),
                        (150, (4, 4, 512))):
        assert ref_shapes.summarize([size, size, 3], vgg.vgg16_base()).output_shape == shape
    assert ref_shapes.summarize([200, 200, 3], vgg.vgg16_base(blocks=4)).output_shape == (12, 12, 512)
    # The mistakes at 200x200x3: ceil pooling, four poolings, another block's channels.
    at_200 = [200, 200, 3]
    assert vgg.pooled_with_ceil(at_200, 5) == "(7, 7, 512)"
    assert vgg.pooled_with_ceil([224, 224, 3], 5) is None  # 224 = 7 * 2**5: nothing to round
    assert vgg.counted_one_pooling_fewer(at_200, 5) == "(12, 12, 512)"
    assert vgg.used_another_blocks_channels(at_200, 5) == "(6, 6, 256)"
    assert vgg.kept_doubling_the_channels(at_200, 5) == "(6, 6, 1024)"
    assert vgg.kept_doubling_the_channels(at_200, 3) is None
    assert vgg.used_another_blocks_channels(at_200, 1) == "(100, 100, 128)"


def test_vgg16_frozen_counts_on_the_course_model():
    at_200 = [200, 200, 3]
    # base.trainable = False under Flatten -> Dense(256) -> Dense(1, sigmoid): 19,433,793 in all.
    assert vgg.count(at_200, 5, COURSE_HEAD, "trainable") == 4_719_105
    assert vgg.count(at_200, 5, COURSE_HEAD, "non-trainable") == 14_714_688
    assert vgg.frozen_summary(at_200, 5, COURSE_HEAD).total_params == 19_433_793
    # Block 5 unfrozen: blocks 1-4 stay frozen.
    assert vgg.count(at_200, 4, COURSE_HEAD, "non-trainable") == 7_635_264
    assert vgg.count(at_200, 4, COURSE_HEAD, "trainable") == 7_079_424 + 4_719_105
    # The mistakes on the whole frozen base.
    args = (at_200, 5, COURSE_HEAD)
    assert vgg.counted_the_head_as_non_trainable(*args, "trainable") == 0
    assert vgg.counted_the_head_as_non_trainable(*args, "non-trainable") == 19_433_793
    assert vgg.forgot_the_biases(*args, "trainable") == 18_432 * 256 + 256
    assert vgg.forgot_the_biases(*args, "non-trainable") == 14_714_688 - (2 * 64 + 2 * 128
                                                                          + 3 * 256 + 6 * 512)
    assert vgg.counted_the_frozen_blocks_as_trainable(*args, "trainable") == 19_433_793
    assert vgg.counted_the_frozen_blocks_as_trainable(*args, "non-trainable") == 0
    assert vgg.counted_the_whole_base_as_frozen(*args, "trainable") is None
    assert vgg.froze_one_block_too_many(*args, "trainable") is None
    assert vgg.froze_one_block_too_few(*args, "trainable") == 7_079_424 + 4_719_105
    assert vgg.flattened_the_base_without_the_channels(*args, "trainable") == 6 * 6 * 256 + 256 + 257
    assert vgg.flattened_the_base_without_the_channels(*args, "non-trainable") is None
    # Block 5 unfrozen: counting the whole base as frozen, or one block off.
    args = (at_200, 4, COURSE_HEAD)
    assert vgg.counted_the_whole_base_as_frozen(*args, "non-trainable") == 14_714_688
    assert vgg.froze_one_block_too_many(*args, "non-trainable") is None  # the whole base, above
    assert vgg.froze_one_block_too_few(*args, "non-trainable") == 7_635_264 - 5_899_776
    gap = vgg.head_layers("gap", 0, 5)
    assert vgg.count(at_200, 5, gap, "trainable") == 513 * 5
    assert vgg.treated_global_pooling_as_flatten(at_200, 5, gap, "trainable") == 18_433 * 5


def test_vgg16_items_state_their_model_and_key(samples):
    for item in samples["vgg16-frozen-params"]:
        p = item.params
        assert item.answer == vgg.count(p["input_shape"], p["frozen_blocks"], p["head"],
                                         p["quantity"])
        assert f"input_shape={tuple(p['input_shape'])}" in item.prompt
        assert f"How many {p['quantity']} parameters" in item.prompt
        split = vgg.frozen_summary(p["input_shape"], p["frozen_blocks"], p["head"])
        assert (f"Trainable: {split.trainable_params:,}; "
                f"non-trainable: {split.non_trainable_params:,}.") in item.explanation
        code = item.figures[0].code
        assert ("base.trainable = False" in code) == (p["frozen_blocks"] == 5)
        assert f"'block{p['frozen_blocks']}'" in code or p["frozen_blocks"] == 5
        assert f"'block{p['frozen_blocks'] + 1}'" not in code
    for item in samples["vgg16-output-shape"]:
        p = item.params
        shape = ref_shapes.summarize(p["input_shape"], vgg.vgg16_base(blocks=p["blocks"]))
        assert item.answer == M.shape_text(shape.output_shape)
        assert f"input_shape={tuple(p['input_shape'])}" in item.prompt
        assert (f"block{p['blocks']}_pool" in item.prompt) == (p["blocks"] < 5)
    assert {i.params["frozen_blocks"] for i in samples["vgg16-frozen-params"]} == {1, 2, 3, 4, 5}
    assert {i.params["blocks"] for i in samples["vgg16-output-shape"]} == {1, 2, 3, 4, 5}


def test_html_unsafe_text_only_reaches_prompts_escaped():
    from autograder.quiz.render import question_html
    item = generate_item("architecture-layer", 1, 1)
    html = question_html(item.__class__(**{**item.__dict__, "prompt": "<script>x</script> & y"}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; y" in html


def test_every_multiple_choice_item_offers_three_distractors_none_absurd():
    """Three distractors at least, in every family; a minibatch count is never more steps than
    samples (a mistake like n x batch size, 30,000,000 steps for 60,000 images, is not offered)."""
    for family in sorted(families()):
        for variant in range(25):
            item = generate_item(family, variant, 11, kind="multichoice") \
                if "multichoice" in families()[family].kinds else None
            if item is None:
                continue
            assert len(item.distractors) >= 3, (family, variant)
            if family == "steps-per-epoch":
                assert all(1 <= o.value <= item.params["n_samples"] for o in item.distractors), item


# --- the GAN activities: the course's numbers (verified with Keras 3 in test_quiz_stress) ----

def test_gan_course_models_parameter_counts():
    from autograder.quiz.generators import gans
    shape, layers = gans.discriminator_1d()
    assert [gans.gan_params_key(shape, layers, i) for i in (0, 1)] == [75, 26]
    assert gans.gan_params_key(shape, layers, None) == 101
    for d in (2, 5, 10, 100):
        assert gans.gan_params_key(*gans.generator_1d(d), None) == (d + 1) * 15 + 32
    shape, layers = gans.dcgan_generator()
    assert gans.gan_params_key(shape, layers, None) == 1_164_289
    assert [gans.gan_params_key(shape, layers, i) for i in (0, 3, 5, 7)] == [633_472, 262_272,
                                                                            262_272, 6_273]
    assert ref_shapes.summarize(shape, layers).output_shape == (28, 28, 1)
    shape, layers = gans.dcgan_discriminator()
    assert gans.gan_params_key(shape, layers, None) == 40_705
    assert [gans.gan_params_key(shape, layers, i) for i in (0, 3, 7)] == [640, 36_928, 3_137]


def test_gan_params_mistakes_on_the_course_models():
    from autograder.quiz.generators import gans
    gen_shape, gen = gans.dcgan_generator()

    def wrong(fn, shape, layers, index):
        per_layer = dict(gans.GAN_PARAM_MISTAKES + gans.LAYER_ONLY_MISTAKES)[fn]
        return gans._recount(shape, layers, index, per_layer)

    # The transposed convolutions with one input channel: (4*4*1 + 1) * 128 = 2,176 each.
    assert wrong(M.forgot_the_input_channels, gen_shape, gen, 3) == 2_176
    assert wrong(gans.treated_the_transpose_as_upsampling, gen_shape, gen, None) == 1_164_289 - 2 * 262_272
    assert wrong(gans.treated_the_transpose_as_upsampling, gen_shape, gen, 0) is None
    assert wrong(gans.sized_the_dense_without_the_seed_map, gen_shape, gen, 0) == 101 * 128
    assert wrong(M.forgot_the_bias, gen_shape, gen, None) == 1_164_289 - (6_272 + 128 + 128 + 1)
    disc_shape, disc = gans.dcgan_discriminator()
    # Flatten of (7, 7, 64): 3,136 inputs; without the channels 49 -> 50 parameters.
    assert wrong(M.flattened_without_the_channels, disc_shape, disc, 7) == 50
    assert wrong(M.forgot_the_input_channels, disc_shape, disc, 0) is None  # greyscale: C = 1
    one_shape, one = gans.discriminator_1d()
    assert wrong(M.forgot_the_bias, one_shape, one, None) == 75
    assert wrong(M.added_inputs_and_units, one_shape, one, 0) == 2 + 25 + 25


def test_conv_transpose_keys_and_mistakes_on_the_dcgan_steps():
    from autograder.quiz.generators import gans
    up = gans.transpose_layer(128, (4, 4), (2, 2), "same")
    assert gans.transpose_shape((7, 7, 128), [up]) == (14, 14, 128)
    assert gans.transpose_shape((7, 7, 128), [up, dict(up)]) == (28, 28, 128)
    assert gans.used_the_conv2d_formula((7, 7, 128), 4, 2, "same", 128) == (4, 4, 128)
    assert gans.forgot_the_transpose_stride((7, 7, 128), 4, 2, "same", 128) == (7, 7, 128)
    assert gans.used_valid_for_same_transpose((7, 7, 128), 4, 2, "same", 128) == (16, 16, 128)
    assert gans.counted_one_upsampling_fewer((7, 7, 128), [up, dict(up)]) == (14, 14, 128)
    # 'valid', Keras 3: (n - 1) * s + max(k, s); a kernel smaller than the stride.
    assert ref_shapes.conv_transpose_output_length(5, 2, 3, "valid") == 15
    assert gans.ignored_the_max_with_the_stride((5, 5, 3), 2, 3, "valid", 8) == (14, 14, 8)
    assert gans.used_same_for_valid_transpose((7, 7, 3), 3, 2, "valid", 8) == (14, 14, 8)
    assert gans.kept_the_channels_in_the_transpose((7, 7, 3), 3, 2, "valid", 8) == (15, 15, 3)


def test_gan_items_state_their_model_and_key(samples):
    from autograder.quiz.generators import gans
    for item in samples["conv2d-transpose-output"]:
        p = item.params
        shape = gans.transpose_shape(p["input_shape"], p["layers"])
        assert item.answer == (M.shape_text(shape) if p["question"] == "shape" else shape[0])
        assert f"({p['input_shape'][0]}, {p['input_shape'][1]}, {p['input_shape'][2]})" in item.prompt \
            or p["source"] == "dcgan"
    assert {i.params["source"] for i in samples["conv2d-transpose-output"]} == {"dcgan", "sampled"}
    models = collections.Counter()
    for item in samples["gan-params"]:
        p = item.params
        models[p["model"]] += 1
        index = None if p["layer"] is None else p["layer"] - 1
        assert item.answer == gans.gan_params_key(p["input_shape"], p["layers"], index)
        assert gans.MODELS[p["model"]] in item.prompt
        assert "keras.Sequential" in item.figures[0].code
    assert set(models) == set(gans.MODELS)
    steps = collections.Counter()
    for item in samples["gan-training-step"]:
        p = item.params
        steps[p.get("step", p["question"])] += 1
        assert item.answer == (gans.STEPS[p["step"]] if p["question"] == "step"
                               else gans.KERAS3["key"])
        assert len({o.text for o in item.options}) == 4
    assert set(steps) == {*gans.STEPS, "keras3"}


def test_gan_training_step_table():
    from autograder.quiz.generators import gans
    assert gans.STEPS["real"].startswith("Labels 1") and gans.STEPS["fake"].startswith("Labels 0")
    assert all("only the discriminator's weights change" in gans.STEPS[s] for s in ("real", "fake"))
    assert "only the generator's weights change" in gans.STEPS["generator"]
    assert gans.STEPS["generator"].startswith("Labels 1") and "frozen" in gans.STEPS["generator"]
    for step, pairs in gans.STEP_MISTAKES.items():  # another step's key may be a distractor
        texts = [gans.STEP_TEXTS[name] for _, name in pairs]
        assert gans.STEPS[step] not in texts and len(set(texts)) == len(texts)
    assert "True before discriminator.train_on_batch" in gans.KERAS3["key"]
    assert "False before gan.train_on_batch" in gans.KERAS3["key"]
