from __future__ import annotations

import pytest

from pipeline.normalise import normalise
from pipeline.outline import outline


def test_outline_reads_inline_headings():
    text = normalise("三、重点任务\n(一)实施专业镇市场主体倍增行动。充分发挥专业镇作为市场主体集聚平台的功能作用。\n"
                     "(二)实施专业镇主导产业壮大行动。依托专业镇资源禀赋。").text
    sections = outline(text)
    assert [(s.level, s.marker, s.title, s.parent) for s in sections] == [
        (1, "三、", "重点任务", None),
        (2, "（一）", "实施专业镇市场主体倍增行动", 0),
        (2, "（二）", "实施专业镇主导产业壮大行动", 0),
    ]
    for section in sections:
        assert text[section.title_span[0]:section.title_span[1]] == section.title


def test_outline_reads_standalone_headings_and_half_width_brackets():
    text = normalise("四、重点任务\n\n（九）实施专业镇要素保障行动\n\n科学安排用地计划指标。\n\n(十) 实施专业镇环境服务优化行动\n\n优化专业镇发展软硬环境。").text
    sections = outline(text)
    assert [(s.marker, s.ordinal, s.title) for s in sections[1:]] == [
        ("（九）", 9, "实施专业镇要素保障行动"), ("（十）", 10, "实施专业镇环境服务优化行动")]
    assert text[sections[1].span[0]:sections[1].span[1]].endswith("科学安排用地计划指标。")


def test_outline_nests_four_levels():
    text = "一、总体要求\n（一）目标\n1.数量目标\n（1）市级专业镇达到2个。\n二、保障措施"
    assert [(s.level, s.parent) for s in outline(text)] == [(1, None), (2, 0), (3, 1), (4, 2), (1, None)]


def test_outline_numbered_paragraph_without_heading_has_no_title():
    sections = outline("1.对符合条件的企业给予最高50万元奖励，对年营业收入首次突破1亿元的企业再给予一次性奖励，具体办法另行制定。")
    assert sections[0].title is None


def test_outline_marks_the_attachment_as_its_own_part(sample):
    name, text = sample
    sections = outline(text)
    parts = {s.part for s in sections}
    assert parts == ({"body", "attachment"} if name == "wenxi" else {"body"})
    if name == "wenxi":
        attachment = [s.title for s in sections if s.part == "attachment"]
        assert attachment == ["主要职责", "组成人员", "工作机构"]


@pytest.mark.parametrize("notice, expected", [
    # headings that lost their punctuation keep a space after the ordinal
    ("一 总体要求\n以习近平新时代中国特色社会主义思想为指导。\n二 重点任务\n1 加强组织领导\n县政府成立领导小组。",
     [(1, "一", "总体要求"), (1, "二", "重点任务"), (3, "1", "加强组织领导")]),
    # 一是…，二是… opening their own paragraphs, under a （三）
    ("（三）强化保障\n一是加强组织领导，成立工作专班。\n二是强化要素保障，优先安排用地指标。",
     [(2, "（三）", "强化保障"), (6, "一是", "加强组织领导，成立工作专班"), (6, "二是", "强化要素保障，优先安排用地指标")]),
    # ① ② and 1） 2）
    ("1）加快项目建设\n①推进重点项目落地\n②做好要素保障\n2）优化营商环境",
     [(3, "1）", "加快项目建设"), (5, "①", "推进重点项目落地"), (5, "②", "做好要素保障"), (3, "2）", "优化营商环境")]),
    # 第一条 articles
    ("第一条 为加强涉农资金管理，制定本办法。\n第二条 本办法适用于全县。",
     [(0, "第一条", "为加强涉农资金管理，制定本办法"), (0, "第二条", "本办法适用于全县")]),
    # not headings: a count after a line break, a date, a number inside a sentence
    ("2 个市级专业镇\n10 月底前完成\n三是", []),
])
def test_outline_reads_every_ordinal_style(notice, expected):
    text = normalise(notice).text
    assert [(s.level, s.marker, s.title) for s in outline(text)] == expected


def test_outline_recovers_the_headings_of_a_notice_that_lost_its_line_breaks():
    body = ("壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知 壶政办发〔2023〕25号 各乡镇人民政府，县直各有关单位："
            "《壶关县促进专业镇高质量发展实施方案》已经县人民政府同意，现印发给你们，请认真贯彻执行。壶关县人民政府办公室 2023年10月30日 "
            "一、总体要求 为促进全县专业镇高质量发展，推动全县特色产业做大做强，加快建设市场主体集聚平台，带动就业富民。"
            "二、重点任务 （一）实施专业镇市场主体倍增行动。充分发挥专业镇作为市场主体集聚平台的功能作用，培育壮大市场主体。"
            "（县工信局牵头，县财政局和各乡镇政府按职责分工负责） （二）实施专业镇主导产业壮大行动。依托专业镇资源禀赋，做大做强主导产业。"
            "（县工信局、县文旅局牵头，县自然资源局等部门按职责分工负责） 三、保障措施 各乡镇、各部门要加强组织领导，明确责任分工，"
            "强化要素保障，确保各项任务落到实处，推动专业镇高质量发展取得实效，以本土特色优势助力集群经济持续向上攀升，全方位推动产业高质量发展。")
    normalised = normalise(body)
    text = normalised.text
    assert text.count("\n") >= 5
    assert [s.marker for s in outline(text) if s.level == 1] == ["一、", "二、", "三、"]
    assert [s.title for s in outline(text) if s.level == 2] == ["实施专业镇市场主体倍增行动", "实施专业镇主导产业壮大行动"]
    # the breaks put back map into the original, and every character still maps to itself
    assert all(body[normalised.offsets[i]] == ch for i, ch in enumerate(text) if ch != "\n")


@pytest.mark.parametrize("text, body_end", [
    # the body's last section ends at the 附件 line even when the attachment has headings of its own
    ("三、重点任务\n（一）实施倍增行动。培育市场主体。\n附件\n责任分工表\n（一）实施倍增行动", "培育市场主体。"),
    # and without attachment headings too
    ("三、重点任务\n（一）实施倍增行动。培育市场主体。\n附件\n责任分工表", "培育市场主体。"),
])
def test_outline_body_sections_end_at_the_attachment(text, body_end):
    last_body = [s for s in outline(text) if s.part == "body"][-1]
    assert text[:last_body.span[1]].endswith(body_end)
