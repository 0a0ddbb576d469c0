"""Activation function values and derivatives."""
from __future__ import annotations

import numpy as np

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw, format_number
from autograder.quiz.registry import register
from reference import activations as act

FORMULAS = {
    "sigmoid": ("g(x) = 1 / (1 + e^(-x))", "g'(x) = g(x) (1 - g(x))"),
    "tanh": ("g(x) = tanh(x)", "g'(x) = 1 - g(x)^2"),
    "relu": ("g(x) = max(0, x)", "g'(x) = 1 for x > 0, 0 for x < 0"),
    "leaky_relu": ("g(x) = x for x > 0, alpha * x otherwise", "g'(x) = 1 for x > 0, alpha otherwise"),
}


@register("activation", "Activation function values and derivatives", "ANN",
          ("numeric", "multichoice"))
def activation(draw: Draw) -> Draft:
    name = draw.choice(["sigmoid", "tanh", "relu", "leaky_relu", "softmax"])
    if name == "softmax":
        z = [draw.integer(-2, 3) for _ in range(3)]
        i = draw.integer(0, 2)
        key = float(act.softmax(np.array(z, dtype=float))[i])
        prompt = (f"A softmax output layer receives the logits z = {z}. What is its output for "
                  f"class {i} (counting from 0)? Give {{DECIMALS}} decimal places.")
        mistakes = mistakes_of((M.forgot_to_normalise, z, i), (M.normalised_without_exp, z, i),
                               (M.sigmoid_of_one_logit, z, i))
        return Draft(prompt=prompt, params={"function": name, "z": z, "index": i}, answer=key,
                     explanation=f"softmax(z)_i = e^z_i / sum_j e^z_j = {format_number(key, 4)}.",
                     mistakes=mistakes, decimals=3, minimum=0)
    derivative = draw.chance(0.5)
    alpha = 0.01
    if name in ("sigmoid", "tanh"):
        x = draw.integer(-10, 10) / 4
    elif name == "relu" and not derivative:
        x = -draw.integer(1, 10) / 2  # ReLU of a positive x is x itself: no mistake to model
    else:
        x = 0.0
        while x == 0:
            x = draw.integer(-10, 10) / 2
    if name == "leaky_relu":
        alpha = draw.choice([0.01, 0.01, 0.1, 0.3])
    fn, dfn = act.ACTIVATIONS[name]
    kw = {"alpha": alpha} if name == "leaky_relu" else {}
    value = float(fn(x, **kw))
    key = float(dfn(x, **kw)) if derivative else value
    x_text = format_number(x, 2)
    label = {"sigmoid": "the sigmoid", "tanh": "tanh", "relu": "ReLU",
             "leaky_relu": f"leaky ReLU with alpha = {alpha}"}[name]
    if derivative:
        prompt = (f"What is the derivative of {label} at x = {x_text}, i.e. dg/dx evaluated at "
                  "x? Give {DECIMALS} decimal places.")
    else:
        prompt = f"What is {label} of x = {x_text}? Give {{DECIMALS}} decimal places."
    if name == "sigmoid":
        pairs = ([(M.sigmoid_formula_on_x, x), (M.gave_the_activation, value),
                  (M.used_tanh_derivative_formula, x)] if derivative else
                 [(M.used_tanh_instead_of_sigmoid, x), (M.dropped_the_minus_in_the_exponent, x)])
    elif name == "tanh":
        pairs = ([(M.tanh_formula_on_x, x), (M.gave_the_activation, value), (M.forgot_to_square, x),
                  (M.used_sigmoid_derivative_formula, x)] if derivative else
                 [(M.used_sigmoid_instead_of_tanh, x)])
    elif name == "relu":
        pairs = ([(M.slope_one_everywhere, x), (M.gave_the_activation, value)] if derivative else
                 [(M.let_negative_through, x)])
    else:
        pairs = [(M.forgot_the_alpha, x, derivative), (M.used_alpha_for_positive, x, alpha, derivative),
                 (M.used_tensorflow_default_alpha, x, alpha, derivative)]
        pairs += [(M.gave_the_activation, value)] if derivative else [(M.let_negative_through, x)]
    formula = FORMULAS[name][1 if derivative else 0]
    return Draft(prompt=prompt,
                 params={"function": name, "x": x, "derivative": derivative,
                         **({"alpha": alpha} if name == "leaky_relu" else {})},
                 answer=key, explanation=f"{formula}; at x = {x_text} this is {format_number(key, 4)}.",
                 mistakes=mistakes_of(*pairs), decimals=3, minimum=None)
