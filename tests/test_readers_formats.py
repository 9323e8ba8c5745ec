"""The PDF, DOCX and HTML readers on real layouts and on hostile files (generated here)."""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import zipfile

import pytest

from pipeline.readers import ReadError, read
from pipeline.readers.pdf import PAGE_NUMBER
from pipeline.run import process_file
from tests.conftest import HUGUAN, ROOT, WENXI

FIXTURES = ROOT / "tests" / "fixtures"
# The padding string of the PDF standard security handler (ISO 32000-1, 7.6.3.3).
PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file of the given objects (1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret", owner_password: bytes = b"owner") -> bytes:
    """A one-page PDF under RC4-40 (standard handler, revision 2) that needs ``user_password``."""
    file_id = b"0123456789abcdef"
    permissions = -44
    owner_key = hashlib.md5((owner_password + PDF_PAD)[:32]).digest()[:5]
    o_entry = _rc4(owner_key, (user_password + PDF_PAD)[:32])
    key = hashlib.md5((user_password + PDF_PAD)[:32] + o_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    u_entry = _rc4(key, PDF_PAD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o_entry.hex().encode(), u_entry.hex().encode(),
                                                                      permissions),
    ]
    return _pdf(objects, b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode()))


def scanned_pdf() -> bytes:
    """A PDF holding only a picture of a page, as a scanner makes it."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for top in range(80, 800, 28):
        draw.rectangle((70, top, 550, top + 14), fill=30)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=72)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Hostile files: every one is refused with a reason naming the problem, never read as text.
@pytest.mark.parametrize("name, make, reason", [
    ("scan.pdf", scanned_pdf, r"no text layer \(scanned PDF\?\).*--ocr"),
    ("locked.pdf", encrypted_pdf, "encrypted PDF"),
    ("cut.pdf", lambda: (FIXTURES / "pdf" / f"{WENXI.stem}.pdf").read_bytes()[:60000], "truncated PDF"),
    ("garbage.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "corrupt PDF|no pages|no text layer"),
    ("fake.docx", lambda: _zip({"notes/readme.txt": "壶关县".encode(), "data.csv": b"a,b\n"}), "without word/document.xml"),
    ("sheet.docx", lambda: _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "XLSX spreadsheet"),
    ("broken.docx", lambda: _zip({"word/document.xml": b"<w:document><w:body><w:p>"}), "corrupt DOCX"),
    ("badzip.docx", lambda: b"PK\x03\x04" + bytes(300), "corrupt ZIP"),
    ("nav.html", lambda: ("<!DOCTYPE html><html><body><ul class='nav'><li><a href='/'>首页</a></li>"
                          "<li><a href='/zwgk'>政务公开</a></li></ul><div class='footer'>晋ICP备05003927号 "
                          "联系电话：0355-8763012 访问量：2356</div></body></html>").encode(), "no article text"),
])
def test_readers_refuse_hostile_files_with_a_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(ReadError, match=reason):
        read(path)


def test_readers_hostile_files_do_not_stop_a_batch_and_ocr_reaches_the_reader(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    monkeypatch.delenv("POLICYMAP_OCR", raising=False)  # restored after the test: --ocr sets it
    monkeypatch.setattr(shutil, "which", lambda name: None)  # as on a machine without Tesseract
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    shutil.copy(FIXTURES / "docx" / f"{WENXI.stem}.docx", folder / "good.docx")
    result = CliRunner().invoke(cli, ["extract", str(folder), "--out", str(tmp_path / "out"), "-j", "1", "--ocr"])
    assert result.exit_code == 1
    assert f"skipped {folder / 'locked.pdf'}: encrypted PDF" in result.output
    assert f"skipped {folder / 'scan.pdf'}: no text layer (scanned PDF?) and --ocr needs Tesseract" in result.output
    assert "1 notices read" in result.output


def test_readers_ocr_without_tesseract_says_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReadError, match="apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
        read(path, ocr=True)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_readers_ocr_reads_a_scanned_page(tmp_path):
    import subprocess

    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        pytest.skip("Tesseract has no chi_sim model")
    import pypdfium2

    source = pypdfium2.PdfDocument(str(FIXTURES / "tables" / "task_table.pdf"))
    image = source[0].render(scale=2).to_pil().convert("L")
    source.close()
    path = tmp_path / "scan.pdf"
    image.save(path, format="PDF", resolution=144)
    document = read(path, ocr=True)
    assert "OCR" in document.warnings[0]
    assert "壶政办发" in document.text.replace(" ", "")


@pytest.mark.parametrize("line, is_page_number", [
    # 页码
    ("— 4 —", True), ("- 4 -", True), ("－12－", True), ("第4页 共17页", True), ("第 4 页", True), ("4/17", True),
    ("17", True),
    # 正文
    ("（四）实施专业镇重大项目攻坚行动", False), ("2023年9月25日", False), ("—— 权责一致", False),
])
def test_readers_recognise_page_numbers(line, is_page_number):
    assert bool(PAGE_NUMBER.match(line)) == is_page_number


def test_readers_pdf_removes_running_headers_and_footers():
    """A notice reprinted with a running header and 第N页 共M页 footers reads as the plain notice."""
    from pipeline.normalise import normalise

    document = read(FIXTURES / "headers" / f"{WENXI.stem}.pdf")
    assert "政府公报" not in document.text and "页 共" not in document.text
    assert normalise(document.text).text == normalise(WENXI.read_text(encoding="utf-8")).text


# DOCX automatic numbering: markers kept in numbering.xml, not in the text.
def _numbered_docx(path, paragraphs):
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    numbering = document.part.numbering_part.element
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.save(path)


def test_readers_docx_recovers_automatic_numbering(tmp_path):
    path = tmp_path / "numbered.docx"
    _numbered_docx(path, [
        (None, "壶关县促进专业镇高质量发展实施方案"), (0, "总体要求"), (1, "指导思想"), (1, "发展目标"),
        (0, "重点任务"), (1, "实施专业镇市场主体倍增行动。（县工信局牵头，县财政局按职责分工负责）"),
        (2, "培育龙头企业。"), (2, "招引配套企业。"),
        (1, "（二）实施专业镇重大项目攻坚行动。（县发改和科技局牵头，县财政局按职责分工负责）"),
        (0, "保障措施"), (1, "加强组织领导。"),
    ])
    assert read(path).text.split("\n") == [
        "壶关县促进专业镇高质量发展实施方案", "一、总体要求", "（一）指导思想", "（二）发展目标", "二、重点任务",
        "（一）实施专业镇市场主体倍增行动。（县工信局牵头，县财政局按职责分工负责）", "1.培育龙头企业。", "2.招引配套企业。",
        "（二）实施专业镇重大项目攻坚行动。（县发改和科技局牵头，县财政局按职责分工负责）",
        "三、保障措施", "（一）加强组织领导。",
    ]
    result = process_file(path)
    assert [(a.marker, a.title) for a in result.actions] == [
        ("（一）", "实施专业镇市场主体倍增行动"), ("（二）", "实施专业镇重大项目攻坚行动")]


def test_readers_docx_ignores_headers_and_footers():
    text = read(FIXTURES / "docx" / f"{WENXI.stem}.docx").text
    assert "—" not in text.split("\n")[0] and not any(line.startswith("— ") for line in text.split("\n"))


def test_readers_legacy_word_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReadError, match="install LibreOffice"):
        read(path)


# HTML metadata tables come in several layouts.
@pytest.mark.parametrize("table", [
    "<table><tr><td>索引号：</td><td>000014349/2023-61104</td><td>发文字号：</td><td>壶政办发〔2023〕25号</td></tr>"
    "<tr><th>成文日期</th><td>2023-10-30</td><th>发布日期</th><td>2023-11-23</td></tr></table>",
    "<ul><li>索引号：000014349/2023-61104</li><li>发文字号：壶政办发〔2023〕25号</li>"
    "<li>成文日期：2023-10-30</li><li>发布日期：2023-11-23</li></ul>",
    "<dl><dt>索引号</dt><dd>000014349/2023-61104</dd><dt>发文字号</dt><dd>壶政办发〔2023〕25号</dd>"
    "<dt>成文日期</dt><dd>2023-10-30</dd><dt>发布日期</dt><dd>2023-11-23</dd></dl>",
])
def test_readers_html_reads_metadata_tables_in_every_layout(tmp_path, table):
    body = "\n".join(f"<p>{line}</p>" for line in HUGUAN.read_text(encoding="utf-8").splitlines()[6:])
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><div class='meta'>{table}</div>"
                    f"<div class='content'>{body}</div><div class='footer'>晋ICP备05003927号</div></body></html>",
                    encoding="utf-8")
    result = process_file(path)
    assert (result.metadata.index_number, result.metadata.doc_number, result.metadata.signed_date,
            result.metadata.published_date) == ("000014349/2023-61104", "壶政办发〔2023〕25号", "2023-10-30",
                                                "2023-11-23")
    assert len(result.actions) == 10 and "ICP" not in result.text


def test_readers_html_declared_gbk_charset(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in WENXI.read_text(encoding="utf-8").splitlines() if line.strip())
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{body}</body></html>'
    path = tmp_path / "gbk.htm"
    path.write_bytes(page.encode("gb18030"))
    document = read(path)
    assert document.encoding == "gb18030" and "闻政办发〔2023〕33号" in document.text


def test_readers_pdf_prints_fake_bold_once(tmp_path):
    """Fake bold: every glyph drawn twice, half a point apart; the text comes out once."""
    line = b"(Development zones shall reach 50 percent by 2025) Tj"
    stream = b"BT /F1 12 Tf 72 700 Td " + line + b" ET BT /F1 12 Tf 72.5 700 Td " + line + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path = tmp_path / "bold.pdf"
    path.write_bytes(_pdf(objects))
    assert read(path).text == "Development zones shall reach 50 percent by 2025"


# Portal layouts: the article is found whatever holds it; navigation and footers never come along.
NAV = ("<table width=1000><tr><td><a href='/'>首页</a></td><td><a href='/zwgk'>政务公开</a></td>"
       "<td><a href='/hd'>互动交流</a></td></tr></table>")
FOOT = "<table><tr><td>版权所有：闻喜县人民政府 晋ICP备05003927号 联系电话：0359-7012345 访问量：1234567</td></tr></table>"
RELATED = "<div class='xgwj'><h4>相关文件</h4><ul>" + "".join(
    f"<li><a href='#'>关于印发某县某某工作方案的通知{n}</a></li>" for n in range(12)) + "</ul></div>"


def _layout(kind: str, lines: list[str]) -> str:
    if kind == "table-br":
        body = (f"{NAV}<table><tr><td><a href='#'>信息公开指南</a><br><a href='#'>信息公开目录</a></td><td><table><tr>"
                f"<td class='bt_content'>{'<br>'.join('&nbsp;&nbsp;' + line for line in lines)}</td></tr></table>"
                f"</td></tr></table>")
    elif kind == "div-p-related":
        body = f"<div class='nav'>{NAV}</div><div><div class='TRS_Editor'>" + "".join(
            f"<p>{line}</p>" for line in lines) + f"</div>{RELATED}</div>"
    else:  # spans in divs
        body = NAV + "<div id='UCAP-CONTENT'>" + "".join(
            f"<div><span>{line[:len(line) // 2]}</span><span>{line[len(line) // 2:]}</span></div>" for line in lines) + "</div>"
    return f"<html><head><meta charset='utf-8'></head><body>{body}{FOOT}</body></html>"


@pytest.mark.parametrize("kind", ["table-br", "div-p-related", "spans-in-divs"])
def test_readers_html_finds_the_article_in_every_portal_layout(tmp_path, kind):
    lines = [line.strip() for line in WENXI.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "page.html"
    path.write_text(_layout(kind, lines), encoding="utf-8")
    text = read(path).text
    assert [line.replace(" ", "") for line in text.split("\n")] == [line.replace(" ", "") for line in lines]


def test_readers_html_task_table_becomes_actions(tmp_path):
    rows = "".join(f"<tr><td>{n}</td><td>{task}</td><td>{lead}</td><td>{coop}</td></tr>" for n, task, lead, coop in [
        (1, "实施专业镇市场主体倍增行动", "县工信局", "县财政局、各乡镇政府"),
        (2, "实施专业镇重大项目攻坚行动", "县发改和科技局", "县自然资源局")])
    page = ("<html><body><div class='content'><p>壶关县人民政府办公室关于印发壶关县专业镇重点任务分解表的通知</p>"
            "<p>各乡镇人民政府，县直各有关单位：现将分解表印发给你们，请认真贯彻执行。</p>"
            "<table><tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th></tr>" + rows + "</table></div>"
            f"{FOOT}</body></html>")
    path = tmp_path / "table.html"
    path.write_text(page, encoding="utf-8")
    result = process_file(path)
    assert [(a.title, [u.name for u in a.lead], [u.name for u in a.cooperating]) for a in result.actions] == [
        ("实施专业镇市场主体倍增行动", ["县工信局"], ["县财政局", "各乡镇政府"]),
        ("实施专业镇重大项目攻坚行动", ["县发改和科技局"], ["县自然资源局"])]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_readers_legacy_word_is_converted_by_libreoffice(tmp_path):
    import subprocess

    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(FIXTURES / "docx" / f"{WENXI.stem}.docx")],
                   check=True, capture_output=True, timeout=180)
    document = read(tmp_path / f"{WENXI.stem}.doc")
    assert document.format == "doc" and "converted" in document.warnings[0]
    assert "闻政办发〔2023〕33号" in document.text and len(process_file(tmp_path / f"{WENXI.stem}.doc").actions) == 10


def test_readers_pdf_page_starts_reach_the_record():
    record = process_file(FIXTURES / "headers" / f"{WENXI.stem}.pdf").to_record()
    assert len(record["page_starts"]) == 13 and record["page_starts"][0] == 0
    assert process_file(WENXI).to_record()["page_starts"] is None


def test_readers_pdf_of_nothing_but_a_table_keeps_its_rows():
    from pipeline.readers.pdf import Line, _join

    rows = [Line("1.实施专业镇市场主体倍增行动。牵头单位：县工信局。", 80, 500, 100, 120, 0.0, table=True),
            Line("2.实施专业镇重大项目攻坚行动。牵头单位：县发改和科技局。", 80, 500, 130, 150, 0.0, table=True)]
    text, starts = _join([rows[:1], rows[1:]], 595)
    assert text.split("\n") == [row.text for row in rows] and starts == [0, len(rows[0].text) + 1]


def test_readers_html_in_traditional_characters_reads_its_labels_and_drops_its_footer(tmp_path):
    import opencc

    page = (FIXTURES / "html" / f"{HUGUAN.stem}.html").read_text(encoding="utf-8")
    path = tmp_path / "traditional.html"
    path.write_text(opencc.OpenCC("s2t").convert(page), encoding="utf-8")
    result = process_file(path)
    simplified = process_file(FIXTURES / "html" / f"{HUGUAN.stem}.html")
    assert (result.metadata.index_number, result.metadata.signed_date, result.metadata.published_date) == (
        simplified.metadata.index_number, simplified.metadata.signed_date, simplified.metadata.published_date)
    assert result.metadata.doc_number == "壺政辦發〔2023〕25號"
    assert [[u.canonical for u in a.lead] for a in result.actions] == [[u.canonical for u in a.lead]
                                                                       for a in simplified.actions]
    assert "ICP" not in result.text and "訪問" not in result.text
