"""DOCX reader (python-docx): body paragraphs and tables in document order.

Supports:
    Word automatic numbering (一、 （一） 1. （1） ① from numbering.xml, set on the paragraph
        or on its style) -> the marker written in front of the text, as it is printed
    task tables (序号 | 重点任务 | 牵头单位 | 配合单位) -> numbered lines, see tables.py
    content controls (w:sdt) around paragraphs and tables
    legacy .doc / .wps (OLE2) -> converted to DOCX by LibreOffice when ``soffice`` is installed
Avoids:
    Headers, footers, footnotes and comments: page furniture, not the notice.
    Doubling a marker that the author typed as well as numbered.
    ZIP files that are not Word documents (XLSX, OFD, plain archives): a ReadError naming them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from pipeline.readers import Document, ReadError
from pipeline.readers.tables import render_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
CN_DIGITS = "零一二三四五六七八九"
# What other Office-style ZIP containers hold, to name them when they are not DOCX.
ZIP_KINDS = (("xl/workbook.xml", "XLSX spreadsheet"), ("ppt/presentation.xml", "PPTX presentation"),
             ("OFD.xml", "OFD document (convert it to PDF)"), ("content.xml", "OpenDocument file (save it as DOCX)"))
# The name of the stream that holds an encrypted OOXML package inside its OLE2 wrapper.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
SOFFICE_TIMEOUT = 180


def chinese_number(number: int) -> str:
    """一 … 九十九 as 公文 count (十一, 二十, 二十一); larger numbers as digits.

    >>> [chinese_number(n) for n in (1, 10, 11, 20, 21)]
    ['一', '十', '十一', '二十', '二十一']
    """
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    return ((CN_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (CN_DIGITS[ones] if ones else "")) or "零"


def _format(number: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_number(number)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(number - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else str(number)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(number))
    return str(number)


class Numbering:
    """Word's list numbering: which marker each numbered paragraph gets, in document order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is None:
                continue
            levels = dict(abstract.get(ref.get(f"{W}val"), {}))
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                ilvl = int(override.get(f"{W}ilvl", "0"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(f"{W}val")))
            self.levels[num.get(f"{W}numId")] = levels
            self.abstract_of[num.get(f"{W}numId")] = ref.get(f"{W}val")

    def marker(self, num_id: str, ilvl: int) -> str:
        """The marker of the next paragraph of list ``num_id`` at level ``ilvl``."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        # Lists that share an abstract definition continue one count, as Word counts them.
        counters = self.counters.setdefault(self.abstract_of[num_id], {})
        fmt, _, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def level_value(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            return _format(counters.get(level, level_start), level_fmt)

        return re.sub(r"%(\d)", level_value, levels[ilvl][1])


def _num_pr(paragraph, styles: dict) -> tuple[str, int] | None:
    """(numId, ilvl) of a paragraph, from its own properties or its style's."""
    ppr = paragraph.find(f"{W}pPr")
    num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
    style_id = None
    if ppr is not None and ppr.find(f"{W}pStyle") is not None:
        style_id = ppr.find(f"{W}pStyle").get(f"{W}val")
    seen = set()
    while num_pr is None and style_id and style_id not in seen:
        seen.add(style_id)
        num_pr, style_id = styles.get(style_id, (None, None))
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{W}numId")
    ilvl = num_pr.find(f"{W}ilvl")
    if num_id is None or num_id.get(f"{W}val") == "0":
        return None
    return num_id.get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0


def _styles(document) -> dict:
    """style id -> (numPr or None, based-on style id or None)."""
    out = {}
    for style in document.styles.element.iter(f"{W}style"):
        ppr = style.find(f"{W}pPr")
        based = style.find(f"{W}basedOn")
        out[style.get(f"{W}styleId")] = (ppr.find(f"{W}numPr") if ppr is not None else None,
                                         based.get(f"{W}val") if based is not None else None)
    return out


def _paragraph_text(element) -> str:
    """Text of a w:p: runs, tabs and breaks, hyperlinks, field results and text boxes included."""
    # A text box is stored twice (DrawingML and its VML fallback); read it once.
    fallback = {id(node) for box in element.iter(f"{MC}Fallback") for node in box.iter()}
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if id(node) in fallback:
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(cell) -> str:
    return "\n".join(_paragraph_text(p) for p in cell.iter(f"{W}p"))


