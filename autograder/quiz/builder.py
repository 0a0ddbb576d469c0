"""From a family's draft (parameters, key, mistake values) to a sound `Item`.

A family generator returns a `Draft`: the prompt, the parameters, the key (from
`reference/`), and the values its mistake functions produce. `assemble` then
decides what is shown:

- floats get the fewest decimals (from the family's base up to MAX_DECIMALS)
  for which every mistake is `separated` from the key under the tolerance
  10**-decimals; a mistake closer than that even at MAX_DECIMALS coincides with
  the key and is dropped (recorded in `Item.dropped`);
- mistakes giving the same displayed value are merged into one option whose
  feedback names both;
- multiple choice keeps up to n_options - 1 distractors and tops up with
  fallback distractors at least a minimum gap from every other option;
- matrices pick the LMS cell where the most mistakes are visible.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from autograder.quiz.model import (
    MAX_DECIMALS,
    Draw,
    Figure,
    Item,
    Option,
    canonical,
    check_item,
    format_number,
    format_value,
    is_matrix,
    is_number,
    matrix_cell,
    rounded,
    separated,
)

FALLBACK = "fallback"


@dataclass(frozen=True)
class Mistake:
    """A wrong answer produced by a named mistake function."""
    name: str
    value: Any
    feedback: str


@dataclass
class Draft:
    prompt: str
    params: dict
    answer: Any
    explanation: str
    mistakes: list[Mistake] = field(default_factory=list)
    kinds: tuple[str, ...] = ("numeric", "multichoice")
    figures: tuple[Figure, ...] = ()
    decimals: int = 0            # base display decimals for float answers
    minimum: float | None = 0    # smallest sensible fallback distractor (None: unbounded)
    # The largest answer that is plausible on its face (None: unbounded): a mistake above it
    # is not offered, nor is a fallback (30,000,000 steps for one epoch of 60,000 images).
    maximum: float | None = None
    n_options: int = 4
    # For non-numeric answers (strings): fallback(draw, key, taken_texts) -> (text, feedback)
    fallback: Callable[[Draw, Any, set], tuple[str, str]] | None = None


def make_mistake(fn: Callable, *args, **kwargs) -> Mistake | None:
    """Run a mistake function; None when it does not apply (it returned None)."""
    value = fn(*args, **kwargs)
    if value is None:
        return None
    return Mistake(fn.__name__, canonical(value), fn.label)


def mistakes_of(*pairs) -> list[Mistake]:
    """[(fn, args...), ...] -> the Mistakes that apply."""
    out = []
    for fn, *args in pairs:
        m = make_mistake(fn, *args)
        if m is not None:
            out.append(m)
    return out


def _numeric_value(value):
    """Integral floats from a mistake of an integer family become ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def choose_decimals(key_values: list, mistake_values: list[list], base: int) -> tuple[int, set[int]]:
    """Fewest decimals >= base keeping mistakes apart from the key, and the mistakes that coincide.

    key_values: the key's numbers (one, or a matrix's cells); mistake_values[i] the
    i-th mistake's numbers at the same positions (None where it has no such cell).
    A mistake coincides when it is not separated at MAX_DECIMALS at any position.
    """
    if all(isinstance(v, int) for v in key_values) and all(
            isinstance(v, int) for vals in mistake_values for v in vals if v is not None):
        return 0, set()

    def fine(d: int, vals) -> bool:
        tol = 10.0 ** -d
        return all(v is None or v == k or separated(v, k, tol, d) for v, k in zip(vals, key_values))

    def coincides(vals) -> bool:
        tol = 10.0 ** -MAX_DECIMALS
        return all(v is None or not separated(v, k, tol, MAX_DECIMALS)
                   for v, k in zip(vals, key_values))

    coincident = {i for i, vals in enumerate(mistake_values) if coincides(vals)}
    for d in range(base, MAX_DECIMALS + 1):
        if all(fine(d, vals) or i in coincident for i, vals in enumerate(mistake_values)):
            break
    # Positions where even MAX_DECIMALS cannot separate a value are dealt with per cell.
    return d, coincident


