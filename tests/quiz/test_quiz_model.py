"""The item model, seeding, tolerances, distractor assembly and the validator.

The validator must reject known-wrong generator output: a tolerance that
swallows a mistake value (absolute or relative), overlapping Moodle intervals,
a distractor equal to the key, two correct options, a tolerance on an integer.
"""
import dataclasses
import json

import pytest

from autograder.quiz import generate_item, generate_quiz
from autograder.quiz.builder import Draft, Mistake, assemble, fallback_numbers
from autograder.quiz.model import (
    GENERATOR_VERSION,
    Draw,
    Item,
    Option,
    cell_item,
    check_item,
    format_number,
    format_value,
    item_seed,
    separated,
    validate_item,
)


def _numeric_item(key, tolerance, decimals, mistakes):
    options = [Option(format_number(key, decimals), key, True, "Correct.")]
    options += [Option(format_number(v, decimals), v, False, f"Mistake {n}.", (n,))
                for n, v in mistakes]
    return Item(family="test", variant=0, quiz_seed=1, seed=1, kind="numeric", prompt="Q?",
                params={}, answer=key, tolerance=tolerance, decimals=decimals,
                options=tuple(options), explanation="E.")


# --- seeding ---------------------------------------------------------------------------

def test_item_seed_is_the_pinned_sha256_prefix():
    # sha256("conv2d-params:0:3:42")[:16]; a change here re-rolls every stored quiz.
    # Version 2: steps-per-epoch no longer offers more steps than samples. Version 3:
    # transfer-learning's strategies are distinct actions; no batch over half the samples.
    assert GENERATOR_VERSION == "3"
    assert item_seed("conv2d-params", 0, 42) == 14704544309364024743
    assert item_seed("conv2d-params", 1, 42) != item_seed("conv2d-params", 0, 42)
    assert item_seed("pooling", 0, 42) != item_seed("conv2d-params", 0, 42)


def test_draw_uses_only_the_guaranteed_random_stream():
    d = Draw(123)
    assert [d.integer(0, 9) for _ in range(10)] == [0, 0, 4, 1, 9, 0, 5, 3, 8, 1]
    assert d.random() == 0.3372166571092755
    d = Draw(7)
    assert sorted(d.shuffled(range(10))) == list(range(10))
    assert all(3 <= Draw(s).integer(3, 5) <= 5 for s in range(200))
    assert {Draw(s).integer(3, 5) for s in range(200)} == {3, 4, 5}
    with pytest.raises(ValueError):
        Draw(1).integer(5, 3)


def test_same_family_variant_seed_gives_the_same_item():
    a = generate_item("pooling", 3, 99)
    b = generate_item("pooling", 3, 99)
    assert a == b and a.to_json() == b.to_json()
    assert generate_item("pooling", 4, 99) != a


# --- numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,decimals,text", [
    (3, 0, "3"), (2.75, 2, "2.75"), (3.0, 2, "3"), (0.0416, 3, "0.042"), (-0.0001, 3, "0"),
    (1 / 3, 4, "0.3333"), (-2.5, 3, "-2.5"), (40961153, 0, "40961153")])
def test_format_number(value, decimals, text):
    assert format_number(value, decimals) == text


def test_format_value_of_a_matrix():
    assert format_value([[1, 2], [3.5, 4]], 1) == "[[1, 2], [3.5, 4]]"


def test_json_round_trip_of_every_kind():
    for family in ("conv-feature-map", "pooling", "transfer-learning", "loss", "architecture-layer"):
        for v in range(6):
            item = generate_item(family, v, 11)
            text = json.dumps(item.to_json(), sort_keys=True)
            assert Item.from_json(json.loads(text)) == item


# --- the validator catches known-wrong generator behaviour -----------------------------

def test_sound_items_pass():
    item = _numeric_item(3216, 0, 0, [("forgot_the_bias", 3200), ("forgot_the_input_channels", 416)])
    assert validate_item(item) == []


def test_relative_one_percent_tolerance_swallowing_the_forgotten_bias_is_rejected():
    # The pitfall from quiz-formats.md: 1% of 3216 accepts 3200 ("forgot the 16 biases").
    item = _numeric_item(3216, 0, 0, [("forgot_the_bias", 3200)])
    wrong = dataclasses.replace(item, tolerance=0.01 * 3216)
    problems = validate_item(wrong)
    assert any("integers are exact" in p for p in problems)
    assert any("forgot_the_bias" in p and "inside the tolerance" in p for p in problems)
    with pytest.raises(ValueError, match="inside the tolerance"):
        check_item(wrong)


def test_float_tolerance_swallowing_a_mistake_is_rejected():
    item = _numeric_item(0.25, 0.001, 3, [("gave_the_activation", 0.5), ("x_formula", 0.2)])
    assert validate_item(item) == []
    wrong = dataclasses.replace(item, tolerance=0.06)  # holds 0.2 (x_formula)
    assert any("x_formula" in p and "inside the tolerance" in p for p in validate_item(wrong))


def test_overlapping_moodle_intervals_are_rejected():
    # 0.2515 is outside 0.25 +- 0.001 but its own interval touches the key's.
    item = _numeric_item(0.25, 0.001, 4, [("near", 0.2515)])
    assert any("overlaps the key" in p for p in validate_item(item))
    assert not separated(0.2515, 0.25, 0.001, 4)
    assert separated(0.254, 0.25, 0.001, 3)


