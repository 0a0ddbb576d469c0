"""Hidden checks for the `transfer-features` assignment (course activity 6).

    test_preprocess      preprocess(photos) is keras.applications.vgg16.preprocess_input (BGR,
                         ImageNet's mean pixel subtracted), on a course example and on any
                         photos; the hint names the usual other scalings
    test_model           build_model(): the head the exercise states ([model] of
                         assignment.toml), input, output against the loss; the base is the
                         pretrained one (its weights to the bit: not weights=None, not a
                         network of one's own), wholly frozen, and the model's non-trainable
                         parameters are exactly the base's
    test_frozen_base     the trained `model` still holds the pretrained base to the bit: a base
                         left trainable was changed by the training
    test_accuracy        the trained `model` on the grader's held-out photos, preprocessed here
                         as VGG16 takes them, in the four steps of the declared thresholds
    test_training_time   the `train` cell within 3 x the reference solution's time on this
                         device, and a model well above chance
"""
from __future__ import annotations

from autograder.assignments import here
from autograder.checks import grade
from autograder.checks.trained_models import trained_model
from autograder.checks.transfer import assert_trainable_blocks, assert_weights_pretrained, transfer_checks

ASSIGNMENT = here(__file__)
_BEFORE, _AFTER = transfer_checks(ASSIGNMENT)
globals().update(_BEFORE)


@grade("test_frozen_base", 3.0)
def test_trained_base_holds_the_pretrained_weights(student):
    assert_weights_pretrained(trained_model(student).model, "the trained `model`",
                              when=" after training")


@grade("test_frozen_base")
def test_trained_base_is_frozen(student):
    assert_trainable_blocks(trained_model(student).model, "the trained `model`", ())


globals().update(_AFTER)
