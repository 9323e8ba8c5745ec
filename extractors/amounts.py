"""Parse amounts: Arabic and Chinese numerals, magnitudes, and units into base units.

Finding a quantity in running text is :mod:`extractors.thresholds`' job; this
module only turns a found string into a number, so actions and thresholds share it.

Supports:
    10亿元 -> (1000000000, "元")          5000万元 -> (50000000, "元")
    1.2万人 -> (12000, "人")              50% -> (50, "%")
    一百二十万 -> 1200000                 二〇二三 -> 2023 (digit by digit)
    百分之八十 -> (80, "%")               一成 -> (10, "%")
Avoids:
    Floats: every value is a Decimal, so 0.1亿元 is exactly 10000000.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CHINESE_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                  "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

# Magnitude words that may stand between a number and its unit ("5000万元", "10亿元").
MAGNITUDES = {"万亿": Decimal(1_000_000_000_000), "千亿": Decimal(100_000_000_000), "千万": Decimal(10_000_000), "百万": Decimal(1_000_000), "十万": Decimal(100_000),
              "万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000),
              "百": Decimal(100)}

# Units a bar or target is counted in. Money is normalised to 元; 万元/亿元 are magnitudes + 元.
COUNT_UNITS = ("美元", "元", "%", "个百分点", "百分点", "人次", "人", "家", "个", "户", "项", "名", "所", "座", "条", "套",
               "台", "辆", "公顷", "平方公里", "平方米", "立方米", "微克", "毫克", "亩", "吨标准煤", "吨", "千瓦时", "千瓦", "兆瓦",
               "公里", "千米", "米", "次", "场", "件", "款", "头", "口", "度", "张", "艘", "株", "处", "例", "‰", "标箱", "只", "羽", "箱", "岁", "公斤", "斤", "幢", "栋")
# Counting words that count the same thing as another: persons are 人 (CONTRACT.md), however printed.
SAME_UNIT = {"名": "人"}

ARABIC_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A Chinese numeral never starts with 万 or 亿 (those are magnitudes: 5000万元, 万人).
CHINESE_NUMBER = r"[零〇○一二两三四五六七八九十百千][零〇○一二两三四五六七八九十百千万亿]*"


def chinese_to_int(numeral: str) -> int:
    """Value of a Chinese numeral.

    >>> chinese_to_int("一百二十万"), chinese_to_int("十"), chinese_to_int("二〇二三")
    (1200000, 10, 2023)
    """
    if numeral and all(ch in CHINESE_DIGITS for ch in numeral) and len(numeral) > 1:
        # 二〇二三 is read digit by digit, the way years are printed.
        return int("".join(str(CHINESE_DIGITS[ch]) for ch in numeral))
    if not numeral or numeral[0] in CHINESE_BIG_UNITS:
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    # total: the part counted in 亿; myriads: the part counted in 万; section: below 万.
    total, myriads, section, digit = 0, 0, 0, 0
    for ch in numeral:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        elif ch in CHINESE_SMALL_UNITS:
            section += (digit or 1) * CHINESE_SMALL_UNITS[ch]
            digit = 0
        elif ch == "万":
            myriads = (myriads + section + digit) * 10_000
            section, digit = 0, 0
        elif ch == "亿":
            total = (total + myriads + section + digit) * 100_000_000
            myriads, section, digit = 0, 0, 0
        else:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return total + myriads + section + digit


def parse_number(number: str) -> Decimal:
    """Arabic ("1,200.5") or Chinese ("二十") numeral as a Decimal.

    >>> parse_number("1,200.5"), parse_number("二十")
    (Decimal('1200.5'), Decimal('20'))
    """
    number = number.strip()
    if re.fullmatch(ARABIC_NUMBER, number):
        try:
            return Decimal(number.replace(",", ""))
        except InvalidOperation as err:  # pragma: no cover - the regex admits only valid numbers
            raise ValueError(number) from err
    return Decimal(chinese_to_int(number))


def scale(value: Decimal, magnitude: str | None) -> Decimal:
    """Apply a magnitude word: scale(Decimal(5), "亿") == 500000000."""
    return value * MAGNITUDES[magnitude] if magnitude else value


AMOUNT = re.compile(
    rf"^(?P<number>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    rf"(?P<magnitude>千万|百万|十万|万|亿)?(?P<unit>{'|'.join(sorted(COUNT_UNITS, key=len, reverse=True))})$"
)


def parse_amount(amount: str) -> tuple[Decimal, str]:
    """Parse "5000万元" into (value in base units, unit).

    >>> parse_amount("5000万元")
    (Decimal('50000000'), '元')
    >>> parse_amount("百分之八十"), parse_amount("一成")
    ((Decimal('80'), '%'), (Decimal('10'), '%'))
    """
    amount = re.sub(r"\s+", "", amount)
    percent = re.fullmatch(rf"百分之({ARABIC_NUMBER}|{CHINESE_NUMBER})", amount)
    if percent:
        return parse_number(percent.group(1)), "%"
    tenths = re.fullmatch(r"([一二两三四五六七八九])成", amount)
    if tenths:
        return Decimal(chinese_to_int(tenths.group(1)) * 10), "%"
    match = AMOUNT.match(amount)
    if not match or not match.group("number"):
        raise ValueError(f"not an amount: {amount!r}")
    value = scale(parse_number(match.group("number")), match.group("magnitude"))
    return normalise_decimal(value), match.group("unit")


def normalise_decimal(value: Decimal) -> Decimal:
    """Drop a trailing exponent or zeros so 1E+9 prints as 1000000000 and 2.50 as 2.5."""
    if value == value.to_integral_value() and value.adjusted() < 27:
        return value.quantize(Decimal(1))
    # more digits than the context holds (a 29-digit "amount" on a hostile page): keep it as it is
    return value.normalize()
