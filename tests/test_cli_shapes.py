"""`dlgrade shapes` through the real dispatcher (autograder.cli.main)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cli import main
from reference.architectures import ARCHITECTURES
from reference.shapes import summarize

MNIST = ARCHITECTURES["mnist_cnn"]


def write_spec(tmp_path: Path, spec, name="spec.json") -> str:
    path = tmp_path / name
    path.write_text(spec if isinstance(spec, str) else json.dumps(spec))
    return str(path)


def test_table_shows_layers_and_totals(tmp_path, capsys):
    path = write_spec(tmp_path, MNIST.spec())
    assert main(["shapes", path]) == 0
    out = capsys.readouterr().out
    assert "Total params: 62,430" in out
    assert "Trainable params: 62,430" in out
    assert "Non-trainable params: 0" in out
    for header in ("#", "layer", "output shape", "activation size", "params"):
        assert header in out
    lines = out.splitlines()
    conv2 = next(line for line in lines if line.split()[:2] == ["3", "Conv2D"])
    assert "(10, 10, 16)" in conv2 and conv2.split()[-2:] == ["1,600", "3,216"]
    dense = next(line for line in lines if line.split()[:2] == ["6", "Dense"])
    assert "(120,)" in dense and dense.endswith("48,120")


def test_table_shows_non_trainable(tmp_path, capsys):
    alexnet = ARCHITECTURES["alexnet_cifar10"]
    assert main(["shapes", write_spec(tmp_path, alexnet.spec())]) == 0
    out = capsys.readouterr().out
    assert "Total params: 8,492,810" in out
    assert "Trainable params: 8,491,594" in out
    assert "Non-trainable params: 1,216" in out


def test_json_equals_to_dict(tmp_path, capsys):
    spec = ARCHITECTURES["lenet5_cifar10"].spec()
    assert main(["shapes", write_spec(tmp_path, spec), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == summarize(spec["input_shape"], spec["layers"]).to_dict()
    assert printed["total_params"] == 83_126


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "invalid JSON"),
    ("", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (json.dumps({"layers": []}), "missing key 'input_shape'"),
    (json.dumps({"input_shape": [4]}), "missing key 'layers'"),
    (json.dumps({"input_shape": [4], "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 3}]}),
     "layer 1 Conv2D: expects a 3-D input"),
    (json.dumps({"input_shape": [0], "layers": []}), "input_shape must be"),
    (json.dumps({"input_shape": [8, 8, 1], "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 3,
                                                      "padding": "full"}]}),
     "layer 1 Conv2D: unknown padding 'full' (use 'valid' or 'same')"),
])
def test_bad_spec_is_a_clean_error(tmp_path, capsys, text, fragment):
    path = write_spec(tmp_path, text)
    assert main(["shapes", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("dlgrade shapes: error: ")
    assert path in captured.err and fragment in captured.err
    assert "Traceback" not in captured.err and len(captured.err.strip().splitlines()) == 1


def test_missing_file_and_directory(tmp_path, capsys):
    assert main(["shapes", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err
    assert main(["shapes", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_course_lists_every_architecture_mnist_first(capsys):
    assert main(["shapes", "--course"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(f"[{name}]") for name in ARCHITECTURES]
    assert positions == sorted(positions) and list(ARCHITECTURES)[0] == "mnist_cnn"
    for arch in ARCHITECTURES.values():
        assert f"matches the course: {arch.expected_total:,} params" in out
    assert "6 of 6 architectures match the course." in out
    assert "VGG16 base (include_top=False): 14,714,688 params, output (6, 6, 512)" in out


def test_course_reports_a_mismatch(monkeypatch, capsys):
    import dataclasses

    from autograder.commands import shapes

    wrong = dataclasses.replace(MNIST, expected_total=62_431)
    monkeypatch.setattr(shapes, "ARCHITECTURES", {"mnist_cnn": wrong})
    assert main(["shapes", "--course"]) == 1
    out = capsys.readouterr().out
    assert "DOES NOT MATCH the course: total params 62,430 vs the course's 62,431" in out


def test_no_spec_is_a_clean_error(capsys):
    assert main(["shapes"]) == 2
    assert "SPEC.json" in capsys.readouterr().err


def test_calculator_imports_no_tensorflow():
    code = ("import sys; from autograder.cli import main; rc = main(['shapes', '--course']); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr


def test_rich_table_on_a_terminal(monkeypatch):
    pytest.importorskip("rich")
    import io

    from autograder.commands.shapes import render

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    buffer = Terminal()
    render(summarize(MNIST.input_shape, MNIST.layers), title="MNIST", file=buffer)
    out = buffer.getvalue()
    assert "Total params: 62,430" in out and "48,120" in out and "MaxPooling2D" in out
    assert "┃" in out or "|" in out  # a rich box, not the plain layout
