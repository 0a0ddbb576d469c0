"""JSON: the authoritative stored form (parameters, answer, options, seeds)."""
from __future__ import annotations

import json

from autograder.quiz.model import FORMAT_NAME, GENERATOR_VERSION, Item


def quiz_document(items, title: str, quiz_seed) -> dict:
    return {"format": FORMAT_NAME, "generator_version": GENERATOR_VERSION, "title": title,
            "quiz_seed": quiz_seed, "items": [item.to_json() for item in items]}


def export_json(items, *, title: str, quiz_seed) -> bytes:
    text = json.dumps(quiz_document(items, title, quiz_seed), indent=2, sort_keys=True,
                      ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def load_json(data: bytes | str) -> list[Item]:
    """Items back from export_json's output."""
    doc = json.loads(data)
    if doc.get("format") != FORMAT_NAME:
        raise ValueError(f"not a {FORMAT_NAME} JSON document")
    return [Item.from_json(d) for d in doc["items"]]
