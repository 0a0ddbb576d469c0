"""Known-wrong notebooks for imdb-lstm: the decoding's mistakes (another index offset, the
reserved indices left out, a list of words), the vocabulary cut's (num_words itself kept, rare
words dropped or made padding), the padding's (zeros after the review, a long review's first
indices kept, no cut), the model's (a sigmoid output trained with a categorical loss, another
LSTM size, words counted without their order, an Embedding as wide as a review), the training
cell's, and the classifier mistakes every model assignment shares."""
from autograder.assignments import here
from autograder.model_mutants import STUB, classifier_build_mutants, keras_model, trains_outside_the_timed_cell
from autograder.mutants import Mutant

SETTINGS = here(__file__).settings
EPOCHS, BATCH = SETTINGS["epochs"], SETTINGS["batch_size"]
COMPILED = 'optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]'
INPUT = "keras.Input(shape=(MAXLEN,))"
EMBEDDING = "keras.layers.Embedding(NUM_WORDS, 32)"
LSTM = "keras.layers.LSTM(32)"
OUTPUT = 'keras.layers.Dense(1, activation="sigmoid")'
FUNCTIONS = ("test_decode", "test_vocabulary", "test_padding")
PREPARED = ("x_train_padded = pad(cut_vocabulary(x_train, NUM_WORDS), MAXLEN)",
            "x_val_padded = pad(cut_vocabulary(x_val, NUM_WORDS), MAXLEN)")


def model(*layers: str, first: str = INPUT, prelude: str = "", compile_args: str = COMPILED) -> str:
    return keras_model(*layers, first=first, prelude=prelude, compile_args=compile_args)


def training(reviews: str = "x_train_padded", labels: str = "y_train", fit: bool = True,
             after: str = "") -> str:
    lines = [*PREPARED, "model = build_model()"]
    if fit:
        lines.append(f"history = model.fit({reviews}, {labels}, validation_data=(x_val_padded, y_val), "
                     f"epochs={EPOCHS}, batch_size={BATCH}, verbose=0)")
    return "\n".join(lines + ([after] if after else [])) + "\n"


def function(name: str, args: str, *body: str) -> str:
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body)


def decode(word: str, join: str = '" ".join') -> str:
    return function("decode_review", "sequence, word_index",
                    "words = {rank + 3: word for word, rank in word_index.items()}",
                    f"return {join}({word} for i in sequence)")


def cut(rule: str) -> str:
    return function("cut_vocabulary", "sequences, num_words", f"return [[{rule} for i in seq] for seq in sequences]")


def pad(arguments: str) -> str:
    return function("pad", "sequences, maxlen", f"return keras.utils.pad_sequences(sequences{arguments})")


def but(*cells: str) -> tuple[str, ...]:
    return tuple(c for c in FUNCTIONS + ("test_model",) if c not in cells)


