"""Small helpers for writing the course's notebooks from Python (authoring only).

A notebook is written as a list of cells: ``md(text)`` for Markdown,
``code(text, hide=False, alt=None, tags=())`` for code. ``write(path, cells)``
stores it (without outputs); execute it afterwards with
``python tools/execute_notebooks.py PATH`` so that its outputs are stored too.
"""

from __future__ import annotations

import textwrap

import nbformat


def md(text):
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text, hide=False, alt=None, tags=(), caption=None):
    cell = nbformat.v4.new_code_cell(textwrap.dedent(text).strip("\n"))
    cell_tags = list(tags)
    if hide:
        cell_tags.insert(0, "hide-input")
    if cell_tags:
        cell.metadata["tags"] = cell_tags
    if alt or caption:
        image = {}
        if alt:
            image["alt"] = alt
        cell.metadata["mystnb"] = {"image": image}
        if caption:
            cell.metadata["mystnb"]["figure"] = {"caption": caption}
    return cell


def write(path, cells, extra_metadata=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    if extra_metadata:
        nb.metadata.update(extra_metadata)
    nbformat.write(nb, path)
