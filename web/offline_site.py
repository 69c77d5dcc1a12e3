"""Sphinx extension: make the built pages self-contained (no request leaves the site).

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. MathJax itself is
served from ``web/static/mathjax`` (``mathjax_path`` in ``_config.yml``); this
extension fixes what notebook outputs bring in:

- matplotlib's JavaScript animations (``to_jshtml``) link Font Awesome 4 from a
  CDN for their button icons. The theme already ships Font Awesome (it draws the
  same ``fa fa-*`` icons), so the link is removed.
- the ``<img>`` of such an animation has no ``alt``, and its slider no label;
  a plain description is added when the output has none of its own.

and, for accessibility (axe-core's "serious" rule label-content-name-mismatch),
rewrites three bits of the themes' HTML once the pages are written: the
search button and the "Show code cell source" toggles get their accessible
name from their visible text instead of a different ``aria-label``, and the
three icons of the colour-mode button are hidden from assistive technology
(the button's name is its ``aria-label``, "Color mode"). It also drops
duplicated inline scripts (sphinx-thebe adds its configuration twice, which
is a "THEBE_JS_URL has already been declared" error in every page).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

FONT_AWESOME_CDN = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https?://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*"\s*/?>\s*')
ANIMATION_IMG = re.compile(r'<img\s+id="(_anim_img[0-9a-f]+)"\s*>')
ANIMATION_SLIDER = re.compile(r'<input\s+id="(_anim_slider[0-9a-f]+)"\s+type="range"(?![^>]*aria-label)')
ANIMATION_ALT = ("Animation: the frame shown is chosen with the slider and the "
                 "frame buttons below it")


def make_offline(html: str) -> str:
    html = FONT_AWESOME_CDN.sub("", html)
    html = ANIMATION_IMG.sub(rf'<img id="\1" alt="{ANIMATION_ALT}">', html)
    return ANIMATION_SLIDER.sub(r'<input id="\1" type="range" aria-label="Frame"', html)


PAGE_FIXES = [
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    (re.compile(r'(<button class="btn search-button-field[^>]*?) aria-label="Search"'), r"\1"),
    (re.compile(r'<i class="theme-switch ([^"]*)" data-mode="(\w+)"\s+title="[^"]*"></i>'),
     r'<i class="theme-switch \1" data-mode="\2" aria-hidden="true"></i>'),
]


def fix_page(html: str) -> str:
    for rx, repl in PAGE_FIXES:
        html = rx.sub(repl, html)
    return html


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        new = fix_page(text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        # the same file or inline body, whatever its priority
        key = (getattr(script, "filename", None) or "",
               repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def _doctree_resolved(app, doctree, docname):
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        new = make_offline(text)
        if new != text:
            node.replace_self(nodes.raw(new, new, **{k: v for k, v in node.attributes.items()
                                                     if k != "ids"}))


def setup(app):
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
