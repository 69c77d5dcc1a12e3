"""Grading speed: 100 copies of a complete, correct submission, with --jobs 2.

Prints the wall time of ``cnn-lessons grade`` on 100 submissions, the seconds
per submission, for comparison the cost of starting one Jupyter kernel and
running the notebook with nbclient (what a kernel-per-submission grader pays),
and the time of one in-notebook ``check()``. Not a test: run it by hand,

    python benchmarks/bench_grading.py [--n 100] [--jobs 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from cnn_lessons.grading.check import check, run_checks
from cnn_lessons.grading.cli import main

SOLUTION = Path(__file__).resolve().parents[1] / "book" / "00_getting_started" / "warmup.ipynb"


def kernel_run_seconds() -> float:
    """One notebook executed in a fresh Jupyter kernel (nbclient), start to finish."""
    from nbclient import NotebookClient

    nb = nbformat.read(str(SOLUTION), as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return time.perf_counter() - t


def main_bench(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--skip-fresh", action="store_true", help="skip the run without the zygote")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.n):
            shutil.copy(SOLUTION, subs / f"student_{i:03d}.ipynb")
        out = tmp / "out"
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            t = time.perf_counter()
            code = main(["grade", str(subs), "--out", str(out), "--jobs", str(args.jobs)])
            wall = time.perf_counter() - t
        assert code == 0
        graded = len(list(out.glob("student_*.json")))
        scores = (out / "grades.csv").read_text().count(",10,10,")
        print(f"grade: {graded} submissions, --jobs {args.jobs}, on {os.cpu_count()} CPU(s): "
              f"{wall:.2f} s wall, {wall / graded:.3f} s per submission ({scores} scored 10/10)")

        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            t = time.perf_counter()
            main(["grade", str(subs), "--out", str(out), "--jobs", str(args.jobs)])
            resume = time.perf_counter() - t
        print(f"grade again (all {graded} already graded, skipped): {resume:.2f} s")

        if not args.skip_fresh:
            os.environ["CNN_LESSONS_NO_ZYGOTE"] = "1"
            try:
                with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                    t = time.perf_counter()
                    main(["grade", str(subs), "--out", str(tmp / "out2"), "--jobs", str(args.jobs)])
                    fresh = time.perf_counter() - t
            finally:
                del os.environ["CNN_LESSONS_NO_ZYGOTE"]
            print(f"grade without the zygote (a fresh python -I -S per submission): {fresh:.2f} s wall, "
                  f"{fresh / graded:.3f} s per submission")

        k = kernel_run_seconds()
        print(f"for comparison, one Jupyter kernel start + run of the same notebook (nbclient): {k:.2f} s, "
              f"i.e. {k * graded / args.jobs:.0f} s for {graded} submissions on {args.jobs} jobs")

        ns = {}
        exec(compile("\n".join(c.source for c in nbformat.read(str(SOLUTION), as_version=4).cells
                               if c.cell_type == "code" and "check" not in c.source), "<solution>", "exec"), ns)
        with contextlib.redirect_stdout(io.StringIO()):
            times = []
            for name in ("conv_output_length", "corr2d_loop", "corr2d_multi_in"):
                t = time.perf_counter()
                check(name, ns[name])
                times.append(time.perf_counter() - t)
        t = time.perf_counter()
        run_checks("corr2d_loop", ns["corr2d_loop"], hidden=True)
        hidden = time.perf_counter() - t
        print("check() of one exercise: " + ", ".join(f"{n} {s * 1000:.1f} ms" for n, s in zip(
            ("conv_output_length", "corr2d_loop", "corr2d_multi_in"), times))
              + f" (all 5 checks of corr2d_loop, hidden included: {hidden * 1000:.1f} ms)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
