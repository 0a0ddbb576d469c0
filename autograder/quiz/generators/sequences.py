"""Day 2, sequences: recurrent and embedding layers' parameters, windows of a time series."""
from __future__ import annotations

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw
from autograder.quiz.registry import register
from reference import shapes as ref_shapes

GATE_NAMES = {"SimpleRNN": "one set of weights", "LSTM": "4 gates (input, forget, cell, output)",
              "GRU": "3 gates (update, reset, candidate)"}


@register("recurrent-params", "SimpleRNN / LSTM / GRU / Embedding parameter count", "RNN",
          ("numeric", "multichoice"))
def recurrent_params(draw: Draw) -> Draft:
    kind = draw.choice(["SimpleRNN", "LSTM", "LSTM", "GRU", "Embedding"])
    if kind == "Embedding":
        words = draw.choice([1000, 5000, 10000, 20000])
        width = draw.choice([8, 16, 32, 64, 100, 128])
        length = draw.choice([80, 100, 200, 250, 500])
        key = words * width
        prompt = (f"IMDB reviews keep the {words:,} most frequent words and are padded to "
                  f"{length} words. How many parameters does layers.Embedding({words}, {width}) "
                  "have?")
        mistakes = mistakes_of((M.embedding_with_a_bias, words, width),
                               (M.embedding_per_position, words, width, length))
        return Draft(prompt=prompt,
                     params={"layer": kind, "input_dim": words, "output_dim": width, "length": length},
                     answer=key, mistakes=mistakes, minimum=1,
                     explanation=(f"One row of {width} numbers per word of the vocabulary: "
                                  f"{words} x {width} = {key}; no bias, and the review's length "
                                  "does not count."))
    units = draw.choice([4, 8, 16, 32, 50, 64, 100, 128])
    features = draw.choice([1, 1, 3, 8, 16, 32, 64, 100])
    steps = draw.choice([1, 3, 12, 50, 100, 500])
    use_bias = not draw.chance(0.1)
    key = ref_shapes.recurrent_params(kind, features, units, use_bias)
    layer = (kind, features, units, use_bias)
    extra = "" if use_bias else ", use_bias=False"
    prompt = (f"How many parameters does layers.{kind}({units}{extra}) have when its input is "
              f"a sequence of shape ({steps}, {features}) (time steps, features)?")
    mistakes = mistakes_of((M.forgot_the_gates, *layer), (M.forgot_the_recurrent_weights, *layer),
                           (M.forgot_the_recurrent_biases, *layer), (M.gru_with_one_bias, *layer),
                           (M.counted_every_time_step, *layer, True, steps))
    gates = ref_shapes.GATES[kind]
    biases = (2 if kind == "GRU" else 1) if use_bias else 0
    bias_words = {0: "no bias", 1: f"a bias vector of {units}", 2: f"two bias vectors of {units}"}
    explanation = (f"{GATE_NAMES[kind]}, each with a kernel ({features} x {units}), a recurrent "
                   f"kernel ({units} x {units}) and {bias_words[biases]}: "
                   f"{gates} x {units} x ({features} + {units} + {biases}) = {key}. The same "
                   "weights serve every time step.")
    return Draft(prompt=prompt,
                 params={"layer": kind, "units": units, "features": features, "steps": steps,
                         "use_bias": use_bias},
                 answer=key, explanation=explanation, mistakes=mistakes, minimum=1)


# (what, length) from the course's activities; None: a random length.
SERIES = (("monthly airline passengers of 1949-1960", 144),
          ("monthly airline passengers a notebook trains on (1949-1956)", 96),
          ("daily temperatures of a year", 365), ("hourly readings of a week", 168),
          ("a sensor's readings", None))


@register("series-windows", "Windows of a time series", "RNN", ("numeric", "multichoice"))
def series_windows(draw: Draw) -> Draft:
    what, length = draw.choice(SERIES)
    if length is None:
        length = draw.integer(40, 2000)
    look_back = draw.choice([1, 2, 3, 5, 6, 7, 12, 24, 30])
    key = ref_shapes.series_windows(length, look_back)
    prompt = (f"create_dataset(series, look_back={look_back}) turns the {length} values of {what} "
              "into (window, next value) pairs: "
              + (f"every run of {look_back} consecutive values" if look_back > 1 else "every value")
              + ", with the value that follows it as the target. How many pairs does it give?")
    mistakes = mistakes_of((M.dropped_the_last_window, length, look_back),
                           (M.one_window_too_many, length, look_back),
                           (M.non_overlapping_windows, length, look_back),
                           (M.counted_every_value, length, look_back))
    explanation = (f"A window may start at positions 0 to {length} - {look_back} - 1, so that a "
                   f"value follows it: {length} - {look_back} = {key} pairs.")
    return Draft(prompt=prompt, params={"length": length, "look_back": look_back}, answer=key,
                 explanation=explanation, mistakes=mistakes, minimum=1)
