"""Build bloc's partial Plotly.js bundle (scatter, bar, heatmap) from npm into the package.

usage: python scripts/vendor_plotly.py

The dashboard and the report draw scatter, bar and heatmap traces only. The full
Plotly.js bundle (4.8 MB, 1.4 MB gzipped) carries maps, 3-D, finance and dozens of
other trace types that the browser fetched and compiled for nothing. Plotly's
smallest published bundle with a heatmap, `plotly.js-cartesian-dist-min` (1.5 MB),
still took 0.6-1.0 s to evaluate in a fresh Chromium tab on the project's machine; a
bundle of the core (scatter and the components) with bar and heatmap, made the way
Plotly documents custom bundles (its CUSTOM_BUNDLE.md), takes 0.2-0.4 s
(docs/architecture.md, "Plotly.js").

The inputs are pinned in scripts/plotly/: package.json (exact versions of plotly.js
and of the esbuild and plugins plotly.js builds itself with), package-lock.json (every
package's sha512 integrity: `npm ci` refuses a tarball that differs), entry.js (the
trace types) and build.js (plotly.js's own esbuild settings, minified). This script
checks that the registry states the pinned integrity for plotly.js, installs the
locked tree with `npm ci` in a scratch folder (npm's own client: no other
download), builds, checks the bundle registers exactly the trace types entry.js
names, and writes it with Plotly's MIT licence and a README.md (source, version,
integrity, the bundle's sha256, how to refresh) to src/bloc/web/static/vendor/.
Nothing is downloaded at run time: the files ship inside the wheel (pyproject's
package data) and `bloc.web` serves them from memory.

To refresh (a new plotly.js): set its version in scripts/plotly/package.json and
`PINNED` below, run `npm install --package-lock-only --ignore-scripts` in
scripts/plotly, run this script, then `pytest tests/web/test_plotly_bundle.py` (every
trace type the Python side emits must be in the bundle) and the browser tests.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "scripts" / "plotly"
OUT = ROOT / "src" / "bloc" / "web" / "static" / "vendor"
BUNDLE = "plotly-bloc.min.js"
VERSION = "4.1.1"
PINNED = (
    "sha512-fYLAOj091/+M4h1rmtVIkRIpdkz5/P9IdNUeB9wKmCUyvewuUdlCYR5ryqDWP7Cb36Dn4"
    "EvSrs6YKvRJ9ukNdQ=="
)
"""The sha512 integrity of the plotly.js@4.1.1 tarball on npm (also in the lock file)."""
WORK = Path("/tmp/bloc-vendor-plotly")
"""Where the bundle is built: always this folder, since plotly.js's CSS plugin names the
style element it adds by a hash of the file's absolute path (a random temporary folder
would give a different bundle each time)."""
TRACES = ["bar", "heatmap", "scatter"]  # what entry.js registers (scatter: in the core)
TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')  # how a bundle registers a trace type


def npm(*args: str, cwd: Path | None = None) -> str:
    """One npm command's standard output (npm must be installed)."""
    if shutil.which("npm") is None:
        sys.exit("npm is needed to build the Plotly.js bundle: apt-get install npm")
    done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def checked_inputs() -> None:
    """The pinned version and integrity agree with the lock file and with the registry."""
    manifest = json.loads((INPUTS / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((INPUTS / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/plotly.js"]
    if manifest["dependencies"]["plotly.js"] != VERSION or locked["version"] != VERSION:
        sys.exit(f"scripts/plotly pins plotly.js {locked['version']}, this script {VERSION}")
    if locked["integrity"] != PINNED:
        sys.exit(f"the lock file's plotly.js integrity {locked['integrity']} is not {PINNED}")
    stated = json.loads(npm("view", f"plotly.js@{VERSION}", "dist.integrity", "--json"))
    if stated != PINNED:
        sys.exit(f"the registry states {stated} for plotly.js@{VERSION}, pinned {PINNED}")


def build(folder: Path) -> tuple[bytes, bytes]:
    """The bundle and plotly.js's licence, built in `folder` from the locked tree."""
    for name in ("package.json", "package-lock.json", "entry.js", "build.js"):
        shutil.copy(INPUTS / name, folder / name)
    # Integrity of every tarball checked by npm; no install script runs (esbuild's
    # binary comes as its own package, @esbuild/<platform>, in the lock file).
    npm("ci", "--ignore-scripts", "--no-audit", "--no-fund", cwd=folder)
    banner = (
        "/**\n"
        f"* plotly.js (bloc's partial bundle: {', '.join(TRACES)} - minified) v{VERSION}\n"
        "* Copyright 2012-2026, Plotly, Inc.\n"
        "* All rights reserved.\n"
        "* Licensed under the MIT license\n"
        "* Built by bloc's scripts/vendor_plotly.py from the npm package plotly.js\n"
        "*/"
    )
    done = subprocess.run(
        ["node", "build.js", BUNDLE, banner], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"the bundle did not build: {done.stderr.strip()}")
    licence = folder / "node_modules" / "plotly.js" / "LICENSE"
    return (folder / BUNDLE).read_bytes(), licence.read_bytes()


def main() -> None:
    checked_inputs()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        bundle, licence = build(WORK)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    text = bundle.decode("utf-8")
    traces = sorted(set(TRACE.findall(text)))
    if traces != TRACES:
        sys.exit(f"the bundle registers {traces}, not {TRACES}")
    if "</script" in text.lower():
        sys.exit("the bundle holds a closing script tag: the report could not inline it")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / BUNDLE).write_bytes(bundle)
    (OUT / "LICENSE-plotly.js.txt").write_bytes(licence)
    digest = hashlib.sha256(bundle).hexdigest()
    note = f"""# Vendored front-end files

`{BUNDLE}`: a partial build of plotly.js v{VERSION} (the npm package
`plotly.js@{VERSION}`, tarball integrity `{PINNED}`)
with the trace types {", ".join(TRACES)} only, the ones bloc's charts draw.
Licence: MIT, Plotly's notice in `LICENSE-plotly.js.txt`.

Built by `python scripts/vendor_plotly.py` from the pinned inputs in `scripts/plotly/`
(the lock file holds every package's integrity; `npm ci` checks them), the way Plotly
documents custom bundles, with plotly.js's own esbuild settings. The bundle's sha256:
`{digest}`.

To refresh: set the new version in `scripts/plotly/package.json` and in the script's
`VERSION` and `PINNED`, run `npm install --package-lock-only --ignore-scripts` in
`scripts/plotly/`, run the script, then `tests/web/test_plotly_bundle.py` and the
browser tests.
"""
    (OUT / "README.md").write_text(note, encoding="utf-8")
    print(f"plotly.js@{VERSION} ({', '.join(TRACES)}): {len(bundle):,} bytes -> {OUT / BUNDLE}")
    print(f"sha256 {digest}")


if __name__ == "__main__":
    main()
