"""Exporters: Moodle XML and Canvas QTI structure (quiz-formats.md), GIFT escaping round trip,
HTML preview escaping, JSON round trip, determinism."""
import dataclasses
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.quiz import export, families, generate_item, generate_quiz
from autograder.quiz.exporters.gift import gift_escape
from autograder.quiz.exporters.jsonfmt import load_json
from autograder.quiz.exporters.moodle import ALLOWED_FRACTIONS
from autograder.quiz.model import Item, Option, format_number, rounded
from autograder.quiz.render import question_html

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
NASTY = "a~b=c#d{e}f:g\\h \\frac{a}{b} ]]> <b>&amp;</b>\nnext line"


@pytest.fixture(scope="module")
def items():
    # Two of every family, every kind included.
    out = generate_quiz(sorted(families()), 2, 7)
    out += [generate_item("pooling", 9, 7, kind="matrix"), generate_item("pooling", 10, 7, kind="numeric"),
            generate_item("conv2d-params", 5, 7, kind="multichoice"),
            generate_item("loss", 5, 7, kind="numeric")]
    return out


def nasty_items():
    """Items whose texts hold every GIFT special, a backslash, ']]>' and HTML."""
    num = Item(family="nasty", variant=0, quiz_seed=1, seed=1, kind="numeric", prompt=NASTY,
               params={}, answer=2.75, tolerance=0.01, decimals=2,
               options=(Option("2.75", 2.75, True, "Right: " + NASTY),
                        Option("4", 4.0, False, "Max {pool}: " + NASTY, ("used_max",))),
               explanation="E " + NASTY)
    mc = Item(family="nasty", variant=1, quiz_seed=1, seed=2, kind="multichoice", prompt=NASTY,
              params={}, answer="k=" + NASTY, tolerance=0, decimals=0,
              options=(Option("k=" + NASTY, "k=" + NASTY, True, "ok #1"),
                       Option("w~" + NASTY, "w~" + NASTY, False, "no: {x}", ("m",))),
              explanation="E")
    return [num, mc]


# --- GIFT: a small parser of the escaping rules, written from the GIFT documentation ------

