"""`dlgrade shapes SPEC.json [--json]`: Keras-style shape / activation / parameter table.
`dlgrade shapes --course`: the table of every course architecture, checked against the
parameter counts the course publishes (pure Python: no TensorFlow import).

SPEC.json is {"input_shape": [28, 28, 1], "layers": [{"type": "Conv2D", ...}, ...]}
(see reference.shapes for the layer dict format). Without --json it prints a
table like Keras's model.summary(); with --json it prints Summary.to_dict().
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any, TextIO

from reference.architectures import ARCHITECTURES, Architecture
from reference.shapes import Summary, summarize


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "shapes",
        help="output shapes, activation sizes and parameter counts of a layer stack (Keras rules)",
        description="Print each layer's output shape, activation size and parameters, as Keras "
                    "model.summary() would, for the stack described in SPEC.json: "
                    '{"input_shape": [28, 28, 1], "layers": [{"type": "Conv2D", "filters": 8, '
                    '"kernel_size": 3, "padding": "same"}, ...]}.',
    )
    parser.add_argument("spec", metavar="SPEC.json", nargs="?", help="the model description (JSON)")
    parser.add_argument("--course", action="store_true",
                        help="check every course architecture against the course's published numbers")
    parser.add_argument("--json", action="store_true", dest="as_json",
                        help="print the summary as JSON instead of a table")
    parser.set_defaults(func=run)


def load_spec(path: str) -> tuple[Any, Any]:
    """Read SPEC.json and return (input_shape, layers); ValueError with the file name if malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{path}: expected a JSON object with 'input_shape' and 'layers'")
    missing = [key for key in ("input_shape", "layers") if key not in spec]
    if missing:
        raise ValueError(f"{path}: missing key {missing[0]!r} (expected 'input_shape' and 'layers')")
    return spec["input_shape"], spec["layers"]


def verdicts(arch: Architecture, summary: Summary) -> list[str]:
    """Mismatches between the calculator and the course's published numbers (empty if all agree)."""
    problems = []
    for what, got, want in (("total", summary.total_params, arch.expected_total),
                            ("trainable", summary.trainable_params, arch.expected_trainable),
                            ("non-trainable", summary.non_trainable_params, arch.expected_non_trainable)):
        if got != want:
            problems.append(f"{what} params {got:,} vs the course's {want:,}")
    for point in arch.checkpoints:
        params = sum(layer.params for layer in summary.layers[:point.layer])
        shape = summary.layers[point.layer - 1].output_shape
        if (params, shape) != (point.params, point.output_shape):
            problems.append(f"{point.label}: {params:,} params, output {shape} "
                            f"vs the course's {point.params:,}, {point.output_shape}")
    return problems


def check_course() -> int:
    failures = 0
    for arch in ARCHITECTURES.values():
        summary = summarize(arch.input_shape, arch.layers)
        render(summary, title=f"{arch.title}  [{arch.name}]")
        problems = verdicts(arch, summary)
        if problems:
            failures += 1
            print("DOES NOT MATCH the course: " + "; ".join(problems))
        else:
            extra = "".join(f"; {p.label}: {p.params:,} params, output {p.output_shape}" for p in arch.checkpoints)
            print(f"matches the course: {arch.expected_total:,} params (trainable {arch.expected_trainable:,}, "
                  f"non-trainable {arch.expected_non_trainable:,}){extra}")
        print()
    print(f"{len(ARCHITECTURES) - failures} of {len(ARCHITECTURES)} architectures match the course.")
    return 1 if failures else 0


def run(args: argparse.Namespace) -> int:
    if args.course:
        return check_course()
    if args.spec is None:
        raise ValueError("give SPEC.json, or --course for the course's architectures")
    input_shape, layers = load_spec(args.spec)
    try:
        summary = summarize(input_shape, layers)
    except ValueError as exc:
        raise ValueError(f"{args.spec}: {exc}") from None
    if args.as_json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        render(summary)
    return 0


# --------------------------------------------------------------------------- rendering

_HEADERS = ("#", "layer", "output shape", "activation size", "params")


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def table_rows(summary: Summary) -> list[tuple[str, ...]]:
    """One row per layer, after a row 0 for the input; numbers with thousands separators."""
    rows = [("0", "Input", _shape(summary.input_shape), f"{math.prod(summary.input_shape):,}", "0")]
    for layer in summary.layers:
        rows.append((str(layer.index), layer.type, _shape(layer.output_shape),
                     f"{layer.activation_size:,}", f"{layer.params:,}"))
    return rows


def totals_lines(summary: Summary) -> list[str]:
    return [f"Total params: {summary.total_params:,}",
            f"Trainable params: {summary.trainable_params:,}",
            f"Non-trainable params: {summary.non_trainable_params:,}"]


def format_table(summary: Summary) -> str:
    """The summary as plain aligned text (used when stdout is not a terminal)."""
    rows = [_HEADERS, *table_rows(summary)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
    right = (True, False, False, True, True)  # numbers right-aligned, names left

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(row, widths, right)).rstrip()

    rule = "-" * len(line(_HEADERS))
    return "\n".join([line(_HEADERS), rule, *map(line, rows[1:]), rule, *totals_lines(summary)])


def render(summary: Summary, title: str | None = None, file: TextIO | None = None) -> None:
    """Print the summary: a rich table on a terminal (if rich is installed), plain text otherwise."""
    file = file or sys.stdout
    if file.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            pass
        else:
            table = Table(title=title, title_justify="left")
            for header, numeric in zip(_HEADERS, (True, False, False, True, True)):
                table.add_column(header, justify="right" if numeric else "left")
            for row in table_rows(summary):
                table.add_row(*row)
            console = Console(file=file)
            console.print(table)
            for text in totals_lines(summary):
                console.print(text, highlight=False)
            return
    if title:
        print(title, file=file)
    print(format_table(summary), file=file)
