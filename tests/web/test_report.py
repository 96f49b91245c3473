"""`bloc report`: one file that opens offline."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from bloc.cli import app


def test_report_is_self_contained(kb_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "r.html"
    result = CliRunner().invoke(
        app, ["report", "CSTO", "--out", str(out), "--on", "2023-05-31", "--db", str(kb_db)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
    assert not [t for t in tags if re.search(r"(?:src|href)=\"(?:https?:)?//", t)]
    assert not [t for t in tags if "src=" in t]  # every script is inline
    assert "Plotly" in html and html.count('data-chart-for="') >= 5
    assert "as of 2023-05-31" in html
    # Findings in words, the tables and the sources.
    assert "Highest exit risk: Armenia" in html
    assert "Requests for assistance" in html and "honoured" in html
    assert 'id="src-jamestown-2022-10"' in html
    # The map's grey land is drawn in the file, not fetched as the dashboard's is.
    svg = html[html.index('<svg class="map"') :]
    svg = svg[: svg.index("</svg>")]
    assert "<image" not in svg and "/static/" not in svg and '<g class="land"' in svg


def test_report_to_a_bad_place_is_a_clear_error(kb_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        app, ["report", "CSTO", "--out", str(blocker / "r.html"), "--db", str(kb_db)]
    )
    assert result.exit_code == 1
    assert "cannot write the report" in result.output
