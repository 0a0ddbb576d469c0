"""`dlgrade quiz`: generate randomised quiz items with answer keys and export them.

    dlgrade quiz --families conv2d-params,pooling --count 3 --seed 42 --format moodle -o quiz.xml
    dlgrade quiz --day 1 --seed 7 --format qti -o day1.zip
    dlgrade quiz --list

--count is per family (variants 0..N-1 of each). The same seed, families, count
and generator version give byte-identical files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMAT_CHOICES = ("moodle", "gift", "qti", "html", "json")


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "quiz", help="generate quiz items (Moodle XML, GIFT, Canvas QTI, HTML, JSON)",
        description="Generate seeded quiz items whose answer keys come from the reference "
                    "implementations, and export them for an LMS.")
    p.add_argument("--families", help="comma-separated family names (see --list)")
    p.add_argument("--day", type=int, help="the course's day quiz preset (1 or 2) instead of --families")
    p.add_argument("--count", type=int, default=1, help="items per family (default 1)")
    p.add_argument("--seed", type=int, default=0, help="quiz seed (default 0)")
    p.add_argument("--format", dest="fmt", default="moodle",
                   help=f"output format: {', '.join(FORMAT_CHOICES)} (default moodle)")
    p.add_argument("--title", help="quiz title / LMS category (default 'dlgrade quiz (seed S)')")
    p.add_argument("-o", "--output", help="output file (default: standard output; required for qti)")
    p.add_argument("--list", action="store_true", help="list the families and day presets, then exit")
    p.set_defaults(func=run)
    return p


def list_families() -> str:
    from autograder.quiz.registry import DAY_PRESETS, families
    lines = ["Quiz families:"]
    fams = families()
    width = max(len(n) for n in fams)
    for name in sorted(fams):
        f = fams[name]
        lines.append(f"  {name:<{width}}  {f.title} [{f.topic}; {', '.join(f.kinds)}]")
    lines.append("Day presets:")
    for day, names in sorted(DAY_PRESETS.items()):
        lines.append(f"  --day {day}: {', '.join(names)}")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from autograder.quiz.exporters import FORMATS, export
    from autograder.quiz.registry import day_families, generate_quiz, parse_families

    if args.list:
        sys.stdout.write(list_families())
        return 0
    if args.fmt not in FORMATS:
        raise ValueError(f"unknown quiz format {args.fmt!r}; use one of: {', '.join(FORMATS)}")
    if args.families and args.day is not None:
        raise ValueError("give either --families or --day, not both")
    if args.day is not None:
        names = list(day_families(args.day))
    elif args.families:
        names = parse_families(args.families)
    else:
        raise ValueError("give --families a,b,... or --day N (see --list)")
    items = generate_quiz(names, args.count, args.seed)
    data = export(items, args.fmt, quiz_seed=args.seed, title=args.title)
    if args.output and args.output != "-":
        Path(args.output).write_bytes(data)
        print(f"wrote {len(items)} items ({args.fmt}) to {args.output}", file=sys.stderr)
    elif args.fmt == "qti":
        raise ValueError("the qti format is a zip file: give -o FILE.zip")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
