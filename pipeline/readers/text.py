"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5.

The encoding is decided by strict decodes in a fixed order, never by silently
replacing characters. Bytes that both GB18030 and Big5 accept (Big5's byte ranges
lie inside GB18030's, so a Big5 file always "decodes" as GB18030) are settled by which
decoding reads as common characters once simplified, charset-normalizer breaking ties. Text that no strict
decode accepts is decoded with the encoding that needs the fewest replacements, and a
warning says how many bytes were undecodable and where the first one is.

Mojibake, UTF-8 bytes once read as GBK and saved again (闻喜县 -> 闂诲枩鍘?), is
recognised by its characters: in real Chinese text nearly every character is one of the
3,755 common characters of GB 2312 level 1, in this mojibake almost none is. It is
encoded back to GBK and decoded as UTF-8; characters the first misreading destroyed
stay U+FFFD and a warning counts them. (ftfy, the usual mojibake library, does not
handle the CJK codecs: python-ftfy issue #34.)
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from pipeline.readers import Document, ReadError

# Tried in order after BOM detection; GB18030 is a superset of GBK and GB2312.
STRICT_ENCODINGS = ("utf-8", "gb18030", "big5")
# Mojibake: under this share of common characters the text is suspect, and its repair
# must reach the second share to be kept.
MOJIBAKE_COMMON_SHARE = 0.3
REPAIRED_COMMON_SHARE = 0.8
# Below this size charset-normalizer's guess between GB18030 and Big5 is a coin toss.
TIE_BREAK_MIN_BYTES = 200
# Fewer Han characters than this are too few to judge.
MIN_HAN_TO_JUDGE = 20
# Files larger than this are refused rather than read whole (notices are kilobytes).
MAX_BYTES = 50 * 1024 * 1024
# Share of control characters above which "text" is really binary data.
MAX_CONTROL_SHARE = 0.05
# Control characters other than the line and page breaks text uses (\t \n \v \f \r).
CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) for raw bytes.

    >>> decode("壶关县".encode("gb18030"))[:2]
    ('壶关县', 'gb18030')
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text, warnings = repair_mojibake(data.decode(encoding))
                return text, encoding, warnings
            except UnicodeDecodeError:
                break
    decoded = {}
    for encoding in STRICT_ENCODINGS:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            text, warnings = repair_mojibake(decoded[encoding])
            return text, encoding, warnings
    if len(decoded) == 2:
        encoding = _likelier(data, list(decoded))
        return decoded[encoding], encoding, []
    if decoded:
        encoding = next(iter(decoded))
        return decoded[encoding], encoding, []
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


def _likelier(data: bytes, encodings: list[str]) -> str:
    """The more plausible of two strict decodings of ``data`` (GB18030 and Big5).

    The right decoding, once in simplified characters, is almost all common characters;
    the wrong one is a random draw from the code table. charset-normalizer settles the
    rare case where that share does not tell them apart; a text of a few characters that
    both read well is taken as GB18030.
    """
    from pipeline.readers.traditional import to_simplified

    shares = {enc: common_share(to_simplified(data.decode(enc)))[0] for enc in encodings}
    ranked = sorted(encodings, key=lambda enc: -shares[enc])
    if shares[ranked[0]] - shares[ranked[1]] >= 0.1:
        return ranked[0]
    if len(data) < TIE_BREAK_MIN_BYTES:
        return encodings[0]  # a few characters prove nothing; notices are mostly GB18030
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=encodings).best()
    if best is None:
        return encodings[0]
    name = best.encoding.replace("_", "").lower()
    return next((enc for enc in encodings if enc.replace("-", "").lower() == name), encodings[0])


HAN = re.compile("[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _common_gb2312() -> frozenset[str]:
    """GB 2312 level 1: the 3,755 common characters, rows 0xB0-0xD7."""
    return frozenset(bytes((row, cell)).decode("gb2312", errors="ignore")
                     for row in range(0xB0, 0xD8) for cell in range(0xA1, 0xFF)) - {""}


def common_share(text: str) -> tuple[float, int]:
    """(share of Han characters among GB 2312's 3,755 common ones, number of Han characters).

    >>> round(common_share("壶关县促进专业镇高质量发展实施方案")[0], 2)
    1.0
    """
    import numpy as np  # here, not at import: the command line starts without it

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han_points = points[(points >= 0x4E00) & (points <= 0x9FFF)] - 0x4E00  # HAN's range
    han = len(han_points)
    common = int(np.count_nonzero(_common_table()[han_points]))
    return (common / han if han else 1.0), han


@lru_cache(maxsize=1)
def _common_table():
    """Per code point from U+4E00 to U+9FFF, whether it is one of GB 2312's common characters
    (a table look-up per character: regex runs took most of the time of reading a notice)."""
    import numpy as np

    table = np.zeros(0x9FFF - 0x4E00 + 1, dtype=bool)
    table[[ord(char) - 0x4E00 for char in _common_gb2312() if 0x4E00 <= ord(char) <= 0x9FFF]] = True
    return table


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """Undo UTF-8 bytes once decoded as GBK; (text, warnings). Other text comes back as is.

    >>> repair_mojibake("壶关县促进专业镇高质量发展实施方案".encode("utf-8").decode("gb18030", errors="replace"))[0][:7]
    '壶关县促进专业'
    """
    share, han = common_share(text)
    if han < MIN_HAN_TO_JUDGE or share >= MOJIBAKE_COMMON_SHARE:
        return text, []
    best = None
    for codec in ("gb18030", "gbk"):
        raw = text.replace("\ufffd", "?").encode(codec, errors="replace")
        repaired = raw.decode("utf-8", errors="replace").replace("\ufffd?", "\ufffd")
        lost = repaired.count("\ufffd")
        if best is None or lost < best[1]:
            best = (repaired, lost)
    repaired, lost = best
    if common_share(repaired)[0] < REPAIRED_COMMON_SHARE:
        return text, [f"text looks garbled (only {share:.0%} common characters) and is not UTF-8-read-as-GBK "
                      "mojibake that could be repaired; extraction will be poor"]
    return repaired, [f"mojibake (UTF-8 once read as GBK) repaired"
                      + (f"; {lost} character(s) were lost before and are U+FFFD" if lost else "")]


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
    controls = len(CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ReadError(f"binary data ({controls} control characters), not a text notice")
    if not HAN.search(text):
        warnings.append("no Chinese characters in the text")
    return Document(text=text, format="text", encoding=encoding, warnings=warnings)
