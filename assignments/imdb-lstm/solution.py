"""Reference solution of the `imdb-lstm` assignment, written as a student would.

The course's activity 10: movie reviews as keras.datasets.imdb gives them (lists of word
indices: a word's frequency rank plus 3, with 0 for padding, 1 for the start of a review and 2
for a word out of the vocabulary), decoded back to words, cut to the most frequent words,
padded to one length as keras.utils.pad_sequences does by default, and classified by an
Embedding, an LSTM and one sigmoid output. `dlgrade build` copies the functions into the
notebook verbatim (the training cell is in notebook.md).
"""
import keras
import numpy as np

NUM_WORDS = 1000
MAXLEN = 50


def decode_review(sequence, word_index):
    """The review as its words separated by single spaces. Index i is the word of rank
    i - 3 in `word_index` (word -> rank); 0, 1, 2 and any index without a word are "?"."""
    ### BEGIN SOLUTION
    words = {rank + 3: word for word, rank in word_index.items()}
    return " ".join(words.get(i, "?") for i in sequence)
    ### END SOLUTION


def cut_vocabulary(sequences, num_words):
    """Each review with every index of `num_words` or more replaced by 2 (out of vocabulary),
    as keras.datasets.imdb.load_data(num_words=...) does; a list of lists."""
    ### BEGIN SOLUTION
    return [[i if i < num_words else 2 for i in seq] for seq in sequences]
    ### END SOLUTION


def pad(sequences, maxlen):
    """An array of shape (len(sequences), maxlen): a short review with zeros BEFORE it, a long
    one cut to its LAST maxlen indices (keras.utils.pad_sequences's defaults)."""
    ### BEGIN SOLUTION
    return keras.utils.pad_sequences(sequences, maxlen=maxlen)
    ### END SOLUTION


def build_model():
    """Reviews of MAXLEN indices in, Embedding(NUM_WORDS, 32), LSTM(32), one sigmoid output;
    compiled with adam, binary cross-entropy and accuracy."""
    ### BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(MAXLEN,)),
        keras.layers.Embedding(NUM_WORDS, 32),
        keras.layers.LSTM(32),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION
