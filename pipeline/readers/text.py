"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK.

The encoding is decided by strict decodes in a fixed order, never by silently
replacing characters. Text that no strict decode accepts is decoded with the
encoding that needs the fewest replacements, and a warning says how many bytes
were undecodable and where the first one is.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.readers import Document, ReadError

# Tried in order after BOM detection; GB18030 is a superset of GBK and GB2312.
STRICT_ENCODINGS = ("utf-8", "gb18030")
# Files larger than this are refused rather than read whole (notices are kilobytes).
MAX_BYTES = 50 * 1024 * 1024
# Share of control characters above which "text" is really binary data.
MAX_CONTROL_SHARE = 0.05


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) for raw bytes.

    >>> decode("壶关县".encode("gb18030"))[:2]
    ('壶关县', 'gb18030')
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError:
                break
    for encoding in STRICT_ENCODINGS:
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError:
            continue
    best = min(STRICT_ENCODINGS, key=lambda enc: data.decode(enc, errors="replace").count("\ufffd"))
    first_bad = 0
    try:
        data.decode(best)
    except UnicodeDecodeError as err:
        first_bad = err.start
    text = data.decode(best, errors="replace")
    bad = text.count("\ufffd")
    return text, best, [f"{bad} undecodable byte sequence(s) replaced with U+FFFD when reading as {best} "
                        f"(first at byte {first_bad})"]


def read_text(path: Path) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(f"file is {size / 1e6:.0f} MB, over the {MAX_BYTES // 2**20} MiB limit for a text notice")
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from err
    if not data.strip():
        raise ReadError("empty file" if not data else "file holds only whitespace")
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("binary data (NUL bytes), not a text notice")
    text, encoding, warnings = decode(data)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ReadError(f"binary data ({controls} control characters), not a text notice")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        warnings.append("no Chinese characters in the text")
    return Document(text=text, format="text", encoding=encoding, warnings=warnings)
