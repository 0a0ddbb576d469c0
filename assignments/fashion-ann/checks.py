"""Hidden checks for the `fashion-ann` assignment (course activity 3).

The checks every "preprocess, build, train" image classifier shares
(autograder/checks/trained_models.py), configured by assignment.toml:
test_preprocess, test_model (what build_model() returns: Flatten, Dense(128, relu), a second hidden Dense with relu of any size,
Dense(10, softmax)), test_accuracy (the trained `model` on the grader's
test split, in the declared thresholds' steps) and test_training_time (the `train`
cell within 3 x the reference solution's time on this device).
"""
from autograder.assignments import here
from autograder.checks.trained_models import image_classifier_checks

globals().update(image_classifier_checks(here(__file__)))
