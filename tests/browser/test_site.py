"""The built site in a real browser (Debian's Chromium, headless), with the network unplugged.

For each page of both editions (instructors' `_build/html`, students'
`_build/student/html`), served by `http.server` on 127.0.0.1:

- MathJax (served by the site) typeset every formula: no raw `$$`, `\\(`, `\\[`
  is left in the text and no formula is a MathJax error;
- every image loaded (`naturalWidth > 0`) and has alt text;
- every animation widget is there and steps on "Next frame" and on "Play";
- every dropdown (solution cells, answers) is collapsed, opens on click and,
  focused, on the Enter key; solution cells hide their code until opened;
- navigation: the sidebar lists every page, previous/next links go to the
  neighbours in the table of contents, the download button offers the page's
  notebook (or source), and the notebook downloads;
- axe-core finds no violation of impact "serious" or "critical";
- no console error and no failed request (KNOWN_HARMLESS lists the exceptions);
- a full-page screenshot is saved to `_build/screenshots/<edition>/`.

(On the student edition, axe, animations and dropdowns are checked on the
pages whose content differs from the instructors' edition: exercises, warm-up
and home page; its other pages have the same elements, which a test checks.)

Then, per edition: full-text search for "stride" and for "receptive field"
finds the right pages, first; the table of contents, the search and the
dropdowns work with the keyboard alone; and the student edition holds no
solution text anywhere, downloadable notebooks included.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from .conftest import ROOT, SCREENSHOTS, SITES, toc_pages, toc_sources, unavailable

pytestmark = pytest.mark.browser

PAGES = toc_pages()
SOURCES = toc_sources()
EDITIONS = ["main", "student"]
AXE = ROOT / "tests" / "browser" / "vendor" / "axe.min.js"
AXE_BLOCKING = {"serious", "critical"}

# Console messages and failed requests that are expected and harmless: (regex, why).
# Anything else fails the page.
KNOWN_HARMLESS: list[tuple[str, str]] = []

# query -> (the page about it, which must be found with a snippet showing the words,
#           other pages that must be found too). Sphinx ranks pages of equal score
#           by title, so the order is not checked beyond that.
SEARCHES = {
    "stride": ("book/03_padding_stride_dilation/02_stride.html", {
        "book/03_padding_stride_dilation/03_dilation.html",
        "book/03_padding_stride_dilation/exercises.html",
        "book/04_pooling/02_windows_strides_padding.html",
        "book/05_backpropagation/02_stride_dilation_padding.html",
    }),
    "receptive field": ("book/03_padding_stride_dilation/04_receptive_field.html", {
        "book/03_padding_stride_dilation/exercises.html",
    }),
}
# Pages that must not come up for a query (no false positives from the index).
NOT_FOUND = {"receptive field": {"book/instructors.html", "book/00_getting_started/grading.html"}}


def _harmless(message: str) -> bool:
    return any(re.search(rx, message) for rx, _why in KNOWN_HARMLESS)


def _wait_for_mathjax(page) -> None:
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    }""")


MATH_JS = """() => {
  const art = document.querySelector('article.bd-article') || document.body;
  const math = [...art.querySelectorAll('.math')];
  const untypeset = math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));
  const clone = art.cloneNode(true);
  clone.querySelectorAll('pre, code, .highlight, script, style, mjx-container, textarea')
       .forEach(e => e.remove());
  const text = clone.textContent;
  const raw = ['$$', '\\\\(', '\\\\)', '\\\\[', '\\\\]', '\\\\begin{'].filter(s => text.includes(s));
  return {
    mathjax: !!(window.MathJax && MathJax.version),
    math: math.length,
    typeset: art.querySelectorAll('mjx-container').length,
    errors: [...art.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    untypeset, raw,
  };
}"""

IMAGES_JS = """() => [...document.images].map(i => ({
  src: (i.getAttribute('src') || '').slice(0, 80), id: i.id,
  loaded: i.complete && i.naturalWidth > 0,
  alt: (i.getAttribute('alt') || '').trim(),
}))"""


