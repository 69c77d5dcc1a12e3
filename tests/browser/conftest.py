"""Fixtures of the browser suite: the built sites served on loopback, and Debian's Chromium.

The suite needs the sites built first (the README's build command):
``_build/html`` (instructors' edition) and ``_build/student/html`` (student
edition, ``python tools/student_build.py``), and Chromium at /usr/bin/chromium
(``apt-get install -y --no-install-recommends chromium chromium-driver``).
When one is missing the tests are skipped with the reason, except when the
environment variable ``CI`` is set (as in ``.ci/run``): then they fail.

The network is unplugged for the browser: every request to anything but the
loopback server is aborted, and recorded as a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITES = {"main": ROOT / "_build" / "html", "student": ROOT / "_build" / "student" / "html"}
BUILD_HINT = {
    "main": "jupyter-book build . -W -n --keep-going",
    "student": "python tools/student_build.py",
}
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CNN_LESSONS_CHROMIUM", "/usr/bin/chromium")
# The flags known to work on these machines (no sandbox as root, no background traffic).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))


def unavailable(reason: str):
    """Skip, or fail in CI, where every browser test must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so the browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def toc_pages() -> list[str]:
    """Every page of _toc.yml, in reading order, as paths of the built site (book/x.html)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return [f"{Path(f).with_suffix('')}.html" for f in files]


def toc_sources() -> dict[str, Path]:
    """Built page -> its source file (.ipynb or .md)."""
    out = {}
    for page in toc_pages():
        stem = ROOT / Path(page).with_suffix("")
        for ext in (".ipynb", ".md"):
            if stem.with_suffix(ext).exists():
                out[page] = stem.with_suffix(ext)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="session")
def servers():
    """One `http.server` per built site, on 127.0.0.1 and a free port; {site: base url}."""
    started, urls = [], {}

    def serve(site):
        if site in urls:
            return urls[site]
        root = SITES[site]
        if not (root / "index.html").is_file():
            unavailable(f"the {site} site is not built ({root.relative_to(ROOT)}/index.html is "
                        f"missing): run `{BUILD_HINT[site]}` first")
        handler = functools.partial(_QuietHandler, directory=str(root))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        urls[site] = f"http://127.0.0.1:{httpd.server_address[1]}/"
        return urls[site]

    yield serve
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium is not installed at {CHROMIUM}: run "
                    "`sudo apt-get install -y --no-install-recommends chromium chromium-driver`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: python -m pip install -r requirements.txt")
    with sync_playwright() as p:
        # Playwright makes a fresh, empty profile directory for each launch.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page opened with the network unplugged, recording what went wrong while loading."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           service_workers="block")
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith((self.base, "data:", "blob:")):
            route.continue_()
        else:  # the network is unplugged
            route.abort("internetdisconnected")

    def _console(self, msg):
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, servers):
    opened = []

    def open_site(site: str) -> Visit:
        v = Visit(browser, servers(site))
        opened.append(v)
        return v

    yield open_site
    for v in opened:
        v.close()
