"""PDF reader (pdfplumber): the text layer in reading order, as the paragraphs were written.

Supports:
    lines wrapped by the layout -> rejoined without a space, also across a page break
        (运 / 城银保监分局…): a line continues into the next when it fills the measure, or
        when the next line's first unbreakable unit (品、, 2025, （一）) would not have fitted
        in the room left, and the next line is not indented
    running headers and footers -> removed: page numbers (— 4 —, - 4 -, 第4页 共17页, 4/17)
        and lines repeated at the top or bottom of most pages
    fake bold (each glyph printed twice, slightly shifted) -> one character
    glyphs grouped into lines on their baselines: 到2025年 with its digits in a font whose
        /Descent is deep (Times, 0.22 em) and the rest in one with none stays one line
    task tables (序号 | 重点任务 | 牵头单位 | 配合单位) -> numbered lines, see tables.py
    a page start offset for every page (Document.page_starts), so any span has a page
    no text layer (a scan) -> ReadError, or Tesseract OCR with ``ocr=True``
    ``engine="pypdfium2"`` (``--pdf-engine``): the glyphs come from PDFium instead, see pdfium.py
Avoids:
    Spaces between CJK characters of justified lines (pdfplumber's own extract_text
    puts them wherever glyphs are spread); only ASCII words keep a space.
    Encrypted, truncated and corrupt files: a ReadError that says which.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.normalise import HEADING_START
from pipeline.readers import Document, ReadError
from pipeline.readers.tables import render_table

# Page numbers as 公文 and office software print them.
PAGE_NUMBER = re.compile(
    r"^(?:[—–\-－―─一]{1,2}\s*\d{1,4}\s*[—–\-－―─一]{1,2}|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
# Lines this close to the top or bottom edge (share of the page height) may be running heads.
MARGIN_ZONE = 0.12
# A running head is a line repeated (digits aside) at the same place on this share of pages.
REPEATED_SHARE = 0.5
TERMINAL = set("。！？；：…")
# Line-breaking rules of CJK layout: these never start a line, those never end one.
NO_BREAK_BEFORE = set("，。、；：！？）》」』】〕”’…%,.;:!?)]")
NO_BREAK_AFTER = set("（《「『【〔“‘([")
# A line ending like this, with no sentence punctuation in it, is a title, a date, a signature
# or a field row: never joined on geometry alone. (规划 or 方案 also end lines broken
# mid-sentence, but such lines carry commas or full stops.)
STANDALONE_END = re.compile(r"(?:通知|方案|意见|办法|规定|细则|计划|决定|名单|通告|公告|纲要|规划|批复|函|报告|"
                            r"\d{1,2}月\d{1,2}日|日印发|人民政府|办公室|办公厅|文件|[|｜])$")
SENTENCE_PUNCTUATION = re.compile(r"[，。；、！？]")
# Heading markers as printed with ASCII brackets or full-width digits: (八) １．
HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", **{chr(0xFF10 + d): str(d) for d in range(10)}})
# Fewer visible characters than this per page: the page has no real text layer.
MIN_CHARS_PER_PAGE = 10
# Glyphs whose tops (on the baseline, see _on_baselines) lie within this many points share a line
# (pdfplumber's default y_tolerance).
LINE_TOLERANCE = 3.0


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    table: bool = False  # a rendered table row: always its own line
    lead: float = 0.0  # width of the line's first unbreakable unit (a character, a number, 品、)


def _line_text(chars: list[dict]) -> str:
    """Glyphs of one line joined; a space only between ASCII words that the layout set apart.

    A gap counts as a space when it is wider than the line's usual gap between glyphs
    (justified CJK lines spread every glyph) by a sixth of the font size.
    """
    ordered: list[dict] = []
    for char in sorted(chars, key=lambda c: c["x0"]):
        # pdfplumber lists a glyph that maps to several characters (a "——" ligature) once per character.
        if ordered and char["text"] == ordered[-1]["text"] and abs(char["x0"] - ordered[-1]["x0"]) < 0.01:
            continue
        ordered.append(char)
    gaps = [b["x0"] - a["x1"] for a, b in zip(ordered, ordered[1:])]
    usual = statistics.median(gaps) if gaps else 0.0
    out: list[str] = []
    for position, char in enumerate(ordered):
        text = char["text"]
        if position and text.strip():
            previous = ordered[position - 1]["text"][-1:]
            if (gaps[position - 1] > usual + char["size"] / 6 and previous.isascii() and previous.isalnum()
                    and text[:1].isascii() and text[:1].isalnum()):
                out.append(" ")
        out.append(text)
    return "".join(out).strip()


def _lead_width(chars: list[dict]) -> float:
    """Width of what a layout cannot split off the start of a line.

    A CJK character with the closing punctuation after it (品、 — a line may not begin
    with 、), an opening bracket with the character it opens (（一）'s （一), or a run of
    ASCII letters and digits (2025年's 2025).
    """
    ordered = sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"])
    if not ordered:
        return 0.0
    end = 1
    if ordered[0]["text"][:1].isascii() and ordered[0]["text"][:1].isalnum():
        while end < len(ordered) and ordered[end]["text"][:1].isascii() and (
                ordered[end]["text"][:1].isalnum() or ordered[end]["text"] in ".%"):
            end += 1
    elif ordered[0]["text"] in NO_BREAK_AFTER and end < len(ordered):
        end += 1
    if end < len(ordered) and ordered[end]["text"] in NO_BREAK_BEFORE:
        end += 1
    return ordered[end - 1]["x1"] - ordered[0]["x0"]


def _may_have_doubled_glyphs(chars: list[dict]) -> bool:
    """Cheap test for fake bold (a glyph printed twice, offset by under a point).

    pdfplumber's dedupe_chars costs a tenth of the reading time; most pages need none.
    Two copies offset by less than a point share a 2-point grid cell, or sit in neighbouring ones.
    """
    seen = set()
    for char in chars:
        x, y = int(char["x0"] // 2), int(char["top"] // 2)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if (char["text"], x + dx, y + dy) in seen:
                    return True
        seen.add((char["text"], x, y))
    return False


def _page_lines(page, state: dict) -> list[Line]:
    """Text lines and rendered task-table rows of one page, top to bottom."""
    tables = []
    if page.rects or page.lines or page.curves:  # ruled tables need ruling; skip the cost otherwise
        tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    lines = [line for line in group_lines(_on_baselines(page.chars))
             if not any(x0 <= (line.x0 + line.x1) / 2 <= x1 and top <= (line.top + line.bottom) / 2 <= bottom
                        for x0, top, x1, bottom in boxes)]
    for table in tables:
        rendered, state["table"], revised = render_table(table.extract(), state.get("table"))
        if revised is not None and state.get("last_line") is not None:
            state["last_line"].text = revised  # the row began on the previous page
        x0, top, x1, bottom = table.bbox
        new = [Line(text, x0, x1, top + n * 0.001, bottom, 0.0, table=True) for n, text in enumerate(rendered)]
        lines.extend(new)
        state["last_line"] = new[-1] if new else state.get("last_line")
    if not tables and lines:
        end_table(state)
    return sorted(lines, key=lambda line: line.top)


def _on_baselines(chars: list[dict]) -> list[dict]:
    """pdfplumber's visible glyphs, each box moved to stand on its baseline.

    pdfminer hangs a glyph its font descriptor's /Descent below the baseline, and fonts
    differ: LibreOffice writes 0 for the CJK fonts it embeds, Times has 0.22 em. At 16
    points, digits in Times sat 3.5 points lower than the Chinese around them, more than
    the 3 points within which glyphs share a line, and 到2025年 came out split in two
    (tests/test_pdfium.py builds such a page). Turned or skewed glyphs keep their boxes.
    """
    moved = []
    for char in chars:
        if not char["text"].strip():
            continue
        matrix = char.get("matrix")
        if matrix and matrix[1] == 0 and matrix[2] == 0 and matrix[0] > 0 and matrix[3] > 0:
            shift = char["y0"] - matrix[5]  # the descent (and rise) below the baseline, in points
            char = {**char, "top": char["top"] + shift, "bottom": char["bottom"] + shift}
        moved.append(char)
    return moved


def group_lines(chars: list[dict]) -> list[Line]:
    """Text lines of a page's visible glyphs, top to bottom: glyphs whose tops lie within
    LINE_TOLERANCE points of the previous one share a line (pdfplumber's clustering)."""
    lines: list[Line] = []
    group: list[dict] = []
    last_top = None
    for char in sorted(chars, key=lambda c: c["top"]):
        if last_top is not None and char["top"] > last_top + LINE_TOLERANCE:
            lines.append(_group_line(group))
            group = []
        group.append(char)
        last_top = char["top"]
    if group:
        lines.append(_group_line(group))
    return [line for line in lines if line is not None]


def _group_line(chars: list[dict]) -> Line | None:
    return text_line(chars, min(c["x0"] for c in chars), max(c["x1"] for c in chars),
                     min(c["top"] for c in chars), max(c["bottom"] for c in chars))


def text_line(chars: list[dict], x0: float, x1: float, top: float, bottom: float) -> Line | None:
    """A Line of the glyphs of one text line (pdfplumber's char dicts or the pypdfium2 engine's)."""
    text = _line_text(chars)
    if not text:
        return None
    return Line(text, x0, x1, top, bottom, statistics.median(c["size"] for c in chars), lead=_lead_width(chars))


def end_table(state: dict) -> None:
    """Text between tables ends a table: the next table starts afresh."""
    state["table"] = state["last_line"] = None


def plumber_page_lines(page, state: dict) -> list[Line]:
    """Lines of one pdfplumber page, fake bold printed once."""
    if _may_have_doubled_glyphs(page.chars):
        page = page.dedupe_chars(tolerance=1)
    return _page_lines(page, state)


def _running_heads(pages: list[list[Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page, line) indices of page numbers and running headers/footers."""
    drop: set[tuple[int, int]] = set()
    candidates: list[tuple[int, int, str]] = []
    for page_no, (lines, height) in enumerate(zip(pages, heights)):
        for line_no, line in enumerate(lines):
            near_edge = line.top < MARGIN_ZONE * height or line.bottom > (1 - MARGIN_ZONE) * height
            at_end = line_no < 2 or line_no >= len(lines) - 2
            if not (near_edge and at_end) or line.table:
                continue
            if PAGE_NUMBER.match(line.text):
                drop.add((page_no, line_no))
            else:
                candidates.append((page_no, line_no, re.sub(r"\d+", "#", line.text)))
    if len(pages) >= 2:
        counts = Counter(key for _, _, key in {(p, 0, k) for p, _, k in candidates})
        for page_no, line_no, key in candidates:
            if counts[key] >= max(2, REPEATED_SHARE * len(pages)):
                drop.add((page_no, line_no))
    return drop


def _join(pages: list[list[Line]], width: float) -> tuple[str, list[int]]:
    """Text of the pages with wrapped lines rejoined, and the offset where each page starts."""
    body = [line for lines in pages for line in lines if not line.table]
    if not body:  # nothing but tables: one line per row
        starts, offset, parts = [], 0, []
        for lines in pages:
            starts.append(offset)
            for line in lines:
                parts.append(line.text)
                offset += len(line.text) + 1
        return "\n".join(parts), starts
    size = statistics.median(line.size for line in body)
    lefts = [min(line.x0 for line in lines if not line.table) for lines in pages if any(not l.table for l in lines)]
    left = statistics.median(lefts)
    # The right margin is where several lines end; a single longest line (a title) may stop short
    # of it, and then the page's mirror of the left margin stands in.
    rightmost = max(line.x1 for line in body)
    # Lines that fill the measure end there; ragged ones a character or two short of it.
    # A single longest line (a title) may stop short of the measure: then the page's mirror
    # of the left margin stands in.
    near = sorted(line.x1 for line in body if line.x1 >= rightmost - 1.5 * size)
    if sum(1 for x1 in near if x1 >= rightmost - size / 2) >= 2:
        right = near[(3 * len(near)) // 4]
    else:
        right = max(rightmost, width - left)
    uses_indent = any(line.x0 > left + 0.5 * size for line in body)

    def wrapped(previous: Line, line: Line) -> bool:
        """Did the layout break a paragraph between these two lines?"""
        if (previous.table or line.table or line.x0 > left + 0.5 * size
                or HEADING_START.match(line.text[:6].translate(HALF_TO_FULL))):
            return False  # a table row, an indented first line or a heading: a new paragraph
        if previous.text[-1] in "：:" and not uses_indent:
            return False  # addressees and labels end with a colon; what follows starts afresh
        room = right - previous.x1
        before_signature = len(line.text) < 20 and STANDALONE_END.search(line.text)
        if room < size / 2:  # the line fills the measure
            return uses_indent or previous.text[-1] not in TERMINAL or not before_signature
        if STANDALONE_END.search(previous.text) and not SENTENCE_PUNCTUATION.search(previous.text):
            return False  # a title, date, signature or field row: the normaliser judges it
        # Ragged text: the next line's first unit would not have fitted, so the layout moved it.
        # After a full stop only a strict fit counts, and never before a date or signature line.
        if previous.text[-1] in TERMINAL:
            return room < line.lead and not before_signature
        return room < line.lead + size / 4

    parts: list[str] = []
    page_starts: list[int] = []
    length = 0
    previous: Line | None = None
    for lines in pages:
        page_start = None
        for line in lines:
            if previous is not None:
                if not wrapped(previous, line):
                    parts.append("\n")
                    length += 1
            if page_start is None:
                page_start = length
            parts.append(line.text)
            length += len(line.text)
            previous = line
        page_starts.append(length if page_start is None else page_start)
    return "".join(parts), page_starts


def _ocr(path: Path) -> tuple[list[str], list[str]]:
    """Text of every page through Tesseract (chi_sim), and warnings."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise ReadError("no text layer (scanned PDF?) and --ocr needs Tesseract: "
                        "apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        raise ReadError("--ocr needs Tesseract's Chinese model: apt-get install tesseract-ocr-chi-sim")
    import pypdfium2

    texts = []
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for number in range(len(pdf)):
                image = pdf[number].render(scale=300 / 72).to_pil()
                image_path = Path(tmp) / f"page{number}.png"
                image.save(image_path)
                done = subprocess.run([tesseract, str(image_path), "stdout", "-l", "chi_sim", "--psm", "6"],
                                      capture_output=True, text=True, env=env, timeout=300)
                if done.returncode != 0:
                    raise ReadError(f"Tesseract failed on page {number + 1}: {done.stderr.strip()[:200]}")
                texts.append(done.stdout)
    finally:
        pdf.close()
    return texts, [f"read through OCR (Tesseract chi_sim, {len(texts)} pages): check names and figures"]


def _check_complete(path: Path) -> None:
    """A PDF ends with %%EOF; a download cut short does not."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as err:
        raise ReadError(f"cannot read: {err.strerror or err}") from err
    if b"%%EOF" not in tail:
        raise ReadError("truncated PDF: no %%EOF end marker (incomplete download or copy?)")


# PDF engines: pdfplumber (the default) and pypdfium2 (pipeline/readers/pdfium.py: same text, ~6x less CPU).
ENGINES = ("pdfplumber", "pypdfium2")


def read_pdf(path: Path, ocr: bool = False, engine: str = "pdfplumber") -> Document:
    """Read a PDF notice; see the module docstring. ``engine`` is one of ENGINES."""
    if engine == "pypdfium2":
        from pipeline.readers.pdfium import read_pdf_pdfium

        return read_pdf_pdfium(path, ocr=ocr)
    if engine != "pdfplumber":
        raise ValueError(f"unknown PDF engine {engine!r}; choose one of {', '.join(ENGINES)}")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    _check_complete(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages: list[list[Line]] = []
            heights: list[float] = []
            widths: list[float] = []
            visible = 0
            state: dict = {}
            for page in pdf.pages:
                pages.append(plumber_page_lines(page, state))
                heights.append(float(page.height))
                widths.append(float(page.width))
                visible += sum(1 for c in page.chars if c["text"].strip())
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise ReadError("encrypted PDF: it needs a password to open") from err
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many kinds on damaged files; all mean "cannot parse"
        # pdfplumber wraps pdfminer's exception as the first argument of PdfminerException.
        cause = err.args[0] if err.args and isinstance(err.args[0], Exception) else (err.__cause__ or err)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(err).lower():
            raise ReadError("encrypted PDF: it needs a password to open") from err
        raise ReadError(f"corrupt PDF: {type(cause).__name__}: {str(cause)[:120] or 'cannot parse'}") from err
    return assemble(path, pages, heights, widths, visible, ocr)


def assemble(path: Path, pages: list[list[Line]], heights: list[float], widths: list[float], visible: int,
             ocr: bool) -> Document:
    """The Document of a PDF's page lines, whichever engine read them.

    Refuses a file without pages or text layer (or reads it through OCR), then drops
    running heads and rejoins wrapped lines; ``visible`` counts the non-blank glyphs.
    """
    warnings: list[str] = []
    page_count = len(pages)
    if page_count == 0:
        raise ReadError("PDF has no pages")
    if visible < MIN_CHARS_PER_PAGE * page_count:
        if not ocr:
            raise ReadError(f"no text layer (scanned PDF?) on {page_count} page(s); rerun with --ocr to read it "
                            "with Tesseract")
        texts, warnings = _ocr(path)
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        return Document("\n".join(texts), "pdf", None, warnings, page_starts=tuple(starts))
    empty = [str(n + 1) for n, lines in enumerate(pages) if not lines]
    if empty:
        warnings.append(f"page(s) {', '.join(empty)} have no text layer (scanned?); --ocr reads them")
    drop = _running_heads(pages, heights)
    kept = [[line for n, line in enumerate(lines) if (p, n) not in drop] for p, lines in enumerate(pages)]
    text, page_starts = _join(kept, statistics.median(widths))
    unmapped = text.count("(cid:")
    if unmapped:
        warnings.append(f"{unmapped} glyph(s) have no Unicode mapping in the PDF's fonts ((cid:…)); --ocr may help")
    return Document(text, "pdf", None, warnings, page_starts=tuple(page_starts))
