"""`dlgrade quiz`: formats, presets, byte-identical output for the same seed, clear errors."""
import argparse
import json
import zipfile

import pytest

from autograder.quiz import command


def _run(argv):
    parser = argparse.ArgumentParser(prog="dlgrade")
    command.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["quiz", *argv])
    return args.func(args)


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "html", "json"])
def test_same_seed_gives_byte_identical_files(tmp_path, fmt):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    families = "conv-output-size,conv2d-params,pooling,transfer-learning"
    assert _run(["--families", families, "--count", "2", "--seed", "42", "--format", fmt, "-o", str(a)]) == 0
    assert _run(["--families", families, "--count", "2", "--seed", "42", "--format", fmt, "-o", str(b)]) == 0
    assert _run(["--families", families, "--count", "2", "--seed", "43", "--format", fmt, "-o", str(c)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("day", [1, 2])
def test_day_presets_in_every_format(tmp_path, day):
    from autograder.quiz.registry import DAY_PRESETS
    out = tmp_path / "day.json"
    assert _run(["--day", str(day), "--count", "2", "--seed", "1", "--format", "json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert [i["family"] for i in doc["items"]] == [f for f in DAY_PRESETS[day] for _ in range(2)]
    for fmt in ("moodle", "gift", "html"):
        assert _run(["--day", str(day), "--seed", "1", "--format", fmt, "-o", str(tmp_path / fmt)]) == 0
    zpath = tmp_path / "day.zip"
    assert _run(["--day", str(day), "--seed", "1", "--format", "qti", "-o", str(zpath)]) == 0
    assert "imsmanifest.xml" in zipfile.ZipFile(zpath).namelist()


def test_stdout_and_list(capsysbinary):
    assert _run(["--families", "loss", "--format", "gift"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.startswith("// dlgrade quiz (seed 0)") and "::loss-v0-s0::" in out
    assert _run(["--list"]) == 0
    listing = capsysbinary.readouterr().out.decode()
    assert "conv2d-params" in listing and "--day 1:" in listing


@pytest.mark.parametrize("argv,message", [
    (["--families", "conv2d-params,nope"], "unknown quiz family 'nope'; known families: "),
    (["--families", "loss", "--format", "docx"], "unknown quiz format 'docx'"),
    (["--day", "3"], "unknown day 3"),
    (["--families", "loss", "--day", "1"], "either --families or --day"),
    ([], "give --families"),
    (["--families", "loss", "--format", "qti"], "give -o FILE.zip"),
    (["--families", "loss", "--count", "0"], "at least 1"),
])
def test_bad_arguments_are_value_errors(argv, message):
    with pytest.raises(ValueError, match=message):
        _run(argv)


def test_the_dlgrade_dispatcher_reports_errors_with_exit_2(capsys, tmp_path):
    from autograder.cli import main
    assert main(["quiz", "--families", "nope"]) == 2
    assert "unknown quiz family 'nope'" in capsys.readouterr().err
    out = tmp_path / "q.xml"
    assert main(["quiz", "--families", "dense-params", "--seed", "3", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
