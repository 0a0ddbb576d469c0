"""Hidden checks for the `fashion-cnn` assignment (course activity 4).

The checks every "preprocess, build, train" image classifier shares
(autograder/checks/trained_models.py), configured by assignment.toml: test_preprocess
(scaled to [0, 1] with the channel axis the model takes: (N, 28, 28, 1)), test_model
(what build_model() returns: at least two Conv2D layers, pooling after a convolution,
10 softmax outputs or logits, a classification loss), test_accuracy (the trained
`model` on the grader's test split, in the declared thresholds' steps) and
test_training_time (the `train` cell within 3 x the reference solution's time on this
device, and a trained model).
"""
from autograder.assignments import here
from autograder.checks.trained_models import image_classifier_checks

globals().update(image_classifier_checks(here(__file__)))
