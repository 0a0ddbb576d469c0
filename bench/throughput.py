"""Grading throughput: `dlgrade grade` against plain `nbgrader autograde`, interleaved.

    python bench/throughput.py [ASSIGNMENT ...] [-n 10] [--rounds 2] [--jobs N] [--ray local]

For each assignment (default: conv-pooling, the numpy kind, and mnist-ann, the Keras
kind) it builds two courses in a scratch folder holding the same N submissions (the
solution notebook, as an honest class hands it in):

- dlgrade: the real path (`dlgrade grade A --regrade`: sandboxed kernels, the hidden
  checks through the bridge, results.json, the gradebook);
- plain nbgrader: the same notebook with its test cells run in the student's kernel
  as nbgrader does it (`nbgrader autograde A --force`: no sandbox, only the notebook's
  public asserts, no hidden checks).

With `--ray ADDRESS`, a third: the same dlgrade run with its slots as Ray actors
(`dlgrade grade A --ray ADDRESS`; `local` starts a Ray instance on this machine, each round;
`auto` joins one started beforehand, `ray start --head --num-cpus 2`: the cluster's throughput
without its start).

They alternate round by round, so a busy machine slows them alike. Printed per
assignment: seconds per submission of each (the median round), the throughput ratio
(plain's time / dlgrade's: above 1 means dlgrade grades faster), and each run's peak
memory (the largest resident set of the grading process or of any kernel it started; this
process never imports TensorFlow, whose size a forked child would report as its own), and
with --ray, Ray's throughput as a fraction of the local slots'.
Run on demand, not in CI; the issue's targets are in the README.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import course, grading, timing  # noqa: E402

DEFAULT = ("conv-pooling", "mnist-ann")
# The plain course runs nbgrader's own preprocessors: test cells execute in the kernel.
PLAIN_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "plain"
c.CourseDirectory.root = {root!r}
c.ExecutePreprocessor.timeout = 600
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
"""
MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if done.returncode:
    sys.stderr.buffer.write(done.stderr[-3000:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(max(own, children) // 1024)
sys.exit(done.returncode)
"""


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _submit(root: Path, assignment: str, solution: Path, n: int) -> None:
    for i in range(n):
        folder = root / "submitted" / f"s{i:03d}" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(solution, folder / solution.name)


def prepare(scratch: Path, assignment: str, n: int) -> tuple[Path, Path]:
    """(the dlgrade course, the plain nbgrader course), each with n submissions."""
    ours = scratch / assignment / "dlgrade"
    course.copy_assignments(REPO, ours, [assignment])
    api = course.api(ours)
    if not api.generate_assignment(assignment, force=True, create=True)["success"]:
        raise RuntimeError(f"could not release {assignment}")
    if timing.training_cell(ours, assignment):  # in a process of its own: this one stays small
        subprocess.run([_bin("dlgrade"), "calibrate", assignment, "--runs", "1"], cwd=ours,
                       check=True, capture_output=True)
    source = ours / "source" / assignment
    notebook = next(source.glob("*.ipynb"))
    _submit(ours, assignment, notebook, n)

    plain = scratch / assignment / "plain"
    shutil.copytree(source, plain / "source" / assignment)
    (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(plain)))
    subprocess.run([_bin("nbgrader"), "generate_assignment", assignment, "--force", "--create"],
                   cwd=plain, check=True, capture_output=True)
    _submit(plain, assignment, notebook, n)
    return ours, plain


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak resident MiB of the command or any process it waited for)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd,
                          capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{done.stderr}")
    return seconds, int(done.stdout.split()[-1])


def bench(assignment: str, scratch: Path, n: int, rounds: int, jobs: int | None = None,
          ray: str | None = None) -> dict:
    ours, plain = prepare(scratch, assignment, n)
    slots = ["--jobs", str(jobs)] if jobs else []
    commands = {"dlgrade": ([_bin("dlgrade"), "grade", assignment, "--regrade", "--json", *slots], ours),
                "nbgrader": ([_bin("nbgrader"), "autograde", assignment, "--force", "--create"], plain)}
    if ray:  # the same slots as Ray actors (a local instance: started and stopped each round)
        commands["dlgrade --ray"] = (commands["dlgrade"][0] + ["--ray", ray], ours)
    runs = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, cwd) in commands.items():
            runs[name].append(timed(command, cwd))
    graded = grading.saved_results(ours, assignment, "s000")
    if not list((plain / "autograded" / "s000" / assignment).glob("*.ipynb")):
        raise RuntimeError(f"plain nbgrader graded nothing in {plain}")
    result = {"assignment": assignment, "submissions": n, "rounds": rounds, "jobs": jobs or "default",
              "reference_score": f"{graded['score']:g} / {graded['max_score']:g}"}
    for name, measured in runs.items():
        result[name] = {"seconds_per_submission": round(statistics.median(s for s, _ in measured) / n, 3),
                        "peak_mib": max(m for _, m in measured)}
    result["throughput_ratio"] = round(result["nbgrader"]["seconds_per_submission"]
                                       / result["dlgrade"]["seconds_per_submission"], 2)
    if ray:  # Ray's throughput as a fraction of the local slots'
        result["ray_vs_local"] = round(result["dlgrade"]["seconds_per_submission"]
                                       / result["dlgrade --ray"]["seconds_per_submission"], 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(DEFAULT))
    parser.add_argument("-n", type=int, default=10, help="submissions per assignment")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of each")
    parser.add_argument("--jobs", type=int, default=None,
                        help="dlgrade's slots (default: dlgrade's own, as many as cores and memory "
                             "allow); plain nbgrader grades one at a time, as it does")
    parser.add_argument("--ray", metavar="ADDRESS", default=None,
                        help="also grade with `dlgrade grade --ray ADDRESS` ('local': a Ray "
                             "instance on this machine) and print its throughput against the "
                             "local slots'")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="dlgrade-throughput-") as scratch:
        for assignment in args.assignments:
            results.append(bench(assignment, Path(scratch), args.n, args.rounds, args.jobs,
                                 args.ray))
            if not args.json:
                r = results[-1]
                print(f"{assignment}: {r['submissions']} submissions x {r['rounds']} rounds, "
                      f"dlgrade --jobs {r['jobs']} (each graded {r['reference_score']} by dlgrade)")
                for name in ("dlgrade", "nbgrader", "dlgrade --ray"):
                    if name in r:
                        print(f"  {name:13} {r[name]['seconds_per_submission']:7.2f} s a "
                              f"submission, peak {r[name]['peak_mib']:,} MiB")
                faster = "faster" if r["throughput_ratio"] >= 1 else "slower"
                print(f"  throughput ratio {r['throughput_ratio']:.2f} (dlgrade {faster} than plain "
                      "nbgrader)")
                if "ray_vs_local" in r:
                    print(f"  Ray: {r['ray_vs_local']:.2f} of the local slots' throughput")
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