def _axe(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
    }""")


def _path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _check_navigation(page, base, name, problems):
    links = page.eval_on_selector_all("nav.bd-docs-nav a[href]", "els => els.map(e => e.href)")
    listed = {_path(u) for u in links}
    missing = [p for p in PAGES if p not in listed and p != PAGES[0]]
    if missing:
        problems.append(f"sidebar lacks links to {missing}")
    i = PAGES.index(name)
    for selector, neighbour in (("a.left-prev", PAGES[i - 1] if i > 0 else None),
                                ("a.right-next", PAGES[i + 1] if i + 1 < len(PAGES) else None)):
        hrefs = page.eval_on_selector_all(f".prev-next-area {selector}", "els => els.map(e => e.href)")
        got = _path(hrefs[0]) if hrefs else None
        if got != neighbour:
            problems.append(f"{selector} goes to {got}, expected {neighbour}")
    suffix = SOURCES[name].suffix
    downloads = page.eval_on_selector_all(
        ".dropdown-download-buttons a[href]", "els => els.map(e => e.href)")
    source = [u for u in downloads if _path(u).endswith(suffix)]
    if not source:
        problems.append(f"no download button for the {suffix} file (found {downloads})")
        return None
    response = page.request.get(source[0])
    if response.status != 200:
        problems.append(f"download {source[0]}: HTTP {response.status}")
        return None
    if suffix == ".ipynb":
        nbformat.reads(response.text(), as_version=4)  # a valid notebook
    return response.text()


def _check_animations(page, problems):
    anims = page.locator("div.animation")
    playing = []
    for k in range(anims.count()):
        a = anims.nth(k)
        slider, img = a.locator("input.anim-slider"), a.locator("img")
        frames = int(slider.get_attribute("max") or 0) + 1
        loaded = img.evaluate("i => i.naturalWidth > 0")
        if frames < 2 or not loaded:
            problems.append(f"animation {k}: {frames} frame(s), image loaded: {loaded}")
            continue
        src0 = img.get_attribute("src")
        a.get_by_role("button", name="Next frame", exact=True).click()
        if slider.input_value() != "1" or img.get_attribute("src") == src0:
            problems.append(f"animation {k}: 'Next frame' did not step (slider {slider.input_value()})")
        a.get_by_role("button", name="First frame", exact=True).click()
        a.get_by_role("button", name="Play", exact=True).click()
        playing.append(k)
    if playing:  # all of them play at once: one wait for the slowest first step
        try:
            page.wait_for_function(
                "ks => ks.every(k => document.querySelectorAll('div.animation input.anim-slider')[k].value !== '0')",
                arg=playing, timeout=5_000, polling=50)
        except Exception:  # noqa: BLE001 - reported as a page problem
            stuck = page.evaluate("ks => ks.filter(k => document.querySelectorAll("
                                  "'div.animation input.anim-slider')[k].value === '0')", playing)
            problems.append(f"animations {stuck}: 'Play' did not advance within 5 s")
        for k in playing:
            anims.nth(k).get_by_role("button", name="Pause", exact=True).click()


def _check_dropdowns(page, edition, problems):
    solution_cells = page.locator("article .cell.tag_solution")
    if edition == "student" and solution_cells.count():
        problems.append(f"{solution_cells.count()} solution cell(s) in the student edition")
    for k in range(solution_cells.count()):
        cell = solution_cells.nth(k)
        code = cell.locator(".cell_input").first
        if cell.locator("details").count() == 0 or code.is_visible():
            problems.append(f"solution cell {k}: its code is not collapsed")
    details = page.locator("article details")
    for k in range(details.count()):
        d = details.nth(k)
        if d.evaluate("d => d.open"):
            problems.append(f"dropdown {k} is open on load")
            continue
        summary = d.locator("summary").first
        summary.click()
        if not d.evaluate("d => d.open && [...d.children].some(c => c.tagName !== 'SUMMARY' && c.offsetHeight > 0)"):
            problems.append(f"dropdown {k} did not open on click")
        d.evaluate("d => { d.open = false; }")  # closed again, to be opened with the keyboard
        summary.focus()
        page.keyboard.press("Enter")
        if not d.evaluate("d => d.open && d.contains(document.activeElement)"):
            problems.append(f"dropdown {k} did not open with the keyboard (focus + Enter)")
    for k in range(solution_cells.count()):
        if not solution_cells.nth(k).locator(".cell_input").first.is_visible():
            problems.append(f"solution cell {k}: its code did not show once opened")


NOTEBOOK_PAGES = {p for p, src in SOURCES.items() if src.suffix == ".ipynb"}
# The student edition's pages whose content differs from the instructors' edition:
# the exercise notebooks (solutions replaced by stubs, no outputs) and the home
# page (the title). Its other pages are the same notebooks and the same HTML,
# so axe, animations and dropdowns are checked on the instructors' edition only.
STUDENT_CHANGED = {p for p, src in SOURCES.items() if src.name == "exercises.ipynb"} | {
    "book/00_getting_started/warmup.html", PAGES[0]}


def _interactive_checks(edition: str, name: str) -> bool:
    return edition == "main" or name in STUDENT_CHANGED


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_page(visit, edition, name):
    v = visit(edition)
    page, problems = v.page, []
    page.goto(v.base + name, wait_until="load")
    _wait_for_mathjax(page)

    shot = SCREENSHOTS / edition / (name.replace("/", "__").removesuffix(".html") + ".png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)

    m = page.evaluate(MATH_JS)
    if m["math"] and not m["mathjax"]:
        problems.append("MathJax did not load")
    if m["untypeset"]:
        problems.append(f"formulas not typeset: {m['untypeset'][:3]}")
    if m["errors"]:
        problems.append(f"MathJax errors: {m['errors'][:3]}")
    if m["raw"]:
        problems.append(f"raw TeX delimiters left in the text: {m['raw']}")

    for img in page.evaluate(IMAGES_JS):
        if not img["loaded"]:
            problems.append(f"image did not load: {img['src'] or img['id']}")
        if not img["alt"]:
            problems.append(f"image without alt text: {img['src'] or img['id']}")

    if _interactive_checks(edition, name):
        for violation in _axe(page):
            if violation["impact"] in AXE_BLOCKING:
                problems.append(f"axe {violation['impact']} {violation['id']}: {violation['help']} "
                                f"at {violation['nodes']}")
        _check_animations(page, problems)
        _check_dropdowns(page, edition, problems)
    elif edition == "student" and page.locator("article .cell.tag_solution").count():
        problems.append("solution cells in the student edition")
    download = _check_navigation(page, v.base, name, problems)
    if edition == "student" and download and name in NOTEBOOK_PAGES and "BEGIN SOLUTION" in download:
        problems.append("the downloadable notebook holds a solution")

    problems += [f"console error: {e}" for e in v.console_errors if not _harmless(e)]
    problems += [f"failed request: {r}" for r in v.failed if not _harmless(r)]
    assert not problems, f"{edition} {name} (screenshot {shot.relative_to(ROOT)}):\n  " + "\n  ".join(problems)


def _search(page, base, query):
    page.goto(f"{base}search.html?q={query.replace(' ', '+')}", wait_until="load")
    page.wait_for_function("() => { const s = document.querySelector('#search-results .search-summary');"
                           " return s && /found|did not match/i.test(s.textContent); }", timeout=20_000)
    page.wait_for_load_state("networkidle")  # the snippets are fetched page by page after that
    results = page.eval_on_selector_all("#search-results ul.search li", """els => els.map(li => ({
        href: li.querySelector('a').href, snippet: (li.querySelector('p.context') || {}).textContent || ''}))""")
    return [{"page": _path(r["href"]), "snippet": r["snippet"]} for r in results]


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_search(visit, edition, query):
    v = visit(edition)
    results = _search(v.page, v.base, query)
    pages = [r["page"] for r in results]
    main, others = SEARCHES[query]
    assert main in pages, f"search for {query!r} misses {main}: found {pages}"
    assert others <= set(pages), f"search for {query!r} misses {sorted(others - set(pages))}"
    wrong = NOT_FOUND.get(query, set()) & set(pages)
    assert not wrong, f"search for {query!r} finds unrelated pages {sorted(wrong)}"
    snippet = next(r["snippet"] for r in results if r["page"] == main).lower()
    assert query.split()[0] in snippet, f"no snippet with {query!r} for {main}: {snippet!r}"
    assert not v.console_errors and not v.failed, (v.console_errors, v.failed)


FOCUS_JS = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  return {tag: e.tagName, href: e.href || null, inToc: !!e.closest('nav.bd-docs-nav'),
          search: !!e.closest('.search-button, .search-button-field, button[aria-label*="earch" i]'),
          summary: e.tagName === 'SUMMARY', inArticle: !!e.closest('article')}; }"""


