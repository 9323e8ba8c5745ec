from __future__ import annotations

import pytest

from pipeline.normalise import normalise


@pytest.mark.parametrize("raw, expected", [
    # spaces inside numbers and units (PDF text)
    ("制造业类专业镇年产值 5 亿元", "制造业类专业镇年产值5亿元"),
    ("主导产品在全省占有率 50% 以上", "主导产品在全省占有率50%以上"),
    ("力争到 2025 年", "力争到2025年"),
    # half-width punctuation between CJK becomes full-width; ASCII-only stays
    ("(十) 实施专业镇环境服务优化行动", "（十）实施专业镇环境服务优化行动"),
    ("各乡镇人民政府,壶关经济开发区管委会:", "各乡镇人民政府，壶关经济开发区管委会："),
    ("会议 12:30 开始, see http://x.cn/a", "会议12:30开始，see http://x.cn/a"),
    # full-width digits and percent
    ("占有率５０％以上", "占有率50%以上"),
    # English words keep their space
    ("use Python 3 here", "use Python 3 here"),
    # a mirror's pinyin glosses after characters (絳縣 专业镇 notice, www.lysjjx.com) are dropped;
    # a bracketed ASCII word without a tone mark is not a gloss
    ("關于印發(fā)絳縣促進專業(yè)鎮(zhèn)高質量發(fā)展 實施方案的通知", "關于印發絳縣促進專業鎮高質量發展實施方案的通知"),
    ("各鄉(xiāng)(鎮(zhèn))人民政府,絳縣經濟開發(fā)區(qū)管委會:", "各鄉（鎮）人民政府，絳縣經濟開發區管委會："),
    ("按第(a)项执行", "按第（a）项执行"),
    ("推广(PPP)模式", "推广（PPP）模式"),
])
def test_normalise_folds_width_and_spaces(raw, expected):
    assert normalise(raw).text == expected


def test_normalise_pinyin_glosses_map_back_to_their_characters():
    raw = "專業(yè)鎮(zhèn)倍增"
    normalised = normalise(raw)
    assert normalised.text == "專業鎮倍增"
    assert [raw[normalised.offsets[i]] for i in range(len(normalised.text))] == list("專業鎮倍增")


def test_normalise_rejoins_a_unit_name_broken_by_a_page_break():
    raw = ("县小企业发展促进中心、人行闻喜支行、运\n\n城银保监分局闻喜监管组、各乡镇政府和闻喜经开区管委会按职责分工负责)\n\n"
           "(十) 实施专业镇环境服务优化行动")
    text = normalise(raw).text
    assert "运城银保监分局闻喜监管组" in text
    assert text.endswith("负责）\n（十）实施专业镇环境服务优化行动")


def test_normalise_rejoins_a_numbered_item_cut_by_the_page_width_after_a_comma():
    # 石景山区: a copy wrapped at a fixed width; a heading with a comma and no stop still stands alone
    raw = "1.完善街道党工委对地区治理重大工作的领导体制机制,优\n化决策程序,全面提升街道的领导能力。\n（二）强化要素保障，优化营商环境\n各地要加强统筹。"
    assert normalise(raw).text.split("\n") == [
        "1.完善街道党工委对地区治理重大工作的领导体制机制，优化决策程序，全面提升街道的领导能力。",
        "（二）强化要素保障，优化营商环境", "各地要加强统筹。"]


def test_normalise_rejoins_mid_phrase_but_keeps_headings_apart():
    raw = ("一、指导思想\n\n以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，推进产业集聚，将闻喜专业镇打造成为产业集聚度高、\n\n"
           "专业化分工协作程度高的专业镇。\n\n二、发展目标\n\n把玻璃器皿市级专业镇作为发展重点。")
    assert normalise(raw).text.split("\n") == [
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，推进产业集聚，将闻喜专业镇打造成为产业集聚度高、专业化分工协作程度高的专业镇。",
        "二、发展目标",
        "把玻璃器皿市级专业镇作为发展重点。",
    ]


