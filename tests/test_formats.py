"""Format invariance: the same notice gives the same record whatever it arrives as.

The fixtures under tests/fixtures/ are made from the sample notices by
``make fixtures`` (scripts/make_fixtures.py): DOCX, PDF printed from it by LibreOffice,
a portal HTML page, GB18030 text and traditional-character text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.normalise import normalise
from pipeline.readers import read
from pipeline.readers.traditional import to_simplified
from pipeline.run import process_file
from tests.conftest import HUGUAN, ROOT, SAMPLES, SCORER, WENXI, gold_dir

FIXTURES = ROOT / "tests" / "fixtures"
FORMATS = {"pdf": "pdf", "docx": "docx", "html": "html", "gb18030": "txt"}


@pytest.fixture(scope="module")
def variants_run(tmp_path_factory):
    """One ``policymap extract`` over every variant; its records split by format."""
    out = tmp_path_factory.mktemp("variants")
    folders = [str(FIXTURES / fmt) for fmt in sorted(FORMATS)]
    result = CliRunner().invoke(cli, ["extract", *folders, "--out", str(out / "all")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    by_format: dict[str, list[str]] = {fmt: [] for fmt in FORMATS}
    for line in (out / "all" / "notices.jsonl").read_text(encoding="utf-8").splitlines():
        by_format[Path(json.loads(line)["source"]).parent.name].append(line)
    for fmt, lines in by_format.items():
        (out / fmt).mkdir()
        (out / fmt / "notices.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_formats_every_variant_scores_one_against_the_gold(variants_run, fmt):
    if not SCORER.exists():
        pytest.skip("../shared/tools/score.py is not beside this checkout")
    records = [json.loads(line) for line in (variants_run / fmt / "notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["format"] for r in records] == [fmt if fmt != "gb18030" else "text"] * 2
    assert all(r["status"] == "ok" and not r["warnings"] for r in records)
    scored = subprocess.run([sys.executable, str(SCORER), str(variants_run / fmt), str(gold_dir()), "--min", "1.0"],
                            capture_output=True, text=True)
    assert scored.returncode == 0, scored.stdout
    assert "overall micro: precision 1.000 recall 1.000 F1 1.000" in scored.stdout


@pytest.mark.parametrize("fmt", ["pdf", "docx", "gb18030"])
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_formats_printed_variants_give_the_text_of_the_plain_notice(fmt, sample):
    plain = normalise(SAMPLES[sample].read_text(encoding="utf-8")).text
    variant = FIXTURES / fmt / f"{SAMPLES[sample].stem}.{FORMATS[fmt]}"
    assert normalise(read(variant).text).text == plain


def test_formats_ragged_pdf_gives_the_text_of_the_plain_notice():
    """Left-aligned, unindented: lines end short of the margin; CJK line-breaking rules decide."""
    plain = normalise(HUGUAN.read_text(encoding="utf-8")).text
    assert normalise(read(FIXTURES / "ragged" / f"{HUGUAN.stem}.pdf").text).text == plain


def test_formats_pdf_keeps_a_page_for_every_span():
    import pdfplumber

    path = FIXTURES / "pdf" / f"{WENXI.stem}.pdf"
    result = process_file(path)
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        second_page = pdf.pages[1].extract_text_lines()[0]["text"].replace(" ", "")
    assert len(result.page_starts) == pages
    assert result.page_starts == sorted(set(result.page_starts)) and result.page_starts[0] == 0
    assert result.text[result.page_starts[1]:].startswith(second_page)
    # The last action (（十）) sits on a later page than the first.
    pages_of = [sum(1 for start in result.page_starts if start <= action.span[0]) for action in result.actions]
    assert pages_of == sorted(pages_of) and pages_of[0] < pages_of[-1] <= pages


def _key(record):
    actions = [(to_simplified(a.title), [u.canonical for u in a.lead], [u.canonical for u in a.cooperating])
               for a in record.actions]
    thresholds = [(t.op, t.value, t.value_max, t.unit, t.year, to_simplified(t.text)) for t in record.thresholds]
    return actions, thresholds


@pytest.mark.parametrize("sample", [HUGUAN, WENXI], ids=["huguan", "wenxi"])
def test_formats_traditional_variant_gives_the_same_actions_units_and_thresholds(sample):
    simplified = process_file(sample)
    traditional = process_file(FIXTURES / "traditional" / sample.name)
    assert _key(traditional) == _key(simplified)
    assert to_simplified(traditional.metadata.doc_number) == simplified.metadata.doc_number
    assert to_simplified(traditional.metadata.title) == simplified.metadata.title
    assert any("traditional characters" in w for w in traditional.warnings)


def test_formats_traditional_variant_keeps_names_titles_and_texts_as_printed():
    result = process_file(FIXTURES / "traditional" / HUGUAN.name)
    printed = (FIXTURES / "traditional" / HUGUAN.name).read_text(encoding="utf-8")
    assert result.metadata.title.startswith("壺關縣人民政府辦公室關於印發")
    assert result.actions[0].title == "實施專業鎮市場主體倍增行動"
    assert [u.name for u in result.actions[0].lead] == ["縣工信局", "縣鄉村振興局", "縣文旅局"]
    assert [u.canonical for u in result.actions[0].lead][0] == "工业和信息化"
    for threshold in result.thresholds:
        assert result.text[threshold.span[0]:threshold.span[1]] == threshold.text
        assert threshold.text.replace("(", "（").replace(")", "）") in printed.replace("(", "（").replace(")", "）")


def test_formats_html_reads_the_portal_metadata_table():
    result = process_file(FIXTURES / "html" / f"{HUGUAN.stem}.html")
    meta = result.metadata
    assert (meta.index_number, meta.doc_number, meta.publishing_agency, meta.signed_date, meta.published_date) == (
        "000014349/2023-61104", "壶政办发〔2023〕25号", "壶关县工信局", "2023-10-30", "2023-11-23")


@pytest.mark.parametrize("boilerplate", ["ICP备", "公网安备", "0355-8763012", "1023456", "访问量", "首页", "分享到"])
def test_formats_html_drops_navigation_and_footer(boilerplate):
    result = process_file(FIXTURES / "html" / f"{WENXI.stem}.html")
    assert boilerplate not in result.text
    assert all(threshold.value not in (1023456, 2356, 2318) for threshold in result.thresholds)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_formats_task_table_becomes_actions_with_lead_and_cooperating_units(fmt):
    result = process_file(FIXTURES / "tables" / f"task_table.{fmt}")
    assert [(a.number, a.title) for a in result.actions] == [
        (1, "实施专业镇市场主体倍增行动"), (2, "实施专业镇重大项目攻坚行动"), (3, "实施专业镇质量品牌提升行动")]
    first = result.actions[0]
    assert [u.name for u in first.lead] == ["县工信局", "县乡村振兴局"]
    assert [u.name for u in first.cooperating] == ["县发改和科技局", "县财政局", "县自然资源局", "市生态环境局壶关分局",
                                                   "各乡镇政府"]
    assert result.metadata.doc_number == "壶政办发〔2023〕26号"


def test_formats_task_table_over_several_pages_keeps_rows_broken_by_a_page_end():
    result = process_file(FIXTURES / "tables" / "task_table_long.pdf")
    assert [a.title for a in result.actions] == [f"实施第{n}项专业镇重点行动" for n in range(1, 31)]
    for action in result.actions:
        assert [u.name for u in action.lead] == ["县工信局", "县乡村振兴局"]
        assert [u.name for u in action.cooperating] == ["县发改和科技局", "县财政局", "县自然资源局", "市生态环境局壶关分局",
                                                        "县行政审批局", "县市场监管局", "各乡镇政府"]
    assert not result.warnings