def test_distractor_equal_to_the_key_after_rounding_is_rejected():
    item = _numeric_item(0.25, 0.001, 3, [("same", 0.2501)])
    problems = validate_item(item)
    assert any("not distinct" in p for p in problems)


def test_two_correct_options_and_key_not_first_are_rejected():
    item = _numeric_item(10, 0, 0, [("a", 12)])
    two = dataclasses.replace(item, options=(item.options[0], dataclasses.replace(
        item.options[1], correct=True)))
    assert any("2 correct options" in p for p in validate_item(two))
    swapped = dataclasses.replace(item, options=item.options[::-1])
    assert any("not the first option" in p for p in validate_item(swapped))


def test_distractor_without_a_named_mistake_is_rejected():
    item = _numeric_item(10, 0, 0, [("a", 12)])
    anonymous = dataclasses.replace(item, options=(item.options[0], dataclasses.replace(
        item.options[1], mistakes=())))
    assert any("names no mistake" in p for p in validate_item(anonymous))


def test_canvas_limits_are_enforced():
    item = _numeric_item(0.123456, 1e-6, 6, [("a", 0.2)])
    problems = validate_item(item)
    assert any("Canvas" in p for p in problems)


def test_matrix_mistake_equal_to_the_key_is_rejected():
    item = generate_item("pooling", 0, 1, kind="matrix")
    copy = dataclasses.replace(item, options=item.options + (
        Option("dup", item.answer, False, "Copy.", ("copy",)),))
    assert any("equals the key" in p for p in validate_item(copy))


# --- assembly: tolerances, coincident mistakes, fallbacks ---------------------------------

def _assemble(draft, kind=None, seed=5):
    return assemble("test", 0, 1, seed, Draw(seed), draft, kind=kind)


def test_float_decimals_grow_until_every_mistake_is_separated():
    draft = Draft(prompt="Q to {DECIMALS} places?", params={}, answer=0.2500, explanation="E.",
                  mistakes=[Mistake("close", 0.2521, "Close."), Mistake("far", 0.9, "Far.")],
                  decimals=2)
    item = _assemble(draft, kind="numeric")
    assert item.decimals == 3 and item.tolerance == pytest.approx(0.001)
    assert "to 3 places" in item.prompt
    assert [o.mistakes for o in item.distractors] == [("close",), ("far",)]


def test_mistakes_that_coincide_with_the_key_are_dropped_and_replaced_by_fallbacks():
    # Params do not depend on padding: "used 'same' instead of 'valid'" gives the key.
    draft = Draft(prompt="Q?", params={}, answer=3216, explanation="E.",
                  mistakes=[Mistake("used_same_for_valid_layers", 3216, "Same."),
                            Mistake("forgot_the_bias", 3200, "Bias.")])
    item = _assemble(draft, kind="multichoice")
    assert item.dropped == ("used_same_for_valid_layers",)
    texts = [o.text for o in item.options]
    assert len(texts) == 4 and len(set(texts)) == 4 and texts[0] == "3216"
    fallbacks = [o for o in item.options if o.mistakes == ("fallback",)]
    assert len(fallbacks) == 2
    values = [o.value for o in item.options]
    gap = max(1, round(3216 * 0.1))
    for f in fallbacks:  # the minimum gap from every other option
        assert all(abs(f.value - v) >= gap for v in values if v is not f.value)


def test_mistakes_with_the_same_value_are_merged_with_both_names():
    draft = Draft(prompt="Q?", params={}, answer=448, explanation="E.",
                  mistakes=[Mistake("a", 160, "A."), Mistake("b", 160, "B."), Mistake("c", 432, "C.")])
    item = _assemble(draft, kind="numeric")
    merged = item.distractors[0]
    assert merged.mistakes == ("a", "b") and "A." in merged.feedback and "B." in merged.feedback


def test_the_architecture_family_drops_same_for_valid_on_a_conv_parameter_count():
    item = generate_item("architecture-layer", 0, 1)
    assert item.params["quantity"] == "params"
    assert "used_same_for_valid_layers" in item.dropped
    assert item.answer not in [o.value for o in item.distractors]


def test_fallback_numbers_respect_the_minimum_and_gap():
    values = fallback_numbers(Draw(3), 2, [3], 0, 1, 3)
    assert len(values) == 3 and all(v >= 1 for v in values)
    assert len({2, 3, *values}) == 5


def test_forcing_a_kind_the_family_does_not_make_is_an_error():
    with pytest.raises(ValueError, match="makes multichoice items"):
        generate_item("transfer-learning", 0, 1, kind="numeric")


def test_matrix_items_have_a_sound_cell_item():
    for v in range(20):
        item = generate_item("conv-feature-map", v, 3, kind="matrix")
        cell = cell_item(item)
        assert cell.kind == "numeric" and validate_item(cell) == []
        r, c = item.cell
        assert cell.answer == item.answer[r][c]
        assert f"row {r + 1}, column {c + 1}" in cell.prompt


def test_generate_quiz_rejects_unknown_families_and_bad_counts():
    with pytest.raises(ValueError, match="unknown quiz family 'nope'"):
        generate_quiz(["nope"], 1, 1)
    with pytest.raises(ValueError, match="at least 1"):
        generate_quiz(["pooling"], 0, 1)
    items = generate_quiz(["pooling", "loss", "pooling"], 2, 1)
    assert [(i.family, i.variant) for i in items] == [("pooling", 0), ("pooling", 1),
                                                      ("loss", 0), ("loss", 1)]
