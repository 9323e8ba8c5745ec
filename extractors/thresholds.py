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
    关联配套企业在10家左右 -> ~ 10 家
    主导产品在全省占有率50%以上 -> >= 50 %
    打造一个省级专业镇和2个市级专业镇 -> = 1 个, = 2 个
    制造业类专业镇年产值5亿元 -> = 500000000 元 (no comparator printed)
Avoids:
    （十）, 2023年, 〔2023〕25号, 2023-10-30, 5G, “1146发展战略”, 《…》 titles;
    Chinese numerals that count the notice's own parts (包括四个方面, “三个一批”):
    a Chinese numeral counts only after a comparator or a target verb (打造一个…).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from extractors.amounts import ARABIC_NUMBER, CHINESE_NUMBER, COUNT_UNITS, normalise_decimal, parse_amount, parse_number, scale
from extractors.records import Threshold

UNIT = "|".join(sorted(COUNT_UNITS, key=len, reverse=True))
NUMBER = rf"(?:{ARABIC_NUMBER}|{CHINESE_NUMBER})"
# A quantity: number, optional range end, optional magnitude, a counting unit.
QUANTITY = re.compile(
    rf"(?<![\d.,])(?P<number>{NUMBER})"
    rf"(?:(?P<magnitude_min>千万|百万|十万|万|亿)?(?P<unit_min>{UNIT})?(?P<dash>[-—–－~～至到])(?P<number_max>{NUMBER}))?"
    rf"(?P<magnitude>千万|百万|十万|万|亿)?(?P<unit>{UNIT})"
    rf"|百分之(?P<percent>{NUMBER})"
)
# Comparators printed before the number, longest first; a filler verb may follow them (至少拥有1家).
PREFIX_OPS = (
    ("不得少于", ">="), ("不得低于", ">="), ("不少于", ">="), ("不低于", ">="), ("不小于", ">="),
    ("至少", ">="), ("最少", ">="), ("达到", ">="), ("不超过", "<="), ("不高于", "<="),
    ("不多于", "<="), ("不大于", "<="), ("最多", "<="), ("最高", "<="), ("控制在", "<="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("多于", ">"), ("突破", ">"),
    ("低于", "<"), ("少于", "<"), ("不足", "<"), ("不满", "<"), ("小于", "<"),
)
# Comparators printed after the quantity; （含） only restates that the bound is inclusive.
SUFFIX_OPS = re.compile(r"^(?:（含）|及)?(?P<word>以上|以下|以内|之内|左右|多|余)")
SUFFIX_MEANING = {"以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "左右": "~", "多": ">", "余": ">"}
# Verbs that set a target: after one, even a Chinese numeral is a bar (打造一个省级专业镇).
TARGET_VERBS = ("打造", "培育", "建成", "建设", "创建", "新增", "引进", "遴选", "实现", "完成", "争创",
                "认定", "组建", "设立")
# Words that may stand between a comparator and its number (至少拥有1家, 在10家以上).
FILLER_VERBS = TARGET_VERBS + ("拥有", "带动", "吸纳", "解决", "达", "为", "在", "有")
# 3个月, 5个工作日: durations and deadlines, not bars.
DURATION_AFTER = re.compile(r"^(?:月|工作日|小时|季度|年度?)")
CLAUSE_BREAK = "，。；：！？\n"
TARGET_YEAR = re.compile(
    r"(?:到|至|截至|截止到?)(?P<a>\d{4})年|(?P<b>\d{4})年(?:底|末)?(?:前|以前|之前)|(?P<c>\d{4})年(?:底|末)"
)
# Leading words of a clause that are not part of what is measured.
LEADING_WORDS = re.compile(r"^(?:原则上|但|其中|并且?|且|力争|确保|争取|同时|以及|和|或)+")
TRAILING_WORDS = re.compile(r"(?:应|须|需|要|可|均|需要|必须)?(?:达到|不少于|不低于|至少|在|为|拥有|有|达)*$")


def _inside(text: str, position: int, opening: str, closing: str) -> bool:
    before = text[:position]
    return before.rfind(opening) > before.rfind(closing)


def _prefix_op(left: str) -> tuple[str | None, str]:
    """Comparator printed before the number (allowing one filler verb), and the rule name."""
    for _ in range(2):
        for word, op in PREFIX_OPS:
            if left.endswith(word):
                return op, f"threshold.prefix.{word}"
        verb = next((v for v in FILLER_VERBS if left.endswith(v)), None)
        if verb is None:
            return None, ""
        left = left[: -len(verb)]
    return None, ""


def _target_verb_before(left: str) -> bool:
    return any(left.endswith(verb) for verb in TARGET_VERBS) or _prefix_op(left)[0] is not None


def _year_before(text: str, paragraph_start: int, position: int) -> int | None:
    years = [int(m.group("a") or m.group("b") or m.group("c"))
             for m in TARGET_YEAR.finditer(text, paragraph_start, position)]
    return years[-1] if years else None


def _metric_subject(clause: str, after: str, unit: str, previous: Threshold | None) -> tuple[str | None, str | None]:
    """Best-effort attribution: what is measured, and what it applies to."""
    phrase = TRAILING_WORDS.sub("", LEADING_WORDS.sub("", clause))
    if unit in ("元", "%"):
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
    for match in QUANTITY.finditer(text):
        start, end = match.span()
        paragraph_start = text.rfind("\n", 0, start) + 1
        clause_start = max(text.rfind(ch, 0, start) for ch in CLAUSE_BREAK) + 1
        left = text[clause_start:start]
        if left.endswith("第") or _inside(text, start, "《", "》") or _inside(text, start, "〔", "〕"):
            continue
        if match.group("percent") is not None:
            value, unit = parse_amount(match.group(0))
            value_max, dash = None, None
            is_chinese = not re.fullmatch(ARABIC_NUMBER, match.group("percent"))
        else:
            unit = match.group("unit")
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
        suffix = SUFFIX_OPS.match(text[end:end + 6])
        prefix_op, prefix_rule = _prefix_op(left)
        if is_chinese and not (suffix or _target_verb_before(left)):
            continue
        if dash:
            op, rule = "range", "threshold.range"
        elif suffix:
            op, rule = SUFFIX_MEANING[suffix.group("word")], f"threshold.suffix.{suffix.group('word')}"
            end += suffix.end()
        elif prefix_op:
            op, rule = prefix_op, prefix_rule
        else:
            op, rule = "=", "threshold.bare"
        if suffix and prefix_op and op != prefix_op and prefix_op not in (">=",):
            op = prefix_op  # 控制在5%以内: the prefix already says which side
        after = text[end:]
        noun_end = next((i for i, ch in enumerate(after) if ch in CLAUSE_BREAK), len(after))
        previous = found[-1] if found and found[-1].span[0] >= clause_start - 40 else None
        metric, subject = _metric_subject(LEADING_WORDS.sub("", left), after[:noun_end], unit, previous)
        span_end = end + (noun_end if op == "=" and unit not in ("元", "%") and noun_end <= 15 else 0)
        found.append(Threshold(
            text=text[clause_start:span_end], metric=metric, subject=subject, op=op,
            value=value, value_max=value_max, unit=unit,
            year=_year_before(text, paragraph_start, start),
            span=(clause_start, span_end), rule=rule,
        ))
    return found


def threshold_values(thresholds: Sequence[Threshold]) -> list[tuple[str, Decimal, str]]:
    """(op, value, unit) triples: a compact view for tests and notebooks."""
    return [(t.op, t.value, t.unit) for t in thresholds]