def _scan(text):
    """(char, escaped) pairs: backslash escapes the next char; \\n is a newline."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(("\n" if nxt == "n" else nxt, True))
            i += 2
        else:
            out.append((ch, False))
            i += 1
    return out


def _join(tokens):
    return "".join(ch for ch, _ in tokens)


def _split(tokens, seps):
    """Split at unescaped separator chars, keeping the separator with each part."""
    parts, cur = [], []
    for tok in tokens:
        if tok[0] in seps and not tok[1]:
            if cur:
                parts.append(cur)
            cur = [tok]
        else:
            cur.append(tok)
    if cur:
        parts.append(cur)
    return parts


def _strip(tokens):
    while tokens and tokens[0][0] in " \t\n" and not tokens[0][1]:
        tokens = tokens[1:]
    while tokens and tokens[-1][0] in " \t\n" and not tokens[-1][1]:
        tokens = tokens[:-1]
    return tokens


def _feedback_split(tokens):
    for i, (ch, esc) in enumerate(tokens):
        if ch == "#" and not esc:
            return _strip(tokens[:i]), _join(_strip(tokens[i + 1:]))
    return _strip(tokens), ""


def parse_gift(text):
    questions, category = [], None
    for block in text.split("\n\n"):
        lines = [ln for ln in block.split("\n") if not ln.startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body[len("$CATEGORY:"):].strip()
            continue
        toks = _scan(body)
        assert _join(toks[:2]) == "::" and not toks[0][1]
        end = next(i for i in range(2, len(toks) - 1)
                   if toks[i] == (":", False) and toks[i + 1] == (":", False))
        title = _join(toks[2:end])
        rest = toks[end + 2:]
        fmt = None
        if _join(rest[:6]) == "[html]":
            fmt, rest = "html", rest[6:]
        open_ = next(i for i, t in enumerate(rest) if t == ("{", False))
        close = max(i for i, t in enumerate(rest) if t == ("}", False))
        qtext = _join(rest[:open_])
        answers_toks = rest[open_ + 1:close]
        q = {"title": title, "format": fmt, "text": qtext, "answers": []}
        answers_toks = _strip(answers_toks)
        if answers_toks and answers_toks[0] == ("#", False):
            q["type"] = "numerical"
            for part in _split(_strip(answers_toks[1:]), "="):
                part = _strip(part[1:])
                weight = None
                if part and part[0] == ("%", False):
                    j = next(i for i in range(1, len(part)) if part[i][0] == "%")
                    weight = _join(part[1:j])
                    part = part[j + 1:]
                value, fb = _feedback_split(part)
                v, _, tol = _join(value).partition(":")
                q["answers"].append({"weight": weight, "value": float(v), "tolerance": float(tol),
                                     "feedback": fb})
        else:
            q["type"] = "multichoice"
            for part in _split(answers_toks, "=~"):
                correct = part[0][0] == "="
                value, fb = _feedback_split(_strip(part[1:]))
                q["answers"].append({"correct": correct, "text": _join(value), "feedback": fb})
        questions.append(q)
    return category, questions


@given(st.text(alphabet=st.sampled_from(list("ab ~=#{}:\\n\n[]<>&%")), max_size=40))
def test_gift_escape_round_trips(text):
    escaped = gift_escape(text)
    assert "\n" not in escaped
    assert _join(_scan(escaped)) == text
    assert all(esc for ch, esc in _scan(escaped) if ch in "~=#{}:\\")


def test_gift_escape_examples():
    assert gift_escape("\\frac{a}{b}") == "\\\\frac\\{a\\}\\{b\\}"
    assert gift_escape("a:b=c~d#e") == "a\\:b\\=c\\~d\\#e"
    assert gift_escape("x\ny") == "x\\ny"


def test_gift_round_trips_every_item(items):
    for item_list in (items, nasty_items()):
        text = export(item_list, "gift").decode("utf-8")
        category, questions = parse_gift(text)
        assert category == "$course$/top/dlgrade quiz (seed %d)" % item_list[0].quiz_seed
        assert len(questions) == len(item_list)
        for item, q in zip(item_list, questions):
            lms = item.lms_item()
            assert q["title"] == item.name and q["format"] == "html"
            assert q["text"] == question_html(lms)
            if lms.kind == "numeric":
                assert q["type"] == "numerical"
                key = q["answers"][0]
                assert key["weight"] == "100"
                assert key["value"] == pytest.approx(rounded(lms.answer, lms.decimals))
                assert key["tolerance"] == pytest.approx(lms.tolerance)
                assert [a["feedback"] for a in q["answers"]] == [o.feedback for o in lms.options]
                assert all(a["weight"] == "0" for a in q["answers"][1:])
            else:
                assert q["type"] == "multichoice"
                assert [a["text"] for a in q["answers"]] == [o.text for o in lms.options]
                assert [a["correct"] for a in q["answers"]] == [o.correct for o in lms.options]
                assert [a["feedback"] for a in q["answers"]] == [o.feedback for o in lms.options]


def test_gift_questions_are_separated_by_blank_lines_only_between_questions(items):
    text = export(items, "gift").decode("utf-8")
    for block in text.split("\n\n")[2:]:
        assert block.count("::") >= 2  # one question per block, no stray blank line inside


# --- Moodle XML ----------------------------------------------------------------------

def test_moodle_xml_structure(items):
    data = export(items, "moodle")
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    assert questions[0].find("category/text").text.startswith("$course$/top/")
    questions = questions[1:]
    assert len(questions) == len(items)
    for item, q in zip(items, questions):
        lms = item.lms_item()
        assert q.find("name/text").text == item.name
        assert q.find("questiontext").get("format") == "html"
        assert q.find("questiontext/text").text == question_html(lms)
        answers = q.findall("answer")
        fractions = [a.get("fraction") for a in answers]
        assert fractions[0] == "100", "the key must be the first answer"
        assert fractions.count("100") == 1
        assert all(f in ALLOWED_FRACTIONS for f in fractions)
        assert all(a.find("feedback/text").text for a in answers)
        if lms.kind == "numeric":
            assert q.get("type") == "numerical"
            assert answers[0].find("text").text == format_number(rounded(lms.answer, lms.decimals),
                                                                lms.decimals)
            assert float(answers[0].find("tolerance").text) == pytest.approx(lms.tolerance)
            assert answers[-1].find("text").text == "*"
            values = [float(a.find("text").text) for a in answers[:-1]]
            tol = lms.tolerance
            for v in values[1:]:  # mistake intervals never meet the key's
                assert abs(v - values[0]) > 2 * tol
        else:
            assert q.get("type") == "multichoice"
            assert q.find("single").text == "true"
            assert len(answers) == len(lms.options) == 4


def test_cdata_sections_split_the_terminator():
    from autograder.quiz.exporters.xmlwrite import CData, sub, tostring
    root = ET.Element("quiz")
    sub(root, "text", CData("<p>a]]>b</p>"))
    data = tostring(root)
    assert b"]]]]><![CDATA[>" in data
    assert ET.fromstring(data).find("text").text == "<p>a]]>b</p>"


def test_moodle_cdata_survives_nasty_text():
    data = export(nasty_items(), "moodle")
    root = ET.fromstring(data)
    q = root.findall("question")[1]
    assert q.find("questiontext/text").text == question_html(nasty_items()[0])
    assert NASTY.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in \
        q.find("questiontext/text").text


# --- Canvas QTI 1.2 --------------------------------------------------------------------

def _qti(items):
    data = export(items, "qti")
    zf = zipfile.ZipFile(io.BytesIO(data))
    return data, zf


def test_qti_zip_is_deterministic_and_has_the_manifest(items):
    data, zf = _qti(items)
    names = zf.namelist()
    assert names == sorted(names) and "imsmanifest.xml" in names
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
    manifest = ET.fromstring(zf.read("imsmanifest.xml"))
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == 1
    res = resources[0]
    assert res.get("type") == "imsqti_xmlv1p2"
    assert res.get("href") in names and res.find(f"{CP}file").get("href") == res.get("href")
    assert export(items, "qti") == data


def _meta(item_el):
    return {f.find(f"{QTI}fieldlabel").text: f.find(f"{QTI}fieldentry").text
            for f in item_el.iter(f"{QTI}qtimetadatafield")}


def test_qti_items_match_canvas_structures(items):
    _, zf = _qti(items)
    href = [n for n in zf.namelist() if n != "imsmanifest.xml"][0]
    root = ET.fromstring(zf.read(href))
    assert root.tag == f"{QTI}questestinterop"
    qitems = root.findall(f"{QTI}assessment/{QTI}section/{QTI}item")
    assert len(qitems) == len(items)
    for item, el in zip(items, qitems):
        lms = item.lms_item()
        meta = _meta(el)
        assert meta["points_possible"] == "1.0"
        text = el.find(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert text.get("texttype") == "text/html" and text.text == question_html(lms)
        scored = [rc for rc in el.iter(f"{QTI}respcondition") if rc.find(f"{QTI}setvar") is not None]
        assert len(scored) == 1 and scored[0].find(f"{QTI}setvar").text == "100"
        if lms.kind == "numeric":
            assert meta["question_type"] == "numerical_question"
            fib = el.find(f"{QTI}presentation/{QTI}response_str/{QTI}render_fib")
            assert fib.get("fibtype") == "Decimal"
            cond = scored[0].find(f"{QTI}conditionvar/{QTI}or")
            exact = float(cond.find(f"{QTI}varequal").text)
            lo = float(cond.find(f"{QTI}and/{QTI}vargte").text)
            hi = float(cond.find(f"{QTI}and/{QTI}varlte").text)
            assert exact == pytest.approx(rounded(lms.answer, lms.decimals))
            assert lo <= exact <= hi and hi - lo == pytest.approx(2 * lms.tolerance)
            assert exact == 0 or abs(exact) >= 1e-4  # Canvas zeroes smaller answers
        else:
            assert meta["question_type"] == "multiple_choice_question"
            labels = el.findall(f"{QTI}presentation/{QTI}response_lid/{QTI}render_choice/"
                                f"{QTI}response_label")
            texts = {lab.get("ident"): lab.find(f"{QTI}material/{QTI}mattext").text for lab in labels}
            assert sorted(texts.values()) == sorted(o.text for o in lms.options)
            assert meta["original_answer_ids"].split(",") == list(texts)
            key_id = scored[0].find(f"{QTI}conditionvar/{QTI}varequal").text
            assert texts[key_id] == lms.key.text
            feedback_ids = {fb.get("ident") for fb in el.findall(f"{QTI}itemfeedback")}
            assert feedback_ids == {f"{i}_fb" for i in texts}


# --- HTML preview and JSON ---------------------------------------------------------------

def test_html_preview_is_escaped_self_contained_and_has_the_key(items):
    html = export(items + nasty_items(), "html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "src=" not in html and "<link" not in html and "http" not in html.split("<body>")[1]
    assert "Answer key" in html
    for item in items:
        assert item.name in html
    assert "<b>&amp;</b>" not in html and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html
    matrix = next(i for i in items if i.kind == "matrix")
    assert html.count("<table") >= sum(1 for i in items if i.kind == "matrix")
    assert "highlighted" in html and matrix.name in html


def test_the_html_sheet_is_a_handout_with_the_key_after_a_page_break(items):
    html = export(items, "html").decode("utf-8")
    questions, key = html.split('<h2 class="key">Answer key</h2>')
    assert "h2.key { break-before: page; page-break-before: always; }" in html
    for item in items:  # the handout names no internal family, seed or item name
        assert item.name not in questions and str(item.seed) not in questions
        assert item.name in key and str(item.seed) in key
    titles = {families()[i.family].title for i in items}
    assert all(f"</strong>: {title}</p>" in key for title in titles)


def test_json_is_authoritative_and_round_trips(items):
    data = export(items, "json")
    assert load_json(data) == items
    assert export(load_json(data), "json") == data


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti", "html", "json"])
def test_same_seed_gives_byte_identical_output(fmt):
    a = export(generate_quiz(["pooling", "architecture-layer", "loss"], 3, 5), fmt, quiz_seed=5)
    b = export(generate_quiz(["pooling", "architecture-layer", "loss"], 3, 5), fmt, quiz_seed=5)
    c = export(generate_quiz(["pooling", "architecture-layer", "loss"], 3, 6), fmt, quiz_seed=6)
    assert a == b and a != c


def test_unknown_format_is_a_clear_error(items):
    with pytest.raises(ValueError, match="unknown quiz format 'docx'.*moodle, gift, qti, html, json"):
        export(items, "docx")
    with pytest.raises(ValueError, match="no quiz items"):
        export([], "gift")


def test_matrix_items_export_one_named_cell_to_lms_formats():
    item = generate_item("conv-feature-map", 2, 7, kind="matrix")
    r, c = item.cell
    _, questions = parse_gift(export([item], "gift").decode("utf-8"))
    assert f"row {r + 1}, column {c + 1}" in questions[0]["text"]
    assert questions[0]["answers"][0]["value"] == item.answer[r][c]
    lms = dataclasses.replace(item.lms_item())
    assert lms.kind == "numeric" and lms.params["matrix_answer"] == item.answer
