from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.amounts import chinese_to_int, parse_amount


@pytest.mark.parametrize("amount, expected", [
    ("10亿元", (Decimal(1_000_000_000), "元")),
    ("5000万元", (Decimal(50_000_000), "元")),
    ("1.2万人", (Decimal(12_000), "人")),
    ("0.1亿元", (Decimal(10_000_000), "元")),
    ("50%", (Decimal(50), "%")),
    ("2000人", (Decimal(2000), "人")),
    ("一百二十万元", (Decimal(1_200_000), "元")),
    ("百分之八十", (Decimal(80), "%")),
    ("一成", (Decimal(10), "%")),
    ("1,200家", (Decimal(1200), "家")),
    ("25万头", (Decimal(250_000), "头")),
    ("20亿立方米", (Decimal(2_000_000_000), "立方米")),
    ("60亿度", (Decimal(6_000_000_000), "度")),
    ("3千万元", (Decimal(30_000_000), "元")),
])
def test_amounts_parse_into_base_units(amount, expected):
    assert parse_amount(amount) == expected


@pytest.mark.parametrize("numeral, value", [("十", 10), ("二十", 20), ("一百零五", 105), ("两千", 2000),
                                           ("一亿二千万", 120_000_000), ("二〇二三", 2023)])
def test_amounts_read_chinese_numerals(numeral, value):
    assert chinese_to_int(numeral) == value


@pytest.mark.parametrize("bad", ["亿元", "abc", "5G", ""])
def test_amounts_refuse_what_is_no_amount(bad):
    with pytest.raises(ValueError):
        parse_amount(bad)


@pytest.mark.parametrize("text", ["万%", "亿元", "提高万%以上"])
def test_amounts_magnitude_alone_is_no_number(text):
    # found by Hypothesis: a lone 万 was read as a Chinese numeral and raised
    from extractors.thresholds import extract_thresholds

    assert extract_thresholds(text) == []


def test_amounts_normalise_a_number_longer_than_the_decimal_context():
    # found by hypothesis: a 29-digit "10000000000000000000000000000%" made quantize raise
    from extractors.amounts import normalise_decimal

    assert normalise_decimal(Decimal(10) ** 28) == Decimal(10) ** 28
    assert str(normalise_decimal(Decimal("1E+9"))) == "1000000000"
