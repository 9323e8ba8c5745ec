from __future__ import annotations

from pathlib import Path

import pytest

from extractors.knowledge import KnowledgeError, data_dir, load_unit_table, read_rows
from extractors.units import identify, split_units


@pytest.mark.parametrize("first, second", [
    ("县工信局", "县工科局"),
    ("县行政审批局", "县审批服务管理局"),
    ("县发改和科技局", "县发改局"),
    ("县乡村振兴局", "县农业农村局"),
    ("县交通运输局", "县交通局"),
    ("县中小企业服务中心", "县小企业发展促进中心"),
    ("县招商中心", "县招商投资促进中心"),
    ("市生态环境局壶关分局", "市生态环境局闻喜分局"),
    ("中国银保监会长治监管分局壶关监管组", "运城银保监分局闻喜监管组"),
    ("各乡镇政府", "各乡（镇）人民政府"),
    ("壶关经济开发区管委会", "闻喜经开区管委会"),
])
def test_units_same_function_shares_an_id(first, second, units_table):
    assert identify(first, units_table)[0] is not None
    assert identify(first, units_table)[0] == identify(second, units_table)[0]


@pytest.mark.parametrize("first, second", [
    ("人行闻喜支行", "运城银保监分局闻喜监管组"),
    ("县工信局", "县发改局"),
    ("县商务中心", "县招商中心"),
    ("县金融服务中心", "县中小企业服务中心"),
])
def test_units_different_functions_stay_apart(first, second, units_table):
    assert identify(first, units_table)[0] != identify(second, units_table)[0]


@pytest.mark.parametrize("name, level", [
    ("县工信局", "county"), ("市中小企业服务中心", "city"), ("各乡镇政府", "collective"),
    ("市生态环境局壶关分局", "city-branch"), ("闻喜经开区管委会", "local"),
])
def test_units_keep_level_apart_from_identity(name, level, units_table):
    assert identify(name, units_table)[1] == level


def test_units_unknown_name_stays_unknown(units_table):
    assert identify("县气象站", units_table) == (None, None)


def test_units_split_keeps_names_with_he_whole(units_table):
    assert [n for n, _ in split_units("县住房和城乡建设局、县人力资源和社会保障局和县委宣传部", 0, units_table)] == [
        "县住房和城乡建设局", "县人力资源和社会保障局", "县委宣传部"]


def test_units_alias_table_is_consistent():
    table = load_unit_table(data_dir())
    assert set(table.aliases.values()) <= set(table.units)
    aliases = [row["alias"] for row in read_rows(data_dir() / "unit_aliases.csv")]
    assert len(aliases) == len(set(aliases)), "an alias is listed twice"


def test_units_alias_table_refuses_an_alias_with_two_ids(tmp_path: Path):
    for name in ("units.csv", "unit_patterns.csv", "unit_suffixes.csv"):
        (tmp_path / name).write_text((data_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "unit_aliases.csv").write_text("alias,canonical\n工信局,工业和信息化\n工信局,财政\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="工信局"):
        load_unit_table(tmp_path)
