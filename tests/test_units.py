"""Unit identity: the reviewed tables, same-function pairs, levels, splitting, unknown units."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from extractors.knowledge import KnowledgeError, data_dir, load_unit_table, read_rows
from extractors.units import identify, make_units, split_units
from tests.conftest import ROOT, load_gold


# ---- the tables -------------------------------------------------------------------------------

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


def test_units_every_pattern_compiles_and_points_to_a_known_id():
    ids = {row["id"] for row in read_rows(data_dir() / "units.csv")}
    for row in read_rows(data_dir() / "unit_patterns.csv"):
        re.compile(row["pattern"])
        assert row["canonical"] in ids, row
        assert row["level"], row


def test_units_every_id_used_by_code_and_tests_exists(units_table):
    """Ids written in code (docstrings, tests) must be ids of units.csv, not stale names."""
    sources = [*(ROOT / "extractors").glob("*.py"), *(ROOT / "pipeline").rglob("*.py"), Path(__file__)]
    used = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"canonical[\"']?\s*[:=]\s*[\"']([\u4e00-\u9fff]+)[\"']", text))
        used |= set(re.findall(r"canonical ([\u4e00-\u9fff]+)", text))
    assert used, "the scan found no ids at all"
    assert used <= set(units_table.units), used - set(units_table.units)


def test_units_every_unit_has_an_alias_or_a_pattern(units_table):
    reached = set(units_table.aliases.values()) | {unit_id for _, unit_id, _ in units_table.patterns}
    assert set(units_table.units) <= reached, set(units_table.units) - reached


def test_units_categories_are_contiguous_so_their_order_is_defined():
    categories = [row["category"] for row in read_rows(data_dir() / "units.csv")]
    order = list(dict.fromkeys(categories))
    assert categories == sorted(categories, key=order.index), "keep each category's rows together"
    assert all(categories), "every unit needs a category"


@pytest.mark.parametrize("prefix", ["", "县", "市", "省", "区", "壶关县"])
def test_units_no_alias_is_shadowed(prefix, units_table):
    """Every alias, with a level or place in front, still resolves to its own id."""
    wrong = {alias: identify(prefix + alias, units_table)[0]
             for alias, unit_id in units_table.aliases.items()
             if identify(prefix + alias, units_table)[0] != unit_id}
    assert not wrong, wrong


def test_units_tables_have_no_bare_generic_alias(units_table):
    """An alias matches every name that ENDS with it: bare 部门 / 办公室 / 中心 would swallow them."""
    assert not {"部门", "单位", "办公室", "中心", "局", "办", "委"} & set(units_table.aliases)


# ---- same function, one id; different functions, different ids ------------------------------

SAME_FUNCTION = [
    # the two samples: Huguan (壶关) and Wenxi (闻喜)
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
    ("县金融服务中心", "县金融服务中心"),
    ("县商务中心", "县商务局"),
    # province bodies under their pre-2018 names, and merged county bureaus (held-out batches 8-10)
    ("省国土资源厅", "省自然资源厅"),
    ("省环境保护厅", "省生态环境厅"),
    ("省住房城乡建设厅", "省住房和城乡建设厅"),
    ("省工业和信息化委", "省工业和信息化厅"),
    ("县文体广新局", "县文化和旅游局"),
    ("县文广旅体局", "县文旅局"),
    ("地税局", "税务局"),
    ("各镇（街道）", "各乡镇政府"),
    ("河南银保监局", "运城银保监分局闻喜监管组"),
    ("移动安康分公司", "电信分公司"),
    ("市政府有关工作部门", "各有关部门"),
    ("相关乡镇办", "各乡镇政府"),
    # old and local names of one function
    ("县工业和科技局", "县经信局"),
    ("县经济和信息化局", "县工业和信息化局"),
    ("县发展和改革局", "县发改委"),
    ("县行政审批服务管理局", "县行政审批局"),
    ("县人社局", "县人力资源和社会保障局"),
    ("县住建局", "县住房和城乡建设局"),
    ("县文旅局", "县文化和旅游局"),
    ("县文化和旅游局", "县文化广电和旅游局"),
    ("县市场监管局", "县市场监督管理局"),
    ("县市场监管局", "县食品药品监督管理局"),
    ("县卫健局", "县卫生健康委员会"),
    ("县卫健局", "县卫计局"),
    ("县医保局", "县医疗保障局"),
    ("县退役军人事务局", "县退役军人服务中心"),
    ("县应急管理局", "县安监局"),
    ("县水利局", "县水务局"),
    ("县林业局", "县林业和草原局"),
    ("县自然资源局", "县国土资源局"),
    ("县自然资源局", "县规划和自然资源局"),
    ("县生态环境局", "县环保局"),
    ("县招商局", "县投资促进中心"),
    ("县乡村振兴局", "县扶贫办"),
    ("县委办", "县委办公室"),
    ("县委办", "中共壶关县委办公室"),
    ("市委办", "中共岳阳市委办公室"),
    ("县政府办", "壶关县人民政府办公室"),
    ("县委组织部", "中共闻喜县委组织部"),
    ("县委宣传部", "中共壶关县委宣传部"),
    ("县融媒体中心", "县融媒中心"),
    ("县纪委监委", "县监委"),
    ("团县委", "共青团壶关县委员会"),
    ("县妇联", "县妇女联合会"),
    ("县人大办公室", "县人大常委会办公室"),
    ("县煤炭工业局", "县能源局"),
    ("市科委", "县科技局"),
    ("县社保中心", "县人社局"),
    ("县委改革办", "县委全面深化改革委员会办公室"),
    # the evaluation notices (tests/gold/eval): district and city forms
    ("区交运局", "县交通运输局"),
    ("区市场局", "县市场监管局"),
    ("区政务服务局", "县行政审批局"),
    ("区国土分局", "县自然资源局"),
    ("区经贸投促局", "县招商投资促进中心"),
    ("各区县市", "各县（市、区）人民政府"),
    ("省大数据中心", "县数据局"),
    # levels of one function: 省X厅, 市X局, 区X局, 县X局
    ("省工业和信息化厅", "县工信局"),
    ("市经信局", "区工信局"),
    ("省发展和改革委员会", "县发改局"),
    ("省财政厅", "县财政局"),
    ("省文化和旅游厅", "市文旅局"),
    ("省住房和城乡建设厅", "区住建局"),
    ("省市场监管局", "县市场监管局"),
    ("省人力资源和社会保障厅", "县人社局"),
    ("省农业农村厅", "县农业农村局"),
    ("省自然资源厅", "武汉市自然资源和规划局"),
    ("省卫生健康委员会", "县卫健局"),
    ("省公安厅", "县公安局"),
    # branches and vertically managed bodies
    ("长治市公安局潞州分局", "县公安局"),
    ("人行闻喜支行", "中国人民银行长治市中心支行"),
    ("运城银保监分局闻喜监管组", "国家金融监督管理总局运城监管分局"),
    ("国家税务总局壶关县税务局", "县税务局"),
    ("国网壶关县供电公司", "国网闻喜县供电分公司"),
    # collective units
    ("各乡镇政府", "各乡镇（街道）"),
    ("各乡镇政府", "各街道办事处"),
    ("县直各有关单位", "县直有关部门"),
    ("各部门", "各有关单位"),
    ("各县（市、区）人民政府", "各县市区政府"),
    # development zones and companies
    ("闻喜经开区管委会", "长治高新区管委会"),
    ("县经济技术开发区管理委员会", "县示范区管委会"),
    ("县城投公司", "县城市建设投资有限公司"),
    ("各银行业金融机构", "壶关农商银行"),
    ("县住房公积金管理中心", "县公积金中心"),
    ("县委巡察办", "县纪委监委"),
]

DIFFERENT_FUNCTIONS = [
    ("人行闻喜支行", "运城银保监分局闻喜监管组"),
    ("县工信局", "县发改局"),
    ("县工信局", "县科技局"),
    ("县商务中心", "县招商中心"),
    ("县金融服务中心", "县中小企业服务中心"),
    ("县金融服务中心", "人行闻喜支行"),
    ("县金融服务中心", "运城银保监分局闻喜监管组"),
    ("县税务局", "县财政局"),
    ("县自然资源局", "市生态环境局壶关分局"),
    ("县住建局", "县交通运输局"),
    ("县住建局", "县城市管理局"),
    ("县农业农村局", "县水利局"),
    ("县农业农村局", "县林业局"),
    ("县文旅局", "县教育局"),
    ("县人社局", "县医保局"),
    ("县卫健局", "县医保局"),
    ("县卫健局", "县疾控中心"),
    ("县民政局", "县退役军人事务局"),
    ("县公安局", "县司法局"),
    ("县应急管理局", "县消防救援大队"),
    ("县委办", "县政府办"),
    ("县委组织部", "县委宣传部"),
    ("县委宣传部", "县融媒体中心"),
    ("县行政审批局", "县市场监管局"),
    ("县能源局", "国网壶关县供电公司"),
    ("各乡镇政府", "闻喜经开区管委会"),
    ("各乡镇政府", "县直各有关单位"),
    ("县直各有关单位", "各部门"),
    ("各县（市、区）人民政府", "各乡镇政府"),
    ("县人民政府", "县政府办公室"),
    ("县人大办公室", "县政协办公室"),
    ("县总工会", "县工商联"),
    ("县委改革办", "区审改办"),
    ("县人武部", "县公安局"),
    ("县能源局", "县发改局"),
    ("壶关农商银行", "人行闻喜支行"),
    ("各银行业金融机构", "县金融服务中心"),
    ("县住房公积金管理中心", "县住建局"),
]


@pytest.mark.parametrize("first, second", SAME_FUNCTION)
def test_units_same_function_shares_an_id(first, second, units_table):
    assert identify(first, units_table)[0] is not None
    assert identify(first, units_table)[0] == identify(second, units_table)[0]


@pytest.mark.parametrize("first, second", DIFFERENT_FUNCTIONS)
def test_units_different_functions_stay_apart(first, second, units_table):
    first_id, second_id = identify(first, units_table)[0], identify(second, units_table)[0]
    assert first_id is not None and second_id is not None
    assert first_id != second_id


@pytest.mark.parametrize("name, level", [
    ("县工信局", "county"), ("市中小企业服务中心", "city"), ("省工业和信息化厅", "province"),
    ("区工信局", "district"), ("各乡镇政府", "collective"), ("县直各有关单位", "collective"),
    ("市生态环境局壶关分局", "city-branch"), ("人行闻喜支行", "national-branch"),
    ("闻喜经开区管委会", "county"), ("长治高新区", "city"), ("立山经济开发区", "district"),
    ("曲阜文化建设示范区管委会", "local"), ("国家税务总局壶关县税务局", "county"), ("中共壶关县委组织部", "county"),
    ("广西壮族自治区发展和改革委员会", "province"), ("区级相关部门", "district"),
])
def test_units_keep_level_apart_from_identity(name, level, units_table):
    assert identify(name, units_table)[1] == level


@pytest.mark.parametrize("traditional, simplified", [
    ("縣工信局", "县工信局"),
    ("縣審批服務管理局", "县审批服务管理局"),
    ("縣鄉村振興局", "县乡村振兴局"),
    ("各鄉（鎮）人民政府", "各乡（镇）人民政府"),
    ("絳縣經濟開發區管委會", "绛县经济开发区管委会"),
    ("縣直各有關單位", "县直各有关单位"),
    ("縣教育和科學技術局", "县教育和科学技术局"),
])
def test_units_traditional_form_reads_as_simplified(traditional, simplified, units_table):
    assert identify(traditional, units_table) == identify(simplified, units_table)
    assert identify(traditional, units_table)[0] is not None


@pytest.mark.parametrize("name", [
    "县气象站",          # no alias: an unknown unit stays unknown
    "领导小组办公室",     # 办公室 alone is no unit
    "县领导小组办公室",
    "专业镇",
    "有关负责同志",
    "县发改委办公室",    # the office of a bureau is not the party committee's office (县委办公室)
])
def test_units_unknown_name_stays_unknown(name, units_table):
    assert identify(name, units_table) == (None, None)


def test_units_brackets_are_read_either_width(units_table):
    assert identify("各乡(镇)人民政府", units_table) == identify("各乡（镇）人民政府", units_table)
    assert identify("各县〔市、区〕人民政府", units_table) == identify("各县（市、区）人民政府", units_table) == ("县级政府", "collective")


@pytest.mark.parametrize("name, expected", [
    # a labelled list marks its lead unit: 责任单位：县工信局（牵头）、县财政局
    ("县工信局（牵头）", ("工业和信息化", "county")),
    ("县工信局(牵头)", ("工业和信息化", "county")),
    # one body, two names
    ("县发改局（县能源局）", ("发展和改革", "county")),
    # brackets that are part of the name stay part of it
    ("各乡镇（街道）", ("乡镇政府", "collective")),
    ("各县（市、区）人民政府", ("县级政府", "collective")),
    # brackets after an unknown unit do not make it known
    ("县气象站（牵头）", (None, None)),
    ("（牵头）", (None, None)),
])
def test_units_trailing_brackets_are_a_remark(name, expected, units_table):
    assert identify(name, units_table) == expected


# ---- splitting lists --------------------------------------------------------------------------

@pytest.mark.parametrize("text, names", [
    ("县住房和城乡建设局、县人力资源和社会保障局和县委宣传部",
     ["县住房和城乡建设局", "县人力资源和社会保障局", "县委宣传部"]),
    ("县财政局等部门和各乡镇政府", ["县财政局", "各乡镇政府"]),
    ("各乡镇政府和闻喜经开区管委会", ["各乡镇政府", "闻喜经开区管委会"]),
    ("县发改和科技局、县工信局", ["县发改和科技局", "县工信局"]),
    # a 、 inside brackets belongs to the name
    ("各县（市、区）人民政府、市直各有关单位", ["各县（市、区）人民政府", "市直各有关单位"]),
    ("各乡(镇、街道)，县直各有关单位", ["各乡(镇、街道)", "县直各有关单位"]),
    ("县工信局（牵头、县财政局", ["县工信局（牵头", "县财政局"]),
    # places that share the body word after them stay one unit; a unit before 、 stays apart (黑龙江省)
    ("哈尔滨机场扩建指挥部、哈尔滨、黑河、绥芬河市政府、省农垦总局", ["哈尔滨机场扩建指挥部", "哈尔滨、黑河、绥芬河市政府", "省农垦总局"]),
    ("县财政局、县政府", ["县财政局", "县政府"]),
    # a body the table does not know (海关, 人行) is no place sharing the next unit's body word (滁州市)
    ("滁州海关、市人行、滁州经开区管委会", ["滁州海关", "市人行", "滁州经开区管委会"]),
    # tortoise-shell brackets as Guizhou and Sichuan print them (贵州省)
    ("省教育厅,各市〔州〕人民政府、贵安新区管委会", ["省教育厅", "各市〔州〕人民政府", "贵安新区管委会"]),
    ("各县〔市、区〕人民政府、省级有关部门", ["各县〔市、区〕人民政府", "省级有关部门"]),
])
def test_units_split_keeps_names_with_he_whole(text, names, units_table):
    assert [n for n, _ in split_units(text, 0, units_table)] == names


@pytest.mark.parametrize("text, names", [
    # the unit pipeline cuts units run together and leaves the function word out
    ("县财政局县教育局", ["县财政局", "县教育局"]),
    ("由县工信局", ["县工信局"]),
    ("以下任务由县发改局", ["县发改局"]),
    ("具体由县财政局、县教育局", ["县财政局", "县教育局"]),
    ("县工信局、由县财政局和县教育局", ["县工信局", "县财政局", "县教育局"]),
    # what it cannot account for stays as printed
    ("县工信局（牵头）、县财政局", ["县工信局（牵头）", "县财政局"]),
    ("县气象站", ["县气象站"]),
    ("有关负责同志", ["有关负责同志"]),
])
def test_units_make_units_uses_the_pipeline_to_cut_and_trim(text, names, units_table):
    units = make_units(text, 10, units_table)
    assert [u.name for u in units] == names
    assert all(text[u.span[0] - 10:u.span[1] - 10] == u.name for u in units)


# ---- the two samples ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_actions(knowledge):
    from pipeline.run import process_file
    from tests.conftest import SAMPLES

    return {name: process_file(path, knowledge=knowledge).actions for name, path in SAMPLES.items()}


EXPECTED_IDS = {
    "县工信局": "工业和信息化", "县工科局": "工业和信息化", "县乡村振兴局": "农业农村", "县农业农村局": "农业农村",
    "县文旅局": "文化和旅游", "县发改和科技局": "发展和改革", "县发改局": "发展和改革", "县财政局": "财政",
    "县自然资源局": "自然资源", "市生态环境局壶关分局": "生态环境", "市生态环境局闻喜分局": "生态环境",
    "县行政审批局": "行政审批", "县审批服务管理局": "行政审批", "县市场监管局": "市场监管",
    "县金融服务中心": "金融服务", "县中小企业服务中心": "中小企业服务", "市中小企业服务中心": "中小企业服务",
    "县小企业发展促进中心": "中小企业服务", "各乡镇政府": "乡镇政府", "闻喜经开区管委会": "开发区管委会",
    "县商务中心": "商务", "县人社局": "人力资源和社会保障", "县教育局": "教育", "县交通运输局": "交通运输",
    "县交通局": "交通运输", "县招商中心": "招商", "县招商投资促进中心": "招商", "县住建局": "住房和城乡建设",
    "县能源局": "能源", "中国银保监会长治监管分局壶关监管组": "金融监管", "运城银保监分局闻喜监管组": "金融监管",
    "人行闻喜支行": "人民银行",
}


@pytest.mark.parametrize("name", ["huguan", "wenxi"])
def test_units_every_sample_unit_has_the_right_canonical(name, sample_actions):
    gold = load_gold(name)
    gold_names = {n for a in gold["actions"] for role in ("lead", "cooperating") for n in a[role]}
    extracted = {u.name: u.canonical for a in sample_actions[name] for u in (*a.lead, *a.cooperating)}
    assert set(extracted) == gold_names
    assert {n: extracted[n] for n in gold_names} == {n: EXPECTED_IDS[n] for n in gold_names}


def test_units_name_split_across_a_page_break_is_one_unit(sample_actions):
    """Wenxi's PDF text breaks 运城银保监分局闻喜监管组 over a page: 运 / 城银保监分局…"""
    raw = (ROOT / "corpora" / "001_71559f4dc2e04346.txt").read_text(encoding="utf-8")
    assert "运\n\n城银保监分局闻喜监管组" in raw
    action = next(a for a in sample_actions["wenxi"] if a.number == 9)
    unit = next(u for u in action.cooperating if "银保监" in u.name)
    assert (unit.name, unit.canonical, unit.level) == ("运城银保监分局闻喜监管组", "金融监管", "national-branch")


