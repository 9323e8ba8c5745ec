"""Readers: one per input format, each turning a file into decoded text plus warnings.

Dispatch looks at the file's first bytes (magic numbers), not only at its name, so
that a PNG renamed ``.txt`` is refused with a message instead of being read as text.
Formats other than plain text come with their own reader modules (PDF, DOCX, HTML);
until a format has a reader, a file of that format is skipped with a clear reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# File signatures of formats that are never plain text.
MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP container (DOCX/XLSX/ZIP)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (DOC/WPS/XLS)"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"BM", None),  # too short to trust on its own; see sniff()
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"{\\rtf", "RTF document"),
)
# What a batch picks up from a folder.
TEXT_SUFFIXES = {".txt", ".text", ".md"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".shtml", ".xhtml"}


class ReadError(Exception):
    """The file cannot be read as a notice; the message says why, in one line."""


@dataclass(slots=True)
class Document:
    """What a reader hands on: decoded text, the format it came in, and what went wrong."""

    text: str
    format: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def sniff(head: bytes) -> str | None:
    """Name of a binary format recognised from the first bytes, or None."""
    for magic, name in MAGIC:
        if name and head.startswith(magic):
            return name
    return None


def read(path: Path) -> Document:
    """Read one notice file, choosing the reader from its content."""
    from pipeline.readers import text as text_reader

    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise ReadError(f"cannot open: {err.strerror or err}") from err
    kind = sniff(head)
    if kind is not None:
        raise ReadError(f"{kind}, not a text notice; no reader for this format yet")
    return text_reader.read_text(path)
