"""Actions and responsibilities on real sentences and whole sample notices."""

from __future__ import annotations

import pytest

from extractors.actions import extract_actions, parse_responsibility
from pipeline.normalise import normalise
from pipeline.outline import outline
from tests.conftest import load_gold


def names(units):
    return [u.name for u in units]


@pytest.mark.parametrize("clause, lead, cooperating", [
    # Huguan: 等部门和各乡镇政府
    ("县工信局、县乡村振兴局、县文旅局牵头，县发改和科技局、县财政局、县自然资源局、市生态环境局壶关分局、县行政审批局、"
     "县市场监管局、县金融服务中心、县中小企业服务中心等部门和各乡镇政府按职责分工负责",
     ["县工信局", "县乡村振兴局", "县文旅局"],
     ["县发改和科技局", "县财政局", "县自然资源局", "市生态环境局壶关分局", "县行政审批局", "县市场监管局",
      "县金融服务中心", "县中小企业服务中心", "各乡镇政府"]),
    # Wenxi: 和 joins two units, but not inside 县发改和科技局
    ("县发改局牵头，县工科局、县能源局、各乡镇政府和闻喜经开区管委会按职责分工负责",
     ["县发改局"], ["县工科局", "县能源局", "各乡镇政府", "闻喜经开区管委会"]),
    ("县商务中心牵头，县发改和科技局、县住建局配合", ["县商务中心"], ["县发改和科技局", "县住建局"]),
    ("县工信局会同县财政局负责", ["县工信局"], ["县财政局"]),
])
def test_actions_split_lead_and_cooperating_units(clause, lead, cooperating, units_table):
    got_lead, got_cooperating, _, warnings = parse_responsibility(clause, 0, units_table)
    assert (names(got_lead), names(got_cooperating)) == (lead, cooperating)
    assert warnings == []


def test_actions_without_lead_put_everyone_in_lead_and_warn(units_table):
    lead, cooperating, rule, warnings = parse_responsibility("县工信局、县财政局按职责分工负责", 0, units_table)
    assert names(lead) == ["县工信局", "县财政局"] and cooperating == ()
    assert rule == "responsibility.no_lead" and warnings


def test_actions_labelled_responsibility(units_table):
    text = normalise("三、主要任务\n1.加快项目建设。推进重点项目落地。牵头单位：县发改局；配合单位：县财政局、县自然资源局\n"
                     "2.优化营商环境。责任单位：县行政审批局（牵头）、县市场监管局").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        ("加快项目建设", ["县发改局"], ["县财政局", "县自然资源局"]),
        ("优化营商环境", ["县行政审批局"], ["县市场监管局"]),
    ]


def test_actions_match_gold_on_the_samples(sample, units_table):
    name, text = sample
    gold = load_gold(name)
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.number, a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        (g["number"], g["title"], g["lead"], g["cooperating"]) for g in gold["actions"]]


def test_actions_spans_slice_back(sample, units_table):
    _, text = sample
    for action in extract_actions(text, outline(text), units_table):
        assert text[action.title_span[0]:action.title_span[1]] == action.title
        assert text[action.span[0]:action.span[1]].startswith(action.marker + action.title)
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name


def test_actions_ignore_descriptive_numbered_lists(units_table):
    text = normalise("二、支持重点和认定标准\n(一)历史传承厚重。专业镇主导产业拥有历史传承的独特产品。\n"
                     "(二)就业富民带动面广。产业集群集聚效应明显。").text
    assert extract_actions(text, outline(text), units_table) == []
