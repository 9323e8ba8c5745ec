"""The spaCy unit pipeline: known units by alias, whole names, branches, unseen names."""

from __future__ import annotations

import pytest

from extractors.unit_ner import find_units, unit_nlp


@pytest.fixture(scope="module")
def nlp(units_table):
    return unit_nlp(units_table)


@pytest.mark.parametrize("text, expected", [
    # free text: 由…负责, 设在…
    ("由县工信局负责", [("县工信局", "工业和信息化", "county")]),
    ("领导小组办公室设在县工信局", [("县工信局", "工业和信息化", "county")]),
    ("推动县工信局做好服务", [("县工信局", "工业和信息化", "county")]),
    # whole names: level word, place, party prefix, branch tail
    ("中共壶关县委组织部", [("中共壶关县委组织部", "组织", "county")]),
    ("各乡镇政府和闻喜经开区管委会按职责分工负责",
     [("各乡镇政府", "乡镇政府", "collective"), ("闻喜经开区管委会", "开发区管委会", "county")]),
    ("市生态环境局壶关分局", [("市生态环境局壶关分局", "生态环境", "city-branch")]),
    ("县行政审批局、会同市教体局", [("县行政审批局", "行政审批", "county"), ("市教体局", "教育", "city")]),
    # party committee offices: no alias (县发改委办公室 would end in it), found by the ruler's anchors
    ("县委办公室、县政府办公室牵头", [("县委办公室", "党委办公室", "county"), ("县政府办公室", "政府办公室", "county")]),
    ("由中共壶关县委办负责", [("中共壶关县委办", "党委办公室", "county")]),
    # branches of national bodies, which no alias ends
    ("县小企业发展促进中心、人行闻喜支行、运城银保监分局闻喜监管组",
     [("县小企业发展促进中心", "中小企业服务", "county"), ("人行闻喜支行", "人民银行", "national-branch"),
      ("运城银保监分局闻喜监管组", "金融监管", "national-branch")]),
    ("县财政局、中国银保监会长治监管分局壶关监管组",
     [("县财政局", "财政", "county"), ("中国银保监会长治监管分局壶关监管组", "金融监管", "national-branch")]),
    # units run together
    ("县财政局县教育局", [("县财政局", "财政", "county"), ("县教育局", "教育", "county")]),
    # traditional characters: matched on the simplified form, reported as printed
    ("縣工信局、縣鄉村振興局牽頭", [("縣工信局", "工业和信息化", "county"), ("縣鄉村振興局", "农业农村", "county")]),
    # the addressees of the Jiangxian (絳縣) notice, printed in traditional characters
    ("各鄉（鎮）人民政府，絳縣經濟開發區管委會，縣直各有關單位：",
     [("各鄉（鎮）人民政府", "乡镇政府", "collective"), ("絳縣經濟開發區管委會", "开发区管委会", "county"),
      ("縣直各有關單位", "直属有关单位", "collective")]),
    # unseen unit-like names keep canonical None
    ("县气象站负责", [("县气象站", None, None)]),
    ("由县数字经济发展中心牵头", [("县数字经济发展中心", None, None)]),
    ("加快县气象站点建设", []),
    # not units
    ("培育专业镇市场主体，壮大县域经济", []),
    ("争创省级和国家级企业技术中心", []),
    ("制定县级专业镇认定标准和管理办法", []),
])
def test_unit_ner_finds_and_types_units(text, expected, nlp):
    found = find_units(text, nlp=nlp)
    assert [(u.name, u.canonical, u.level) for u in found] == expected
    assert all(text[u.span[0]:u.span[1]] == u.name for u in found)


def test_unit_ner_entities_carry_the_canonical_id(nlp):
    doc = nlp("县工科局牵头，县审批服务管理局配合")
    assert [(e.text, e.label_, e.kb_id_, e.id_) for e in doc.ents] == [
        ("县工科局", "UNIT", "工业和信息化", "工业和信息化"),
        ("县审批服务管理局", "UNIT", "行政审批", "行政审批")]


def test_unit_ner_reports_which_rule_found_each_unit(nlp):
    found = find_units("县工信局、人行闻喜支行、县气象站负责", nlp=nlp)
    assert [u.rule for u in found] == ["unit.ruler", "unit.branch", "unit.unseen"]


