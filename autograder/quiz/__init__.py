"""Randomised quiz items whose answer keys come from the reference implementations.

    from autograder.quiz import generate_quiz, export
    items = generate_quiz(["conv2d-params", "pooling"], count=3, quiz_seed=42)
    data = export(items, "moodle", quiz_seed=42)          # bytes

See model.py (items, seeds, validation), builder.py (tolerances, distractors),
generators/ (one module per family group), mistakes.py (the modelled mistakes) and exporters/.
"""
from autograder.quiz.model import GENERATOR_VERSION, Item, Option, check_item, validate_item
from autograder.quiz.registry import (
    DAY_PRESETS,
    families,
    generate_item,
    generate_quiz,
    get_family,
    parse_families,
)


def export(items, fmt: str, **kwargs) -> bytes:
    from autograder.quiz.exporters import export as _export
    return _export(items, fmt, **kwargs)


__all__ = ["GENERATOR_VERSION", "Item", "Option", "check_item", "validate_item", "DAY_PRESETS",
           "families", "generate_item", "generate_quiz", "get_family", "parse_families", "export"]
