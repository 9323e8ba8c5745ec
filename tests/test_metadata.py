from __future__ import annotations

import pytest

from extractors.metadata import extract_metadata, find_region, parse_date
from tests.conftest import load_gold


def test_metadata_match_gold_on_the_samples(sample, knowledge):
    name, text = sample
    gold = load_gold(name)["metadata"]
    meta = extract_metadata(text, knowledge.regions)
    assert (meta.doc_number, meta.issuer, meta.title, meta.plan_title, meta.signed_date, meta.published_date) == (
        gold["doc_number"], gold["issuer"], gold["title"], gold["plan_title"], gold["signed_date"], gold["published_date"])
    assert (meta.region.province, meta.region.city, meta.region.county) == (gold["province"], gold["city"], gold["county"])
    fold = str.maketrans("()", "（）")
    assert [c.title for c in meta.cited_policies] == [t.translate(fold) for t in gold["cited_policies"]]
    assert [c.doc_number for c in meta.cited_policies if c.doc_number] == gold.get("cited_doc_numbers", [])
    assert meta.index_number == gold["index_number"] and meta.publishing_agency == gold["publishing_agency"]
    assert list(meta.addressees) == gold["addressees"]


@pytest.mark.parametrize("raw, iso", [
    ("2023年9月25日", "2023-09-25"), ("二〇二三年九月二十五日", "2023-09-25"), ("2023-09-25", "2023-09-25"),
    ("2023/9/25", "2023-09-25"), ("成文日期：2023.10.30", "2023-10-30"), ("2023年13月1日", None), ("无日期", None),
])
def test_metadata_parse_dates(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize("line, number", [
    ("晋政办发〔2022〕80号", "晋政办发〔2022〕80号"),
    ("京政发[2023]5号", "京政发[2023]5号"),
    ("粤府办（2024）12号", "粤府办（2024）12号"),
    ("浙政办发［2021］3号", "浙政办发［2021］3号"),
])
def test_metadata_doc_number_brackets(line, number, knowledge):
    text = f"某某县人民政府办公室文件\n{line}\n某某县人民政府办公室关于印发某某实施方案的通知"
    assert extract_metadata(text, knowledge.regions).doc_number == number


@pytest.mark.parametrize("issuer, region", [
    ("壶关县人民政府办公室", ("山西省", "长治市", "壶关县")),
    ("运城市人民政府办公室", ("山西省", "运城市", None)),
    ("山西省人民政府办公厅", ("山西省", None, None)),
    ("杭州市余杭区人民政府", ("浙江省", "杭州市", "余杭区")),
    ("北京市朝阳区人民政府", ("北京市", "北京市", "朝阳区")),
])
def test_metadata_region_covers_every_level(issuer, region, knowledge):
    found = find_region([issuer], knowledge.regions)
    assert (found.province, found.city, found.county) == region


def test_metadata_ambiguous_county_without_context_is_not_guessed(knowledge):
    assert find_region(["朝阳区人民政府"], knowledge.regions).county is None
