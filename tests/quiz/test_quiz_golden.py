"""Golden files: a few seeds per family, in every format, pinned under tests/quiz/golden/.

A diff means a generator, a mistake, the assembly or an exporter changed what
instructors get for the same seed. If the change is intended, bump
GENERATOR_VERSION in autograder/quiz/model.py when the items themselves change
(so stored quizzes are not silently different), then regenerate:

    DLGRADE_UPDATE_GOLDEN=1 TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -m pytest tests/quiz/test_quiz_golden.py

and review the diff of tests/quiz/golden/ before committing.

JSON is compared structurally with floats to 1e-9 (the exact reference floats may
differ in the last bit across numpy builds); the other formats, whose numbers
are rounded for display, are compared byte for byte. For QTI the assessment XML
inside the zip is pinned (deflate output may differ between zlib builds; zip
determinism is tested in test_quiz_exporters).
"""
import io
import json
import math
import os
import zipfile
from pathlib import Path

import pytest

from autograder.quiz import export, families, generate_item

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DLGRADE_UPDATE_GOLDEN") == "1"
SEEDS = (1, 2)
VARIANTS = (0, 1)
FORMATS = {"json": ".json", "gift": ".gift.txt", "moodle": ".moodle.xml", "qti": ".qti.xml",
           "html": ".html"}


def _items(family):
    return [generate_item(family, v, seed) for seed in SEEDS for v in VARIANTS]


def _render(items, fmt) -> bytes:
    data = export(items, fmt, quiz_seed=SEEDS[0], title="golden")
    if fmt == "qti":
        zf = zipfile.ZipFile(io.BytesIO(data))
        (name,) = [n for n in zf.namelist() if n != "imsmanifest.xml"]
        return zf.read(name)
    return data


def _close(a, b, path="$"):
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), path
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {a} != {b}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("family", sorted(families()))
def test_golden(family, fmt):
    path = GOLDEN / f"{family}{FORMATS[fmt]}"
    actual = _render(_items(family), fmt)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"missing {path}; regenerate with DLGRADE_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if fmt == "json":
        _close(json.loads(actual), json.loads(expected))
    else:
        assert actual.decode("utf-8") == expected.decode("utf-8"), (
            f"{path.name} changed; if intended, regenerate (see this module's docstring)")


def test_no_stale_golden_files():
    expected = {f"{family}{ext}" for family in families() for ext in FORMATS.values()}
    present = {p.name for p in GOLDEN.iterdir()} if GOLDEN.exists() else set()
    assert present <= expected, f"stale golden files: {sorted(present - expected)}"
