"""Known-wrong notebooks for flowers-cnn: the loading function's mistakes, the
augmentation's (absent, one kind, active at inference, resizing), the model's (no
rescaling, augmentation after the convolutions, no pooling, a sigmoid output), the
training cell's, and the classifier mistakes every model assignment shares."""
from autograder.model_mutants import (classifier_build_mutants, dataset_training_mutants, keras_model,
                                      trains_outside_the_timed_cell)
from autograder.assignments import here
from autograder.mutants import Mutant

COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
INPUT = "keras.Input(shape=(*IMAGE_SIZE, 3))"
AUGMENT = "build_augmentation()"
RESCALE = "keras.layers.Rescaling(1.0 / 255)"
BLOCKS = ('keras.layers.Conv2D(16, 3, padding="same", activation="relu")', "keras.layers.MaxPooling2D()",
          'keras.layers.Conv2D(32, 3, padding="same", activation="relu")', "keras.layers.MaxPooling2D()",
          'keras.layers.Conv2D(64, 3, padding="same", activation="relu")', "keras.layers.MaxPooling2D()")
HEAD = ("keras.layers.Dropout(0.2)", "keras.layers.Flatten()", 'keras.layers.Dense(128, activation="relu")')
OUTPUT = 'keras.layers.Dense(5, activation="softmax")'
EPOCHS = here(__file__).settings["epochs"]


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude, compile_args=compile_args)


def loader(body: str) -> str:
    return f"def load_flowers(directory):\n{body}"


def augmentation(*layers: str) -> str:
    body = ",\n        ".join(layers)
    return f"def build_augmentation():\n    return keras.Sequential([\n        {body},\n    ])\n"


def training(fit: str = "model.fit(train_ds.cache(), validation_data=val_ds.cache(), "
                        f"epochs={EPOCHS}, verbose=0)", after: str = "") -> str:
    lines = ["train_ds, val_ds = load_flowers(flowers_dir)", "model = build_model()"]
    lines += [f"history = {fit}"] if fit else []
    return "\n".join(lines + ([after] if after else [])) + "\n"


def load_call(**arguments: str) -> str:
    given = {"validation_split": "0.2", "subset": '"both"', "seed": "123",
             "image_size": "IMAGE_SIZE", "batch_size": "BATCH_SIZE", **arguments}
    shown = ", ".join(f"{k}={v}" for k, v in given.items() if v is not None)
    return loader(f"    return keras.utils.image_dataset_from_directory(directory, {shown})\n")


