"""Max and average pooling of a small matrix."""
from __future__ import annotations

import numpy as np

from autograder.quiz import mistakes as M
from autograder.quiz.builder import Draft, mistakes_of
from autograder.quiz.model import Draw, Figure
from autograder.quiz.registry import register
from reference import conv as ref_conv
from reference import pooling as ref_pool


@register("pooling", "Max and average pooling", "CNN", ("matrix", "numeric"))
def pooling(draw: Draw) -> Draft:
    n = draw.integer(4, 6)
    op = draw.choice(["max", "avg"])
    pool = draw.choice([2, 2, 3])
    stride = draw.choice([None, None, 1, 2])
    padding = draw.choice(["valid", "valid", "same"])
    effective = pool if stride is None else stride
    if ref_conv.output_size(n, pool, effective, padding) < 2:
        padding = "same"
    if ref_conv.output_size(n, pool, effective, padding) < 2:
        stride, effective = 1, 1
    fn = ref_pool.max_pool if op == "max" else ref_pool.avg_pool
    for _ in range(10):  # an output of one repeated value is a poor question: redraw
        x = [[draw.integer(0, 9) for _ in range(n)] for _ in range(n)]
        key = fn(np.array(x), pool, stride, padding)
        if len(np.unique(key)) > 1:
            break
    layer = "MaxPooling2D" if op == "max" else "AveragePooling2D"
    what = "maximum" if op == "max" else "average"
    stride_text = (f"the default stride (the pool size, {pool})" if stride is None
                   else f"strides={stride}")
    prompt = (f"Apply {layer}(pool_size={pool}) ({what} pooling over {pool}x{pool} windows) with "
              f"{stride_text} and padding='{padding}' to the {n}x{n} matrix below. What is the output? "
              "Give averages to {DECIMALS} decimal places.")
    if op == "max":
        prompt = prompt.replace(" Give averages to {DECIMALS} decimal places.", "")
    args = (x, op, pool, stride, padding)
    mistakes = mistakes_of(
        (M.pooled_with_stride_1_map, *args), (M.used_max_instead_of_average, *args),
        (M.used_average_instead_of_max, *args), (M.averaged_over_the_padding, *args),
        (M.ignored_the_same_padding, *args), (M.summed_instead_of_averaging, *args))
    size = key.shape[0]
    how = ("the 'same' padding is not counted in the averages" if op == "avg" and padding == "same"
           else "")
    explanation = (f"The output is {size}x{size}: windows of {pool}x{pool} moving {effective} at a time"
                   f"{', ' + how if how else ''}; each entry is the {what} of its window.")
    return Draft(prompt=prompt,
                 params={"x": x, "op": op, "pool_size": pool, "stride": stride, "padding": padding},
                 answer=key, explanation=explanation, mistakes=mistakes, kinds=("matrix", "numeric"),
                 figures=(Figure("Input", matrix=x),), decimals=2)
