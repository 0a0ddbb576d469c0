"""Loss values for given predictions: BCE, CCE, MSE, MAE (and RMSE, the course's metric)."""
from __future__ import annotations

import numpy as np

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw, format_number
from autograder.quiz.registry import register
from reference import losses as ref_losses

# Predicted class distributions with one decimal (rows of a softmax output).
DISTRIBUTIONS = ((0.7, 0.2, 0.1), (0.5, 0.3, 0.2), (0.6, 0.3, 0.1), (0.4, 0.4, 0.2),
                 (0.8, 0.1, 0.1), (0.5, 0.4, 0.1), (0.3, 0.3, 0.4), (0.6, 0.2, 0.2),
                 (0.9, 0.05, 0.05), (0.4, 0.35, 0.25))
OFFSETS = (-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3)


def _nums(values) -> str:
    return "[" + ", ".join(format_number(v, 2) for v in values) + "]"


@register("loss", "Loss values for given predictions", "ANN", ("numeric", "multichoice"))
def loss(draw: Draw) -> Draft:
    name = draw.choice(["binary_crossentropy", "categorical_crossentropy", "mse", "mae", "rmse"])
    tail = " Give {DECIMALS} decimal places (natural logarithms)."
    if name == "binary_crossentropy":
        n = draw.integer(1, 4)
        y = [draw.integer(0, 1) for _ in range(n)]
        p = [draw.integer(1, 19) / 20 for _ in range(n)]
        key = float(ref_losses.binary_crossentropy(np.array(y, dtype=float), np.array(p)))
        prompt = (f"A binary classifier (sigmoid output) predicts p = {_nums(p)} for samples with "
                  f"labels y = {y}. What is the binary cross-entropy loss, as Keras reports it "
                  f"(the mean over the samples)?{tail}")
        mistakes = mistakes_of((M.used_log10_bce, y, p), (M.forgot_the_minus_sign, key),
                               (M.only_the_positive_term, y, p), (M.swapped_p_and_one_minus_p, y, p),
                               (M.summed_instead_of_mean, key, n))
        explanation = f"-mean(y ln p + (1 - y) ln(1 - p)) = {format_number(key, 4)}."
        params = {"loss": name, "y_true": y, "y_pred": p}
    elif name == "categorical_crossentropy":
        n = draw.integer(1, 2)
        rows = [list(draw.shuffled(draw.choice(DISTRIBUTIONS))) for _ in range(n)]
        labels = [draw.integer(0, 2) for _ in range(n)]
        y = [[1 if c == label else 0 for c in range(3)] for label in labels]
        key = float(ref_losses.categorical_crossentropy(np.array(y, dtype=float), np.array(rows)))
        shown = "; ".join(_nums(r) for r in rows)
        prompt = (f"A 3-class softmax classifier predicts {shown} for {n} sample"
                  f"{'s' if n > 1 else ''} whose one-hot labels are {y}. What is the categorical "
                  f"cross-entropy loss, as Keras reports it (the mean over the samples)?{tail}")
        mistakes = mistakes_of((M.used_log10_cce, y, rows), (M.forgot_the_minus_sign, key),
                               (M.used_the_predicted_class, y, rows),
                               (M.used_binary_crossentropy, y, rows),
                               (M.summed_instead_of_mean, key, n))
        explanation = (f"-mean over samples of ln(p of the true class) = {format_number(key, 4)}.")
        params = {"loss": name, "y_true": y, "y_pred": rows}
    else:
        n = draw.integer(2, 4)
        y = [draw.integer(1, 9) for _ in range(n)]
        y_hat = [v + draw.choice(OFFSETS) for v in y]
        yt, yp = np.array(y, dtype=float), np.array(y_hat, dtype=float)
        fn = {"mse": ref_losses.mse, "mae": ref_losses.mae, "rmse": ref_losses.rmse}[name]
        key = float(fn(yt, yp))
        mse_value = float(ref_losses.mse(yt, yp))
        mae_value = float(ref_losses.mae(yt, yp))
        long = {"mse": "mean squared error (MSE)", "mae": "mean absolute error (MAE)",
                "rmse": "root mean squared error (RMSE)"}[name]
        prompt = (f"A regression model predicts {_nums(y_hat)} for targets {y}. What is the {long}? "
                  "Give {DECIMALS} decimal places.")
        if name == "mse":
            pairs = [(M.forgot_to_square_errors, y, y_hat), (M.took_the_square_root, mse_value),
                     (M.forgot_to_average, y, y_hat, 2), (M.used_absolute_errors, mae_value),
                     (M.squared_the_mean_error, y, y_hat)]
            explanation = f"mean((y - y_hat)^2) = {format_number(key, 4)}."
        elif name == "mae":
            pairs = [(M.forgot_the_absolute_value, y, y_hat), (M.squared_the_errors, mse_value),
                     (M.forgot_to_average, y, y_hat, 1)]
            explanation = f"mean(|y - y_hat|) = {format_number(key, 4)}."
        else:
            pairs = [(M.forgot_the_square_root, mse_value), (M.used_absolute_errors, mae_value),
                     (M.summed_before_the_root, y, y_hat)]
            explanation = f"sqrt(mean((y - y_hat)^2)) = {format_number(key, 4)}."
        mistakes = mistakes_of(*pairs)
        params = {"loss": name, "y_true": y, "y_pred": y_hat}
    return Draft(prompt=prompt, params=params, answer=key, explanation=explanation,
                 mistakes=mistakes, decimals=3, minimum=0)
