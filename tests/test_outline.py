from __future__ import annotations

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
