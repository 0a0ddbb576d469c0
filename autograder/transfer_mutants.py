"""The mistakes both transfer-learning assignments share, as mutants: VGG16's preprocessing
done otherwise, a base left trainable, a network of one's own trained from scratch, a head
that ignores the base, a head without its hidden layer. `model(...)` writes a build_model
cell as the reference writes it (the base loaded, frozen, under a Sequential head)."""
from __future__ import annotations

from autograder.mutants import Mutant

COMPILED = 'optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
BASE = "base = load_vgg16(input_shape=(*IMAGE_SIZE, 3), verbose=False)"
FREEZE = "base.trainable = False"
HEAD = ("keras.layers.Flatten()", 'keras.layers.Dense(256, activation="relu")')
OUTPUT = 'keras.layers.Dense(5, activation="softmax")'
SCRATCH = ('keras.layers.Conv2D(32, 3, activation="relu")', "keras.layers.MaxPooling2D()",
           'keras.layers.Conv2D(64, 3, activation="relu")', "keras.layers.MaxPooling2D()")


def model(*layers: str, prelude: str = "", compile_args: str = COMPILED, freeze: str = FREEZE,
          base: str | None = BASE) -> str:
    """A build_model cell: the base (frozen), then `layers`, in a Sequential model; base=None
    leaves the base out (a network of one's own)."""
    body = ",\n        ".join(("keras.Input(shape=(*IMAGE_SIZE, 3))",) + (("base",) if base else ())
                              + layers)
    setup = "".join(f"    {line}\n" for line in (base, freeze) if base and line)
    return (f"{prelude}def build_model():\n{setup}    model = keras.Sequential([\n        {body},\n    ])\n"
            f"    model.compile({compile_args})\n    return model\n")


def preprocessing(body: str) -> str:
    return f"def preprocess(images):\n    images = keras.ops.cast(images, 'float32')\n    return {body}\n"


def preprocess_mutants(keeps: tuple[str, ...], more: bool = True) -> list[Mutant]:
    """preprocess written otherwise than VGG16's preprocess_input; `more`: besides pixels / 255,
    the mean subtracted in RGB and another application's scaling."""
    found = [Mutant(
        "pixels_scaled_to_0_1",  # the course's scaling for networks trained from scratch
        {"preprocess": preprocessing("images / 255.0")},
        {"test_preprocess": ("scaled to [0, 1]", "preprocess_input")},
        keeps=keeps)]
    if more:
        found += [
            Mutant(
                "channels_left_in_rgb",  # the mean subtracted, the channels not turned to BGR
                {"preprocess": preprocessing(
                    "images - keras.ops.convert_to_tensor([123.68, 116.779, 103.939])")},
                {"test_preprocess": ("RGB to BGR",)},
                keeps=keeps),
            Mutant(
                "mobilenet_preprocessing",  # another application's preprocess_input ([-1, 1])
                {"preprocess": preprocessing("keras.applications.mobilenet_v2.preprocess_input(images)")},
                {"test_preprocess": ("[-1, 1]",)},
                keeps=keeps)]
    return found


def base_mutants(trained_cells: tuple[str, ...], keeps: tuple[str, ...] = ("test_preprocess",)) -> list[Mutant]:
    """The base misused in build_model; `trained_cells`: the cells that read the trained model's
    base (each loses points with the words given)."""
    return [
        Mutant(
            "base_left_trainable",  # the base trains with the head: the pretrained features drift
            {"build_model": model(*HEAD, OUTPUT, freeze="")},
            {"test_model": ("expected the whole base frozen", "non-trainable parameters"),
             trained_cells[0]: ("should hold the pretrained weights unchanged", "base.trainable = False")},
            keeps=keeps),
        Mutant(
            "network_trained_from_scratch",  # a CNN of one's own: no transfer at all
            {"build_model": model(*SCRATCH, *HEAD, OUTPUT, base=None)},
            {"test_model": ("has no VGG16 base", "trained from scratch"),
             **{cell: ("has no VGG16 base",) for cell in trained_cells}},
            keeps=keeps),
        Mutant(
            "head_ignores_the_base",  # the base is built and called, but the head reads the photos
            {"build_model": "def build_model():\n"
                            f"    {BASE}\n    {FREEZE}\n"
                            "    inputs = keras.Input(shape=(*IMAGE_SIZE, 3))\n"
                            "    features = base(inputs)\n"
                            "    x = keras.layers.Flatten()(inputs)\n"
                            '    x = keras.layers.Dense(256, activation="relu")(x)\n'
                            '    outputs = keras.layers.Dense(5, activation="softmax")(x)\n'
                            "    model = keras.Model(inputs, outputs)\n"
                            f"    model.compile({COMPILED})\n    return model\n"},
            {"test_model": ("has no VGG16 base", "take the base's output"),
             **{cell: ("has no VGG16 base",) for cell in trained_cells}},
            keeps=keeps),
        Mutant(
            "head_without_its_hidden_layer",
            {"build_model": model("keras.layers.Flatten()", OUTPUT)},
            {"test_model": ("Dense(256, relu)",)},
            keeps=keeps + trained_cells),
    ]
