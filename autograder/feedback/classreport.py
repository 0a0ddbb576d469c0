"""Class-wide numbers for one assignment, from its students' results.json files."""
from __future__ import annotations

import re
import statistics
from collections import defaultdict

from autograder.feedback.student import NOT_ATTEMPTED, check_view, first_line

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)


def _skip_balanced(text: str, i: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(i, len(text)):
        depth += (text[j] == open_) - (text[j] == close)
        if depth == 0:
            return j + 1
    return -1


def problem_part(line: str) -> str:
    """'f(x of shape (2, 2)) [course example: ...]: the problem' -> 'the problem'.

    The call in front names each student's own counterexample; the problem after it is
    what students share.
    """
    m = re.match(r"[A-Za-z_]\w*\(", line)
    if not m:
        return line
    end = _skip_balanced(line, m.end() - 1, "(", ")")
    if end > 0 and line[end:].startswith(" ["):
        end = _skip_balanced(line, end + 1, "[", "]")
    if end > 0 and line[end:].startswith(": ") and line[end + 2:].strip():
        return line[end + 2:].strip()
    return line


def normalise(text: str) -> str:
    """Group key for a failure: numbers (shapes, values, indices) differ between students."""
    return " ".join(_NUMBER.sub("#", text.lower()).split())


def _question_order(results: list[dict]) -> list[str]:
    order: dict[str, float] = {}
    for r in results:
        for c in r.get("cells") or []:
            if "points" in c and c.get("grade_id") is not None:
                order.setdefault(c["grade_id"], c.get("index", 0))
    return sorted(order, key=lambda g: order[g])


def question_stats(results: list[dict]) -> list[dict]:
    """Per test cell over the graded submissions: mean, spread, and how many got all or none."""
    scores: dict[str, list[float]] = defaultdict(list)
    points: dict[str, float] = {}
    for r in results:
        if r.get("status") == "error":
            continue
        for c in r.get("cells") or []:
            if "points" in c:
                scores[c["grade_id"]].append(float(c.get("score") or 0.0))
                points[c["grade_id"]] = float(c.get("points") or 0.0)
    out = []
    for g in _question_order(results):
        s, p = scores[g], points.get(g, 0.0)
        if not s:
            continue
        mean = statistics.fmean(s)
        out.append({
            "grade_id": g, "points": p, "n": len(s), "mean": mean,
            "sd": statistics.pstdev(s), "min": min(s), "max": max(s),
            "fraction": mean / p if p else 0.0,
            "full": sum(x >= p - 1e-9 for x in s), "zero": sum(x <= 1e-9 for x in s),
        })
    return out


def _failures(r: dict):
    """(grade_id, check, text, hint or None) for each failed check of one submission."""
    for c in r.get("cells") or []:
        if "points" not in c:
            continue
        gid = c.get("grade_id") or "?"
        if c.get("status") == "not graded" and c.get("reason"):
            yield gid, "(not graded)", first_line(c["reason"]), None
        for t in c.get("tests") or []:
            if not t.get("passed"):
                v = check_view(t, 0.0, 0.0)
                yield gid, v["name"], problem_part(v["headline"]), v["hint"]


def common_failures(results: list[dict], limit: int = 15) -> list[dict]:
    """Failures grouped by mistake and counted once per student: a recognised mistake (a hint)
    is one group wherever it shows (several checks, several questions), another failure one
    group per question, check and problem. Non-attempts (a missing function, the stub's
    NotImplementedError) are left to `not_attempted`."""
    groups: dict[tuple, dict] = {}
    order = {g: i for i, g in enumerate(_question_order(results))}
    for r in results:
        student = r.get("student") or "?"
        for gid, name, text, hint in _failures(r):
            if NOT_ATTEMPTED.search(text):
                continue
            key = ("mistake", normalise(hint)) if hint else (gid, name, normalise(text))
            group = groups.setdefault(key, {"grade_id": gid, "check": name,
                                            "text": f"Likely mistake: {hint}" if hint else text,
                                            "questions": [], "checks": [], "students": []})
            for field, value in (("questions", gid), ("checks", name), ("students", student)):
                if value not in group[field]:
                    group[field].append(value)
    for group in groups.values():
        group["questions"].sort(key=lambda g: order.get(g, 1e9))
    ranked = sorted(groups.values(), key=lambda g: (-len(g["students"]), order.get(g["grade_id"], 1e9),
                                                     g["check"], g["text"]))
    return [{**g, "count": len(g["students"])} for g in ranked[:limit]]


def not_attempted(results: list[dict]) -> list[dict]:
    """Per question, the students whose checks failed only as not attempted (the function
    missing, or the stub's NotImplementedError), apart from the misconceptions."""
    order = _question_order(results)
    found: dict[str, list[str]] = {}
    for r in results:
        student = r.get("student") or "?"
        for gid, _, text, _ in _failures(r):
            if NOT_ATTEMPTED.search(text) and student not in found.setdefault(gid, []):
                found[gid].append(student)
    return [{"grade_id": g, "count": len(found[g]), "students": found[g]}
            for g in sorted(found, key=lambda g: order.index(g) if g in order else len(order))]


def _seconds(r: dict) -> float | None:
    value = r.get("seconds_total", r.get("seconds"))
    return float(value) if value is not None else None


def problem(r: dict) -> str | None:
    """Why a submission's run went wrong (could not be graded, kernel died, a cell timed out),
    and whether its protected cells had been changed (restored before grading)."""
    said = []
    if r.get("reason") or r.get("kernel"):
        said.append(r.get("reason") or r.get("kernel"))
    else:
        said += [f"cell {c.get('index', 0) + 1} ({c.get('grade_id') or 'unnamed'}) {c['status']}"
                 for c in r.get("cells") or [] if c.get("status") in ("timeout", "kernel died")]
    if r.get("restored"):
        said.append("protected cells were changed (restored before grading): "
                    + "; ".join(map(str, r["restored"])))
    return "; ".join(said) or None


def slowest(results: list[dict], n: int = 5) -> list[dict]:
    timed = [(s, r) for r in results if (s := _seconds(r)) is not None]
    timed.sort(key=lambda sr: (-sr[0], sr[1].get("student") or ""))
    return [{"student": r.get("student") or "?", "seconds": s, "status": r.get("status") or "graded",
             "note": problem(r)} for s, r in timed[:n]]


def class_view(assignment: str, results: list[dict]) -> dict:
    results = sorted(results, key=lambda r: r.get("student") or "")
    errors = [r for r in results if r.get("status") == "error"]
    graded = [r for r in results if r.get("status") != "error"]
    graded_scores = [float(r.get("score") or 0.0) for r in graded]
    max_score = max((float(r.get("max_score") or 0.0) for r in results), default=0.0)
    return {
        "assignment": assignment,
        "n": len(results),
        "n_graded": len(graded),
        "n_errors": len(errors),
        "max_score": max_score,
        "mean": statistics.fmean(graded_scores) if graded_scores else None,
        "median": statistics.median(graded_scores) if graded_scores else None,
        "graded_scores": graded_scores,
        "error_scores": [float(r.get("score") or 0.0) for r in errors],
        "questions": question_stats(results),
        "failures": common_failures(results),
        "not_attempted": not_attempted(results),
        "slowest": slowest(results),
        "errors": [{"student": r.get("student") or "?", "reason": r.get("reason") or "no reason recorded"}
                   for r in errors],
        "problems": [{"student": r.get("student") or "?", "reason": problem(r)}
                     for r in graded if problem(r)],
        "flagged": flagged(graded),
    }


def flagged(results: list[dict]) -> list[dict]:
    """Submissions the checks flagged for the instructor (a model that may not have been
    trained in the grader's kernel), each with the evidence in words."""
    found = []
    for r in results:
        for f in r.get("flags") or []:
            if isinstance(f, dict):
                found.append({"student": r.get("student") or "?",
                              "title": str(f.get("title") or f.get("kind") or "flagged"),
                              "evidence": str(f.get("evidence") or "")})
    return found
