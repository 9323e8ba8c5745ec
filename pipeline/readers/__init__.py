"""Readers: one per input format, each turning a file into decoded text plus warnings.

Dispatch looks at the file's first bytes (magic numbers), not only at its name, so
that a PNG renamed ``.txt`` is refused with a message instead of being read as text,
and a PDF saved as ``.doc`` is still read as a PDF. The extension only settles what
the content leaves open (an HTML fragment without ``<html>``).

| content                         | reader                                   |
| ------------------------------- | ---------------------------------------- |
| ``%PDF-``                       | :mod:`pipeline.readers.pdf` (pdfplumber, or pypdfium2: ``pdfium.py``) |
| ZIP with ``word/document.xml``  | :mod:`pipeline.readers.docx`             |
| OLE2 (``.doc`` / ``.wps``)      | converted to DOCX by LibreOffice, if installed |
| ``<!DOCTYPE html`` / ``<html``  | :mod:`pipeline.readers.html`             |
| anything else that decodes      | :mod:`pipeline.readers.text`             |

Every reader's text then gets a simplified-character view when it is printed in
traditional characters (:mod:`pipeline.readers.traditional`).
"""

from __future__ import annotations

import os
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
    # Offset in ``text`` where each page starts (PDF); empty when the format has no pages.
    page_starts: tuple[int, ...] = ()
    # ``text`` in simplified characters, same length, when it is printed in traditional ones.
    simplified: str | None = None


def sniff(head: bytes) -> str | None:
    """Name of a binary format recognised from the first bytes, or None."""
    for magic, name in MAGIC:
        if name and head.startswith(magic):
            return name
    return None


OCR_ENV = "POLICYMAP_OCR"
# The PDF engine (pdfplumber or pypdfium2) when none is passed; `policymap extract --pdf-engine` reads it too.
PDF_ENGINE_ENV = "POLICYMAP_PDF_ENGINE"
# An HTML page announces itself in its first bytes, after an optional BOM and whitespace.
HTML_START = (b"<!doctype html", b"<html", b"<?xml")
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
LEGACY_OFFICE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _looks_like_html(head: bytes, suffix: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(HTML_START[:2]) or (start.startswith(b"<?xml") and b"<html" in start):
        return True
    if start.startswith(b"<!--") and (b"<html" in start or b"<!doctype html" in start):
        return True
    # A fragment (<meta …><div>…) counts as HTML when the name says so or it has a body tag.
    return start.startswith(b"<") and (suffix in HTML_SUFFIXES or b"<body" in start or b"<head" in start)


def read(path: Path | str, ocr: bool | None = None, pdf_engine: str | None = None) -> Document:
    """Read one notice file (a path, or a string naming one), choosing the reader from its content.

    ``ocr`` reads PDFs without a text layer through Tesseract instead of refusing them;
    by default it follows the environment variable POLICYMAP_OCR (``policymap extract
    --ocr`` sets it, so batch worker processes see it too). ``pdf_engine`` is
    ``pdfplumber`` or ``pypdfium2`` (default: POLICYMAP_PDF_ENGINE, else pdfplumber).
    """
    path = Path(path)
    if ocr is None:
        ocr = os.environ.get(OCR_ENV) == "1"
    if pdf_engine is None:
        pdf_engine = os.environ.get(PDF_ENGINE_ENV) or "pdfplumber"
    from pipeline.readers import text as text_reader
    from pipeline.readers.traditional import simplified_view

    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError as err:
        raise ReadError(f"cannot open: {err.strerror or err}") from err
    suffix = path.suffix.lower()
    if b"%PDF-" in head[:1024]:
        from pipeline.readers.pdf import read_pdf
        document = read_pdf(path, ocr=ocr, engine=pdf_engine)
    elif head.startswith(b"PK\x03\x04"):
        from pipeline.readers.docx import read_docx
        document = read_docx(path)
    elif head.startswith(LEGACY_OFFICE):
        from pipeline.readers.docx import read_legacy_office
        document = read_legacy_office(path)
    elif _looks_like_html(head, suffix):
        from pipeline.readers.html import read_html
        document = read_html(path)
    else:
        kind = sniff(head)
        if kind is not None:
            raise ReadError(f"{kind}, not a notice; no reader for this format")
        document = text_reader.read_text(path)
    if not document.text.strip():
        raise ReadError(f"{document.format.upper()} file holds no text")
    document.simplified, warning = simplified_view(document.text)
    if warning:
        document.warnings.append(warning)
    return document