# ---- unknown units are reported ------------------------------------------------------------------

def test_units_unknown_units_are_warned_and_listed_with_counts(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli

    notice = tmp_path / "notice.txt"
    notice.write_text(
        "壶关县人民政府办公室关于印发测试方案的通知\n壶政办发〔2023〕99号\n"
        "一、重点任务\n（一）实施气象保障行动。加强监测。（县气象站牵头，县工信局、县地震台按职责分工负责）\n"
        "（二）实施数据行动。完善平台。（县气象站牵头，县财政局按职责分工负责）\n"
        "壶关县人民政府办公室\n2023年10月30日\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(notice), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "units_unknown.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {row["unit_name"]: int(row["count"]) for row in csv.DictReader(fh)}
    assert rows == {"县气象站": 2, "县地震台": 1}
    import json

    record = json.loads((out / "notices.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert any("县气象站" in w and "县地震台" in w for w in record["warnings"])
    units = [u for a in record["actions"] for role in ("lead", "cooperating") for u in a[role]]
    assert {u["name"]: u["canonical"] for u in units}["县气象站"] is None
    assert "2 unknown" in result.output


def test_units_command_looks_names_up():
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["units", "县工科局", "縣審批服務管理局", "县气象站"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert rows == [["name", "canonical", "level", "display_name", "category"],
                    ["县工科局", "工业和信息化", "county", "工业和信息化局", "经济"],
                    ["縣審批服務管理局", "行政审批", "county", "行政审批服务管理局", "服务监管"],
                    ["县气象站", "", "", "", ""]]


# identify remembers its answers per table; a remembered answer must be the one it would compute.
@pytest.mark.parametrize("name", [
    "县工信局", "县工科局", "县发改和科技局", "市生态环境局壶关分局", "运城银保监分局闻喜监管组",
    "縣審批服務管理局", "县工信局（牵头）", "各乡（镇）人民政府", "闻喜经开区管委会", "县某某局", "",
])
def test_units_identify_remembers_what_it_computes(name, units_table):
    from extractors.units import _identify

    assert identify(name, units_table) == _identify(name, units_table)
    assert identify(name, units_table) == _identify(name, units_table)  # second call: from memory


def test_units_identify_answers_from_the_table_it_is_given(units_table):
    own = load_unit_table(data_dir())  # an equal table, but another object: its own answers
    assert identify("县工信局", units_table) == ("工业和信息化", "county")
    renamed = type(own)(own.units, {**own.aliases, "工信局": "财政"}, own.patterns, own.suffixes)
    assert identify("县工信局", renamed) == ("财政", "county")
    assert identify("县工信局", units_table) == ("工业和信息化", "county")


def test_units_unseen_endings_come_from_the_suffix_table():
    table = load_unit_table(data_dir())
    assert set(table.unseen_suffixes) <= set(table.suffixes)
    assert {"局", "中心", "管委会", "公司"} <= set(table.unseen_suffixes)
    assert "办" not in table.unseen_suffixes  # 管理办法, 交办 are no units
    assert list(table.unseen_suffixes) == sorted(table.unseen_suffixes, key=len, reverse=True)
