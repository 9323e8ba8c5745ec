"""Thresholds on real sentences from the two sample notices, positive and negative."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.thresholds import extract_thresholds
from pipeline.normalise import normalise


def found(sentence: str) -> list[tuple]:
    text = normalise(sentence).text
    return [(t.op, t.value, t.value_max, t.unit, t.year) for t in extract_thresholds(text)]


@pytest.mark.parametrize("sentence, expected", [
    # 下限：以上 / 不少于 / 至少（Huguan）
    ("原则上制造业类专业镇特色主导产业产值应达到10亿元以上", [(">=", Decimal(1_000_000_000), None, "元", None)]),
    ("特色轻工(工艺美术)类、特优农业类应达到2亿元以上", [(">=", Decimal(200_000_000), None, "元", None)]),
    ("可适当放宽认定条件,但年产值不少于5000万元。", [(">=", Decimal(50_000_000), None, "元", None)]),
    ("专业镇的主导产业应至少拥有1家实力较强、行业知名的龙头企业", [(">=", Decimal(1), None, "家", None)]),
    ("带动相关生产、服务等上下游配套企业(含家庭农场、专业合作社)户数在10家以上。", [(">=", Decimal(10), None, "家", None)]),
    # 区间与目标年份
    ("到2024年，全县专业镇发展质量与产业竞争力显著提高，市级专业镇达到1-2个，县级专业镇达到10个以上",
     [("range", Decimal(1), Decimal(2), "个", 2024), (">=", Decimal(10), None, "个", 2024)]),
    ("首批遴选5个县级重点专业镇", [("=", Decimal(5), None, "个", None)]),
    # PDF text with spaces inside numbers (Wenxi)
    ("力争到 2025 年，打造一个省级专业镇和 2 个市级专业镇，经过三年发展",
     [("=", Decimal(1), None, "个", 2025), ("=", Decimal(2), None, "个", 2025)]),
    ("关联配套企业在 10 家左右。", [("~", Decimal(10), None, "家", None)]),
    ("制造业类专业镇\n\n年产值 5 亿元，", [("=", Decimal(500_000_000), None, "元", None)]),
    ("主导产品在全省占有率 50% 以上或全国拥有较大市场空间", [(">=", Decimal(50), None, "%", None)]),
    ("能够解决当地就业 2000 人以上。", [(">=", Decimal(2000), None, "人", None)]),
    # 不是阈值：序号、年份、文号、日期、5G、口号、本文件的条目数
    ("（十）实施专业镇环境服务优化行动", []),
    ("发文字号:壶政办发〔2023〕25号 | 发布日期:2023-11-23 |", []),
    ("推动专业镇企业用好5G、大数据、工业互联网", []),
    ("大力实施县委“1146发展战略”，合理规划产业布局", []),
    ("持续推动项目签约、投产、开工“三个一批”活动", []),
    ("运城市重点专业镇认定标准主要包括四个方面：", []),
    ("特色主导产业原则上限定在一个乡(镇)内", []),
    ("拥有市级以上知名区域品牌、企业品牌", []),
    ("根据《运城城市促进专业镇高质量发展三年行动计划》（运政办发〔2023〕8号）", []),
    ("2023年10月30日", []),
])
def test_thresholds_normalise_comparator_value_and_unit(sentence, expected):
    assert found(sentence) == expected


def test_thresholds_spans_slice_back_to_their_text(sample):
    _, text = sample
    thresholds = extract_thresholds(text)
    assert thresholds
    for threshold in thresholds:
        assert text[threshold.span[0]:threshold.span[1]] == threshold.text


def test_thresholds_attribute_metric_and_subject():
    text = normalise("原则上制造业类专业镇特色主导产业产值应达到10亿元以上，特色轻工(工艺美术)类、特优农业类应达到2亿元以上。").text
    first, second = extract_thresholds(text)
    assert (first.subject, first.metric) == ("制造业类专业镇", "特色主导产业产值")
    assert second.metric == first.metric  # the second bar restates the first's metric by ellipsis
    assert second.subject == "特色轻工（工艺美术）类、特优农业类"


@pytest.mark.parametrize("sentence, op", [
    ("企业数量超过100家", ">"),
    ("不满10人", "<"),
    ("负债率控制在60%以内", "<="),
    ("新增就业不低于500人", ">="),
])
def test_thresholds_read_comparators_as_the_civil_code_does(sentence, op):
    assert [t.op for t in extract_thresholds(normalise(sentence).text)] == [op]
