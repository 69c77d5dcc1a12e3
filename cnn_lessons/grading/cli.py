"""The ``cnn-lessons`` command: exercises, release, grade, export, gradescope, autograde.

Each subcommand is a thin wrapper over one stage (a function from files to
files). Exit status: 0 on success (for ``grade``: every submission got a
result, whatever the scores), 1 when a stage refuses (release), 2 on usage
errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["main"]


def _positive(value):
    x = float(value)
    if not x > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return x


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cnn-lessons", description="Author, release and grade the course's "
                                "exercise notebooks.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    e = sub.add_parser("exercises", help="list every assignment and its graded exercises")
    e.add_argument("--json", action="store_true", help="print JSON (a stable format)")
    e.add_argument("--book", type=Path, help="the book folder (default: the repository's book/)")

    r = sub.add_parser("release", help="write the student notebook of each assignment")
    r.add_argument("--out", type=Path, required=True, help="folder for <assignment>.ipynb")
    r.add_argument("--book", type=Path)
    r.add_argument("--assignment", action="append", help="only this assignment (repeatable)")

    g = sub.add_parser("grade", help="grade submitted notebooks (files or folders)")
    g.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    g.add_argument("--out", type=Path, required=True, help="folder for <stem>.json and grades.csv")
    g.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default 1)")
    g.add_argument("--timeout", type=_positive, default=10.0,
                   help="seconds allowed for each cell and each call of a graded function (default 10)")
    g.add_argument("--memory", type=_positive, default=2048, help="memory limit in MiB (default 2048)")
    g.add_argument("--assignment", help="grade as this assignment (default: from the notebook)")
    g.add_argument("--force", action="store_true", help="regrade submissions already graded")

    x = sub.add_parser("export", help="rebuild grades.csv from a folder of results")
    x.add_argument("results", type=Path, help="the folder given to grade --out")
    x.add_argument("--csv", type=Path, help="where to write (default: RESULTS/grades.csv)")

    z = sub.add_parser("gradescope", help="build a Gradescope autograder zip for one assignment")
    z.add_argument("assignment")
    z.add_argument("--out", type=Path, default=Path("autograder.zip"))
    z.add_argument("--timeout", type=_positive, default=10.0)

    a = sub.add_parser("autograde", help="(inside Gradescope) grade one submission folder")
    a.add_argument("assignment")
    a.add_argument("--submission", type=Path, default=Path("/autograder/submission"))
    a.add_argument("--results", type=Path, default=Path("/autograder/results/results.json"))
    a.add_argument("--timeout", type=_positive, default=10.0)
    return p


def _exercises(args) -> int:
    from . import assignments
    from .author import AuthorError, default_book, discover, orphans

    try:
        pairs = discover(args.book)
    except AuthorError as exc:
        print(f"cnn-lessons exercises: the book and the assignment specs disagree:\n{exc}", file=sys.stderr)
        return 1
    root = Path(args.book or default_book()).resolve()
    data = {"assignments": [
        {"id": p.spec.id,
         "source": _rel(p.source.path, root.parent),
         "exercises": [{"name": e.name, "points": e.points} for e in p.spec.exercises]}
        for p in pairs]}
    for orphan in orphans(pairs):
        print(f"cnn-lessons exercises: warning: assignment {orphan!r} has a data module but no exercise "
              f"notebook in {root} yet, so it cannot be released", file=sys.stderr)
        spec = assignments.load(orphan)
        data["assignments"].append({"id": orphan, "source": None, "exercises": [
            {"name": e.name, "points": e.points} for e in spec.exercises]})
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    for a in data["assignments"]:
        total = sum(e["points"] for e in a["exercises"])
        print(f"{a['id']}  ({a['source'] or 'no notebook yet'}, {total:g} points)")
        for e in a["exercises"]:
            print(f"  {e['name']:<28} {e['points']:g}")
    return 0


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "exercises":
        return _exercises(args)
    if args.command == "release":
        from .release import ReleaseError, release

        try:
            release(args.out, args.book, args.assignment)
        except ReleaseError as exc:
            print(f"cnn-lessons release: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "grade":
        from . import assignments
        from .grade import grade_batch
        from .sandbox import Limits

        if args.assignment and args.assignment not in assignments.assignment_ids():
            print(f"cnn-lessons grade: no assignment {args.assignment!r}; known: "
                  f"{', '.join(assignments.assignment_ids())}", file=sys.stderr)
            return 2
        limits = Limits(timeout=args.timeout, memory=int(args.memory * (1 << 20)))
        results = grade_batch(args.submissions, args.out, jobs=args.jobs, limits=limits, force=args.force,
                              assignment=args.assignment)
        print(f"{len(results)} submission(s) graded into {args.out} (grades.csv)")
        return 0
    if args.command == "export":
        from .export import read_result, write_csv

        results = [(p.stem, r) for p in sorted(args.results.glob("*.json"))
                   if (r := read_result(p)) is not None]
        target = args.csv or args.results / "grades.csv"
        write_csv(target, results)
        print(f"{len(results)} result(s) written to {target}")
        return 0
    if args.command == "gradescope":
        from .gradescope import build_bundle

        try:
            path = build_bundle(args.assignment, args.out, timeout=args.timeout)
        except KeyError as exc:
            print(f"cnn-lessons gradescope: {exc.args[0]}", file=sys.stderr)
            return 2
        print(f"wrote {path}: upload it as the autograder of assignment {args.assignment!r}")
        return 0
    if args.command == "autograde":
        from .gradescope import autograde
        from .sandbox import Limits

        result = autograde(args.assignment, args.submission, args.results, limits=Limits(timeout=args.timeout))
        print(f"score {result['score']:g}; results in {args.results}")
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
