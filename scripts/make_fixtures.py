"""Make the format-invariance fixtures: every sample notice as DOCX, PDF, HTML, GB18030 and traditional text.

    python scripts/make_fixtures.py [--out tests/fixtures] [NOTICE.txt ...]

For each notice (default: the two samples in corpora/) this writes, under OUT:

* ``docx/<stem>.docx``: python-docx, one paragraph per line of the notice, 16 pt
  Noto Sans CJK SC with a two-character first-line indent on an A4 page laid out the
  way GB/T 9704 lays out a 公文 (about 28 characters a line), and a ``— N —`` page
  number in the footer.
* ``pdf/<stem>.pdf``: that DOCX printed by LibreOffice headless, as an office prints
  it: wrapped lines, page numbers, CJK font subsets. Needs ``soffice`` (Debian:
  ``apt-get install libreoffice-writer-nogui fonts-noto-cjk``); skipped with a
  message when it is missing.
* ``html/<stem>.html``: a government-portal page: navigation, breadcrumbs, a share bar,
  the metadata table (索引号 / 发文字号 / 发文机关 / 成文日期 / 发布日期 / 主题分类) built
  from the notice's own header lines, the article, and a footer with an ICP number, a
  phone number and a visitor counter.
* ``gb18030/<stem>.txt``: the notice encoded in GB18030.
* ``traditional/<stem>.txt``: the notice converted to traditional characters (OpenCC s2t).
* ``ragged/<stem>.pdf`` (first sample only): the PDF of a left-aligned DOCX without
  first-line indents, so wrapped lines end short of the margin and paragraphs do not indent.
* ``headers/<stem>.pdf`` (last sample only): the PDF again with a running header on every
  page and ``第 N 页 共 M 页`` footers, as bulletins reprint notices.

It also writes ``tables/task_table.docx`` and ``.pdf``: a short notice whose tasks stand
in a ruled 任务分解表 (序号 | 重点任务 | 牵头单位 | 配合单位), with unit lists long enough to
wrap inside their cells, for the table readers, and ``tables/task_table_long.pdf``, thirty
such rows running over several pages with rows broken across page ends.

The fixtures are committed, so tests and CI need neither LibreOffice nor this script.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "corpora").glob("0*.txt"))
FONT = "Noto Sans CJK SC"
# Header fields that portals print in their metadata table ("发文字号:… | 发布日期:… |").
FIELD = re.compile(r"(索引号|发文字号|发文机关|标题|主题分类|主题词|成文日期|成文时间|发布日期)[:：]([^|｜\n]*)")


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def write_docx(lines: list[str], path: Path, running_head: str | None = None, ragged: bool = False) -> None:
    """The notice as a 公文-style DOCX; with ``running_head``, a header line on every page
    and a "第 N 页 共 M 页" footer instead of "— N —"; ``ragged``: left-aligned paragraphs
    without a first-line indent, as many notices are typed."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = document.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = Pt(28)
    for line in lines:
        paragraph = document.add_paragraph(line)
        if not ragged:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if ragged else WD_ALIGN_PARAGRAPH.JUSTIFY
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if running_head:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(running_head)
        footer.add_run("第 ")
        _field(footer, "PAGE")
        footer.add_run(" 页 共 ")
        _field(footer, "NUMPAGES")
        footer.add_run(" 页")
    else:
        # "— PAGE —", centred, as 公文 number their pages.
        footer.add_run("— ")
        _field(footer, "PAGE")
        footer.add_run(" —")
    document.save(path)


def write_pdf(docx_path: Path, pdf_path: Path) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(f"skipped {pdf_path}: soffice not found (apt-get install libreoffice-writer-nogui fonts-noto-cjk)",
              file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
                       check=True, capture_output=True, timeout=300)
        shutil.move(Path(tmp) / (docx_path.stem + ".pdf"), pdf_path)
    return True


