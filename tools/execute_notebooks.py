"""Execute notebooks in place so that they are stored with fresh outputs.

Usage: ``python tools/execute_notebooks.py book/00_getting_started/first_look.ipynb ...``
(or no argument: every notebook under ``book/``). Each notebook runs with its
own folder as working directory, as the book build and nbval run it.
"""

from __future__ import annotations

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent


def execute(path: pathlib.Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    # Execution counts and timing metadata are noise in diffs; nbval ignores them.
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv):
    paths = [pathlib.Path(p) for p in argv] or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb")
        if "_build" not in p.parts and not any(part.startswith(".") for part in p.parts))
    for path in paths:
        print(f"{path}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
