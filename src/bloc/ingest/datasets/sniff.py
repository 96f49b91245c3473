"""What a file looks like before it is read: its encoding and, when it is not the format
asked for, the format it seems to be, so a failure says what to do.

A file that is not UTF-8 is decoded when its encoding can be told (charset-normalizer,
or the encoding the user names) and copied as UTF-8 for DuckDB to read; the report
says what was assumed. A file DuckDB would read as nothing (empty, binary, another
dataset's layout) is refused with the reason and a hint, never imported as zero rows.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20
GDELT2_COLUMNS = 61
GDELT1_COLUMNS = (57, 58)  # GDELT 1.0 daily files: 57 columns, 58 with SOURCEURL (2013 on)


class Refused(ValueError):
    """A file that cannot be imported as it is: the message says why and what to do."""


def is_utf8(path: Path) -> bool:
    """True when the whole file decodes as UTF-8 (read in chunks: files can be large)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect(path: Path) -> str | None:
    """The encoding of a file that is not UTF-8, when charset-normalizer can tell it."""
    from charset_normalizer import from_path

    best = from_path(path).best()
    return str(best.encoding) if best is not None else None


@contextmanager
def as_utf8(path: Path, encoding: str | None) -> Iterator[tuple[Path, str | None]]:
    """The file as UTF-8: itself if it is, else a decoded copy. Yields the path to read and
    what was assumed (None: UTF-8 as it is). Raises `Refused` when no encoding fits."""
    if encoding is None and is_utf8(path):
        yield path, None
        return
    chosen = encoding or detect(path)
    if chosen is None:
        raise Refused(
            "not UTF-8, and its encoding cannot be told: re-encode it as UTF-8, or pass "
            "--encoding (latin-1, cp1252, ...)"
        )
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise Refused(
            f"unknown encoding {chosen!r}: name one Python knows (latin-1, ...)"
        ) from None
    with tempfile.TemporaryDirectory(prefix="bloc-encoding-") as tmp:
        copy = Path(tmp) / path.name
        try:
            with (
                path.open("r", encoding=chosen, newline="") as source,
                copy.open("w", encoding="utf-8", newline="") as target,
            ):
                while text := source.read(CHUNK):
                    target.write(text)
        except UnicodeDecodeError as exc:
            raise Refused(
                f"not {chosen}: {exc.reason} at byte {exc.start}; re-encode it as UTF-8, "
                "or pass --encoding with the file's encoding"
            ) from None
        how = "as given (--encoding)" if encoding else "detected; --encoding chooses another"
        yield copy, f"read as {chosen} ({how}): the file is not UTF-8"


def check_shape(path: Path, dataset: str) -> None:
    """Refuse a file DuckDB would read as nothing, saying what it looks like."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise Refused("the file is empty: no rows to import")
    if b"\x00" in head:
        raise Refused(
            "this is not a text file (it holds NUL bytes): a zip archive must end in .zip, "
            "and a compressed file must be uncompressed first"
        )
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    tabs = first.count(b"\t") + 1 if b"\t" in first else 0
    if dataset == "gdelt" and tabs in GDELT1_COLUMNS:
        raise Refused(
            f"{tabs} columns: this looks like a GDELT 1.0 events file, supported with "
            "`bloc import gdelt1`"
        )
    if dataset == "gdelt1" and tabs == GDELT2_COLUMNS:
        raise Refused(
            f"{tabs} columns: this looks like a GDELT 2.0 events file, supported with "
            "`bloc import gdelt`"
        )
    if dataset in ("gdelt", "gdelt1") and tabs == 0:
        looks = " (it looks like a CSV with a header: ACLED or POLECAT?)" if b"," in first else ""
        raise Refused(f"no tab-separated columns on the first line{looks}")
