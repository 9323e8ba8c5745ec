"""The pypdfium2 PDF engine (``--pdf-engine pypdfium2``) against the pdfplumber one, on the committed PDFs."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.readers import ReadError, read
from pipeline.run import process_file
from tests.conftest import ROOT, SCORER, WENXI, gold_dir
from tests.test_readers_formats import _pdf, encrypted_pdf, scanned_pdf

FIXTURES = ROOT / "tests" / "fixtures"
# Every committed PDF: the printed samples, a reprint with running heads, a ragged layout, task tables.
FIXTURE_PDFS = sorted(FIXTURES.glob("*/*.pdf"))


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_pdfium_gives_the_record_pdfplumber_gives(path):
    """Same normalised text, page starts, actions, thresholds, metadata and warnings, byte for byte."""
    plumber = process_file(path, pdf_engine="pdfplumber").to_record()
    pdfium = process_file(path, pdf_engine="pypdfium2").to_record()
    assert json.dumps(pdfium, ensure_ascii=False) == json.dumps(plumber, ensure_ascii=False)
    assert pdfium["actions"] and pdfium["text"]  # a record worth comparing


def test_pdfium_extract_scores_one_and_names_the_files_it_skips(tmp_path):
    if not SCORER.exists():
        pytest.skip("../shared/tools/score.py is not beside this checkout")
    from pipeline.cli import cli

    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted((FIXTURES / "pdf").glob("*.pdf")):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(folder), "--out", str(out), "-j", "1", "--pdf-engine", "pypdfium2",
                                      "--skip", "graph", "--skip", "views", "--skip", "compare"])
    assert result.exit_code == 1, result.output
    assert f"skipped {folder / 'locked.pdf'}: encrypted PDF: it needs a password to open" in result.output
    records = [json.loads(line) for line in (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["format"], r["status"], r["warnings"]) for r in records] == [("pdf", "ok", [])] * 2
    scored = subprocess.run([sys.executable, str(SCORER), str(out), str(gold_dir()), "--min", "1.0"],
                            capture_output=True, text=True)
    assert scored.returncode == 0, scored.stdout
    assert "overall micro: precision 1.000 recall 1.000 F1 1.000" in scored.stdout


# Hostile files: the same one-line reasons as the pdfplumber engine gives.
@pytest.mark.parametrize("name, make, reason", [
    ("scan.pdf", scanned_pdf, r"^no text layer \(scanned PDF\?\) on 1 page\(s\); rerun with --ocr"),
    ("locked.pdf", encrypted_pdf, "^encrypted PDF: it needs a password to open$"),
    ("cut.pdf", lambda: (FIXTURES / "pdf" / f"{WENXI.stem}.pdf").read_bytes()[:60000], "^truncated PDF: no %%EOF"),
    ("garbage.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "^corrupt PDF: .*Data format error"),
    ("no-pages.pdf", lambda: _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
     "^corrupt PDF|^PDF has no pages$"),
    ("cut-then-closed.pdf", lambda: (FIXTURES / "pdf" / f"{WENXI.stem}.pdf").read_bytes()[:30000] + b"\n%%EOF\n",
     "^corrupt PDF: "),
])
def test_pdfium_refuses_hostile_files_with_a_one_line_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(ReadError, match=reason) as caught:
        read(path, pdf_engine="pypdfium2")
    assert "\n" not in str(caught.value)


def test_pdfium_puts_every_action_on_the_page_that_prints_it():
    """The page of a span, from page_starts, is the page whose PDFium text holds it."""
    import pypdfium2

    path = FIXTURES / "pdf" / f"{WENXI.stem}.pdf"
    result = process_file(path, pdf_engine="pypdfium2")
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        # Blanks dropped and brackets widened, as the normaliser does: (十) is printed, （十） extracted.
        printed = ["".join(pdf[n].get_textpage().get_text_range().split()).translate(str.maketrans("()", "（）"))
                   for n in range(len(pdf))]
    finally:
        pdf.close()
    assert len(result.page_starts) == len(printed) and result.page_starts[0] == 0
    pages_of = [sum(1 for start in result.page_starts if start <= action.span[0]) for action in result.actions]
    for action, page in zip(result.actions, pages_of):
        assert action.marker + action.title in printed[page - 1]
    assert pages_of[0] < pages_of[-1]  # the check spans pages


def test_pdfium_reads_pages_with_ruling_through_pdfplumber(caplog):
    with caplog.at_level(logging.INFO, logger="pipeline.readers.pdfium"):
        document = read(FIXTURES / "tables" / "task_table.pdf", pdf_engine="pypdfium2")
    assert "page(s) 1 have ruling (tables?) or turned text: read with pdfplumber" in caplog.text
    assert "1.实施专业镇市场主体倍增行动。牵头单位：县工信局、县乡村振兴局" in document.text


def _one_page_pdf(stream: bytes) -> bytes:
    """A page whose fonts are F1 Helvetica, F2 Times and F3, with /Descent 0 (as LibreOffice writes its CJK fonts)."""
    widths = b"[" + b" ".join([b"500"] * 95) + b"]"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Plain /FirstChar 32 /LastChar 126 /Widths " + widths
        + b" /FontDescriptor 8 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Plain /Descent 0 /Ascent 800 /Flags 32 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /CapHeight 700 /StemV 80 >>",
    ])


# Page content streams that PDFium and pdfminer describe differently.
@pytest.mark.parametrize("stream, text", [
    # a hyphen at a line end: PDFium's 0x02, printed as -
    (b"BT /F1 12 Tf 72 700 Td (Targets for the govern-) Tj 0 -14 Td (ment are set out in the plan.) Tj ET",
     "Targets for the govern-\nment are set out in the plan."),
    # the size in the text matrix (1 Tf, 12x Tm): 12 points, so a 4.8-point step in is no indent
    (b"BT /F1 1 Tf 12 0 0 12 72 700 Tm (Development zones shall reach fifty per) Tj "
     b"0.4 -1.2 Td (cent of output by 2025 in every county and city.) Tj ET",
     "Development zones shall reach fifty percent of output by 2025 in every county and city."),
    # digits in Times (descent 0.22 em) amid text in a font without descent: one line, not two
    (b"BT /F3 16 Tf 72 700 Td (Targets reach ) Tj /F2 16 Tf (2025) Tj /F3 16 Tf ( in every county.) Tj ET",
     "Targets reach 2025 in every county."),
    # fake bold: every glyph drawn twice, half a point apart
    (b"BT /F1 12 Tf 72 700 Td (Development zones shall reach 50 percent by 2025) Tj ET "
     b"BT /F1 12 Tf 72.5 700 Td (Development zones shall reach 50 percent by 2025) Tj ET",
     "Development zones shall reach 50 percent by 2025"),
])
def test_pdfium_reads_generated_pages_as_pdfplumber_does(tmp_path, stream, text):
    path = tmp_path / "page.pdf"
    path.write_bytes(_one_page_pdf(stream))
    assert read(path, pdf_engine="pypdfium2").text == read(path, pdf_engine="pdfplumber").text == text


@pytest.mark.parametrize("fonttype", [3, 42], ids=["type3", "truetype"])
def test_pdfium_reads_a_page_matplotlib_printed_as_pdfplumber_does(tmp_path, fonttype):
    """Another producer and other font kinds than LibreOffice's: Type 3 glyph procedures, embedded TrueType."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties, findfont

    font = FontProperties(family="Noto Sans CJK SC", size=12)
    if "CJK" not in findfont(font, fallback_to_default=True):
        pytest.skip("no Noto Sans CJK font (apt-get install fonts-noto-cjk)")
    lines = [line.strip() for line in WENXI.read_text(encoding="utf-8").splitlines() if line.strip()][:12]
    path = tmp_path / "printed.pdf"
    with matplotlib.rc_context({"pdf.fonttype": fonttype}), PdfPages(path) as pdf:
        figure = Figure(figsize=(8.27, 11.69))
        for number, line in enumerate(lines):
            figure.text(0.1, 0.95 - number * 0.022, line[:36], fontproperties=font)
        figure.text(0.5, 0.03, "— 1 —", fontproperties=font, ha="center")
        pdf.savefig(figure)
    plumber = read(path, pdf_engine="pdfplumber")
    pdfium = read(path, pdf_engine="pypdfium2")
    assert "闻政办发〔2023〕33号" in pdfium.text and "— 1 —" not in pdfium.text
    assert (pdfium.text, pdfium.page_starts) == (plumber.text, plumber.page_starts)


