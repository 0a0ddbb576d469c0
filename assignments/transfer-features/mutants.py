"""Known-wrong notebooks for transfer-features: VGG16's preprocessing done otherwise, a base
left trainable, a network of one's own trained from scratch, a head that ignores the base
(autograder.transfer_mutants), and the mistakes every classifier and training cell share."""
from autograder.assignments import here
from autograder.model_mutants import (classifier_build_mutants, dataset_training_mutants,
                                      trains_outside_the_timed_cell)
from autograder.transfer_mutants import HEAD, OUTPUT, base_mutants, model, preprocess_mutants

EPOCHS = here(__file__).settings["epochs"]


def training(fit: str = "model.fit(train_features, validation_data=val_features, "
                        f"epochs={EPOCHS}, verbose=0)", after: str = "") -> str:
    lines = ["train_features = train_ds.map(lambda images, labels: (preprocess(images), labels)).cache()",
             "val_features = val_ds.map(lambda images, labels: (preprocess(images), labels)).cache()",
             "model = build_model()"]
    lines += [f"history = {fit}"] if fit else []
    return "\n".join(lines + ([after] if after else [])) + "\n"


MUTANTS = (
    classifier_build_mutants(model, HEAD, OUTPUT)
    + preprocess_mutants(keeps=("test_model", "test_frozen_base"))
    + base_mutants(("test_frozen_base",))
    + [trains_outside_the_timed_cell(lambda after: training(after=after), before="build_model",
                                     keeps=("test_preprocess", "test_model", "test_frozen_base",
                                            "test_accuracy"))]
    + dataset_training_mutants(training, EPOCHS, keeps=("test_preprocess", "test_model")))
