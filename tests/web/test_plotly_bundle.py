"""The vendored Plotly.js bundle draws every trace type the dashboard and report emit.

The dashboard serves a partial Plotly.js bundle (scripts/vendor_plotly.py) that
registers three trace types, not Plotly's fifty: a chart of a type it lacks would
draw nothing. The trace types are read two ways, from the figures the pages really
send (their JSON data blocks) and from every trace-like dict literal in the web
package's source (charts a test store does not reach), and each must be registered
in the bundle. The browser side (every chart drawn, no console error) is in
tests/web/test_web_layout.py.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import re
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bloc.web import create_app, report
from bloc.web.app import PLOTLY, STATIC, plotly_js

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "bloc" / "web"
TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')  # how a bundle registers a trace type
BLOCK = re.compile(r'<script type="application/json" data-chart-for="[^"]+">(.*?)</script>', re.S)
TRACE_KEYS = {"x", "y", "z", "mode", "marker", "orientation", "text", "hovertemplate"}
DAY = "2023-05-31"
CHART_PAGES = [
    f"/alliances/CSTO?on={DAY}",
    f"/alliances/NATO?on={DAY}",
    f"/alliances/CSTO/members/ARM?on={DAY}",
    f"/alliances/CSTO/relations?on={DAY}",
    f"/alliances/NATO/relations?on={DAY}",
    f"/alliances/CSTO/reliability?on={DAY}",
    "/alliances/CSTO/simulate?on=2022-09-13&requester=KAZ&threat=external&aggressor=AFG",
    f"/compare?on={DAY}",
    "/exits",
]


def registered() -> set[str]:
    return set(TRACE.findall(plotly_js().read_text(encoding="utf-8")))


def traces_of(html: str) -> set[str]:
    """The trace types of every chart in a page (Plotly's default type is scatter)."""
    found: set[str] = set()
    for block in BLOCK.findall(html):
        fig = json.loads(block)
        found |= {trace.get("type", "scatter") for trace in fig.get("data", [])}
    return found


@pytest.fixture(scope="module")
def client(ingested: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ingested)) as c:
        yield c


def test_the_bundle_is_the_vendored_partial_one() -> None:
    bundle = plotly_js()
    assert bundle.parent == STATIC / "vendor" and bundle.name == PLOTLY
    head = bundle.read_text(encoding="utf-8")[:200]
    assert "plotly.js (bloc's partial bundle: bar, heatmap, scatter - minified) v4.1.1" in head
    assert "MIT" in head
    assert "MIT License" in (bundle.parent / "LICENSE-plotly.js.txt").read_text(encoding="utf-8")
    note = (bundle.parent / "README.md").read_text(encoding="utf-8")
    assert "`plotly.js@4.1.1`" in note and "sha512-" in note
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() in note  # the file the script built
    # A quarter of the full bundle's 4.8 MB, registering what entry.js names (a full
    # bundle registers scattergeo, a broken one nothing).
    assert 1_000_000 < bundle.stat().st_size < 1_500_000
    assert registered() == {"scatter", "bar", "heatmap"}


def test_the_vendored_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["bloc"]
    for path in (STATIC / "vendor").iterdir():
        inside = path.relative_to(ROOT / "src" / "bloc").as_posix()
        assert any(fnmatch.fnmatch(inside, g) for g in globs), f"{inside} is not in the wheel"


def test_every_trace_type_the_pages_and_report_send_is_in_the_bundle(
    client: TestClient, ingested: Path
) -> None:
    sent: set[str] = set()
    for address in CHART_PAGES:
        answer = client.get(address)
        assert answer.status_code == 200, address
        sent |= traces_of(answer.text)
    html = report.render("CSTO", None, ingested)
    sent |= traces_of(html)
    assert {"scatter", "bar", "heatmap"} <= sent  # the pages reached every kind of chart
    assert sent <= registered(), f"not in the bundle: {sent - registered()}"


def test_every_trace_type_written_in_the_web_package_is_in_the_bundle() -> None:
    """Dict literals with a constant "type" and a trace's keys (x, y, z, marker...): shapes
    (x0, y0) and axes (title, range) carry a "type" too, but none of those keys."""
    written: dict[str, str] = {}
    for path in sorted(WEB.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = {
                k.value: v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
            kind = keys.get("type")
            if (
                isinstance(kind, ast.Constant)
                and isinstance(kind.value, str)
                and (TRACE_KEYS & set(keys))
            ):
                written[kind.value] = f"{path.name}:{node.lineno}"
    assert {"scatter", "bar", "heatmap"} <= set(written), written
    missing = {t: where for t, where in written.items() if t not in registered()}
    assert not missing, f"trace types the bundle lacks: {missing}"