def test_pdfium_leaves_skewed_glyphs_to_pdfplumber(tmp_path, caplog):
    """Fake italic (a sheared text matrix): pdfminer boxes such glyphs its own way, so pdfplumber reads the page."""
    path = tmp_path / "italic.pdf"
    path.write_bytes(_one_page_pdf(b"BT /F1 1 Tf 16 0 4 16 72 700 Tm (Development zones shall reach fifty per) Tj "
                                   b"0.3 -1.5 Td (cent of output by 2025 in every county.) Tj ET"))
    with caplog.at_level(logging.INFO, logger="pipeline.readers.pdfium"):
        pdfium = read(path, pdf_engine="pypdfium2")
    assert "page(s) 1 have ruling (tables?) or turned text: read with pdfplumber" in caplog.text
    assert pdfium.text == read(path, pdf_engine="pdfplumber").text == (
        "Development zones shall reach fifty percent of output by 2025 in every county.")


def test_pdfium_reads_a_turned_page_as_pdfplumber_does(tmp_path):
    """PDFium's glyph boxes ignore /Rotate, pdfplumber's do not: such a page goes to pdfplumber."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(FIXTURES / "pdf" / f"{WENXI.stem}.pdf"))
    pdf[1].set_rotation(90)
    pdf.save(str(tmp_path / "turned.pdf"))
    pdf.close()
    plumber = read(tmp_path / "turned.pdf", pdf_engine="pdfplumber")
    pdfium = read(tmp_path / "turned.pdf", pdf_engine="pypdfium2")
    assert (pdfium.text, pdfium.page_starts) == (plumber.text, plumber.page_starts)


@pytest.mark.parametrize("path, ruled", [
    (FIXTURES / "tables" / "task_table.pdf", True),
    (FIXTURES / "pdf" / f"{WENXI.stem}.pdf", False),
])
def test_pdfium_finds_ruling_only_where_a_table_could_be(path, ruled):
    import pypdfium2
    import pypdfium2.raw as raw

    from pipeline.readers.pdfium import _has_ruling

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        assert _has_ruling(raw, pdf[0]) == ruled
    finally:
        pdf.close()


@pytest.mark.parametrize("offsets, expected", [
    # 假粗体：同一字形错开不到 1 点
    ([(72.0, 100.0), (72.5, 100.0), (88.0, 100.0), (88.5, 100.3)], 2),
    # 正常排版：相邻的同一个字
    ([(72.0, 100.0), (88.0, 100.0)], 2),
    ([(72.0, 100.0), (72.0, 128.0)], 2),
])
def test_pdfium_prints_fake_bold_once(offsets, expected):
    from pipeline.readers.pdfium import _dedupe

    chars = [{"text": "镇", "x0": x, "x1": x + 16, "top": top, "bottom": top + 16, "size": 16.0} for x, top in offsets]
    assert len(_dedupe(chars)) == expected


@pytest.mark.parametrize("engine, slow_step", [
    ("pypdfium2", "pipeline.readers.pdfium._page_chars"),
    ("pdfplumber", "pipeline.readers.pdf.plumber_page_lines"),
])
def test_pdfium_time_limit_inside_a_pdf_reader_is_no_corrupt_pdf(monkeypatch, engine, slow_step):
    """The readers turn any Exception into "corrupt PDF"; the per-file time limit must pass through them."""
    import time

    from pipeline.batch import Options, extract_one

    monkeypatch.setattr(slow_step, lambda *args: time.sleep(5))
    job = (str(FIXTURES / "pdf" / f"{WENXI.stem}.pdf"), "wenxi")
    outcome = extract_one(job, Options(timeout=0.2, pdf_engine=engine))
    assert outcome.error == "took longer than 0.2 s; skipped (see --timeout)"


def test_pdfium_cli_offers_the_engines_the_reader_knows():
    from pipeline.cli import PDF_ENGINES
    from pipeline.readers.pdf import ENGINES

    assert PDF_ENGINES == ENGINES