def portal_fields(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, value) pairs of the notice's metadata block, and the lines that remain.

    A notice copied from a portal starts with the block itself; a printed notice has
    none, so its 发文字号, title and 成文日期 stand in, as portals fill them from it (read
    by policymap's own metadata extractor, so the table says what the notice says).
    """
    fields: list[tuple[str, str]] = []
    rest = []
    for number, line in enumerate(lines):
        found = FIELD.findall(line) if number < 10 else []
        if found:
            fields.extend((label, value.strip()) for label, value in found)
        elif number < 2 and "字体大小" in line:
            continue  # the portal's own font-size switch, part of the page furniture
        else:
            rest.append(line)
    if not fields:
        from extractors.knowledge import default_knowledge
        from extractors.metadata import extract_metadata
        from pipeline.normalise import normalise

        meta = extract_metadata(normalise("\n".join(lines)).text, default_knowledge().regions)
        fields = [(label, value) for label, value in (("发文字号", meta.doc_number), ("标题", meta.title),
                                                     ("成文日期", meta.signed_date)) if value]
    return fields, rest


def write_html(lines: list[str], path: Path) -> None:
    fields, body = portal_fields(lines)
    title = next((value for label, value in fields if label == "标题"), body[0])
    cells = "".join(f"<tr><th>{html.escape(label)}：</th><td>{html.escape(value)}</td></tr>\n"
                    for label, value in fields)
    paragraphs = "\n".join(f"<p style=\"text-indent:2em\">{html.escape(line)}</p>" for line in body)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}_政府信息公开</title>
<script>var _hmt = _hmt || []; (function() {{ var pv = 1234567; }})();</script>
<style>.nav li {{ float: left; }}</style>
</head>
<body>
<div class="top-bar">无障碍浏览 | 长者模式 | 登录 | 注册</div>
<div class="header"><img src="logo.png" alt="县人民政府门户网站"><div class="search">站内搜索</div></div>
<ul class="nav">
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxq/">走进本县</a></li>
</ul>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府文件</div>
<div class="main">
<div class="sidebar"><h3>政府信息公开</h3><ul><li><a href="#">政府信息公开指南</a></li>
<li><a href="#">政府信息公开年报</a></li><li><a href="#">2023年度工作要点</a></li></ul></div>
<div class="content">
<table class="xxgk-table">
{cells}</table>
<h1 class="article-title">{html.escape(title)}</h1>
<div class="article-info">来源：县政府办公室　浏览次数：2318　字体大小：【大】【中】【小】</div>
<div class="article-content" id="zoom">
{paragraphs}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> 【打印本页】 【关闭窗口】</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">2023年全县经济运行情况</a></li></ul></div>
</div>
</div>
<div class="footer">
<p>主办单位：县人民政府办公室　承办单位：县大数据中心　网站标识码：1404270001</p>
<p>晋ICP备05003927号-1　晋公网安备 14042702000123号　联系电话：0355-8763012</p>
<p>您是本站第 1023456 位访问者　今日访问量：2356　技术支持：县信息中心</p>
</div>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


# A short notice whose tasks stand in a table, as many county notices attach them.
TASK_TABLE_LINES = [
    "壶关县人民政府办公室关于印发壶关县专业镇重点任务分解表的通知",
    "壶政办发〔2023〕26号",
    "各乡镇人民政府，县直各有关单位：",
    "现将《壶关县专业镇重点任务分解表》印发给你们，请认真贯彻执行。",
    "壶关县人民政府办公室",
    "2023年11月2日",
    "壶关县专业镇重点任务分解表",
]
TASK_TABLE_ROWS = [
    ("序号", "重点任务", "牵头单位", "配合单位"),
    ("1", "实施专业镇市场主体倍增行动", "县工信局、县乡村振兴局", "县发改和科技局、县财政局、县自然资源局、市生态环境局壶关分局、各乡镇政府"),
    ("2", "实施专业镇重大项目攻坚行动", "县发改和科技局", "县财政局、县行政审批局、县金融服务中心"),
    ("3", "实施专业镇质量品牌提升行动", "县市场监管局", "县工信局、县文旅局、县中小企业服务中心"),
]


# Thirty rows with long unit lists: the table runs over several pages and rows break across them.
LONG_TASK_TABLE_ROWS = [TASK_TABLE_ROWS[0]] + [
    (str(n), f"实施第{n}项专业镇重点行动", "县工信局、县乡村振兴局",
     "县发改和科技局、县财政局、县自然资源局、市生态环境局壶关分局、县行政审批局、县市场监管局、各乡镇政府")
    for n in range(1, 31)
]


def write_task_table_docx(path: Path, rows: list[tuple[str, ...]] = TASK_TABLE_ROWS) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for line in TASK_TABLE_LINES:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    document.add_paragraph("（此件公开发布）")
    document.save(path)


def make(notice: Path, out: Path) -> list[Path]:
    import opencc

    text = notice.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    stem = notice.stem
    made = []
    for folder in ("docx", "pdf", "html", "gb18030", "traditional"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    docx_path = out / "docx" / f"{stem}.docx"
    write_docx(lines, docx_path)
    made.append(docx_path)
    if write_pdf(docx_path, out / "pdf" / f"{stem}.pdf"):
        made.append(out / "pdf" / f"{stem}.pdf")
    if notice == SAMPLES[-1]:
        # One sample also as a bulletin reprint: a running header and 第N页 共M页 footers.
        (out / "headers").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            headed = Path(tmp) / f"{stem}.docx"
            write_docx(lines, headed, running_head="政府公报　2023年第10期")
            if write_pdf(headed, out / "headers" / f"{stem}.pdf"):
                made.append(out / "headers" / f"{stem}.pdf")
    if notice == SAMPLES[0]:
        # One sample also typed ragged: left-aligned, no indent, so lines end short of the margin.
        (out / "ragged").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            ragged = Path(tmp) / f"{stem}.docx"
            write_docx(lines, ragged, ragged=True)
            if write_pdf(ragged, out / "ragged" / f"{stem}.pdf"):
                made.append(out / "ragged" / f"{stem}.pdf")
    write_html(lines, out / "html" / f"{stem}.html")
    made.append(out / "html" / f"{stem}.html")
    (out / "gb18030" / f"{stem}.txt").write_bytes(text.encode("gb18030"))
    made.append(out / "gb18030" / f"{stem}.txt")
    (out / "traditional" / f"{stem}.txt").write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    made.append(out / "traditional" / f"{stem}.txt")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notices", nargs="*", type=Path, default=SAMPLES)
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures")
    args = parser.parse_args(argv)
    for notice in args.notices:
        for path in make(notice, args.out):
            print(f"{path} ({path.stat().st_size // 1024} KB)")
    (args.out / "tables").mkdir(parents=True, exist_ok=True)
    write_task_table_docx(args.out / "tables" / "task_table.docx")
    write_pdf(args.out / "tables" / "task_table.docx", args.out / "tables" / "task_table.pdf")
    with tempfile.TemporaryDirectory() as tmp:
        write_task_table_docx(Path(tmp) / "task_table_long.docx", LONG_TASK_TABLE_ROWS)
        write_pdf(Path(tmp) / "task_table_long.docx", args.out / "tables" / "task_table_long.pdf")
    print(f"{args.out / 'tables'}: task_table.docx, task_table.pdf, task_table_long.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
