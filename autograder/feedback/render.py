"""Feedback reports rendered from results.json: per student (HTML and Markdown) and per class.

Only results.json is read, never the notebooks or the hidden checks' source,
so a report can show nothing the grader did not already decide to tell.
"""
from __future__ import annotations

import importlib.metadata
import json
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from autograder.feedback import plots
from autograder.feedback.classreport import class_view
from autograder.feedback.student import student_view
from autograder.text import POINT_DIGITS

TEMPLATES = Path(__file__).resolve().parent / "templates"


def grader_version() -> str:
    try:
        return importlib.metadata.version("dlgrade")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _num(value, digits: int = POINT_DIGITS) -> str:
    if value is None:
        return "—"
    return f"{round(float(value), digits):g}"


def _secs(value) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _md(text) -> str:
    # LMS comment boxes render Markdown to HTML: student text must not become markup there either.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fenced(text, indent: str = "") -> str:
    # A fence longer than any backtick run inside, so student text cannot close it.
    longest = max((len(run) for run in re.findall(r"`+", str(text))), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [fence + "text", *str(text).splitlines(), fence]
    return "\n".join(indent + line if line else line for line in lines)


def _env(**options) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, **options)
    env.filters.update(num=_num, secs=_secs, md=_md, fenced=_fenced)
    return env


@cache
def html_env() -> Environment:
    # Template names end in .html.j2, which select_autoescape(["html"]) alone would not match.
    return _env(autoescape=select_autoescape(["html", "html.j2"], default_for_string=True))


@cache
def markdown_env() -> Environment:
    return _env(autoescape=False, keep_trailing_newline=True)


def load_results(path: Path | str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _safe_figures(figures) -> list[dict]:
    # Only inline images: the report must stay self-contained and never load a URL.
    return [{"title": str(f.get("title") or ""), "data_uri": f["data_uri"]}
            for f in figures or [] if str(f.get("data_uri", "")).startswith("data:image/")]


def sample_figures(results: dict) -> list[dict]:
    """What the student's generator drew (results["samples"], drawn by the checks from the
    rebuilt model), as figures; a sample that cannot be drawn is left out, never fatal."""
    figures = []
    for sample in results.get("samples") or []:
        if not isinstance(sample, dict):
            continue
        try:
            draw = plots.generated_images if "images" in sample else plots.generated_points
            figures.append({"title": str(sample.get("title") or "generated samples"),
                            "data_uri": draw(sample)})
        except (TypeError, ValueError):
            continue
    return figures


def student_html(results: dict, *, cell_timeout: float | None = None,
                 figures: list[dict] | None = None) -> str:
    """One student's report; `cell_timeout` (seconds per student cell) shows each cell's time budget;
    `figures` ({title, data_uri}) is the slot for learning curves and confusion matrices."""
    view = student_view(results, cell_timeout)
    if figures is None:
        figures = sample_figures(results)
    return html_env().get_template("student.html.j2").render(
        r=view, figures=_safe_figures(figures), isolation=view["isolation"],
        grader_version=grader_version())


def student_markdown(results: dict) -> str:
    """The same report, short, for an LMS comment box: score and each lost point."""
    view = student_view(results)
    return markdown_env().get_template("student.md.j2").render(
        r=view, isolation=view["isolation"], grader_version=grader_version())


def class_html(assignment: str, results: list[dict]) -> str:
    view = class_view(assignment, results)
    histogram = plots.score_histogram(view["graded_scores"], view["error_scores"], view["max_score"])
    difficulty = plots.difficulty_bars([q["grade_id"] for q in view["questions"]],
                                       [q["fraction"] for q in view["questions"]])
    isolation = ", ".join(sorted({str(r.get("isolation") or "unknown") for r in results})) or "unknown"
    return html_env().get_template("class.html.j2").render(
        c=view, histogram=histogram, difficulty=difficulty, isolation=isolation,
        grader_version=grader_version())


def _check_name(name: str) -> None:
    # Names become path parts: one that climbs or nests would write outside the course.
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"not a usable name for a folder: {name!r}")


def write_student_feedback(root: Path, assignment: str, student: str, results: dict, *,
                           cell_timeout: float | None = None) -> Path:
    """feedback/<student>/<assignment>/<assignment>.html (nbgrader's feedback layout, the
    notebook being named after the assignment) and feedback.md beside it; returns the HTML path."""
    _check_name(student)
    _check_name(assignment)
    folder = Path(root) / "feedback" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{assignment}.html"
    html_path.write_text(student_html(results, cell_timeout=cell_timeout), encoding="utf-8")
    (folder / "feedback.md").write_text(student_markdown(results), encoding="utf-8")
    return html_path


def write_class_report(root: Path, assignment: str, results_list: list[dict]) -> Path:
    _check_name(assignment)
    path = Path(root) / "reports" / assignment / "class-report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(class_html(assignment, results_list), encoding="utf-8")
    return path
