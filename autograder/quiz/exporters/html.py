"""A self-contained HTML quiz sheet: the questions as a handout, then, after a page break
when printed, the answer key (with what reproduces each item).

Jinja2 with autoescape on; the only pre-built markup is the question HTML and
the matrix tables from `render`, which escape every value themselves. Inline
CSS, no external resources. Matrix items show the whole matrix (the LMS cell is
highlighted in the key).
"""
from __future__ import annotations

import jinja2
from markupsafe import Markup

from autograder.quiz.model import GENERATOR_VERSION, Item, cell_label, format_number
from autograder.quiz.registry import families
from autograder.quiz.render import matrix_html, option_html, question_html

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
.item { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
.meta { color: #777; font-size: 0.8rem; }
ol.options li { margin: 0.2rem 0; }
table.key { border-collapse: collapse; width: 100%; }
table.key td, table.key th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
.correct { color: #0a6b2d; font-weight: bold; }
.feedback { color: #555; font-size: 0.9rem; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }
h2.key { break-before: page; page-break-before: always; }
@media print { .item { break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="meta">{{ items|length }} questions.</p>
{% for q in items %}
<div class="item" id="q{{ loop.index }}">
<p class="meta">Question {{ loop.index }}</p>
{{ q.question }}
{% if q.kind == "multichoice" %}
<ol class="options" type="a">
{% for o in q.options %}<li>{{ o.html }}</li>
{% endfor %}</ol>
{% elif q.kind == "matrix" %}<p><em>Answer: the whole output matrix.</em></p>
{% else %}<p><em>Answer: a number.</em></p>
{% endif %}
</div>
{% endfor %}
<h2 class="key">Answer key</h2>
<p class="meta">Generator version {{ version }}; quiz seed {{ quiz_seed }}.</p>
{% for q in items %}
<div class="item">
<p><strong>Question {{ loop.index }}</strong>: {{ q.title }}</p>
<p class="meta">Made by {{ q.name }} (item seed {{ q.seed }}): the same family, variant and quiz seed make it again.</p>
<div class="correct">Answer: {{ q.answer }}{% if q.tolerance %} &plusmn; {{ q.tolerance }}{% endif %}</div>
{% if q.cell %}<p class="meta">LMS exports ask for {{ q.cell }} (highlighted).</p>{% endif %}
<p>{{ q.explanation }}</p>
{% if q.distractors %}
<table class="key">
<tr><th>Answer</th><th>Mistake</th><th>Feedback</th></tr>
{% for o in q.distractors %}<tr><td>{{ o.html }}</td><td>{{ o.mistakes }}</td><td class="feedback">{{ o.feedback }}</td></tr>
{% endfor %}</table>
{% endif %}
{% if q.dropped %}<p class="meta">Not offered here (the same as the key, or not plausible on its face): {{ q.dropped }}</p>{% endif %}
</div>
{% endfor %}
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                          keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)


def _title(family: str) -> str:
    """What the family asks, in words (an item made elsewhere: its family's name)."""
    found = families().get(family)
    return found.title if found is not None else family


def _view(item: Item) -> dict:
    options = item.display_options() if item.kind == "multichoice" else list(item.options)
    if item.kind == "matrix":
        answer = Markup(matrix_html(item.answer, item.decimals, mark=item.cell))
    else:
        answer = item.answer_text()
    return {
        "name": item.name, "seed": item.seed, "kind": item.kind,
        "title": _title(item.family),
        "question": Markup(question_html(item)),
        "options": [{"html": Markup(option_html(item, o.value, o.text))} for o in options],
        "answer": answer,
        "tolerance": format_number(float(item.tolerance), item.decimals) if item.tolerance else "",
        "cell": cell_label(item.cell) if item.cell is not None else "",
        "explanation": item.explanation,
        "distractors": [{"html": Markup(option_html(item, o.value, o.text)),
                         "mistakes": ", ".join(o.mistakes), "feedback": o.feedback}
                        for o in item.distractors],
        "dropped": ", ".join(item.dropped),
    }


def export_html(items, *, title: str, quiz_seed) -> bytes:
    html = _TEMPLATE.render(title=title, items=[_view(i) for i in items],
                            version=GENERATOR_VERSION, quiz_seed=quiz_seed)
    return html.encode("utf-8")
