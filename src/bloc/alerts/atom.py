"""The alerts as an Atom feed (RFC 4287), for any feed reader: `/alerts.atom` on `bloc serve`.

Built with ElementTree, which escapes every text it writes: an alert's title
and evidence quote article sentences, which are untrusted. Each entry's id is
a tag URI of the alert's stable id, so a reader never shows one alert twice.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pandas as pd

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "bloc.alerts,2026"


def _stamp(value: Any) -> str:
    """RFC 3339, as Atom wants it (alerts are raised in UTC)."""
    when = pd.Timestamp(value).to_pydatetime() if value is not None else dt.datetime.now()
    return when.replace(microsecond=0).isoformat() + "Z"


def atom_feed(alerts: pd.DataFrame, self_url: str, page_url: str) -> bytes:
    """The feed document for `alerts` (newest first, as `alerts_table` gives them)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    sub(feed, "id", f"tag:{TAG_AUTHORITY}:feed")
    sub(feed, "title", "bloc alerts")
    sub(feed, "subtitle", "What the alliance observatory's rules raised, newest first.")
    newest = alerts["raised_at"].iloc[0] if len(alerts) else None
    sub(feed, "updated", _stamp(newest))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "bloc")
    sub(feed, "generator", "bloc")
    for row in alerts.itertuples(index=False):
        entry = sub(feed, "entry")
        sub(entry, "id", f"tag:{TAG_AUTHORITY}:alert:{row.id}")
        sub(entry, "title", str(row.title))
        sub(entry, "updated", _stamp(row.raised_at))
        sub(entry, "published", _stamp(row.raised_at))
        sub(entry, "link", rel="alternate", href=f"{page_url}#{row.id}", type="text/html")
        sub(entry, "category", term=str(row.rule), label=str(row.kind))
        sub(entry, "summary", _summary(row), type="text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _summary(row: Any) -> str:
    """The alert in a few lines of plain text: its date, rule and first evidence sentence."""
    import json

    evidence = json.loads(row.evidence) if isinstance(row.evidence, str) else {}
    lines = [f"As of {pd.Timestamp(row.as_of).date().isoformat()}; rule {row.rule}."]
    sentences = evidence.get("sentences") or []
    if sentences:
        lines.append(f"Evidence: {str(sentences[0].get('sentence', ''))[:400]}")
    reasons = evidence.get("reasons") or []
    if reasons:
        lines.append("Reasons: " + "; ".join(str(r) for r in reasons[:3]))
    return "\n".join(lines)
