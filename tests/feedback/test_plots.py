"""Charts: PNG data URIs, identical bytes for identical numbers."""
from __future__ import annotations

import base64
import io

import matplotlib.image

from autograder.feedback import plots


def decode(uri: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix):], validate=True)


def test_histogram_is_a_small_deterministic_png():
    a = plots.score_histogram([15, 3.33, 0, 0, 13], [0], 15)
    assert a == plots.score_histogram([15, 3.33, 0, 0, 13], [0], 15)
    assert a != plots.score_histogram([15, 15, 0, 0, 13], [0], 15)
    png = decode(a)
    assert len(png) < 60_000
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (260, 600)  # 6 x 2.6 inches at 100 dpi
    assert b"Software" not in png


def test_histogram_edge_cases():
    for graded, errors, top in (([], [], 0), ([], [0, 0], 15), ([0.5, 99.0], [], 100), ([2.5], [], 7.5)):
        assert decode(plots.score_histogram(graded, errors, top))


def test_difficulty_bars():
    uri = plots.difficulty_bars(["q1", "q2", "q3"], [1.0, 0.5, 0.0])
    assert uri == plots.difficulty_bars(["q1", "q2", "q3"], [1.0, 0.5, 0.0])
    assert decode(uri)
    assert decode(plots.difficulty_bars([], []))
