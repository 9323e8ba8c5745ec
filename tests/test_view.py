"""The notice view: displaCy page with units by role, thresholds and action headings, offline."""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.view import marks_of, render_record, threshold_label
from tests.conftest import HUGUAN, SAMPLES, WENXI

MARK = re.compile(r'<mark class="entity" title="(?P<title>[^"]*)"[^>]*>(?P<text>.*?)<span[^>]*>(?P<label>.*?)</span></mark>',
                  re.S)


@pytest.fixture(scope="module")
def records(knowledge):
    from pipeline.run import process_file

    return {name: process_file(path, knowledge=knowledge).to_record() for name, path in SAMPLES.items()}


@pytest.fixture(scope="module")
def pages(records):
    return {name: render_record(record) for name, record in records.items()}


def marks(page: str) -> list[tuple[str, str, str]]:
    return [(html.unescape(m["text"]).strip(), html.unescape(m["label"]).strip(), html.unescape(m["title"]))
            for m in MARK.finditer(page)]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_view_page_is_self_contained_and_offline(name, pages, records):
    page = pages[name]
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"<(?:script|link|img|iframe)\b|@import|url\(", page)
    external = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<]*", page)
    # the only addresses allowed are those printed in the notice itself
    assert all(address in records[name]["text"] for address in external), external


@pytest.mark.parametrize("name, unit, role, canonical, level", [
    ("huguan", "县工信局", "lead", "工业和信息化", "county"),
    ("huguan", "市生态环境局壶关分局", "cooperating", "生态环境", "city-branch"),
    ("huguan", "中国银保监会长治监管分局壶关监管组", "cooperating", "金融监管", "national-branch"),
    ("wenxi", "县工科局", "lead", "工业和信息化", "county"),
    ("wenxi", "县审批服务管理局", "lead", "行政审批", "county"),
    ("wenxi", "人行闻喜支行", "cooperating", "人民银行", "national-branch"),
    ("wenxi", "闻喜经开区管委会", "cooperating", "开发区管委会", "county"),
])
def test_view_units_are_coloured_by_role_with_their_canonical_id(name, unit, role, canonical, level, pages):
    found = [(label, title) for text, label, title in marks(pages[name]) if text == unit]
    role_word = "牵头" if role == "lead" else "配合"
    assert (f"{role_word}·{canonical}", f"{role}: {canonical} · {level}") in found


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_view_every_role_unit_and_heading_is_marked(name, pages, records):
    labels = [label for _, label, _ in marks(pages[name])]
    record = records[name]
    assert sum(label.startswith("行动 ") for label in labels) == len(record["actions"])
    assert sum(label.startswith("牵头·") for label in labels) == sum(len(a["lead"]) for a in record["actions"])
    assert sum(label.startswith("配合·") for label in labels) == sum(len(a["cooperating"]) for a in record["actions"])


def test_view_thresholds_show_their_normalised_value(pages):
    found = {text: label for text, label, _ in marks(pages["huguan"])}
    assert found["原则上制造业类专业镇特色主导产业产值应达到10亿元以上"] == "≥ 1000000000 元"
    assert found["但年产值不少于5000万元"] == "≥ 50000000 元"


@pytest.mark.parametrize("threshold, label", [
    ({"op": ">=", "value": 1000000000, "value_max": None, "unit": "元", "year": None}, "≥ 1000000000 元"),
    ({"op": "range", "value": 1, "value_max": 2, "unit": "个", "year": 2024}, "1–2 个 · 2024年"),
    ({"op": "~", "value": 30, "value_max": None, "unit": "%", "year": 2025}, "≈ 30 % · 2025年"),
    ({"op": "<", "value": 0.5, "value_max": None, "unit": "%", "year": None}, "< 0.5 %"),
])
def test_view_threshold_label_reads_op_value_unit_year(threshold, label):
    assert threshold_label(threshold) == label


def test_view_marks_never_overlap_and_roles_win():
    record = {"text": "由县工信局牵头", "thresholds": [], "actions": [
        {"number": 1, "title_span": None, "lead": [{"name": "县工信局", "canonical": "工业和信息化", "level": "county",
                                                      "span": [1, 5]}], "cooperating": []}]}

    class Mention:
        span, canonical, rule = (0, 5), "工业和信息化", "unit.ruler"

    chosen = marks_of(record, [Mention()])
    assert [(m["start"], m["end"], m["kind"]) for m in chosen] == [(1, 5, "lead")]


def test_view_escapes_the_notice_text():
    page = render_record({"source": "x.txt", "title": "<b>t</b>", "text": "<script>alert(1)</script>县工信局负责",
                          "actions": [], "thresholds": []})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert ("县工信局", "单位·工业和信息化", "unit: 工业和信息化 (unit.ruler)") in marks(page)


def test_view_command_writes_a_page(tmp_path):
    target = tmp_path / "wenxi.html"
    result = CliRunner().invoke(cli, ["view", str(WENXI), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert ("县工科局", "牵头·工业和信息化", "lead: 工业和信息化 · county") in marks(target.read_text(encoding="utf-8"))


def test_view_command_names_a_file_it_cannot_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["view", str(empty)])
    assert result.exit_code == 1 and str(empty) in result.output


def test_view_extract_writes_one_page_per_notice(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(HUGUAN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "view" / f"{HUGUAN.stem}.html").read_text(encoding="utf-8")
    assert ("县工信局", "牵头·工业和信息化", "lead: 工业和信息化 · county") in marks(page)


def test_view_lists_the_notice_warnings_escaped():
    page = render_record({"source": "x.txt", "text": "县气象站牵头", "actions": [], "thresholds": [],
                          "warnings": ["units: 1 unit(s) not in the unit table: 县气象站", "<b>x</b>"]})
    assert "<li>units: 1 unit(s) not in the unit table: 县气象站</li>" in page
    assert "<li>&lt;b&gt;x&lt;/b&gt;</li>" in page