MUTANTS = classifier_build_mutants(model, (EMBEDDING, LSTM), OUTPUT, compiled=COMPILED,
                                   keeps=FUNCTIONS) + [
    # --- decode_review
    Mutant(
        "decoded_without_the_offset",  # index i read as rank i
        {"decode_review": function("decode_review", "sequence, word_index",
                                   "words = {rank: word for word, rank in word_index.items()}",
                                   'return " ".join(words.get(i, "?") for i in sequence)')},
        {"test_decode": ("an offset of 0",)},
        keeps=but("test_decode")),
    Mutant(
        "decoded_with_an_offset_of_1",
        {"decode_review": decode('words.get(i + 2, "?")')},
        {"test_decode": ("an offset of 1",)},
        keeps=but("test_decode")),
    Mutant(
        "reserved_indices_left_out",
        {"decode_review": decode("words[i]", '" ".join').replace("for i in sequence)",
                                                                "for i in sequence if i in words)")},
        {"test_decode": ("left out",)},
        keeps=but("test_decode")),
    Mutant(
        "decoded_as_a_list_of_words",
        {"decode_review": decode('words.get(i, "?")', join="list")},
        {"test_decode": ("expected a string",)},
        keeps=but("test_decode")),
    # --- cut_vocabulary
    Mutant(
        "num_words_itself_kept",  # index num_words then overflows the Embedding: training fails
        {"cut_vocabulary": cut("i if i <= num_words else 2")},
        {"test_vocabulary": ("equal to num_words",)},
        keeps=but("test_vocabulary")),
    Mutant(
        "num_words_minus_one_cut",  # the rarest word kept, index num_words - 1, lost too
        {"cut_vocabulary": cut("i if i < num_words - 1 else 2")},
        {"test_vocabulary": ("num_words - 1 was replaced",)},
        keeps=but("test_vocabulary")),
    Mutant(
        "rare_words_dropped",
        {"cut_vocabulary": function("cut_vocabulary", "sequences, num_words",
                                    "return [[i for i in seq if i < num_words] for seq in sequences]")},
        {"test_vocabulary": ("dropped", "length changed")},
        keeps=but("test_vocabulary")),
    Mutant(
        "rare_words_made_padding",
        {"cut_vocabulary": cut("i if i < num_words else 0")},
        {"test_vocabulary": ("became 0",)},
        keeps=but("test_vocabulary")),
    # --- pad
    Mutant(
        "zeros_after_the_review",  # the course pre-pads
        {"pad": pad(', maxlen=maxlen, padding="post"')},
        {"test_padding": ('padding="post"',)},
        keeps=but("test_padding")),
    Mutant(
        "long_review_keeps_its_start",
        {"pad": pad(', maxlen=maxlen, truncating="post"')},
        {"test_padding": ('truncating="post"',)},
        keeps=but("test_padding")),
    Mutant(
        "padded_to_the_longest",  # maxlen forgotten
        {"pad": pad("")},
        {"test_padding": ("padded to the longest",)},
        keeps=but("test_padding")),
    # --- build_model
    Mutant(
        "sigmoid_output_with_categorical_loss",  # one unit: the loss is 0 whatever it says
        {"build_model": model(EMBEDDING, LSTM, OUTPUT, compile_args=COMPILED.replace(
            "binary_crossentropy", "categorical_crossentropy"))},
        {"test_model": ("categorical_crossentropy",), "test_accuracy": ("looks untrained",),
         "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS),
    Mutant(
        "lstm_of_100_units",  # the classic tutorial's LSTM(100): not the exercise's
        {"build_model": model(EMBEDDING, "keras.layers.LSTM(100)", OUTPUT)},
        {"test_model": ("expected LSTM(32,", "found LSTM(100,")},
        keeps=FUNCTIONS),
    Mutant(
        "words_counted_without_their_order",  # the embeddings averaged: a bag of words
        {"build_model": model(EMBEDDING, "keras.layers.GlobalAveragePooling1D()", OUTPUT)},
        {"test_model": ("LSTM",), "test_accuracy": ("below",)},
        keeps=FUNCTIONS),
    Mutant(
        "embedding_as_wide_as_a_review",  # Embedding(MAXLEN, ...): most indices out of its range
        {"build_model": model("keras.layers.Embedding(MAXLEN, 32)", LSTM, OUTPUT)},
        {"test_model": ("expected Embedding(input_dim=1000", "found Embedding(input_dim=50")},
        keeps=FUNCTIONS),
    # --- the training cell
    Mutant(
        "untrained_model",
        {"train": training(fit=False)},
        {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "labels_shuffled_apart_from_reviews",
        {"train": training(labels="np.random.default_rng(0).permutation(y_train)")},
        {"test_accuracy": ("looks untrained",), "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "trained_on_10_reviews",
        {"train": training("x_train_padded[:10]", "y_train[:10]")},
        {"test_accuracy": ("below",), "test_training_time": ("looks untrained",)},
        keeps=FUNCTIONS + ("test_model",)),
    Mutant(
        "training_cell_left_as_the_stub",
        {"train": STUB},
        {"test_accuracy": ("model is not defined",),
         "test_training_time": ("could not be timed", "model is not defined")},
        keeps=FUNCTIONS + ("test_model",)),
    trains_outside_the_timed_cell(lambda after: training(after=after), before="build_model",
                                  keeps=FUNCTIONS + ("test_model", "test_accuracy")),
]
