from __future__ import annotations

import pytest

from extractors.tables import flat_tables
from pipeline.normalise import normalise


@pytest.mark.parametrize("notice, columns, rows", [
    # 大竹县: a unit cell over three lines makes row 1 longer than the header; row 3 has a sub-row
    ("序号\n民生实事\n责任单位\n完成时限\n1\n启动建设东湖湿地公园。\n县水务局\n县住建局\n县护城河指挥部\n12月底前\n"
     "2\n新建2座人行天桥。\n县住建局\n9月投入使用",
     ("民生实事", "责任单位", "完成时限"),
     [["启动建设东湖湿地公园。", "县水务局", "县住建局", "县护城河指挥部", "12月底前"],
      ["新建2座人行天桥。", "县住建局", "9月投入使用"]]),
    # 吉水县: one row per line with bars (normalise puts each cell on a line of its own)
    ("序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |\n1 | 推动义务教育优质均衡发展。 | 毛晓青 | 县教体局 | 已完成。 |",
     ("具体工作任务和要求", "责任领导", "责任单位", "落实情况"),
     [["推动义务教育优质均衡发展。", "毛晓青", "县教体局", "已完成。"]]),
    # 芜湖市: rows (1) … with bars, group rows between rows, numbering going on after them; the table ends at a heading
    ("序号 | 目标与任务 | 牵头责任单位 | 责任单位 |\n一、主要预期目标 | |||\n(1) | 地区生产总值增长6%以上。 | 市发展改革委 | 各县市区政府 |\n"
     "二、重点做好以下九个方面工作 | |||\n(一)加强经济运行调节。 | |||\n(2) | 大力提振消费。 | 市商务局 | 市财政局 |\n三、保障措施",
     ("目标与任务", "牵头责任单位", "责任单位", "一、主要预期目标"),
     [["地区生产总值增长6%以上。", "市发展改革委", "各县市区政府"], ["大力提振消费。", "市商务局", "市财政局"]]),
    # no table: 序号 followed by prose, and a list that does not start at 1
    ("序号\n各乡镇要高度重视，认真组织实施。", None, None),
    ("序号\n任务\n责任单位\n2\n新建2座人行天桥。\n县住建局", None, None),
])
def test_tables_find_the_header_and_every_row(notice, columns, rows):
    tables = flat_tables(normalise(notice).text)
    if columns is None:
        assert tables == []
        return
    assert [table.columns for table in tables] == [columns]
    assert [[line for line, _ in row] for _, row in tables[0].rows] == rows


def test_tables_cell_offsets_slice_back_to_the_cell():
    text = normalise("附件\n序号\n任务\n责任单位\n1\n新建2座人行天桥。\n县住建局\n2\n城区再新建1个农贸市场。\n县商务局").text
    for (marker, marker_start), row in flat_tables(text)[0].rows:
        assert text[marker_start:marker_start + len(marker)] == marker
        for line, start in row:
            assert text[start:start + len(line)] == line
