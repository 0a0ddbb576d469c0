"""Hidden checks for the `mnist-ann` assignment (course activity 2).

The checks every "preprocess, build, train" image classifier shares
(autograder/checks/trained_models.py), configured by assignment.toml:
test_preprocess, test_model (what build_model() returns: Flatten, the exercise's hidden Dense(128, relu), the output Dense(10, softmax)
fitting the loss, 101,770 parameters), test_accuracy (the trained `model` on the grader's
test split, in the declared thresholds' steps) and test_training_time (the `train`
cell within 3 x the reference solution's time on this device).
"""
from autograder.assignments import here
from autograder.checks.trained_models import image_classifier_checks

globals().update(image_classifier_checks(here(__file__)))
