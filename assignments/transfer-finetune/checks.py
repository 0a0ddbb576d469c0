"""Hidden checks for the `transfer-finetune` assignment (course activity 7).

    test_preprocess      preprocess(photos) is keras.applications.vgg16.preprocess_input
    test_model           build_model(): the head the exercise states, the base pretrained and
                         wholly frozen, its parameters the model's non-trainable ones
    test_head            graded where it stands, after the head's training: the base still
                         holds the pretrained weights to the bit and is frozen, and the head
                         was trained (its optimizer took steps; the model is well above
                         chance): a base left trainable, or a head never trained before the
                         fine-tuning, shows here
    test_fine_tuning     the fine-tuned `model`: blocks below the top one still hold the
                         pretrained weights to the bit and are frozen, the top block trains and
                         moved, but only a little (a bounded relative change), and the model
                         is compiled with a very small learning rate
    test_accuracy        the fine-tuned `model` on the grader's held-out photos, preprocessed
                         here as VGG16 takes them, in the four steps of the declared thresholds
    test_training_time   the `fine_tune` cell within 3 x the reference solution's time on this
                         device, and a model well above chance
"""
from __future__ import annotations

from autograder.assignments import here
from autograder.checks import grade
from autograder.checks.trained_models import assert_trained, trained_model
from autograder.checks.transfer import (BLOCKS, assert_fine_tuned, assert_learning_rate,
                                        assert_non_trainable_count, assert_trainable_blocks,
                                        assert_weights_pretrained, transfer_checks, vgg16_input)

ASSIGNMENT = here(__file__)
DATASET, = ASSIGNMENT.measured_datasets
TOP = int(ASSIGNMENT.settings["fine_tune_block"])
BELOW = tuple(b for b in BLOCKS if b < TOP)
_BEFORE, _AFTER = transfer_checks(ASSIGNMENT)
globals().update(_BEFORE)


# --------------------------------------------------------------------------- after the head

HEAD = "`model` after the head's training"


@grade("test_head", 2.0)
def test_head_training_left_the_base_unchanged(student):
    assert_weights_pretrained(trained_model(student).model, HEAD)


@grade("test_head")
def test_head_training_kept_the_base_frozen(student):
    assert_trainable_blocks(trained_model(student).model, HEAD, ())


@grade("test_head")
def test_head_was_trained_before_the_fine_tuning(student):
    steps = trained_model(student).training_steps
    assert steps != 0, (f"{HEAD}: its optimizer took no training step, so the new head was not "
                        "trained before the fine-tuning: train the head first (its random "
                        "weights' large gradients would wreck the base once it is unfrozen)")
    if steps is None:  # a kernel that could not count them: the model's accuracy tells instead
        assert_trained(student, DATASET, 5, vgg16_input)


# --------------------------------------------------------------------------- the fine-tuning

TUNED = "the fine-tuned `model`"


@grade("test_fine_tuning", 2.0)
def test_fine_tuning_left_the_lower_blocks_unchanged(student):
    assert_weights_pretrained(trained_model(student).model, TUNED, BELOW,
                              when=" after the fine-tuning")


@grade("test_fine_tuning")
def test_fine_tuning_trained_the_top_block_a_little(student):
    assert_fine_tuned(trained_model(student).model, TUNED, (TOP,))


@grade("test_fine_tuning")
def test_fine_tuning_unfroze_the_top_block_only(student):
    assert_trainable_blocks(trained_model(student).model, TUNED, (TOP,))
    assert_non_trainable_count(trained_model(student), TUNED, BELOW)


@grade("test_fine_tuning")
def test_fine_tuning_learning_rate_is_very_small(student):
    assert_learning_rate(trained_model(student), TUNED)


globals().update(_AFTER)
