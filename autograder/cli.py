"""The `dlgrade` command: one subcommand per module, each exposing add_parser/run."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Each module defines `add_parser(subparsers)` which registers its subcommand and
# sets `func` (callable taking the parsed args, returning an exit code).
COMMAND_MODULES = (
    "autograder.commands.build",
    "autograder.commands.release",
    "autograder.commands.grade",
    "autograder.commands.calibrate",
    "autograder.commands.data",
    "autograder.commands.validate",
    "autograder.commands.new",
    "autograder.commands.shapes",
    "autograder.commands.demo",
    "autograder.commands.export",
    "autograder.commands.feedback",
    "autograder.quiz.command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlgrade",
        description="Grade deep-learning notebook assignments against trusted references.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not a not-yet-built command
                raise
            continue
        module.add_parser(subparsers)
    return parser


# The commands that run Keras in this process (the others leave it to grading workers,
# which import it quietly themselves, or do not need it).
TENSORFLOW_COMMANDS = frozenset({"validate", "calibrate", "demo", "data"})


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.command in TENSORFLOW_COMMANDS:
        from autograder.quiet import import_tensorflow

        import_tensorflow()
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as exc:
        print(f"dlgrade {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
