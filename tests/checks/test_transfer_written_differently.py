"""Correct transfer learning written otherwise than the reference keeps full marks: a flat
functional model built on the base's own graph, a nested base called with training=False under
a global-pooling head with dropout, layers frozen one by one instead of base.trainable, another
optimizer with a small learning rate, preprocess through TensorFlow. Graded in process on
transfer-finetune, each cell where the executor grades it (test_head before the fine-tuning)."""
import nbformat
import pytest

from autograder import build

pytestmark = pytest.mark.slow

COMPILE = 'loss="sparse_categorical_crossentropy", metrics=["accuracy"]'
FIT_HEAD = ("train_features = train_ds.map(lambda images, labels: (preprocess(images), labels)).cache()\n"
            "val_features = val_ds.map(lambda images, labels: (preprocess(images), labels)).cache()\n"
            "model = build_model()\n"
            "history = model.fit(train_features, validation_data=val_features, epochs=10, verbose=0)\n")
FIT_TUNE = "fine_history = model.fit(train_features, validation_data=val_features, epochs=5, verbose=0)\n"

VARIANTS = {
    "flat_functional": {
        "build_model": (
            "def build_model():\n"
            "    base = load_vgg16(input_shape=(*IMAGE_SIZE, 3), verbose=False)\n"
            "    for layer in base.layers:\n"
            "        layer.trainable = False\n"
            "    x = keras.layers.Flatten()(base.output)\n"
            "    x = keras.layers.Dense(256, activation='relu')(x)\n"
            "    outputs = keras.layers.Dense(5, activation='softmax')(x)\n"
            "    model = keras.Model(base.input, outputs)\n"
            f"    model.compile(optimizer='adam', {COMPILE})\n"
            "    return model\n"),
        "fine_tune": (
            "for layer in model.layers:\n"
            "    if layer.name.startswith('block'):\n"
            "        layer.trainable = layer.name.startswith('block5')\n"
            f"model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-5), {COMPILE})\n"
            + FIT_TUNE),
    },
    "nested_with_global_pooling": {
        "preprocess": (
            "def preprocess(images):\n"
            "    import tensorflow as tf\n"
            "    return tf.keras.applications.vgg16.preprocess_input(tf.cast(images, tf.float32))\n"),
        "build_model": (
            "def build_model():\n"
            "    base = load_vgg16(input_shape=(*IMAGE_SIZE, 3), verbose=False)\n"
            "    base.trainable = False\n"
            "    inputs = keras.Input(shape=(*IMAGE_SIZE, 3))\n"
            "    x = base(inputs, training=False)\n"
            "    x = keras.layers.GlobalAveragePooling2D()(x)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n"
            "    x = keras.layers.Dense(256)(x)\n"
            "    x = keras.layers.Activation('relu')(x)\n"
            "    outputs = keras.layers.Dense(5, activation='softmax')(x)\n"
            "    model = keras.Model(inputs, outputs)\n"
            f"    model.compile(optimizer=keras.optimizers.Adam(), {COMPILE})\n"
            "    return model\n"),
        "train_head": FIT_HEAD.replace("epochs=10", "epochs=20"),
        "fine_tune": (
            "base = model.layers[1]\n"
            "base.trainable = True\n"
            "for layer in base.layers[:-4]:\n"
            "    layer.trainable = False\n"
            f"model.compile(optimizer=keras.optimizers.Adam(2e-5), {COMPILE})\n"
            + FIT_TUNE),
    },
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_transfer_learning_written_differently_keeps_full_marks(grader, variant):
    g = grader("transfer-finetune")
    g.reference()  # calibrated on this machine, in process
    nb = nbformat.from_dict(build.notebook(g.assignment))
    cells = {c.get("id"): c for c in nb.cells}
    for cell_id, source in VARIANTS[variant].items():
        cells[cell_id].source = source
    namespace, times, in_place = g._run(nb, variant)
    graded = g._merged(g._grade(namespace, variant, times, cells=g._at_the_end), in_place)
    assert graded.scores == {cell: 1.0 for cell in g.assignment.grade_ids}, graded.messages
    assert graded.flags == []
