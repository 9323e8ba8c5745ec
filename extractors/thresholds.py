"""Find every bar or target a notice sets, with comparator, value, unit and year.

Finding and parsing are separate: a quantity (number, optional range, magnitude,
unit) is found first, then its left and right context decide the comparator, and
:func:`extractors.amounts.parse_amount` turns it into base units.

Comparators follow the Civil Code reading (第一千二百五十九条): 以上, 以下, 以内,
不少于, 不低于, 达到 include the number; 超过, 不满, 低于 exclude it.

Supports:
    制造业类专业镇特色主导产业产值应达到10亿元以上 -> >= 1000000000 元
    但年产值不少于5000万元 -> >= 50000000 元
    市级专业镇达到1-2个 -> range 1..2 个 (year 2024 when the paragraph says 到2024年)
    关联配套企业在10家左右 -> ~ 10 家;  建设农村公路约6000公里 -> ~ 6000 公里
    主导产品在全省占有率50%以上 -> >= 50 %
    打造一个省级专业镇和2个市级专业镇 -> = 1 个, = 2 个
    制造业类专业镇年产值5亿元 -> = 500000000 元 (no comparator printed)
    地区生产总值增长7%左右 -> ~ 7 % (metric 地区生产总值增长: a rate)
    到2025年，全县地区生产总值翻一番 -> = 100 % growth, year 2025
    启动三年旱粮单产增一成行动 -> = 10 %;  覆盖率达到百分之八十 -> >= 80 %
    对首次认定的高新技术企业给予最高50万元奖励 -> <= 500000 元, metric 奖励
    辖区范围内6亩以下（不含6亩） -> < 6 亩;  平均生存周期达到5年 -> >= 5 年
    缴纳社保6个月（含）以上, 签订一年以上劳动合同 -> >= 6 个月, >= 1 年 (never 3个月内, 三年内)
    实现18万贫困人口脱贫退出 -> = 180000 人
    全市8大重点产业集群总量超过五千亿规模 -> > 500000000000 元
    2025年，力争全社会研发投入强度达到2.95% / 2024年底前 -> year 2025 / 2024
    2023年完成2家市级专业镇评定 / 县财政2023年统筹安排资金37.4亿元 -> year 2023
Avoids:
    （十）, 2023年, 〔2023〕25号, 2023-10-30, 5G, “1146发展战略”, 《…》 titles;
    Chinese numerals that count the notice's own parts (包括四个方面, “三个一批”):
    a Chinese numeral counts only after a comparator or a target verb (打造一个…);
    counts of the notice's own tasks and units (明确133项具体任务，涉及34个牵头单位, 牵头工作（8项）);
    the population a choice is made from (从全县10个镇政府中评选出…); 14个工作日内, 3个月 (time limits).
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Iterator, Sequence
from decimal import Decimal

from extractors.amounts import (ARABIC_NUMBER, CHINESE_NUMBER, COUNT_UNITS, SAME_UNIT, chinese_to_int, normalise_decimal, parse_amount,
                                parse_number, scale)
from extractors.records import Threshold
from extractors.tables import FlatTable, flat_tables

UNIT = "|".join(sorted(COUNT_UNITS, key=len, reverse=True))
NUMBER = rf"(?:{ARABIC_NUMBER}|{CHINESE_NUMBER})"
# A quantity: number, optional range end, optional magnitude, a counting unit.
QUANTITY = re.compile(
    # 缴纳社保6个月（含）以上, 签订一年以上劳动合同: a length of time is a bar only with 以上 / 以下 after it
    # (3个月内, 14个工作日内 are time limits, 三年内 a period).
    rf"(?<![\d.,])(?P<span>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})(?P<span_unit>个月|年)(?=(?:（含）)?(?:以上|以下))"
    # 18万贫困人口, 5万农村人口: a number of people counted in 万 before the word 人口 (never 2023人口普查).
    rf"|(?<![\d.,])(?P<people>{NUMBER})(?P<people_magnitude>万|亿)(?=[\u4e00-\u9fff]{{0,4}}人口)"
    rf"|(?<![\d.,])(?P<number>{NUMBER})"
    rf"(?:(?P<magnitude_min>万亿|千万|百万|十万|万|亿)?(?P<unit_min>{UNIT})?(?:（含）)?(?P<dash>[-—–－~～至到])(?P<number_max>{NUMBER}))?"
    rf"(?P<magnitude>万亿|千万|百万|十万|万|亿)?(?P<unit>{UNIT})"
    rf"|百分之(?P<percent>{NUMBER})"
    # 增一成 / 提高两成: tenths, read as percent; only after a verb of change (一成不变 is an idiom).
    rf"|(?<=[增长高升降少减])(?P<tenths>[一二两三四五六七八九])成(?!不变)"
    # 翻一番 / 翻两番: doubling is a growth of 100 %, quadrupling of 300 %.
    rf"|翻(?P<doublings>[一两二三])番"
    # 超过五千亿规模: an amount of money printed without 元.
    rf"|(?P<bare_number>{NUMBER})(?P<bare_magnitude>万亿|千亿|亿)(?=规模)"
    # 平均生存周期达到5年: years as a bar, only right after a comparator (never 2025年).
    rf"|(?:(?<=达到)|(?<=不少于)|(?<=不低于)|(?<=不超过)|(?<=超过)|(?<=至少)|(?<=满))(?P<years>\d{{1,2}})年(?![底末前内度])"
)
# Every alternative of QUANTITY starts with one of these characters; finding them first lets the
# regex engine skip the rest of the text at C speed (a finditer tries QUANTITY at every position).
QUANTITY_START = re.compile(r"[\d零〇○一二两三四五六七八九十百千翻]")
# Counts of the notice's own parts: 明确133项具体任务，涉及34个牵头单位.
OWN_PARTS_AFTER = re.compile(r"^(?:具体|重点|主要|工作)?(?:建设)?(?:民生实事|实事|任务|牵头单位|责任单位|配合单位|成员单位|方面|部分|条措施|项措施|项政策|项举措"
                             r"|措施|举措|政策措施|(?:重点)?工作(?=[，。；、和及（]|$)|工作目标|目标任务|民生工程|惠民实事|配合工作|牵头工作)"
                             # 为确保3.99万亩这一目标完成: a target named again, not a new one
                             r"|^(?P<restated>(?:这一|这个|的)(?:目标|任务)(?:任务)?(?:完成|实现|落实))")
# （共118项）, 一批重点跟踪任务98项, 九届59次: counts of a plan's items and a meeting's number.
ITEM_COUNT_BEFORE = re.compile(r"(?:共|共计|任务|事项|工作|措施|举措)$")
ITEM_UNITS = ("项", "条", "件")
SESSION_BEFORE = re.compile(r"[届次]$")
# 和8个重点行业主管部门: a count of the departments a rule covers, no bar.
DEPARTMENTS_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:主管|有关|相关|职能)?部门")
# 《方案》确定的146项工作任务, 《规划》中明确提出的9项…和7项…: what a plan itself contains.
OWN_PARTS_BEFORE = re.compile(r"(?:确定|提出|明确|列出|涉及|包括|包含|共有|共计)的?"
                              r"(?:\d+[项个条][^，。；\d]{1,12}[和及、])?$")
# 从全县10个镇政府中评选出…: the population a choice is made from.
POPULATION_BEFORE = re.compile(r"从(?:全[县市区省镇乡])?$")
# 对评选出的3个先进镇政府分别给予10万元: the count names who gets the money, it sets no bar.
RECIPIENT_BEFORE = re.compile(r"^对[^，。；]*$")
# 给予最高50万元奖励 / 分别给予10万元的奖励: what the money is.
AWARD_AFTER = re.compile(r"^(?:的)?(?:一次性)?(?P<noun>奖励|奖补|补贴|补助|资金支持|资金补助|扶持资金|贴息|奖金)")
# 0.8元/吨, 0.2元/立方米: an amount per unit; the unit is kept whole.
PER_UNIT_AFTER = re.compile(rf"^[/／](?P<per>{UNIT}|年|月|日|季度)")
# （不含6亩） after 以下 / 以上: the bound itself is excluded.
EXCLUSIVE_AFTER = re.compile(r"^（不含[^（）]{0,12}）")
# Comparators printed before the number, longest first; a filler verb may follow them (至少拥有1家).
PREFIX_OPS = (
    ("不得少于", ">="), ("不得低于", ">="), ("不少于", ">="), ("不低于", ">="), ("不小于", ">="),
    ("至少", ">="), ("最少", ">="), ("达到", ">="), ("不超过", "<="), ("不高于", "<="),
    ("不多于", "<="), ("不大于", "<="), ("最多", "<="), ("最高", "<="), ("控制在", "<="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("多于", ">"), ("突破", ">"),
    ("低于", "<"), ("少于", "<"), ("不足", "<"), ("不满", "<"), ("小于", "<"),
    ("≤", "<="), ("≥", ">="), ("＜", "<"), ("＞", ">"),
)
# 第73次、74次常务会议: the 第 of the first ordinal counts for the rest of the run.
ORDINAL_RUN_BEFORE = re.compile(r"第[\d一二三四五六七八九十百]+[次届期批条项号](?:[、和及至][\d一二三四五六七八九十百]+[次届期批条项号])*[、和及至]$")
# 企业达30家, 纳税过1亿元: one-character comparators, never the end of another word (下达, 通过, 经过).
ONE_CHARACTER_OPS = ((re.compile(r"(?<![下传表到送抵转])达$"), ">=", "达"),
                     (re.compile(r"(?<![超通经越度错不跨])过$"), ">", "过"),
                     (re.compile(r"(?<![高赶])超$"), ">", "超"))
# 约6000公里, 大约5万平方米: about; never the 约 of a word (节约10万吨, 签约3个项目, 集约).
APPROX_BEFORE = re.compile(r"(?<![节合签预制简集履违特条公契邀相婉])约$")
# Comparators printed after the quantity, maybe after a note in brackets (2000万元（零售业）及以上);
# （含） only restates that the bound is inclusive, （不含） excludes it.
SUFFIX_OPS = re.compile(r"^(?P<note>（[^（）]{1,40}）)?(?:（含）|及)?(?P<word>以上|以下|以内|之内|左右|多|余)")
SUFFIX_MEANING = {"以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "左右": "~", "多": ">", "余": ">"}
# Verbs that set a target: after one, even a Chinese numeral is a bar (打造一个省级专业镇).
TARGET_VERBS = ("打造", "培育", "建成", "建设", "创建", "新增", "引进", "遴选", "实现", "完成", "争创",
                "认定", "组建", "设立")
# Words that may stand between a comparator and its number (至少拥有1家, 在10家以上).
# 最高可给予3000万元: 最高 before the verb of an award.
FILLER_VERBS = TARGET_VERBS + ("拥有", "带动", "吸纳", "解决", "达", "为", "在", "有", "可给予", "给予", "奖励", "补助", "补贴")
# 3个月, 5个工作日: durations and deadlines, not bars.
DURATION_AFTER = re.compile(r"^(?:月|工作日|小时|季度|年度?)")
CLAUSE_BREAK = "，。；：！？\n"
TARGET_YEAR = re.compile(
    # 2021年5月1日至2022年4月30日 is a period, not a target year: no 至 right after a date.
    r"(?<!日)(?:到|至|截至|截止到?)(?P<a>\d{4})年(?!\d{1,2}月\d{1,2}日)|(?P<b>\d{4})年(?:底|末)?(?:前|以前|之前)|(?P<c>\d{4})年(?:底|末)"
    # 2025年，力争…: a year that opens the sentence states when the target is due.
    r"|(?:^|(?<=[。；：\n]))(?P<d>(?:19|20)\d{2})年[，,]"
    # 须于2017年6月底前下达60%以上: a deadline with its month dates the bar.
    r"|(?P<f>\d{4})年\d{1,2}月(?:底|末|份)?(?:前|以前|之前)"
    # 2023年完成2家…, 县财政2023年统筹安排资金37.4亿元: a year right before the verb that sets the target.
    r"|(?<![\d至到])(?P<e>(?:19|20)\d{2})年(?=完成|实现|力争|争取|确保|计划|统筹安排|安排|新增|培育|建成|新建|创建|打造|突破|达到|预算)"
    # 力争2023年全国重点实验室达到25家以上: the year a 力争 / 确保 sets.
    r"|(?<=力争|争取|确保)(?P<g>(?:19|20)\d{2})年(?![\d月])"
    # …建设行动，2023年全区固定资产投资力争完成381亿元: a year opening a clause dates that sentence.
    r"|(?<=[，,；;])(?P<h>(?:19|20)\d{2})年(?=[\u4e00-\u9fff])(?![度底末内前起以])"
    # 2019年任务： / 2024年目标： a label that dates what follows it.
    r"|(?P<i>(?:19|20)\d{2})年(?:工作)?(?:任务|目标)[：:]"
    # 。2023年政府专项债储备额度45亿元以上: a year opening a sentence before its subject dates its clause (not a list after a colon).
    r"|(?:^|(?<=[。；;\n]))(?P<j>(?:19|20)\d{2})年(?=[\u4e00-\u9fff])(?![度底末内前起以])"
    # 到“十四五”末: the last year of a five-year plan.
    r"|(?:到|至)[“\"]?(?P<plan>十三五|十四五|十五五)[”\"]?(?:末|期末)"
)
# Leading words of a clause that are not part of what is measured.
LEADING_WORDS = re.compile(r"^(?:原则上|但|其中|并且?|且|力争|确保|争取|同时|以及|和|或)+")
TRAILING_WORDS = re.compile(r"(?:应|须|需|要|可|均|需要|必须)?(?:达到|不少于|不低于|至少|在|为|拥有|有|达|稳定在|保持在|控制在|"
                            r"突破|超过|高于|不超过|低于|提高到|提升到|增加到|年均|力争|分别)*$")
# Units that measure a quantity (area, mass, energy, time) rather than count things: the metric is the phrase.
MEASURE_UNITS = ("元", "%", "个百分点", "百分点", "年", "公顷", "平方公里", "平方米", "立方米", "亩", "吨", "千瓦时", "千瓦", "兆瓦",
                 "公里", "千米", "米", "度")


# How far back a 《 may open the title a number stands in (titles run to about 100 characters).
TITLE_REACH = 160


def _inside(text: str, position: int, opening: str, closing: str, reach: int) -> bool:
    """True when ``position`` stands after an ``opening`` bracket that has not closed yet, on the
    same line and at most ``reach`` characters back: a bracket a page left open (应政办发〔202321)
    must not swallow the rest of the notice."""
    opened = text.rfind(opening, max(0, position - reach), position)
    return opened > text.rfind(closing, 0, position) and "\n" not in text[opened:position]


def _quantities(text: str) -> Iterator[re.Match]:
    """The matches of ``QUANTITY.finditer(text)``, found by trying QUANTITY only where one can start."""
    position = 0
    while (candidate := QUANTITY_START.search(text, position)) is not None:
        match = QUANTITY.match(text, candidate.start())  # lookbehinds still see the text before
        if match:
            yield match
            position = match.end()
        else:
            position = candidate.start() + 1


def _prefix_op(left: str) -> tuple[str | None, str]:
    """Comparator printed before the number (allowing one filler verb), and the rule name."""
    for _ in range(2):
        for word, op in PREFIX_OPS:
            if left.endswith(word):
                return op, f"threshold.prefix.{word}"
        if APPROX_BEFORE.search(left):
            return "~", "threshold.prefix.约"
        for pattern, op, word in ONE_CHARACTER_OPS:
            if pattern.search(left):
                return op, f"threshold.prefix.{word}"
        verb = next((v for v in FILLER_VERBS if left.endswith(v)), None)
        if verb is None:
            return None, ""
        left = left[: -len(verb)]
    return None, ""


def _target_verb_before(left: str) -> bool:
    return any(left.endswith(verb) for verb in TARGET_VERBS) or _prefix_op(left)[0] is not None


FIVE_YEAR_PLAN_ENDS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
# 政策延续至2027年底, 有效期至2025年: how long a policy lasts, not when a bar is due.
PERIOD_BEFORE = re.compile(r"(?:延续|延长|有效期|执行|施行|期限)(?:至|到|为)?$")


YearMark = tuple[int, int, int, str]  # start, end, year, what it dates: "paragraph", "sentence" or "clause"
# Where a year's reach ends: a sentence ends at 。, a clause at any of these.
SCOPE_ENDS = {"paragraph": "", "sentence": "。", "clause": "。，,；;：:"}


def _year_marks(text: str, start: int, end: int) -> list[YearMark]:
    """The target years stated in ``text[start:end]`` (one paragraph), in order."""
    marks = []
    for m in TARGET_YEAR.finditer(text, start, end):
        if PERIOD_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        if m.group("plan"):
            year = FIVE_YEAR_PLAN_ENDS[m.group("plan")]
        else:
            year = int(next(m.group(name) for name in "abcdefghij" if m.group(name)))
        # a year that opens or sits inside a sentence dates that sentence only; one after a comma, its clause
        # (2017年全市经济社会发展主要预期目标是：… — a year before a label's colon dates no bar after it)
        scope = "clause" if (m.group("h") or m.group("j")) else "sentence" if (m.group("e") or m.group("g") or m.group("d")) else "paragraph"
        marks.append((m.start(), m.end(), year, scope))
    return marks


def _year_before(text: str, paragraph_start: int, position: int,
                 cache: dict[int, list[YearMark]] | None = None) -> int | None:
    """The last target year stated in the paragraph before ``position`` (marks kept per paragraph in ``cache``)."""
    if cache is None or paragraph_start not in cache:
        paragraph_end = text.find("\n", paragraph_start)
        marks = _year_marks(text, paragraph_start, paragraph_end if paragraph_end != -1 else len(text))
        if cache is None:
            cache = {}
        cache[paragraph_start] = marks
    years = [year for start, end, year, scope in cache[paragraph_start]
             if end <= position and not any(mark in text[end:position] for mark in SCOPE_ENDS[scope])]
    return years[-1] if years else None


# A notice's or plan's title on a line of its own: its counts name the plan (8项民生工程和10件惠民实事).
TITLE_LINE_END = re.compile(r"(?:的通知|的意见|方案|计划|实施细则|清单)(?:（[^（）]{1,10}）)?$")
# A section that describes what is, not what is due: 一、基本情况 / 发展现状 / 发展基础 / 主要成效.
BACKGROUND_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)"
                                r"[^\n]{0,6}(?:基本情况|发展现状|现状|发展基础|工作基础|主要成效|取得成效|工作成效|发展成就)")
BACKGROUND_LINES = 60


def _in_title_line(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start:line_end if line_end != -1 else len(text)]
    return len(line) <= 80 and "。" not in line and bool(TITLE_LINE_END.search(line))


def _lines_above(text: str, position: int, limit: int) -> Iterator[tuple[int, str]]:
    """The lines before the one starting at ``position``, nearest first, at most ``limit`` of them,
    each with the offset it starts at (a section is short: never walk the whole notice back)."""
    line_start = position
    for _ in range(limit):
        if line_start == 0:
            return
        line_start = text.rfind("\n", 0, line_start - 1) + 1
        line_end = text.find("\n", line_start)
        yield line_start, text[line_start:line_end if line_end != -1 else len(text)]


def _in_background_section(text: str, paragraph_start: int) -> bool:
    """True when the nearest top heading above is a background section (一、基本情况): its figures
    describe the present, they set no bar."""
    for _, line in _lines_above(text, paragraph_start, BACKGROUND_LINES):
        if BACKGROUND_HEADING.match(line):
            return True
        if re.match(r"[一二三四五六七八九十]{1,3}、", line):
            return False  # the nearest top heading is another section's
    return False


# A top-level heading (一、主要目标) and the sub-heading that ends a section's opening paragraph.
TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")
GOAL_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)[^\n]{0,12}目标")
GOAL_SECTION_LINES = 30


def _goal_section_year(text: str, paragraph_start: int) -> int | None:
    """The horizon a goals section states once for all its items.

    一、主要目标 / …到2017年力争累计完成投资800亿元… / （一）…人均道路面积达到15平方米: a bar in
    a later paragraph of the section, with no year of its own, is due by the opening's year.
    """
    for heading_start, line in _lines_above(text, paragraph_start, GOAL_SECTION_LINES):
        if TOP_HEADING.match(line):
            if not GOAL_HEADING.match(line):
                return None
            opening_end = text.find("\n", heading_start + len(line) + 1)
            opening_end = opening_end if opening_end != -1 and opening_end < paragraph_start else paragraph_start
            years = [year for _, _, year, _ in _year_marks(text, heading_start, opening_end)]
            return years[-1] if years else None
    return None


# The last column of a task table that reports what was done (落实情况) rather than what is due.
REPORT_HEADER = re.compile(r"^(?:落实|完成|进展|推进|进度)情况$")


def _report_cells(tables: Sequence[FlatTable]) -> list[tuple[int, int]]:
    """Spans of the cells of a flattened task table's progress column (序号 / … / 落实情况, see
    :mod:`extractors.tables`): what was done sets no bar.

    Only a progress column printed last is known: its cell is a row's last line (the last row,
    which may run on past the table, gives the line in the column's position).
    """
    spans = []
    for table in tables:
        if not (table.columns and REPORT_HEADER.match(table.columns[-1])):
            continue
        for number, (_, row) in enumerate(table.rows, start=1):
            last = number == len(table.rows)
            cell = (row[len(table.columns) - 1] if len(row) >= len(table.columns) else None) if last else (row[-1] if row else None)
            if cell is not None:
                spans.append((cell[1], cell[1] + len(cell[0])))
    return spans


def _metric_subject(clause: str, after: str, unit: str, previous: Threshold | None) -> tuple[str | None, str | None]:
    """Best-effort attribution: what is measured, and what it applies to."""
    phrase = TRAILING_WORDS.sub("", LEADING_WORDS.sub("", clause))
    if unit in MEASURE_UNITS:
        subject = None
        if "专业镇" in phrase and not phrase.endswith("专业镇"):
            cut = phrase.rindex("专业镇") + len("专业镇")
            subject, phrase = phrase[:cut], phrase[cut:]
        elif phrase.endswith("类") and previous is not None:
            return previous.metric, phrase
        return phrase or (previous.metric if previous else None), subject
    noun = re.split(r"[和与及]", after, maxsplit=1)[0].rsplit("的", 1)[-1]
    counted = noun or phrase
    if not counted:
        return None, None
    return counted if counted.endswith("数") else counted + "数量", None


def extract_thresholds(text: str) -> list[Threshold]:
    """Every bar or target in ``text`` (normalised), in document order.

    >>> [(t.op, t.value, t.unit) for t in extract_thresholds("制造业类专业镇特色主导产业产值应达到10亿元以上")]
    [('>=', Decimal('1000000000'), '元')]
    >>> [(t.op, t.value, t.value_max, t.unit) for t in extract_thresholds("市级专业镇达到1-2个")]
    [('range', Decimal('1'), Decimal('2'), '个')]
    >>> extract_thresholds("（十）实施专业镇环境服务优化行动，2023年10月30日")
    []
    """
    found: list[Threshold] = []
    quantities: list[tuple[int, int]] = []  # where each bar's number and comparator stand
    skip_until = 0  # the end of a （不含6亩） already read with the bound before it
    tables = flat_tables(text)  # read once: progress columns and target tables both come from them
    reports = _report_cells(tables)
    year_marks: dict[int, list[YearMark]] = {}  # per paragraph start
    for match in _quantities(text):
        start, end = match.span()
        if start < skip_until or any(a <= start < b for a, b in reports):
            continue
        paragraph_start = text.rfind("\n", 0, start) + 1
        clause_start = max(text.rfind(ch, 0, start) for ch in CLAUSE_BREAK) + 1
        left = text[clause_start:start]
        # “22条” names a package, 10万吨级 a facility's class
        if (left.endswith(("“", '"')) and text[end:end + 1] in ("”", '"')) or text[end:end + 1] == "级" \
                or left.endswith("第") or ORDINAL_RUN_BEFORE.search(left) or _inside(text, start, "《", "》", TITLE_REACH) or _inside(text, start, "〔", "〕", 3):
            continue
        own_parts = OWN_PARTS_AFTER.match(text[end:])
        # 明确133项具体任务 counts the notice's parts; 完成7家建设任务 counts firms (a bar)
        own_parts = own_parts and (match.group("unit") in ("项", "个", "条", "件", "大", None) or own_parts.group("restated"))
        own_parts = own_parts or (match.group("unit") in ITEM_UNITS and ITEM_COUNT_BEFORE.search(left)) \
            or (match.group("unit") == "次" and (SESSION_BEFORE.search(left) or text.startswith("产业", end)))
        if own_parts is None or not own_parts:
            own_parts = _in_title_line(text, start) or _in_background_section(text, paragraph_start)
        if own_parts or DEPARTMENTS_AFTER.match(text[end:]) or POPULATION_BEFORE.search(left) or OWN_PARTS_BEFORE.search(left) or (
                text[start - 1:start] == "（" and text[end:end + 1] == "）" and match.group("unit") in ("项", "条", "个")):
            continue
        if (match.group("unit") not in (None, "元", "%") and RECIPIENT_BEFORE.match(left)
                and "给予" in text[end:text.find("。", end) if "。" in text[end:] else len(text)]):
            continue
        special_rule = None
        value_max, dash = None, None
        if match.group("percent") is not None:
            value, unit = parse_amount(match.group(0))
            is_chinese = not re.fullmatch(ARABIC_NUMBER, match.group("percent"))
        elif match.group("tenths") is not None:
            value, unit, is_chinese = Decimal(chinese_to_int(match.group("tenths")) * 10), "%", False
            special_rule = "threshold.tenths"
        elif match.group("doublings") is not None:
            doublings = chinese_to_int(match.group("doublings"))
            value, unit, is_chinese = Decimal((2 ** doublings - 1) * 100), "%", False
            special_rule = "threshold.doubling"
        elif match.group("bare_number") is not None:
            value = normalise_decimal(scale(parse_number(match.group("bare_number")), match.group("bare_magnitude")))
            unit, is_chinese = "元", True  # counts only after a comparator: 超过五千亿规模
        elif match.group("years") is not None:
            value, unit, is_chinese = Decimal(match.group("years")), "年", False
        elif match.group("people") is not None:
            value = normalise_decimal(scale(parse_number(match.group("people")), match.group("people_magnitude")))
            unit, is_chinese = "人", not re.fullmatch(ARABIC_NUMBER, match.group("people"))
        elif match.group("span") is not None:
            span_number = match.group("span")
            value = Decimal(span_number) if span_number.isdigit() else Decimal(chinese_to_int(span_number))
            unit, is_chinese = match.group("span_unit"), False
        else:
            unit = SAME_UNIT.get(match.group("unit"), match.group("unit"))
            if unit == "个" and DURATION_AFTER.match(text[end:end + 3]):
                continue
            magnitude = match.group("magnitude")
            is_chinese = not re.fullmatch(ARABIC_NUMBER, match.group("number"))
            money = unit == "元"
            value = normalise_decimal(scale(parse_number(match.group("number")), match.group("magnitude_min") or magnitude))
            dash = match.group("dash")
            value_max = (normalise_decimal(scale(parse_number(match.group("number_max")), magnitude))
                         if dash else None)
            if money and value == 0:
                continue
        per_unit = PER_UNIT_AFTER.match(text[end:]) if special_rule is None else None
        if per_unit:
            unit, end = f"{unit}/{per_unit.group('per')}", end + per_unit.end()
        suffix = SUFFIX_OPS.match(text[end:end + 50])
        prefix_op, prefix_rule = _prefix_op(left)
        if is_chinese and not (suffix or _target_verb_before(left)):
            continue
        if special_rule:
            op, rule = "=", special_rule
        elif dash:
            op, rule = "range", "threshold.range"
        elif suffix:
            op, rule = SUFFIX_MEANING[suffix.group("word")], f"threshold.suffix.{suffix.group('word')}"
            if suffix.group("note") == "（不含）" and op in (">=", "<="):
                op = op[0]  # 增长5%（不含）以上: the bound itself is excluded
            end += suffix.end()
        elif prefix_op:
            op, rule = prefix_op, prefix_rule
        else:
            op, rule = "=", "threshold.bare"
        if suffix and prefix_op and op != prefix_op and prefix_op not in (">=",):
            op = prefix_op  # 控制在5%以内: the prefix already says which side
        exclusive = EXCLUSIVE_AFTER.match(text[end:])
        if exclusive and op in (">=", "<="):
            op, rule = op[0], rule + ".exclusive"  # 6亩以下（不含6亩）
            end += exclusive.end()
            skip_until = end
        after = text[end:]
        noun_end = next((i for i, ch in enumerate(after) if ch in CLAUSE_BREAK), len(after))
        previous = found[-1] if found and found[-1].span[0] >= clause_start - 40 else None
        metric, subject = _metric_subject(LEADING_WORDS.sub("", left), after[:noun_end], unit, previous)
        if previous is not None and left.endswith("、") and previous.unit == unit:
            metric, subject = previous.metric, previous.subject  # 气化率分别达100%、95%: one metric, two bars
            if op == "=" and rule == "threshold.bare" and previous.op not in ("=", "range"):
                op, rule = previous.op, previous.rule  # 首次突破1000万元、2000万元: the comparator is shared
        award = AWARD_AFTER.match(after) if unit == "元" else None
        if award:
            # 对首次认定的高新技术企业给予最高50万元奖励: the money is an award; who gets it is the subject.
            metric = award.group("noun")
            recipient = re.search(r"对(?P<who>.+?)(?:，|分别)?给予", left)
            subject = recipient.group("who") if recipient else subject
            end += award.end()
        if special_rule == "threshold.doubling" and metric and "增" not in metric:
            metric += "增长"
        span_end = end + (noun_end if op == "=" and unit not in MEASURE_UNITS and noun_end <= 15 else 0)
        found.append(Threshold(
            text=text[clause_start:span_end], metric=metric, subject=subject, op=op,
            value=value, value_max=value_max, unit=unit,
            year=_year_before(text, paragraph_start, start, year_marks) or _goal_section_year(text, paragraph_start),
            span=(clause_start, span_end), rule=rule,
        ))
        quantities.append((start, end))
    found = _share_suffix_back(text, found, quantities)
    table_bars = _target_table_bars(tables)
    return sorted(found + table_bars, key=lambda bar: bar.span) if table_bars else found


# A target table's columns: the indicator, its unit, and one column per year (2025年 / 2025年目标值).
INDICATOR_HEADER = re.compile(r"^(?:主要)?指标(?:名称)?$")
UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
YEAR_HEADER = re.compile(r"^(?P<year>(?:19|20)\d{2})年(?:目标值?|预期值?|值)?$")
# A target cell: a number, maybe after a comparator sign (≥79.2, ≤12.7, 60).
TARGET_CELL = re.compile(r"^(?P<op>[≥≤><]|不低于|不高于|不少于|不超过)?\s*(?P<value>\d+(?:\.\d+)?)$")
CELL_OPS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "不低于": ">=", "不少于": ">=", "不高于": "<=", "不超过": "<="}


def _target_table_bars(tables: Sequence[FlatTable]) -> list[Threshold]:
    """Bars of a target table flattened one cell per line (序号 / 指标名称 / 单位 / 2022年 / 2025年 /
    2027年): each year column's number is a bar for that year, in the row's unit. With two year
    columns or more the first is the base year (现状值), not a target."""
    bars: list[Threshold] = []
    for table in tables:
        columns = table.columns
        indicator = next((i for i, c in enumerate(columns) if INDICATOR_HEADER.match(c)), None)
        unit_column = next((i for i, c in enumerate(columns) if UNIT_HEADER.match(c)), None)
        years = [(i, int(YEAR_HEADER.match(c).group("year"))) for i, c in enumerate(columns) if YEAR_HEADER.match(c)]
        if indicator is None or unit_column is None or not years:
            continue
        targets = years[1:] if len(years) > 1 else years
        for _, row in table.rows:
            if len(row) <= max(index for index, _ in targets):
                continue  # a row cut short by the page: its cells no longer line up
            unit = row[unit_column][0].strip()
            for index, year in targets:
                cell, start = row[index]
                match = TARGET_CELL.match(cell.strip())
                if not match or not unit:
                    continue
                bars.append(Threshold(
                    text=cell.strip(), metric=row[indicator][0].strip(), subject=None,
                    op=CELL_OPS.get(match.group("op") or "", "="), value=normalise_decimal(Decimal(match.group("value"))),
                    value_max=None, unit=unit, year=year, span=(start, start + len(cell.strip())), rule="threshold.table"))
    return bars


# What stands between the amounts of one list: 、, maybe after a bracket (2亿元（批发业）、5000万元).
LIST_GAP = re.compile(r"(?:（[^（）]{0,60}）)?[、和及]")


def _share_suffix_back(text: str, found: list[Threshold], quantities: list[tuple[int, int]]) -> list[Threshold]:
    """分别在2亿元、5000万元、2000万元及以上: the comparator printed after the last amount of a list
    holds for every amount of it (they were read as bare = bars)."""
    for index in range(len(found) - 1, 0, -1):
        last = found[index]
        if not last.rule.startswith("threshold.suffix") or last.op not in (">=", "<=", ">", "<"):
            continue
        before = index - 1
        while before >= 0:
            earlier = found[before]
            gap = text[quantities[before][1]:quantities[before + 1][0]]
            if earlier.op != "=" or earlier.rule != "threshold.bare" or earlier.unit != last.unit or not LIST_GAP.fullmatch(gap):
                break
            found[before] = replace(earlier, op=last.op, rule=last.rule + ".shared")
            before -= 1
    return found


def threshold_values(thresholds: Sequence[Threshold]) -> list[tuple[str, Decimal, str]]:
    """(op, value, unit) triples: a compact view for tests and notebooks."""
    return [(t.op, t.value, t.unit) for t in thresholds]