def _merge(options: list[Option], opt: Option, tol: float, decimals: int) -> None:
    """Append opt, or merge it into an option with the same displayed value."""
    for i, other in enumerate(options):
        same = (other.text == opt.text if not (is_number(other.value) and is_number(opt.value))
                else not separated(opt.value, other.value, tol, decimals))
        if same:
            if other.correct:
                return
            options[i] = dataclasses.replace(
                other, feedback=f"{other.feedback} Or: {opt.feedback}",
                mistakes=other.mistakes + opt.mistakes)
            return
    options.append(opt)


def fallback_numbers(draw: Draw, key, taken: list, decimals: int, minimum, count: int,
                     maximum=None) -> list:
    """`count` plausible wrong numbers, each at least a minimum gap from the key and each other,
    within [minimum, maximum] where given."""
    if isinstance(key, int):
        gap = max(1, round(abs(key) * 0.1))
    else:
        gap = max(abs(key) * 0.2, 10.0 ** (1 - decimals), 0.1)
        gap = float(format_number(gap, decimals))  # displayable
    chosen: list = []
    candidates = [key + s * k * gap for k in range(1, 40) for s in (1, -1)]
    pool = draw.shuffled(candidates[:8]) + candidates[8:]
    for c in pool:
        if len(chosen) == count:
            break
        c = rounded(c, decimals) if not isinstance(key, int) else int(c)
        if (minimum is not None and c < minimum) or (maximum is not None and c > maximum):
            continue
        others = [key] + taken + chosen
        if all(abs(c - o) >= gap * 0.999 for o in others):
            chosen.append(c)
    if len(chosen) < count:
        raise ValueError(f"could not find {count} fallback distractors for {key}")
    return chosen


def assemble(family: str, variant: int, quiz_seed: int, seed: int, draw: Draw, draft: Draft,
             kind: str | None = None) -> Item:
    """Build and check the item; `kind` forces one of the draft's kinds."""
    if kind is None:
        kind = draw.choice(draft.kinds) if len(draft.kinds) > 1 else draft.kinds[0]
    elif kind not in draft.kinds:
        raise ValueError(f"family {family!r} makes {', '.join(draft.kinds)} items, not {kind!r}")
    answer = canonical(draft.answer)
    base = dict(family=family, variant=variant, quiz_seed=quiz_seed, seed=seed,
                prompt=draft.prompt, params=canonical(draft.params),
                explanation=draft.explanation, figures=tuple(draft.figures))
    if is_matrix(answer):
        item = _assemble_matrix(draw, draft, answer, base, as_cell=(kind == "numeric"))
    elif is_number(answer):
        item = _assemble_number(draw, draft, _numeric_value(answer) if isinstance(answer, int)
                                else answer, kind, base)
    else:
        if kind != "multichoice":
            raise ValueError(f"family {family!r}: a text answer needs a multichoice item")
        item = _assemble_text(draw, draft, str(answer), base)
    if "{DECIMALS}" in item.prompt:
        item = dataclasses.replace(item, prompt=item.prompt.replace("{DECIMALS}", str(item.decimals)))
    return check_item(item)


def _key_feedback(draft: Draft) -> str:
    return f"Correct. {draft.explanation}".strip()


