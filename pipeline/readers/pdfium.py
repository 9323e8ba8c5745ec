"""PDF engine on pypdfium2: the same lines as the pdfplumber reader, read ~6x faster.

``policymap extract --pdf-engine pypdfium2`` (or ``read_pdf(path, engine="pypdfium2")``).
PDFium's text page gives every glyph with its Unicode value, origin and advance box;
this module turns them into the char dicts pdfplumber would give (x0, x1, top, bottom,
size, in points from the page's top-left corner) and hands them to the pdfplumber
reader's own line, running-head and joining code (pipeline/readers/pdf.py), so both
engines give the same text and page starts.

Supports:
    glyphs grouped into lines on their baselines by pdf.py's group_lines, then everything
        pdf.py does with lines: running heads and page numbers removed, wrapped
        lines rejoined, a page start offset for every page
    fake bold (each glyph printed twice, slightly shifted) -> one character
    pages with ruling that could form a table (a box, or two horizontal and two vertical
        strokes), turned pages (/Rotate) and pages with turned or skewed glyphs (fake
        italic) -> that page read by pdfplumber, whose table
        finder turns task tables into numbered lines; logged (-v), and the notice gets no
        warning: nothing is lost, the page is only read more slowly
Avoids:
    PDFium's generated characters (the spaces and line breaks it inserts between text runs).
    PDFium's 0x02 for a hyphen at a line end: the hyphen is kept, as printed (govern- / ment).
    Encrypted, truncated and corrupt files, no text layer: the same ReadError messages as
    the pdfplumber engine (PDFium refuses a file of no pages as corrupt).
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

from pipeline.readers import Document, ReadError
from pipeline.readers.pdf import Line, _check_complete, _may_have_doubled_glyphs, assemble, end_table, \
    group_lines, plumber_page_lines

log = logging.getLogger(__name__)

# pdfplumber's default: ruling shorter than this is no table edge (table_settings edge_min_length).
MIN_EDGE = 3.0
# Two copies of a glyph closer than this (points) are fake bold (pdfplumber dedupe_chars tolerance).
DOUBLED_TOLERANCE = 1.0
# How deep Form XObjects are searched for ruling (pypdfium2's get_objects default).
MAX_FORM_DEPTH = 15
# PDFium's code for a hyphen it takes to break a word at a line end (govern- / ment).
SOFT_HYPHEN = 0x02


def _page_chars(raw, textpage, page_height: float) -> list[dict] | None:
    """Visible glyphs of a text page as pdfplumber char dicts (``raw`` is pypdfium2.raw).

    Coordinates as pdf.py gives pdfplumber's: x as in the PDF, top and bottom measured down
    from the page height (pdfplumber.page.Page.process_object), bottom on the baseline
    (pdf._on_baselines). None when a glyph is turned or skewed (fake italic): pdfminer
    boxes those otherwise, so pdfplumber reads the page.

    Seven PDFium calls per glyph, so the functions and the handle are bound once: the
    ctypes lookups otherwise cost as much as the calls.
    """
    handle = textpage.raw
    get_unicode, is_generated, map_error = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated, \
        raw.FPDFText_HasUnicodeMapError
    get_box, get_origin, get_matrix, get_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin, \
        raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize
    box, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    box_ref, matrix_ref, x_ref, y_ref = ctypes.byref(box), ctypes.byref(matrix), ctypes.byref(x), ctypes.byref(y)
    chars: list[dict] = []
    for index in range(raw.FPDFText_CountChars(handle)):
        code = get_unicode(handle, index)
        if code == SOFT_HYPHEN:
            code = ord("-")  # the glyph on the page is a hyphen, and pdfplumber keeps it as one
        elif code <= 0x20 or code in (0xFFFE, 0xFFFF) or chr(code).isspace():
            continue  # pdfplumber's lines hold no blank glyphs either
        if is_generated(handle, index) == 1:
            continue
        text = "(cid:?)" if map_error(handle, index) == 1 else chr(code)  # (cid:…) as pdfplumber marks it
        get_box(handle, index, box_ref)  # left: the origin, right: the origin plus the advance
        get_origin(handle, index, x_ref, y_ref)
        get_matrix(handle, index, matrix_ref)
        if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
            return None
        # pdfminer's size: the font size scaled by the text and page matrices (12 for 1 Tf in a 12x Tm).
        size = get_size(handle, index) * matrix.d
        bottom = page_height - y.value
        chars.append({"text": text, "x0": box.left, "x1": box.right, "top": bottom - size, "bottom": bottom,
                      "size": size})
    return chars


def _dedupe(chars: list[dict]) -> list[dict]:
    """Fake bold printed once: a glyph within DOUBLED_TOLERANCE of the same glyph already kept is dropped."""
    kept: list[dict] = []
    cells: dict[tuple[str, int, int], list[dict]] = {}
    for char in chars:
        text, x, y = char["text"], int(char["x0"] // 2), int(char["top"] // 2)
        near = [other for dx in (-1, 0, 1) for dy in (-1, 0, 1) for other in cells.get((text, x + dx, y + dy), ())]
        if any(abs(other["x0"] - char["x0"]) <= DOUBLED_TOLERANCE and other["size"] == char["size"]
               and abs(other["top"] - char["top"]) <= DOUBLED_TOLERANCE for other in near):
            continue  # a second print of a glyph already kept
        cells.setdefault((text, x, y), []).append(char)
        kept.append(char)
    return kept


def _has_ruling(raw, page) -> bool:
    """Could pdfplumber's table finder find a table here? Any box, or 2 horizontal and 2 vertical strokes.

    Looser than the finder itself: a page that answers yes is read by pdfplumber.
    """
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    wide = tall = 0
    stack = [(raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i), 0)]
    while stack:
        count, get, depth = stack.pop()
        for index in range(count):
            obj = get(index)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                stack.append((raw.FPDFFormObj_CountObjects(obj), lambda i, form=obj: raw.FPDFFormObj_GetObject(form, i),
                              depth + 1))
            if kind != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            width, height = right.value - left.value, top.value - bottom.value
            if width >= MIN_EDGE and height >= MIN_EDGE:
                return True
            wide += width >= MIN_EDGE
            tall += height >= MIN_EDGE
            if wide >= 2 and tall >= 2:
                return True
    return False


def read_pdf_pdfium(path: Path, ocr: bool = False) -> Document:
    """Read a PDF notice through pypdfium2; see the module docstring."""
    import pypdfium2
    import pypdfium2.raw as raw

    _check_complete(path)
    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as err:
        if getattr(err, "err_code", None) in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ReadError("encrypted PDF: it needs a password to open") from err
        raise ReadError(f"corrupt PDF: {str(err)[:120] or 'cannot parse'}") from err
    pages: list[list[Line]] = []
    heights: list[float] = []
    widths: list[float] = []
    visible = 0
    state: dict = {}
    plumber = None  # opened at the first page that needs it, if any
    by_plumber: list[str] = []
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            try:
                page_left, page_bottom, page_right, page_top = page.get_mediabox()
                chars = None
                if not page.get_rotation() and not _has_ruling(raw, page):
                    textpage = page.get_textpage()
                    try:
                        chars = _page_chars(raw, textpage, page_top - page_bottom)
                    finally:
                        textpage.close()
                if chars is None:
                    # A table, a turned page (PDFium leaves its glyph boxes unturned) or turned glyphs.
                    if plumber is None:
                        import pdfplumber

                        plumber = pdfplumber.open(path)
                    plumber_page = plumber.pages[number]
                    pages.append(plumber_page_lines(plumber_page, state))
                    heights.append(float(plumber_page.height))
                    widths.append(float(plumber_page.width))
                    visible += sum(1 for c in plumber_page.chars if c["text"].strip())
                    by_plumber.append(str(number + 1))
                    continue
                heights.append(page_top - page_bottom)
                widths.append(page_right - page_left)
                visible += len(chars)
                if _may_have_doubled_glyphs(chars):
                    chars = _dedupe(chars)
                lines = group_lines(chars)
                if lines:
                    end_table(state)
                pages.append(lines)
            finally:
                page.close()
    except ReadError:
        raise
    except Exception as err:  # PDFium or pdfplumber on a damaged page: the file cannot be parsed
        raise ReadError(f"corrupt PDF: {type(err).__name__}: {str(err)[:120] or 'cannot parse'}") from err
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()
    if by_plumber:
        log.info("%s: page(s) %s have ruling (tables?) or turned text: read with pdfplumber", path,
                 ", ".join(by_plumber))
    return assemble(path, pages, heights, widths, visible, ocr)