@pytest.mark.parametrize("edition", EDITIONS)
def test_keyboard_only(visit, edition):
    """Tab reaches the table of contents, the search and every dropdown; Enter uses them."""
    v = visit(edition)
    page = v.page
    name = "book/04_pooling/01_what_pooling_computes.html"  # answers in dropdowns, hidden code cells
    page.goto(v.base + name, wait_until="load")
    _wait_for_mathjax(page)
    n_summaries = page.locator("article details > summary").count()
    seen, toc_links, summaries = [], set(), 0
    search_reached = False
    for _ in range(600):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_JS)
        if f is None:
            continue
        key = (f["tag"], f["href"])
        if seen and key == seen[0] and len(seen) > 5:
            break  # wrapped around
        seen.append(key)
        toc_links |= {_path(f["href"])} if f["inToc"] and f["href"] else set()
        search_reached |= f["search"]
        summaries += f["summary"] and f["inArticle"]
    assert search_reached, "Tab never reaches the search button"
    assert set(PAGES[1:]) <= toc_links, f"Tab misses toc links: {sorted(set(PAGES[1:]) - toc_links)}"
    assert summaries >= n_summaries, f"Tab reaches {summaries} of {n_summaries} dropdowns"

    # The search with the keyboard alone: Ctrl+K opens the search box, Enter submits.
    page.keyboard.press("Control+k")
    page.wait_for_selector("#pst-search-dialog input[name=q], .search-button__search-container input",
                           state="visible", timeout=5_000)
    page.keyboard.type("stride")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li').length > 0",
                           timeout=20_000)
    page.wait_for_load_state("networkidle")

    # A toc link followed with the keyboard alone.
    page.goto(v.base + name, wait_until="load")
    target = "book/03_padding_stride_dilation/02_stride.html"
    for _ in range(600):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_JS)
        if f and f["inToc"] and f["href"] and _path(f["href"]) == target:
            break
    else:
        pytest.fail(f"Tab never reached the toc link to {target}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _path(page.url) == target
    assert not v.console_errors and not v.failed, (v.console_errors, v.failed)


# -- the student edition holds no solution ---------------------------------------------

HINT = re.compile(r"raise NotImplementedError\((['\"])(.*)\1\)")


def _hints() -> str:
    """The hints of the student notebooks: shown to students by design (`cnn-lessons release`)."""
    out = []
    for path in (SITES["student"] / "_sources" / "book").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            out += [m.group(2) for m in HINT.finditer("".join(cell["source"]))]
    return "\n".join(out)


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strings(obj) -> str:
    """Every string inside a JSON-like value (notebook outputs), ANSI colours removed."""
    if isinstance(obj, str):
        return ANSI.sub("", obj)
    if isinstance(obj, dict):
        return "\n".join(_strings(v) for v in obj.values())
    if isinstance(obj, list):
        return "".join(_strings(v) if isinstance(v, str) else _strings(v) + "\n" for v in obj)
    return ""


def _solution_lines(allowed: str = "") -> dict[str, list[str]]:
    """Per exercise notebook, the distinctive lines of its solutions.

    A line is distinctive if no other cell of the book has it (`H, W = x.shape`
    is in lessons too) and it is not in ``allowed`` (the hints students get).
    """
    notebooks = {p: nbformat.read(p, as_version=4) for p in sorted((ROOT / "book").rglob("*.ipynb"))}
    public = "\n".join(c.source + "\n" + _strings(c.get("outputs", []))
                        for nb in notebooks.values() for c in nb.cells
                        if "solution" not in c.metadata.get("tags", []))
    public += "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    out = {}
    for path, nb in notebooks.items():
        lines = []
        for cell in nb.cells:
            if "solution" not in cell.metadata.get("tags", []):
                continue
            inside = False
            for line in cell.source.splitlines():
                s = line.strip()
                if s.startswith("### BEGIN SOLUTION"):
                    inside = True
                elif s.startswith("### END SOLUTION"):
                    inside = False
                elif inside and len(s) >= 12 and not s.startswith("#") and s not in public \
                        and s not in allowed:
                    lines.append(s)
        if lines:
            out[str(path.relative_to(ROOT))] = lines
    return out


def _site_text(root: Path) -> dict[str, str]:
    """Every text file of a built site as a reader or a download sees it."""
    texts = {}
    for f in root.rglob("*"):
        if not f.is_file() or f.suffix not in {".html", ".js", ".ipynb", ".md", ".txt", ".json", ".py"}:
            continue
        if "_static" in f.parts and f.suffix == ".js":
            continue  # the theme's and MathJax's scripts
        t = f.read_text(encoding="utf-8", errors="replace")
        if f.suffix == ".html":
            t = html_lib.unescape(re.sub(r"<[^>]+>", "", t))
        elif f.suffix == ".ipynb":
            nb = json.loads(t)
            t = "\n".join("".join(c.get("source", "")) + "\n" + _strings(c.get("outputs", []))
                          for c in nb.get("cells", []))
        texts[str(f.relative_to(root))] = t
    return texts


def _notebook_pages() -> list[str]:
    return [str(p.relative_to(ROOT)) for p in SOURCES.values() if p.suffix == ".ipynb"]


def _leaks(root: Path) -> list[str]:
    texts = _site_text(root)
    leaks = []
    for nb, lines in _solution_lines(_hints()).items():
        for line in lines:
            where = [f for f, t in texts.items() if line in t]
            if where:
                leaks.append(f"{nb}: {line!r} in {where[:3]}")
    notebook_files = {f for f in texts if (root / f).suffix == ".ipynb"
                      or (root / f).with_suffix(".ipynb").relative_to(root).as_posix()
                      in {Path(n).as_posix() for n in _notebook_pages()}}
    for f in notebook_files:  # (instructors.md explains the markers: that is no leak)
        if "BEGIN SOLUTION" in texts[f]:
            leaks.append(f"'### BEGIN SOLUTION' in {f}")
    return leaks


def test_student_edition_has_no_solution():
    student = SITES["student"]
    if not (student / "index.html").is_file():
        unavailable("the student site is not built: run `python tools/student_build.py` first")
    solutions = _solution_lines(_hints())
    assert sum(map(len, solutions.values())) > 20, f"too few solution lines to prove anything: {solutions}"
    leaks = _leaks(student)
    assert not leaks, "solution text in the student edition:\n  " + "\n  ".join(leaks[:20])
    # The stubs are there instead, in the pages and in the downloadable notebooks.
    for nb in _solution_lines():
        page = (student / nb).with_suffix(".html").read_text(encoding="utf-8")
        source = json.loads((student / "_sources" / nb).read_text(encoding="utf-8"))
        assert "NotImplementedError" in page, nb
        assert any("NotImplementedError" in "".join(c["source"]) for c in source["cells"]), nb


def test_solution_scan_finds_the_solutions_of_the_main_edition():
    """The scan above is meaningful: on the instructors' edition it finds every solution."""
    main = SITES["main"]
    if not (main / "index.html").is_file():
        unavailable("the site is not built: run `jupyter-book build . -W -n --keep-going` first")
    texts = _site_text(main)
    for nb, lines in _solution_lines().items():
        found = [line for line in lines if any(line in t for t in texts.values())]
        assert len(found) == len(lines), f"{nb}: {set(lines) - set(found)}"


STRUCTURE = {  # what the interactive checks and axe look at in an article
    "images": r"<img\b", "formulas": r'class="math notranslate', "animations": r'<div class="animation">',
    "dropdowns": r"<details\b", "buttons": r"<button\b", "inputs": r"<input\b", "links": r"<a\b",
    "tables": r"<table\b", "headings": r"<h[1-6]\b",
}


def _article(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start, end = text.index('<article class="bd-article">'), text.index("</article>")
    return text[start:end]


def test_student_lesson_pages_have_the_instructors_structure():
    """Why axe, animations and dropdowns are checked on the instructors' edition only for
    lesson pages: the student edition's lesson pages have the same elements."""
    for site in SITES.values():
        if not (site / "index.html").is_file():
            unavailable(f"{site.relative_to(ROOT)} is not built")
    differ = []
    for name in PAGES:
        if name in STUDENT_CHANGED:
            continue
        a, b = (_article(SITES[e] / name) for e in ("main", "student"))
        counts = {k: (len(re.findall(rx, a)), len(re.findall(rx, b))) for k, rx in STRUCTURE.items()}
        differ += [f"{name}: {k} {m} vs {s}" for k, (m, s) in counts.items() if m != s]
    assert not differ, "student lesson pages differ from the instructors' ones:\n  " + "\n  ".join(differ)
