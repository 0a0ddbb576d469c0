"""Reference solution of the `fashion-ann` assignment, written as a student would.

The course's activity 3: classify Fashion-MNIST garments with a Keras network
and do its exercise, "add another hidden layer after the first". `preprocess`
is the one of mnist-ann (the same pixels); source/model_notebooks.py copies the
functions and TRAINING into the notebook verbatim.
"""
import keras

from reference.assignments.mnist_ann import preprocess  # noqa: F401 - a solution cell here too


def build_model():
    """The course's garment classifier with the exercise done, compiled and untrained.

    28x28 images in (start with keras.Input), flattened, the hidden Dense layer of
    128 neurons with relu, then ANOTHER hidden Dense layer with relu (choose its
    size), and an output Dense layer of 10 neurons with softmax (one probability
    per class). Compile it with the adam optimizer, the
    sparse_categorical_crossentropy loss and the accuracy metric.
    """
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# The training cell (timed by the grader): it must leave the trained model in `model`.
TRAINING = """\
### BEGIN SOLUTION
model = build_model()
history = model.fit(preprocess(x_train), y_train, epochs=5, batch_size=32,
                    validation_data=(preprocess(x_val), y_val), verbose=2)
### END SOLUTION"""
