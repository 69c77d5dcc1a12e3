"""Refresh the vendored third-party files from the npm registry (needs npm; run by hand).

The files are committed, so a clone builds and tests offline without npm.
This script only re-creates them, from pinned versions checked against the
registry's integrity hashes:

- MathJax 3 (Apache-2.0) -> web/static/mathjax/: the `tex-mml-chtml.js`
  component, its TeX extensions (loaded on demand by `autoload`) and the
  woff-v2 fonts of the CHTML output, about 2 MB, with MathJax's LICENSE.
- axe-core (MPL-2.0) -> tests/browser/vendor/: `axe.min.js`, injected into each
  page by the browser tests, with its LICENSE.

    python web/vendor_assets.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "mathjax": {
        "version": "3.2.2",
        "dest": ROOT / "web" / "static" / "mathjax",
        # paths inside the package (relative to package/), files or folders
        "keep": {
            "es5/tex-mml-chtml.js": "tex-mml-chtml.js",
            "es5/input/tex/extensions": "input/tex/extensions",
            "es5/output/chtml/fonts/woff-v2": "output/chtml/fonts/woff-v2",
            "LICENSE": "LICENSE",
        },
    },
    "axe-core": {
        "version": "4.14.1",
        "dest": ROOT / "tests" / "browser" / "vendor",
        "keep": {"axe.min.js": "axe.min.js", "LICENSE": "LICENSE"},
    },
}


def fetch(name: str, spec: dict, work: Path) -> None:
    version = spec["version"]
    info = json.loads(subprocess.run(
        ["npm", "view", f"{name}@{version}", "dist", "--json"],
        check=True, capture_output=True, text=True).stdout)
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"],
                         cwd=work, check=True, capture_output=True, text=True).stdout
    tgz = work / out.strip().splitlines()[-1]
    algo, _, digest = info["integrity"].partition("-")
    got = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if got != digest:
        sys.exit(f"{name}@{version}: integrity mismatch")
    unpack = work / name
    with tarfile.open(tgz) as tar:
        tar.extractall(unpack, filter="data")
    dest = spec["dest"]
    if dest.exists():
        shutil.rmtree(dest)
    for src, dst in spec["keep"].items():
        s, d = unpack / "package" / src, dest / dst
        d.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if s.is_dir() else shutil.copy2)(s, d)
    (dest / "VERSION").write_text(f"{name}@{version} from the npm registry ({info['integrity']})\n")
    size = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    print(f"{name}@{version}: {size / 1e6:.2f} MB in {dest.relative_to(ROOT)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in PACKAGES.items():
            fetch(name, spec, Path(tmp))


if __name__ == "__main__":
    main()