def _assemble_number(draw: Draw, draft: Draft, key, kind: str, base: dict) -> Item:
    is_int = isinstance(key, int)
    mistakes = [dataclasses.replace(m, value=_numeric_value(m.value) if is_int else float(m.value))
                for m in draft.mistakes]
    if is_int:
        decimals, coincident = 0, set()
        tol = 0  # a non-integer mistake of an integer family cannot be shown: dropped below
    else:
        key = float(key)
        decimals, coincident = choose_decimals([key], [[m.value] for m in mistakes], draft.decimals)
        tol = 10.0 ** -decimals
    options = [Option(format_number(key, decimals), key, True, _key_feedback(draft))]
    dropped = []
    for i, m in enumerate(mistakes):
        if (i in coincident or (is_int and not isinstance(m.value, int))
                or not separated(m.value, key, tol, decimals)
                or (draft.maximum is not None and m.value > draft.maximum)):
            dropped.append(m.name)
            continue
        _merge(options, Option(format_number(m.value, decimals), m.value, False, m.feedback,
                               (m.name,)), tol, decimals)
    if kind == "multichoice":
        distractors = options[1:]
        if len(distractors) > draft.n_options - 1:
            distractors = draw.sample(distractors, draft.n_options - 1)
            distractors.sort(key=lambda o: options.index(o))
        missing = draft.n_options - 1 - len(distractors)
        if missing:
            values = fallback_numbers(draw, key, [o.value for o in distractors], decimals,
                                      draft.minimum, missing, draft.maximum)
            for v in values:
                distractors.append(Option(format_number(v, decimals), v, False,
                                          f"Not one of the usual mistakes. {draft.explanation}",
                                          (FALLBACK,)))
        options = [options[0]] + distractors
        return Item(kind="multichoice", answer=key, tolerance=0, decimals=decimals,
                    options=tuple(options), dropped=tuple(dropped), **base)
    return Item(kind="numeric", answer=key, tolerance=tol, decimals=decimals,
                options=tuple(options), dropped=tuple(dropped), **base)


def _assemble_text(draw: Draw, draft: Draft, key: str, base: dict) -> Item:
    options = [Option(key, key, True, _key_feedback(draft))]
    dropped = []
    for m in draft.mistakes:
        text = str(m.value)
        if text == key:
            dropped.append(m.name)
            continue
        _merge(options, Option(text, text, False, m.feedback, (m.name,)), 0, 0)
    distractors = options[1:]
    if len(distractors) > draft.n_options - 1:
        distractors = draw.sample(distractors, draft.n_options - 1)
        distractors.sort(key=lambda o: options.index(o))
    taken = {key} | {o.text for o in distractors}
    while len(distractors) < draft.n_options - 1:
        if draft.fallback is None:
            break
        text, feedback = draft.fallback(draw, key, taken)
        if text in taken:
            continue
        taken.add(text)
        distractors.append(Option(text, text, False, feedback, (FALLBACK,)))
    return Item(kind="multichoice", answer=key, tolerance=0, decimals=0,
                options=tuple([options[0]] + distractors), dropped=tuple(dropped), **base)


def _assemble_matrix(draw: Draw, draft: Draft, key: list, base: dict, as_cell: bool) -> Item:
    rows, cols = len(key), len(key[0])
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    key_flat = [key[r][c] for r, c in cells]
    is_int = all(isinstance(v, int) for v in key_flat)
    mistakes = list(draft.mistakes)
    m_flat = [[matrix_cell(m.value, cell) for cell in cells] for m in mistakes]
    decimals, _ = choose_decimals(key_flat, m_flat, draft.decimals)
    tol = 0 if is_int else 10.0 ** -decimals
    key_text = format_value(key, decimals)
    options = [Option(key_text, key, True, _key_feedback(draft))]
    dropped = []
    for m in mistakes:
        text = format_value(m.value, decimals)
        if text == key_text:
            dropped.append(m.name)
            continue
        _merge(options, Option(text, m.value, False, m.feedback, (m.name,)), 0, 0)
    # The LMS cell: where the most mistakes are visible (separated from the key).
    def visible(cell):
        k = key[cell[0]][cell[1]]
        vals = {rounded(v, decimals) for o in options[1:]
                if (v := matrix_cell(o.value, cell)) is not None and separated(v, k, tol, decimals)}
        return len(vals)
    best = max(visible(cell) for cell in cells)
    cell = draw.choice([cell for cell in cells if visible(cell) == best])
    item = Item(kind="matrix", answer=key, tolerance=tol, decimals=decimals, options=tuple(options),
                cell=cell, dropped=tuple(dropped), **base)
    if as_cell:
        from autograder.quiz.model import cell_item
        return cell_item(item)
    return item
