"""Vendor Plotly.js's cartesian bundle from npm into the package (the dashboard's charts).

usage: python scripts/vendor_plotly.py [--version 4.1.1] [--integrity sha512-...]

The dashboard and the report draw scatter, bar and heatmap traces only; the full
Plotly.js bundle (4.8 MB, 1.4 MB gzipped) carries maps, 3-D, finance and dozens of
other trace types the browser fetched and compiled for nothing. Plotly publishes
partial bundles on npm; `plotly.js-cartesian-dist-min` holds the cartesian trace
types (scatter, bar, heatmap, box, histogram, contour, pie, ...), 1.5 MB.

This script fetches the exact version with `npm pack` (npm's own client: no other
download), checks the tarball against the sha512 integrity the registry states and,
for the pinned version, against the integrity pinned here too (a changed upload under
the same version is refused), and writes the minified file and Plotly's MIT licence
to src/bloc/web/static/vendor/, with a README.md naming the package, version, licence,
integrity and how to refresh. Nothing is downloaded at run time: the files ship inside the wheel
(pyproject's package data) and `bloc.web` serves them from memory.

To refresh: run with `--version X.Y.Z` (the registry's integrity is printed; pin it
in `PINNED` below), run `pytest tests/web/test_plotly_bundle.py` (every trace type
the Python side emits must be registered in the bundle) and the browser tests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "bloc" / "web" / "static" / "vendor"
PACKAGE = "plotly.js-cartesian-dist-min"
BUNDLE = "plotly-cartesian.min.js"  # its name inside the tarball and in the package
PINNED = {
    "4.1.1": "sha512-o8GrFeusncwBIxbBynRJpY4pkgVB6caM+JLpwrLYbbsO7dZ8FJ+SVN2Fr+L7kiG/"
    "Z6w4P5O0Jus/Qr5EefHVeg==",
}
TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')  # how a bundle registers a trace type
DEFAULT_VERSION = "4.1.1"  # the Plotly.js of the `plotly` Python package (7.1.0)


def npm(*args: str, cwd: Path | None = None) -> str:
    """One npm command's standard output (npm must be installed)."""
    if shutil.which("npm") is None:
        sys.exit("npm is needed to vendor Plotly.js: apt-get install npm")
    done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def integrity_of(data: bytes) -> str:
    """The Subresource-Integrity form npm states: sha512- and the base64 digest."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(version: str, expected: str | None) -> tuple[bytes, str]:
    """The package's tarball, checked, and its integrity."""
    spec = f"{PACKAGE}@{version}"
    stated = json.loads(npm("view", spec, "dist.integrity", "--json"))
    if not isinstance(stated, str) or not stated.startswith("sha512-"):
        sys.exit(f"the registry states no sha512 integrity for {spec}: {stated!r}")
    if expected is not None and stated != expected:
        sys.exit(f"{spec}: the registry states {stated}, pinned {expected}: refusing")
    with tempfile.TemporaryDirectory() as folder:
        packed = json.loads(npm("pack", spec, "--json", "--pack-destination", folder))
        tarball = Path(folder) / packed[0]["filename"]
        data = tarball.read_bytes()
    got = integrity_of(data)
    if got != stated:
        sys.exit(f"{spec}: the tarball's integrity {got} is not the registry's {stated}")
    return data, got


def member(archive: tarfile.TarFile, name: str) -> bytes:
    found = archive.extractfile(f"package/{name}")
    if found is None:
        sys.exit(f"the tarball has no package/{name}")
    return found.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--integrity", help="the sha512 integrity to require (default: pinned)")
    args = parser.parse_args()
    expected = args.integrity or PINNED.get(args.version)
    data, integrity = fetch(args.version, expected)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        bundle = member(archive, BUNDLE)
        licence = member(archive, "LICENSE")
        meta = json.loads(member(archive, "package.json"))
    header = bundle[:200].decode("utf-8", "replace")
    if meta.get("version") != args.version or f"v{args.version}" not in header:
        sys.exit(f"the tarball is not version {args.version}: {meta.get('version')}, {header!r}")
    traces = sorted(set(TRACE.findall(bundle.decode("utf-8"))))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / BUNDLE).write_bytes(bundle)
    (OUT / "LICENSE-plotly.js.txt").write_bytes(licence)
    note = (
        "# Vendored front-end files\n\n"
        f"`{BUNDLE}` is the file of that name in the npm package\n"
        f"`{PACKAGE}@{args.version}` (plotly.js v{args.version}), unchanged. Its trace\n"
        f"types: {', '.join(traces)}.\nLicence: MIT, Plotly's notice in\n"
        "`LICENSE-plotly.js.txt`. Fetched with `npm pack`; the tarball's integrity,\n"
        f"checked against the registry's, is\n`{integrity}`.\n\n"
        "Written by `python scripts/vendor_plotly.py`; to refresh, run it with\n"
        "`--version X.Y.Z`, pin the integrity it prints in the script, and run\n"
        "`tests/web/test_plotly_bundle.py` and the browser tests.\n"
    )
    (OUT / "README.md").write_text(note, encoding="utf-8")
    print(f"{PACKAGE}@{args.version}: {len(bundle):,} bytes -> {OUT / BUNDLE}")
    print(f"integrity {integrity}" + ("" if args.version in PINNED else " (pin it in PINNED)"))


if __name__ == "__main__":
    main()
