"""Known-wrong notebooks for transfer-finetune: the fine-tuning's own mistakes (the whole base
fine-tuned, the default learning rate, no recompiling, the wrong block unfrozen, the head never
trained before it, the training moved out of the timed cell), and those both transfer
assignments share (autograder.transfer_mutants)."""
from autograder.assignments import here
from autograder.model_mutants import STUB, classifier_build_mutants
from autograder.mutants import Appended, Mutant
from autograder.transfer_mutants import HEAD, OUTPUT, base_mutants, model, preprocess_mutants

SETTINGS = here(__file__).settings
EPOCHS, FINE_EPOCHS, TOP = SETTINGS["epochs"], SETTINGS["fine_tune_epochs"], SETTINGS["fine_tune_block"]
COMPILED = 'loss="sparse_categorical_crossentropy", metrics=["accuracy"]'


def head_training(fit: bool = True) -> str:
    lines = ["train_features = train_ds.map(lambda images, labels: (preprocess(images), labels)).cache()",
             "val_features = val_ds.map(lambda images, labels: (preprocess(images), labels)).cache()",
             "model = build_model()"]
    lines += [f"history = model.fit(train_features, validation_data=val_features, epochs={EPOCHS}, "
              "verbose=0)"] if fit else []
    return "\n".join(lines) + "\n"


def fine_tuning(unfreeze: str = f'layer.name.startswith("block{TOP}")', refreeze: bool = True,
                optimizer: str = "keras.optimizers.Adam(1e-5)", recompile: bool = True,
                epochs: int = FINE_EPOCHS) -> str:
    lines = ['base = model.get_layer("vgg16")', "base.trainable = True"]
    if refreeze:
        lines += ["for layer in base.layers:", f"    layer.trainable = {unfreeze}"]
    if recompile:
        lines += [f"model.compile(optimizer={optimizer}, {COMPILED})"]
    lines += [f"fine_history = model.fit(train_features, validation_data=val_features, "
              f"epochs={epochs}, verbose=0)"]
    return "\n".join(lines) + "\n"


MUTANTS = (
    [m for m in classifier_build_mutants(model, HEAD, OUTPUT, trains=("train_head", "fine_tune"))
     if m.name != "model_not_compiled"]
    + preprocess_mutants(keeps=("test_model", "test_head", "test_fine_tuning"), more=False)
    + base_mutants(("test_head", "test_fine_tuning"))
    + [
        Mutant(
            "head_not_trained_before_fine_tuning",  # unfrozen under a head of random weights
            {"train_head": head_training(fit=False)},
            {"test_head": ("took no training step", "train the head first")},
            keeps=("test_preprocess", "test_model")),
        Mutant(
            "model_not_compiled",  # the head's fit fails; only the fine-tuning compiles and trains
            {"build_model": model(*HEAD, OUTPUT).replace(
                '    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", '
                'metrics=["accuracy"])\n', "")},
            {"test_model": ("not compiled",), "test_head": ("looks untrained",)},
            keeps=("test_preprocess",)),
        Mutant(
            "whole_base_fine_tuned",  # base.trainable = True and nothing frozen again
            {"fine_tune": fine_tuning(refreeze=False)},
            {"test_fine_tuning": ("should hold the pretrained weights unchanged after the fine-tuning",
                                  "would train")},
            keeps=("test_preprocess", "test_model", "test_head")),
        Mutant(
            "fine_tuned_at_the_default_learning_rate",  # Adam's 1e-3: the features are wrecked
            {"fine_tune": fine_tuning(optimizer='"adam"')},
            {"test_fine_tuning": ("learning rate of 0.001", "beyond the 3%")},
            keeps=("test_preprocess", "test_model", "test_head")),
        Mutant(
            "not_recompiled_after_unfreezing",  # trainable changes take effect at compile
            {"fine_tune": fine_tuning(recompile=False)},
            {"test_fine_tuning": ("still hold", "recompile")},
            keeps=("test_preprocess", "test_model", "test_head")),
        Mutant(
            "wrong_block_unfrozen",  # block 4 instead of VGG16's top block
            {"fine_tune": fine_tuning(unfreeze=f'layer.name.startswith("block{TOP - 1}")')},
            {"test_fine_tuning": (f"block{TOP - 1}_conv1", f"block{TOP}_conv1")},
            keeps=("test_preprocess", "test_model", "test_head")),
        Mutant(
            "fine_tuning_cell_left_as_the_stub",  # the head only: no fine-tuning at all
            {"fine_tune": STUB},
            {"test_fine_tuning": (f"block{TOP}_conv1",),
             "test_training_time": ("could not be timed",)},
            keeps=("test_preprocess", "test_model", "test_head", "test_accuracy")),
        Mutant(
            "fine_tuned_outside_the_timed_cell",  # the fine-tuning appended to the head's cell
            {"fine_tune": "pass  # fine-tuned above\n", "train_head": Appended(fine_tuning())},
            {"test_training_time": ("the training happened outside the timed cell",)},
            keeps=("test_preprocess", "test_model", "test_fine_tuning", "test_accuracy")),
    ])