def test_unit_ner_spans_are_offset(nlp):
    found = find_units("由县工信局负责", offset=100, nlp=nlp)
    assert found[0].span == (101, 105)


def test_unit_ner_pipeline_is_built_once(units_table):
    assert unit_nlp(units_table) is unit_nlp(units_table)
    assert [name for name, _ in unit_nlp(units_table).pipeline] == ["unit_ruler", "unit_extent", "unit_unseen"]


def test_unit_ner_finds_every_responsible_unit_of_the_samples(sample, knowledge):
    """Every unit the gold names is found by the pipeline in the notice's text, with an id."""
    from tests.conftest import load_gold

    name, text = sample
    found = {(u.name, u.canonical is not None) for u in find_units(text)}
    gold = {n for a in load_gold(name)["actions"] for role in ("lead", "cooperating") for n in a[role]}
    assert {(n, True) for n in gold} <= found


def test_unit_ner_is_not_imported_by_the_cli():
    import subprocess
    import sys

    code = "import pipeline.cli, extractors.actions, sys; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unit_ner_any_list_of_known_units_is_cut_back_into_them(units_table):
    """Property: a list of known unit names joined by 、 / 和 / nothing comes back as those units."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from extractors.units import identify, make_units

    # aliases that are whole unit names once a level word stands before them; one that starts or
    # ends with a level word (区县政府, 经开区) makes a run-together list ambiguous (县经开区县政府办)
    levels = ("县", "市", "区", "省")
    aliases = sorted(a for a in units_table.aliases
                     if len(a) >= 3 and not a.startswith(levels) and not a.endswith(levels))
    names = st.builds(lambda level, alias: level + alias, st.sampled_from(["县", "市", "区"]), st.sampled_from(aliases))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(names, min_size=1, max_size=5), st.sampled_from(["、", "，", ""]))
    def check(units, separator):
        text = separator.join(units)
        made = make_units(text, 0, units_table)
        assert [u.name for u in made] == units
        assert [u.canonical for u in made] == [identify(n, units_table)[0] for n in units]
        assert all(text[u.span[0]:u.span[1]] == u.name for u in made)

    check()


# Real clauses of the two notices, as normalise() gives them (Wenxi's second one crosses a page
# break in the PDF text: 运 / 城银保监分局闻喜监管组).
SAMPLE_CLAUSES = [
    ("huguan", "县自然资源局、县发改和科技局、市生态环境局壶关分局、县金融服务中心牵头，县工信局、县乡村振兴局、"
               "县文旅局、县财政局、中国银保监会长治监管分局壶关监管组、县中小企业服务中心等部门和各乡镇政府按职责分工负责"),
    ("wenxi", "县自然资源局、县能源局、市生态环境局闻喜分局、县金融服务中心牵头，县工科局、县农业农村局、县文旅局、"
              "县发改局、县审批服务管理局、县财政局、县小企业发展促进中心、人行闻喜支行、运城银保监分局闻喜监管组、"
              "各乡镇政府和闻喜经开区管委会按职责分工负责"),
]


@pytest.mark.parametrize("name, clause", SAMPLE_CLAUSES)
def test_unit_ner_reads_real_clauses_in_either_script(name, clause, nlp):
    import opencc

    from pipeline.normalise import normalise
    from tests.conftest import SAMPLES

    text = normalise(SAMPLES[name].read_text(encoding="utf-8")).text
    assert clause in text  # the clause is the notice's own, page break rejoined
    from tests.conftest import load_gold

    gold = next(a for a in load_gold(name)["actions"] if a["number"] == 9)
    simplified = [(u.name, u.canonical, u.level) for u in find_units(clause, nlp=nlp)]
    assert [n for n, _, _ in simplified] == gold["lead"] + gold["cooperating"]
    assert all(canonical for _, canonical, _ in simplified)
    traditional = opencc.OpenCC("s2t").convert(clause)
    assert traditional != clause
    found = find_units(traditional, nlp=nlp)
    assert [(u.canonical, u.level) for u in found] == [(c, lvl) for _, c, lvl in simplified]
    assert [u.name for u in found] == [traditional[u.span[0]:u.span[1]] for u in found]