@pytest.mark.parametrize("raw", [
    "发文字号:壶政办发〔2023〕25号 | 发布日期:2023-11-23 |\n发文机关:壶关县工信局 | 主题词: |",
    "闻喜县人民政府办公室关于印发闻喜县支持专业镇高质量发展实施方案的通知\n各乡（镇）人民政府，县直各有关单位：",
    "闻喜县人民政府办公室\n2023年9月25日",
])
def test_normalise_never_glues_header_lines(raw):
    assert normalise(raw).text.count("\n") == raw.count("\n")


@pytest.mark.parametrize("raw", ["a\r\nb", "a\rb", "a\nb"])
def test_normalise_accepts_every_line_end(raw):
    assert normalise(raw).text == "a\nb"


def test_normalise_offsets_map_back_to_the_original(sample):
    name, _ = sample
    from tests.conftest import SAMPLES
    raw = SAMPLES[name].read_text(encoding="utf-8")
    normalised = normalise(raw)
    assert len(normalised.offsets) == len(normalised.text) + 1
    for position, ch in enumerate(normalised.text):
        if ch == "\n":
            continue
        original = raw[normalised.offsets[position]]
        # the original character is the same one, or its other-width form
        assert original == ch or ord(original) - 0xFEE0 == ord(ch) or ord(ch) - 0xFEE0 == ord(original)
    start = normalised.text.index("运城银保监分局闻喜监管组") if name == "wenxi" else 0
    if name == "wenxi":
        original_start, original_end = normalised.original_span(start, start + len("运城银保监分局闻喜监管组"))
        assert raw[original_start:original_end] == "运\n\n城银保监分局闻喜监管组"


@pytest.mark.parametrize("raw, expected", [
    # a task table pasted with tabs: one cell per line, as a page's flattened table; cells never rejoin
    ("序号\t重点任务\t牵头单位\t配合单位\n1\t地区生产总值增长6.5%以上\t区发改局\t区统计局、各街道办事处",
     "序号\n重点任务\n牵头单位\n配合单位\n1\n地区生产总值增长6.5%以上\n区发改局\n区统计局、各街道办事处"),
    # runs of tabs and spaces make one gap
    ("1\t\t推进项目建设 \t县发改局", "1\n推进项目建设\n县发改局"),
    # fewer than three cells is no table row: a tab is dropped like a space
    ("一\t总体要求", "一 总体要求"),
    ("县发改局\t县财政局", "县发改局县财政局"),
    # a table printed one row per line with bars (吉水县): a row starts with 序号 or its number
    ("序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |\n1 | 推动义务教育优质均衡发展。 | 毛晓青 | 县教体局 各相关乡镇政府 | 已完成。 |",
     "序号\n具体工作任务和要求\n责任领导\n责任单位\n落实情况\n1\n推动义务教育优质均衡发展。\n毛晓青\n县教体局各相关乡镇政府\n已完成。"),
    # cells on lines of their own with their border after them, rows apart by a border alone (洋县)
    ("|\n序号 |\n项目名称 |\n||||||\n1 |\n城北小学门前道路建设项目 |", "序号\n项目名称\n1\n城北小学门前道路建设项目"),
    # a border line between two cells keeps them apart, though the first ends mid-sentence (吴江区)
    ("7.实现高新技术产业产值占规上工业产值比重达54%，全社会研发投入占地区生产总值比重达4.15%\n|\n|\n★区科技局、统计局\n||",
     "7.实现高新技术产业产值占规上工业产值比重达54%，全社会研发投入占地区生产总值比重达4.15%\n★区科技局、统计局"),
    # a portal's metadata line with bars is no table row
    ("索引号 | 327549014/2021-00125 | 发布机构 | 县政府办公室 |", "索引号|327549014/2021-00125|发布机构|县政府办公室|"),
])
def test_normalise_splits_tab_separated_table_rows_into_cells(raw, expected):
    result = normalise(raw)
    assert result.text == expected
    for pos, ch in enumerate(result.text):
        if not ch.isspace():
            assert result.original[result.offsets[pos]] == ch