def _table_rows(table) -> list[list[str]]:
    """Rows of a w:tbl; a cell merged across columns is given once, one merged down rows is repeated."""
    rows = []
    above: dict[int, str] = {}
    for tr in table.findall(f"{W}tr"):
        row = []
        column = 0
        for tc in tr.findall(f"{W}tc"):
            tcpr = tc.find(f"{W}tcPr")
            span = 1
            merged = None
            if tcpr is not None:
                grid_span = tcpr.find(f"{W}gridSpan")
                span = int(grid_span.get(f"{W}val")) if grid_span is not None else 1
                merged = tcpr.find(f"{W}vMerge")
            text = _cell_text(tc)
            if merged is not None and merged.get(f"{W}val") in (None, "continue"):
                text = above.get(column, text)
            above[column] = text
            row.append(text)
            column += span
        rows.append(row)
    return rows


def _blocks(body):
    """w:p and w:tbl elements of the body in document order, looking inside content controls."""
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)


# A Word notice inflates to a few MB; a ZIP bomb inflates to GB from KB. Both limits are
# checked while actually inflating (declared sizes in the ZIP directory can lie).
MAX_UNCOMPRESSED = 200 * 2**20
MAX_RATIO = 200
RATIO_FLOOR = 20 * 2**20  # below this, any ratio is fine: repetitive XML (10,000 tables) packs tightly


def _refuse_zip_bomb(archive: zipfile.ZipFile, packed_size: int) -> None:
    """Inflate every member in chunks, stopping before the total passes the limits."""
    limit = min(MAX_UNCOMPRESSED, max(RATIO_FLOOR, packed_size * MAX_RATIO))
    total = 0
    for info in archive.infolist():
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise ReadError(f"ZIP bomb refused: {packed_size} bytes inflate past {limit // 2**20} MiB "
                                    f"(limits: {MAX_RATIO}x the file, {MAX_UNCOMPRESSED // 2**20} MiB in all)")


def read_docx(path: Path) -> Document:
    """Read a DOCX notice; see the module docstring."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            _refuse_zip_bomb(archive, path.stat().st_size)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
        raise ReadError(f"corrupt ZIP container: {err}") from err
    if "word/document.xml" not in names:
        kind = next((name for marker, name in ZIP_KINDS if marker in names), None)
        raise ReadError(f"{kind}, not a notice" if kind else
                        f"ZIP archive of {len(names)} file(s) without word/document.xml, not a DOCX")
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx and lxml raise many kinds on a damaged package
        raise ReadError(f"corrupt DOCX: {type(err).__name__}: {str(err)[:120]}") from err
    numbering = Numbering(document)
    styles = _styles(document)
    lines: list[str] = []
    table_state = None
    for block in _blocks(document.element.body):
        if block.tag == f"{W}tbl":
            rendered, table_state, _ = render_table(_table_rows(block), table_state)
            lines.extend(rendered)
            continue
        text = _paragraph_text(block)
        num = _num_pr(block, styles)
        if num is not None:
            marker = numbering.marker(*num)
            if marker and not text.lstrip().startswith(marker.strip()):
                text = marker.strip() + text.lstrip()
        if text.strip():
            lines.append(text)
            table_state = None
    return Document("\n".join(lines), "docx", None, [])


def read_legacy_office(path: Path) -> Document:
    """A .doc / .wps file, converted to DOCX by LibreOffice and read as one."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from err
    if ENCRYPTED_PACKAGE in data:
        raise ReadError("encrypted Office document: it needs a password to open")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReadError("legacy Word/WPS document (.doc/.wps): install LibreOffice to read it "
                        "(apt-get install libreoffice-writer-nogui) or save it as DOCX")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / ("notice" + (path.suffix.lower() if path.suffix.lower() in (".doc", ".wps") else ".doc"))
        source.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(source)],
                           capture_output=True, timeout=SOFFICE_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as err:
            raise ReadError(f"LibreOffice did not convert the document within {SOFFICE_TIMEOUT} s") from err
        converted = source.with_suffix(".docx")
        if not converted.exists():
            raise ReadError("legacy Office document that LibreOffice cannot convert (damaged or not Word?)")
        document = read_docx(converted)
    document.format = "doc"
    document.warnings.append("legacy Word/WPS document converted to DOCX by LibreOffice")
    return document
