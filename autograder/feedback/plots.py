"""Small charts for the class report, as PNG data URIs (the report is one self-contained file).

Figures are built with matplotlib's object API and the Agg canvas, never
pyplot: no global state, no display needed. PNG metadata is dropped so the
same numbers give the same bytes.
"""
from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
GRADED = "#3566a8"
ERROR = "#9aa0a6"


def _data_uri(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bins(max_score: float) -> np.ndarray:
    # Whole-point bins for the usual small totals, ten bins otherwise.
    top = max(max_score, 1.0)
    if top <= 30 and float(top).is_integer():
        return np.arange(0, top + 2) - 0.5
    return np.linspace(0, top, 11)


def score_histogram(graded: list[float], errors: list[float], max_score: float) -> str:
    """Scores of the graded submissions, with the ungradable ones stacked in grey."""
    edges = _bins(max_score)
    g, _ = np.histogram(np.clip(graded, edges[0], edges[-1]), bins=edges)
    e, _ = np.histogram(np.clip(errors, edges[0], edges[-1]), bins=edges)
    centers = (edges[:-1] + edges[1:]) / 2
    width = (edges[1] - edges[0]) * 0.9
    fig = Figure(figsize=(6, 2.6))
    ax = fig.add_subplot()
    ax.bar(centers, g, width=width, color=GRADED, label="graded")
    if e.any():
        ax.bar(centers, e, width=width, bottom=g, color=ERROR, label="could not be graded")
        ax.legend(frameon=False, fontsize=8)
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _data_uri(fig)


def difficulty_bars(labels: list[str], fractions: list[float]) -> str:
    """Mean fraction of the points earned per question: short bars are the hard questions."""
    fig = Figure(figsize=(6, 0.45 * max(len(labels), 1) + 0.9))
    ax = fig.add_subplot()
    y = np.arange(len(labels))
    ax.barh(y, [100 * f for f in fractions], color=GRADED)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()  # first question on top, as in the notebook
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean % of the question's points")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _data_uri(fig)


def generated_points(sample: dict) -> str:
    """A generator's points (x, y) in red over real ones in grey: sample["generated"] and
    sample["real"], lists of [x, y]; sample["curve"] ("x**2") draws the curve itself."""
    fig = Figure(figsize=(5, 3.4))
    ax = fig.add_subplot()
    real = np.asarray(sample.get("real") or [], dtype=float).reshape(-1, 2)
    generated = np.asarray(sample.get("generated") or [], dtype=float).reshape(-1, 2)
    generated = generated[np.isfinite(generated).all(axis=1)]
    if sample.get("curve") == "x**2":
        x = np.linspace(-0.5, 0.5, 101)
        ax.plot(x, x ** 2, color=ERROR, linewidth=1, label="y = x²")
    ax.scatter(real[:, 0], real[:, 1], s=5, color=ERROR, alpha=0.5, label="real")
    ax.scatter(generated[:, 0], generated[:, 1], s=5, color="#c0392b", label="generated")
    low, high = sample.get("xlim") or (None, None)
    if low is not None and len(generated) and (generated[:, 0].min() < low or generated[:, 0].max() > high):
        ax.set_xlim(min(low, float(np.percentile(generated[:, 0], 1))),
                    max(high, float(np.percentile(generated[:, 0], 99))))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _data_uri(fig)


def generated_images(sample: dict) -> str:
    """A generator's greyscale images (sample["images"], a list of 2-D arrays in [0, 1]) in a
    grid, beside a grid of real ones (sample["real_images"]) when given."""
    grids = [("generated", sample.get("images") or [])]
    grids += [("real", sample["real_images"])] if sample.get("real_images") else []
    fig = Figure(figsize=(3.2 * len(grids), 3.4))
    for column, (title, images) in enumerate(grids):
        images = np.clip(np.nan_to_num(np.asarray(images, dtype=float)), 0, 1)
        if images.ndim != 3 or not len(images):
            raise ValueError("expected a list of 2-D images")
        side = int(np.ceil(np.sqrt(len(images))))
        h, w = images.shape[1:]
        canvas = np.ones((side * (h + 1) - 1, side * (w + 1) - 1))
        for i, image in enumerate(images):
            r, c = divmod(i, side)
            canvas[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = 1 - image
        ax = fig.add_subplot(1, len(grids), column + 1)
        ax.imshow(canvas, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return _data_uri(fig)
