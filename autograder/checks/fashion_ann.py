"""Hidden checks for the `fashion-ann` assignment (course activity 3).

As mnist-ann (autograder/checks/trained_models.py), with the exercise "add
another hidden layer after the first": Flatten, Dense(128, relu), a second
hidden Dense with relu of any size, Dense(10, softmax).

Accuracy thresholds, per data source. Real Fashion-MNIST (published Keras
tutorial figures, not measured here: this machine cannot download it): a network
with one hidden layer reaches about 0.87 after 5 epochs and the exercise's about
0.88, so no credit at 0.75, full credit at 0.86. Check them on the grading
machine with the real data before relying on them. The embedded stand-in (generated garment
silhouettes, 2,700 training images): the reference reaches 0.905 and the model
without hidden layers 0.79 (measured with Keras 3, 5 epochs); no credit at 0.60,
full credit at 0.87.
"""
from autograder.checks.accuracy import Threshold
from autograder.checks.structure import Layer, ModelSpec
from autograder.checks.trained_models import image_classifier_checks

DATASET = "fashion_mnist"
TRAINING_CELL = "train"
THRESHOLDS = {"real": Threshold(floor=0.75, target=0.86),
              "embedded": Threshold(floor=0.60, target=0.87)}
SPEC = ModelSpec(
    layers=[Layer("Flatten"), Layer("Dense", 128, "relu"), Layer("Dense", None, "relu"),
            Layer("Dense", 10, "softmax")],
    input_shape=(28, 28),
    loss="sparse_categorical_crossentropy",
)

globals().update(image_classifier_checks(dataset=DATASET, spec=SPEC, thresholds=THRESHOLDS,
                                         training_cell=TRAINING_CELL))