MUTANTS = classifier_build_mutants(model, (AUGMENT, RESCALE, *BLOCKS, *HEAD), OUTPUT,
                                   keeps=("test_load", "test_augmentation")) + [
    # --- load_flowers
    Mutant(
        "loads_at_another_image_size",  # the course's 180x180: the model cannot take it
        {"load_flowers": load_call(image_size="(180, 180)")},
        {"test_load": ("(None, 64, 64, 3)", "image_size"),
         "test_accuracy": ("below",), "test_training_time": ("looks untrained",)},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "loads_batches_of_64",
        {"load_flowers": load_call(batch_size="64")},
        {"test_load": ("first batch holds 64 images, not 32",)},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "one_hot_labels",  # then the sparse loss cannot train on them
        {"load_flowers": load_call(label_mode='"categorical"')},
        {"test_load": ("one-hot", "label_mode")},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "class_names_in_another_order",  # labels numbered unlike the folders
        {"load_flowers": load_call(class_names='["tulips", "sunflowers", "roses", "dandelion", "daisy"]')},
        {"test_load": ("not the folders'", "alphabetical order"), "test_accuracy": ("below",)},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "validation_from_another_seed",  # two calls, two shuffles: the sets share photos
        {"load_flowers": loader(
            "    train_ds = keras.utils.image_dataset_from_directory(directory, validation_split=0.2,"
            " subset='training', seed=1, image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)\n"
            "    val_ds = keras.utils.image_dataset_from_directory(directory, validation_split=0.2,"
            " subset='validation', seed=2, image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)\n"
            "    return train_ds, val_ds\n")},
        {"test_load": ("in both the training and the validation set", "same seed")},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "no_validation_split",  # every photo twice
        {"load_flowers": loader(
            "    ds = keras.utils.image_dataset_from_directory(directory, image_size=IMAGE_SIZE,"
            " batch_size=BATCH_SIZE)\n    return ds, ds\n")},
        {"test_load": ("in both the training and the validation set",)},
        keeps=("test_augmentation", "test_model")),
    Mutant(
        "cached_in_the_loader",  # fine to train on, but the datasets lose class_names
        {"load_flowers": loader(
            "    train_ds, val_ds = keras.utils.image_dataset_from_directory(directory,"
            " validation_split=0.2, subset='both', seed=123, image_size=IMAGE_SIZE,"
            " batch_size=BATCH_SIZE)\n    return train_ds.cache(), val_ds.cache()\n")},
        {"test_load": ("no class_names",)},
        keeps=("test_augmentation", "test_model", "test_accuracy")),
    Mutant(
        "folder_written_into_the_loader",
        {"load_flowers": loader(
            "    return keras.utils.image_dataset_from_directory(flowers_dir, validation_split=0.2,"
            " subset='both', seed=123, image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)\n")},
        {"test_load": ("folder of the grader's own", "directory argument")},
        keeps=("test_augmentation", "test_model", "test_accuracy")),
    # --- build_augmentation
    Mutant(
        "one_kind_of_augmentation",
        {"build_augmentation": augmentation('keras.layers.RandomFlip("horizontal")')},
        {"test_augmentation": ("1 kind(s) of random layer", "at least two")},
        keeps=("test_load",)),
    Mutant(
        "augmentation_with_zero_factors",  # two kinds of random layer that change nothing
        {"build_augmentation": augmentation("keras.layers.RandomRotation(0.0)",
                                            "keras.layers.RandomZoom(0.0)")},
        {"test_augmentation": ("left the photos unchanged with training=True",)},
        keeps=("test_load",)),
    Mutant(
        "augmentation_that_rescales",  # active at inference: Rescaling is not a random layer
        {"build_augmentation": augmentation('keras.layers.RandomFlip("horizontal")',
                                            "keras.layers.RandomRotation(0.1)",
                                            "keras.layers.Rescaling(1.0 / 255)")},
        {"test_augmentation": ("changes the photos with training=False",)},
        keeps=("test_load",)),
    Mutant(
        "augmentation_that_crops",
        {"build_augmentation": augmentation('keras.layers.RandomFlip("horizontal")',
                                            "keras.layers.RandomRotation(0.1)",
                                            "keras.layers.RandomCrop(48, 48)")},
        {"test_augmentation": ("keep the image size",)},
        keeps=("test_load",)),
    # --- build_model
    Mutant(
        "no_augmentation_in_the_model",
        {"build_model": model(RESCALE, *BLOCKS, *HEAD, OUTPUT)},
        {"test_model": ("no RandomFlip",)},
        keeps=("test_load", "test_augmentation")),
    Mutant(
        "no_rescaling",  # trained on pixels 0..255
        {"build_model": model(AUGMENT, *BLOCKS, *HEAD, OUTPUT)},
        {"test_model": ("no Rescaling",)},
        keeps=("test_load", "test_augmentation")),
    Mutant(
        "augmentation_after_the_convolutions",
        {"build_model": model(RESCALE, *BLOCKS, AUGMENT, *HEAD, OUTPUT)},
        {"test_model": ("no RandomFlip", "before a Conv2D layer")},
        keeps=("test_load", "test_augmentation")),
    Mutant(
        "rescaling_after_the_first_convolution",  # the first convolution sees pixels 0..255
        {"build_model": model(AUGMENT, BLOCKS[0], RESCALE, *BLOCKS[1:], *HEAD, OUTPUT)},
        {"test_model": ("no Rescaling layer before a Conv2D layer",)},
        keeps=("test_load", "test_augmentation")),
    Mutant(
        "no_pooling",
        {"build_model": model(AUGMENT, RESCALE, *BLOCKS[0::2], *HEAD, OUTPUT)},
        {"test_model": ("parameters, over the", "pool or stride before flattening")},
        keeps=("test_load", "test_augmentation")),
    Mutant(
        "input_of_another_size",
        {"build_model": model(AUGMENT, RESCALE, *BLOCKS, *HEAD, OUTPUT,
                              first="keras.Input(shape=(180, 180, 3))")},
        {"test_model": ("input shape: expected (64, 64, 3), found (180, 180, 3)",),
         "test_accuracy": ("could not classify 64x64x3 images",)},
        keeps=("test_load", "test_augmentation")),
    trains_outside_the_timed_cell(lambda after: training(after=after), before="build_model",
                                  keeps=("test_load", "test_augmentation", "test_model", "test_accuracy")),
] + dataset_training_mutants(training, EPOCHS, keeps=("test_load", "test_augmentation", "test_model"))
