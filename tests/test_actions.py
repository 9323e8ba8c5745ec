"""Actions and responsibilities on real sentences and whole sample notices."""

from __future__ import annotations

import pytest

from extractors.actions import extract_actions
from extractors.responsibility import parse_responsibility
from pipeline.normalise import normalise
from pipeline.outline import outline
from tests.conftest import load_gold


def names(units):
    return [u.name for u in units]


def assert_actions(notice: str, expected: list, units_table) -> None:
    """The notice's actions as (title, lead names, cooperating names); every title and unit span slices back to it."""
    text = normalise(notice).text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == expected
    for action in actions:
        assert text[action.title_span[0]:action.title_span[1]] == action.title
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name


@pytest.mark.parametrize("clause, lead, cooperating", [
    # Huguan: 等部门和各乡镇政府
    ("县工信局、县乡村振兴局、县文旅局牵头，县发改和科技局、县财政局、县自然资源局、市生态环境局壶关分局、县行政审批局、"
     "县市场监管局、县金融服务中心、县中小企业服务中心等部门和各乡镇政府按职责分工负责",
     ["县工信局", "县乡村振兴局", "县文旅局"],
     ["县发改和科技局", "县财政局", "县自然资源局", "市生态环境局壶关分局", "县行政审批局", "县市场监管局",
      "县金融服务中心", "县中小企业服务中心", "各乡镇政府"]),
    # Wenxi: 和 joins two units, but not inside 县发改和科技局
    ("县发改局牵头，县工科局、县能源局、各乡镇政府和闻喜经开区管委会按职责分工负责",
     ["县发改局"], ["县工科局", "县能源局", "各乡镇政府", "闻喜经开区管委会"]),
    ("县商务中心牵头，县发改和科技局、县住建局配合", ["县商务中心"], ["县发改和科技局", "县住建局"]),
    ("县工信局会同县财政局负责", ["县工信局"], ["县财政局"]),
])
def test_actions_split_lead_and_cooperating_units(clause, lead, cooperating, units_table):
    got_lead, got_cooperating, _, warnings = parse_responsibility(clause, 0, units_table)
    assert (names(got_lead), names(got_cooperating)) == (lead, cooperating)
    assert warnings == []


def test_actions_without_lead_put_everyone_in_lead_and_warn(units_table):
    lead, cooperating, rule, warnings = parse_responsibility("县工信局、县财政局按职责分工负责", 0, units_table)
    assert names(lead) == ["县工信局", "县财政局"] and cooperating == ()
    assert rule == "responsibility.no_lead" and warnings


def test_actions_labelled_responsibility(units_table):
    text = normalise("三、主要任务\n1.加快项目建设。推进重点项目落地。牵头单位：县发改局；配合单位：县财政局、县自然资源局\n"
                     "2.优化营商环境。责任单位：县行政审批局（牵头）、县市场监管局").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        ("加快项目建设", ["县发改局"], ["县财政局", "县自然资源局"]),
        ("优化营商环境", ["县行政审批局"], ["县市场监管局"]),
    ]


def test_actions_match_gold_on_the_samples(sample, units_table):
    name, text = sample
    gold = load_gold(name)
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.number, a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        (g["number"], g["title"], g["lead"], g["cooperating"]) for g in gold["actions"]]


def test_actions_spans_slice_back(sample, units_table):
    _, text = sample
    for action in extract_actions(text, outline(text), units_table):
        assert text[action.title_span[0]:action.title_span[1]] == action.title
        assert text[action.span[0]:action.span[1]].startswith(action.marker + action.title)
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name


def test_actions_ignore_descriptive_numbered_lists(units_table):
    text = normalise("二、支持重点和认定标准\n(一)历史传承厚重。专业镇主导产业拥有历史传承的独特产品。\n"
                     "(二)就业富民带动面广。产业集群集聚效应明显。").text
    assert extract_actions(text, outline(text), units_table) == []


@pytest.mark.parametrize("notice, expected", [
    # 牵头单位 / 责任单位 on their own lines (立山区): 责任单位 cooperate where a 牵头单位 is named
    ("一、经济社会发展的主要预期目标\n1.努力实现地区生产总值增长6.2%左右。\n牵头单位：区发改局\n"
     "责任单位：立山经济开发区，全区经济运行各专班\n2.规模上工业增加值增长5%左右。\n牵头单位：区工信局\n责任单位：立山经济开发区",
     [("努力实现地区生产总值增长6.2%左右", ["区发改局"], ["立山经济开发区", "全区经济运行各专班"]),
      ("规模上工业增加值增长5%左右", ["区工信局"], ["立山经济开发区"])]),
    # 〔责任单位：…按职责分工负责。…〕 (四川省): no lead named, the tail and the bracket are no unit
    ("一、深化现代流通市场化改革\n（一）加强市场体系建设。推进高标准市场体系建设。〔责任单位：省发展改革委、省市场监管局、商务厅、"
     "省大数据中心按职责分工负责。具体任务均涉及相关市（州）人民政府，不再做分工，下同。〕\n"
     "（二）优化市场准入环境。实施“证照分离”改革全覆盖。〔责任单位：省市场监管局〕",
     [("加强市场体系建设", ["省发展改革委", "省市场监管局", "商务厅", "省大数据中心"], []),
      ("优化市场准入环境", ["省市场监管局"], [])]),
    # the section's heading names the lead (婺城区): the clause is not part of the title
    ("一、强化科技创新（区科技局牵头）\n以统筹深化教育科技人才一体化改革为牵引。2025年，力争全社会研发投入强度达到2.95%。",
     [("强化科技创新", ["区科技局"], [])]),
    # 一、X牵头工作（8项） (沁县): every item below inherits the lead
    ("一、县示范区管委会牵头工作（8项）\n1.投资3000万元建设南美白对虾工厂化循环水养殖基地。\n2.打造食用菌酵素生产基地。",
     [("投资3000万元建设南美白对虾工厂化循环水养殖基地", ["县示范区管委会"], []),
      ("打造食用菌酵素生产基地", ["县示范区管委会"], [])]),
    # 以下任务由X牵头 in the section's opening sentence; an item's own clause still wins
    ("三、重点任务\n以下任务由县发改局牵头，县财政局配合。\n（一）加快项目建设。推进重点项目落地。\n"
     "（二）优化营商环境。深化放管服改革。（县行政审批局牵头，县市场监管局配合）",
     [("加快项目建设", ["县发改局"], ["县财政局"]), ("优化营商环境", ["县行政审批局"], ["县市场监管局"])]),
    # （X牵头，Y配合） with 等部门 followed by a second list (官渡区)
    ("一、提高投资项目审批效率\n4.加强项目谋划储备。编制完成官渡区三年滚动投资计划。（区发改局牵头，区财政局、区交运局等部门，"
     "区国投公司、各街道办事处配合）",
     [("加强项目谋划储备", ["区发改局"], ["区财政局", "区交运局", "区国投公司", "各街道办事处"])]),
    # X、Y牵头，市级各有关部门及各县市区政府按职责分工负责 (咸阳市)
    ("一、坚持系统集成\n1.全面实施行政许可事项清单管理。依据国家和省行政许可事项清单。（市政府办公室、市行政审批制度改革工作领导小组办公室牵头，"
     "市级各有关部门及各县市区政府按职责分工负责）",
     [("全面实施行政许可事项清单管理", ["市政府办公室", "市行政审批制度改革工作领导小组办公室"], ["市级各有关部门", "各县市区政府"])]),
    # （牵头单位：X，配合单位：Y） inside a parenthesis, labels separated by a comma (杭州市); the heading
    # whose sub-items assign units is no action itself, nor is its sibling that assigns none
    ("一、工作目标\n到2020年，基于互联网的新业态成为新的经济增长动力。\n二、实施重点\n（一）“互联网+”创业创新\n"
     "1.大力发展众创空间。三年内认定市级众创空间60家以上。（牵头单位：市科委，配合单位：各区县市）\n"
     "2.加快特色小镇建设。聚焦信息经济特色小镇建设。（牵头单位：市发改委，配合单位：各区县市）",
     [("大力发展众创空间", ["市科委"], ["各区县市"]), ("加快特色小镇建设", ["市发改委"], ["各区县市"])]),
    # items numbered ① ②, one clause with 负责 and no 牵头
    ("三、重点任务\n①实施市场主体倍增行动。培育壮大市场主体。（县工信局牵头，县财政局配合）\n"
     "②实施招商引资攻坚行动。开展精准招商。（县招商中心负责）",
     [("实施市场主体倍增行动", ["县工信局"], ["县财政局"]), ("实施招商引资攻坚行动", ["县招商中心"], [])]),
    # a clause on its own line after the sub-items closes the enclosing item (运城市); 各县（市、区） stays whole
    ("（一）“一案三制”建设\n1.完善应急预案体系\n（1）加强应急预案管理，规范应急预案编制。\n（2）加强应急预案演练，完善演练管理制度。\n"
     "（责任单位：市直各有关单位、各县（市、区）人民政府、各开发区管委会）",
     [("完善应急预案体系", ["市直各有关单位", "各县（市、区）人民政府", "各开发区管委会"], [])]),
    # a labelled list in one bracket, units with 〔〕 (贵州省)
    ("二、重点任务\n1.全面放宽全省城镇落户限制。加快推进农业转移人口落户城镇。（牵头单位:省公安厅;责任单位:省人力资源社会保障厅、"
     "省教育厅,各市〔州〕人民政府、贵安新区管委会）",
     [("全面放宽全省城镇落户限制", ["省公安厅"], ["省人力资源社会保障厅", "省教育厅", "各市〔州〕人民政府", "贵安新区管委会"])]),
    # 牵头责任单位 / 协同责任单位 labels (安徽省 template), items marked 1﹒ (a small full stop)
    ("一、确保完成全年主要预期目标\n1﹒全省生产总值增长6%左右。\n牵头责任单位:省发展改革委\n协同责任单位:省统计局、各市人民政府\n"
     "2﹒城镇新增就业65万人以上。\n牵头责任单位:省人力资源社会保障厅\n协同责任单位:省教育厅",
     [("全省生产总值增长6%左右", ["省发展改革委"], ["省统计局", "各市人民政府"]),
      ("城镇新增就业65万人以上", ["省人力资源社会保障厅"], ["省教育厅"])]),
    # a table row flattened onto one line, its unit cell after the task's full stop (常熟市)
    ("一、经济社会发展主要预期目标分解(11项)\n1 地区生产总值增长7%以上,服务业增加值占GDP比重47.1%. 发改委\n2 一般公共预算收入增长8%以上. 财政局",
     [("地区生产总值增长7%以上，服务业增加值占GDP比重47.1%", ["发改委"], []), ("一般公共预算收入增长8%以上", ["财政局"], [])]),
    # 列第一位者为牵头或汇总单位 (桐乡市)
    ("一、重点工作\n1.推进工业经济稳增长。\n责任单位:经信局、发改局、财政局(列第一位者为牵头或汇总单位,下同)",
     [("推进工业经济稳增长", ["经信局"], ["发改局", "财政局"])]),
    # 列第一位者为… (湖州市 2020)
    ("一、坚定不移支持企业发展\n1.支持企业发展。(责任单位:市经信局、市财政局,列第一位者为工作牵头单位或汇总单位,下同)",
     [("支持企业发展", ["市经信局"], ["市财政局"])]),
    # a bracket of units only, closing the item, with no role word (宁波市); a bare （街道） is no unit
    ("一、主要预期目标\n1.生产总值增长12%。\n全市生产总值增长12%左右。（市发改委）\n2.工业增加值增长13%。\n规模以上工业增加值增长13%。（市经委、市环保局）\n"
     "3.新建婴幼儿照护服务驿站7家。\n3月底前新建成2家。（街道）",
     [("生产总值增长12%", ["市发改委"], []), ("工业增加值增长13%", ["市经委", "市环保局"], []),
      ("新建婴幼儿照护服务驿站7家", [], [])]),
    # a note with an exception (除标注“分别牵头”外) names no unit; 分别牵头: each of them leads (丽水市)
    ("一、主要预期目标\n1.固定资产投资增长10%。\n责任单位:市发改委、市经信局、市科技局(除标注“分别牵头”外,列第一位为牵头或汇总单位,下同)\n"
     "2.城乡居民收入增速保持全省领先。\n责任单位:市人力社保局、市农业农村局分别牵头",
     [("固定资产投资增长10%", ["市发改委"], ["市经信局", "市科技局"]),
      ("城乡居民收入增速保持全省领先", ["市人力社保局", "市农业农村局"], [])]),
    # 参加 closes a cooperating list like 配合 (济宁市)
    ("一、主要任务\n1.加强就业统计监测。（市人力资源社会保障局、市统计局牵头，市发展改革委、国家统计局济宁调查队参加）",
     [("加强就业统计监测", ["市人力资源社会保障局", "市统计局"], ["市发展改革委", "国家统计局济宁调查队"])]),
    # another role label ends a labelled list (成都市: 数据提供单位 supplies the figure, it leads nothing)
    ("一、主要目标\n1.地区生产总值增长7%以上。（牵头单位:市发改委,数据提供单位:市统计局）",
     [("地区生产总值增长7%以上", ["市发改委"], [])]),
    # the deadline closing a labelled list is no unit (湘西州)
    ("二、重点任务\n1.加大简政放权力度。做到“应放尽放”“应接尽接”。(牵头单位:州行政审批服务局;责任单位:州司法局、州委编办,"
     "各县市人民政府、湘西经开区管委会,6月底完成)",
     [("加大简政放权力度", ["州行政审批服务局"], ["州司法局", "州委编办", "各县市人民政府", "湘西经开区管委会"])]),
    # 不是任务：要求 without units, and a responsibility stated in prose of a non-task section (盘山县)
    ("一、奖励原则\n以公平、公正、公开为原则。\n二、评选办法\n由县农业局牵头，县委县政府督查室、县财政局配合，成立评选工作小组。\n"
     "三、奖励标准\n对评选出的3个先进镇政府分别给予10万元的奖励。", []),
])
def test_actions_read_every_responsibility_phrasing(notice, expected, units_table):
    assert_actions(notice, expected, units_table)


@pytest.mark.parametrize("clause, lead, cooperating", [
    ("由县农业局负责", ["县农业局"], []),
    ("县住建局负责", ["县住建局"], []),
    ("区政务服务局牵头，区发改局、区审改办、区住建局、区级相关部门配合", ["区政务服务局"], ["区发改局", "区审改办", "区住建局", "区级相关部门"]),
    ("市卫健委会同市教体局负责", ["市卫健委"], ["市教体局"]),
    ("市商务局牵头，市财政局、各县（市、区）人民政府按职责分工负责", ["市商务局"], ["市财政局", "各县（市、区）人民政府"]),
    ("各县（市、区）人民政府负责", ["各县（市、区）人民政府"], []),
    # the verb after 牵头 says what the lead does; it is no cooperating unit (苍南县)
    ("由县发改局牵头实施", ["县发改局"], []),
    # a timing note after the units names none (天津市); 分别负责 closes the list
    ("市政府各部门分别负责,年内持续推进", ["市政府各部门"], []),
    ("市商务局牵头,市财政局配合,2024年6月底前完成", ["市商务局"], ["市财政局"]),

    # each group of cooperating units closes with its own verb; a note after the stop names none (大气攻坚)
    ("市生态环境局牵头,市发改委、市经信局、市自然资源和规划局等参与,县(市、区)政府负责落实。以下均需县(市、区)政府落实,不再列出",
     ["市生态环境局"], ["市发改委", "市经信局", "市自然资源和规划局", "县(市、区)政府"]),
    # places sharing one body word are one unit, as printed (黑龙江省, 云南省)
    ("省发改委、铁路办、哈尔滨铁路局、相关市、县政府负责", ["省发改委", "铁路办", "哈尔滨铁路局", "相关市、县政府"], []),
    ("省发展改革委牵头,省财政厅,各州、市人民政府配合", ["省发展改革委"], ["省财政厅", "各州、市人民政府"]),
    ("县商务局牵头组织实施，县财政局配合", ["县商务局"], ["县财政局"]),
])
def test_actions_parse_short_responsibility_clauses(clause, lead, cooperating, units_table):
    got_lead, got_cooperating, _, _ = parse_responsibility(clause, 0, units_table)
    assert (names(got_lead), names(got_cooperating)) == (lead, cooperating)


def test_actions_of_a_notice_that_lost_its_line_breaks(units_table):
    body = ("壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知 壶政办发〔2023〕25号 各乡镇人民政府，县直各有关单位："
            "《壶关县促进专业镇高质量发展实施方案》已经县人民政府同意，现印发给你们，请认真贯彻执行。壶关县人民政府办公室 2023年10月30日 "
            "一、总体要求 为促进全县专业镇高质量发展，推动全县特色产业做大做强，加快建设市场主体集聚平台，带动就业富民。"
            "二、重点任务 （一）实施专业镇市场主体倍增行动。充分发挥专业镇作为市场主体集聚平台的功能作用，培育壮大市场主体。"
            "（县工信局牵头，县财政局和各乡镇政府按职责分工负责） （二）实施专业镇主导产业壮大行动。依托专业镇资源禀赋，做大做强主导产业。"
            "（县工信局、县文旅局牵头，县自然资源局等部门按职责分工负责） 三、保障措施 各乡镇、各部门要加强组织领导，明确责任分工，"
            "强化要素保障，确保各项任务落到实处，推动专业镇高质量发展取得实效。")
    text = normalise(body).text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        ("实施专业镇市场主体倍增行动", ["县工信局"], ["县财政局", "各乡镇政府"]),
        ("实施专业镇主导产业壮大行动", ["县工信局", "县文旅局"], ["县自然资源局"]),
    ]


def test_actions_read_the_readers_task_table_rows(units_table):
    # pipeline/readers/tables.py renders 序号 | 重点任务 | 牵头单位 | 配合单位 rows as numbered lines
    text = normalise("附件\n重点任务分工\n1.实施专业镇市场主体倍增行动。牵头单位：县工信局；配合单位：县财政局、各乡镇人民政府\n"
                     "2.优化营商环境。责任单位：县行政审批局（牵头）、县市场监管局").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        ("实施专业镇市场主体倍增行动", ["县工信局"], ["县财政局", "各乡镇人民政府"]),
        ("优化营商环境", ["县行政审批局"], ["县市场监管局"]),
    ]


def test_actions_articles_under_a_heading_are_one_list(units_table):
    # 呈贡区: 第一条 / 第二条 under 一、扩大有效投资; the second article's clause is cut by the page
    text = normalise("一、扩大有效投资\n第一条 强化招商引资。深入实施产业链“链长制”。（责任单位:昆明呈贡信息产业园区管委会、区商务和投资促进局）\n"
                     "第二条 加快推进重大项目。对当年完成固定资产投资30亿元(含)以上的项目投资主体给予奖补").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead)) for a in actions] == [
        ("强化招商引资", ["昆明呈贡信息产业园区管委会", "区商务和投资促进局"]), ("加快推进重大项目", [])]


def test_actions_note_inside_the_clause_and_a_page_that_lost_its_breaks(units_table):
    # 嘉兴市: the whole page on one line; the first clause carries the note 列第一位的为牵头单位，下同
    text = normalise("嘉兴市贯彻落实浙江省促进民营经济高质量发展若干措施实施方案为深入贯彻中共中央、国务院关于促进民营经济发展壮大的"
                     "决策部署,全面落实浙江省促进民营经济高质量发展若干措施,激发民营经济发展活力,提振民营经济发展信心,结合嘉兴实际,"
                     "制定本实施方案。一、加强民营经济资源要素支持(一)强化财税政策保障。贯彻落实党中央、国务院关于延续优化完善实施"
                     "阶段性税费优惠政策的决策部署,依规加大减税降费力度。增值税小规模纳税人减免增值税,"
                     "小微企业减按25%计入应纳税所得额，并延续至2027年底。(市税务局、市财政局、市科技局,各县市、区政府,列第一位的为牵头单位,"
                     "下同。以下均需各县市、区政府落实,不再列出)(二)优化要素保障。加大用地保障力度。(市自然资源和规划局、市发展改革委)").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        ("强化财税政策保障", ["市税务局"], ["市财政局", "市科技局", "各县市、区政府"]),
        ("优化要素保障", ["市自然资源和规划局"], ["市发展改革委"])]


@pytest.mark.parametrize("notice, expected", [
    # 广东省: the clause on a line of its own under a 部门分工 label, after the leader in charge
    ("一、2021年经济社会发展主要预期目标\n1.地区生产总值增长6%以上。\n分管省领导:林克庆\n部门分工:省发展改革委牵头,各地、各部门配合。\n"
     "2.地方一般公共预算收入增长5%左右。\n分管省领导:林克庆\n部门分工:省财政厅牵头,各地、各部门配合。",
     [("地区生产总值增长6%以上", ["省发展改革委"], ["各地", "各部门"]), ("地方一般公共预算收入增长5%左右", ["省财政厅"], ["各地", "各部门"])]),
    # 吴江区: a table's unit cell after each item, ★ marks the lead; the leader's name is no unit
    ("一、2024年全区经济社会发展主要预期目标\n|\n1.地区生产总值增长5%以上。\n|\n钱 宇\n|\n★区发改委、统计局\n|\n"
     "2.一般公共预算收入同口径增长6%以上。\n|\n★区财政局、税务局\n|",
     [("地区生产总值增长5%以上", ["区发改委"], ["统计局"]), ("一般公共预算收入同口径增长6%以上", ["区财政局"], ["税务局"])]),
])
def test_actions_read_division_labels_and_lead_marks(notice, expected, units_table):
    assert_actions(notice, expected, units_table)


def test_actions_items_carry_the_cells_of_a_header_printed_once(units_table):
    # 沈河区: 主要工作任务 / 牵头单位 / 责任单位 once, then each numbered item with its unit cells on lines of their own
    assert_actions("2024年政府工作报告主要工作任务分解表\n主要工作任务\n牵头单位\n责任单位\n一、优结构、谋发展\n"
                   "1.主动对接国家战略，加快形成新质生产力。\n区发改局\n区工信局、区商务局、各街道办事处\n"
                   "2.大力发展战略性新兴产业。\n区发改局\n区工信局\n3.积极培育未来产业。\n区科技局\n",
                   [("主动对接国家战略，加快形成新质生产力", ["区发改局"], ["区工信局", "区商务局", "各街道办事处"]),
                    ("大力发展战略性新兴产业", ["区发改局"], ["区工信局"]), ("积极培育未来产业", ["区科技局"], [])],
                   units_table)


def test_actions_items_numbered_on_across_sub_headings_are_one_list(units_table):
    # 天津市: (一) / 1. / (二) / 2.; item 2's clause is cut by the page, its heading is no action
    text = normalise("一、任务分工\n(一)总体要求\n1.全面贯彻党的十九大精神，扎实做好各项工作。(市政府各部门分别负责,年内持续推进)\n"
                     "(二)今年发展主要预期目标\n2.坚定信心,攻坚克难,努力保持经济社会持续健康发展。地区生产总值增长6.5%。").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.marker, names(a.lead)) for a in actions] == [("1.", ["市政府各部门"]), ("2.", [])]


@pytest.mark.parametrize("notice, expected", [
    # 大竹县: a 民生实事 table, one unit per line in the 责任单位 cell, a sub-row without a number
    ("附件\n2016年民生实事目标任务分解表\n序号\n民生实事\n责任单位\n完成时限\n1\n启动建设东柳河城区段综合治理工程和东湖湿地公园。\n"
     "县水务局\n县住建局\n县护城河指挥部\n12月底前\n2\n新建2座人行天桥。\n县住建局\n9月投入使用\n"
     "3\n开工建设县老年养护楼。\n县民政局\n5月底前动工\n开工建设老年大学。\n12月底前",
     [("启动建设东柳河城区段综合治理工程和东湖湿地公园", ["县水务局", "县住建局", "县护城河指挥部"], []),
      ("新建2座人行天桥", ["县住建局"], []), ("开工建设县老年养护楼", ["县民政局"], [])]),
    # 洋县: a project sheet with place, time, contents and money columns, cells with their borders after them
    ("附件:\n|\n序号 |\n项目名称 |\n建设地点 |\n建设时间 |\n2024年建设内容 |\n年度投资金额 (万元) |\n责任单位 |\n|\n"
     "1 |\n洋县中小学幼儿园基础设施提升改造项目 |\n相关镇 (街道) |\n2024 |\n对马畅中小等学校运动场地进行改造。 |\n300 |\n教体局 |\n|\n"
     "2 |\n城北小学门前道路建设项目 |\n纸坊街道 |\n2024 |\n建成唐塔北路延伸段道路。 |\n300 |\n住建局 |",
     [("洋县中小学幼儿园基础设施提升改造项目", ["教体局"], []), ("城北小学门前道路建设项目", ["住建局"], [])]),
    # 芜湖市: rows numbered (1) (2) with bars, 牵头责任单位 / 责任单位 columns, a group row between
    ("序号 | 目标与任务 | 牵头责任单位 | 责任单位 |\n一、主要预期目标 | |||\n(1) | 地区生产总值增长6%以上。 | 市发展改革委 | 各县市区政府、 开发区管委会 |\n"
     "(2) | 固定资产投资增长6%左右。 | 市发展改革委 | 各县市区政府、 开发区管委会 |",
     [("地区生产总值增长6%以上", ["市发展改革委"], ["各县市区政府", "开发区管委会"]),
      ("固定资产投资增长6%左右", ["市发展改革委"], ["各县市区政府", "开发区管委会"])]),
    # 辽中区: a group row between header and rows, a leader column some rows leave empty
    ("2024年政府工作报告主要工作任务分解表\n序号\n主要工作举措\n牵头单位\n配合单位\n责任领导\n一、做大做强主导产业\n1\n"
     "加快构建具有辽中特色的现代化产业体系，实现三产融合发展。\n区农业农村局\n区发展改革局、区工业和信息化局、沈阳近海经济区管委会\n"
     "2\n推动胜达再生塑料等一批项目的签约落地。\n沈阳近海经济区管委会\n自然资源分局、生态环境分局、区发展改革局\n冯冬昌\n",
     [("加快构建具有辽中特色的现代化产业体系，实现三产融合发展", ["区农业农村局"], ["区发展改革局", "区工业和信息化局", "沈阳近海经济区管委会"]),
      ("推动胜达再生塑料等一批项目的签约落地", ["沈阳近海经济区管委会"], ["自然资源分局", "生态环境分局", "区发展改革局"])]),
    # 谯城区: header and rows with spaces between the cells; a unit cell over two lines; a cell closing with 。
    ("序号 重点工作任务 主要责任单位 协同配合单位\n一、2025年经济社会发展的主要预期目标\n"
     "1 地区生产总值增长6.5%左右。 区发改委 区政府各部门,谯城经开区管委会,魏武国控集团。\n"
     "2 一般公共预算收入增长5%左右。 区财政局\n区税务局\n区政府有关部门,谯城经开区管委会。",
     [("地区生产总值增长6.5%左右", ["区发改委"], ["区政府各部门", "谯城经开区管委会", "魏武国控集团"]),
      ("一般公共预算收入增长5%左右", ["区财政局", "区税务局"], ["区政府有关部门", "谯城经开区管委会"])]),
    # 六安市: a group row before the first row; the last column holds the task's source (a doc number)
    ("2022年重点工作及责任清单\n序号\n重点工作\n牵头责任单位\n协同责任单位\n任务来源\n一、潘东旭市长负责事项（共9项）\n1\n"
     "全面延伸“双招双引”，继续坚持“顶格倾听、顶格协调、顶格推进”。\n市政府办\n市政府各部门、各直属机构\n皖政〔2022〕9号文件",
     [("全面延伸“双招双引”，继续坚持“顶格倾听、顶格协调、顶格推进”", ["市政府办"], ["市政府各部门", "各直属机构"])]),
    # 临安区: one row per line with bars, a plan column between the task and the units
    ("序号 | 实事项目 | 工作举措及实施计划 | 责任单位 | 配合单位 |\n"
     "1 | 新建成公办中小学、幼儿园7所。 | 1.4月底前主体完工。2.8月底前竣工交付。 | 教育局 | 发改局、住建局、财政局,锦城街道 |",
     [("新建成公办中小学、幼儿园7所", ["教育局"], ["发改局", "住建局", "财政局", "锦城街道"])]),
])
def test_actions_read_task_tables_of_every_header(notice, expected, units_table):
    assert_actions(notice, expected, units_table)


def test_actions_read_a_task_table_flattened_one_cell_per_line(units_table):
    # 莲都区: 序号 / 事项 / 责任单位 / 牵头单位, every cell on its own line, a category cell between groups
    text = normalise("分类\n\n序号\n\n事项\n\n责任单位\n\n牵头单位\n\n发展目标\n\n1\n\n地区生产总值增长6.5%以上。\n\n"
                     "区农业农村局、区经商局、区市场监管局、区建设局、区发改局、区交通局、莲都邮政管理局、区商金中心、区人力社保局\n\n"
                     "区发改局\n\n2\n\n区本级固定资产投资增长25%。\n\n区发改局\n\n区发改局\n\n3\n\n区本级规上工业增加值增长10%。\n\n"
                     "区经商局、莲都经开区管委会\n\n区经商局").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.number, a.title, names(a.lead), names(a.cooperating)) for a in actions] == [
        (1, "地区生产总值增长6.5%以上", ["区发改局"],
         ["区农业农村局", "区经商局", "区市场监管局", "区建设局", "区交通局", "莲都邮政管理局", "区商金中心", "区人力社保局"]),
        (2, "区本级固定资产投资增长25%", ["区发改局"], []),
        (3, "区本级规上工业增加值增长10%", ["区经商局"], ["莲都经开区管委会"]),
    ]
    for action in actions:
        assert text[action.title_span[0]:action.title_span[1]] == action.title
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name


def test_actions_first_listed_unit_leads_where_the_notice_says_so(units_table):
    # 韶关市: （责任单位：市税务局、市财政局，排在首位的为牵头单位，下同）
    text = normalise("一、政策措施\n（一）降低企业税收负担\n1.全市城镇土地使用税税额标准下调至1—8元/平方米。"
                     "（责任单位：市税务局、市财政局，排在首位的为牵头单位，下同）\n"
                     "2.全面落实执行印花税核定征收管理办法。（责任单位：市税务局、市财政局、市发展改革局）\n"
                     "3.落实残疾人就业保障金政策。（责任单位：市残联）").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(names(a.lead), names(a.cooperating)) for a in actions] == [
        (["市税务局"], ["市财政局"]), (["市税务局"], ["市财政局", "市发展改革局"]), (["市残联"], [])]
    # 湖州市: the remark in its own brackets right after the list, with 工作 before 牵头; it names no unit
    text = normalise("一、洪湖鹏市长主抓重点工作\n1.坚持并完善“第一议题”等学习制度。\n"
                     "责任单位:市政府办公室、市级其他有关单位、各区县政府(南太湖新区、长合区管委会)(列第一位的为工作牵头单位或汇总单位,下同)\n"
                     "2.全面实施“大招商大引才大建设大发展”行动。\n责任单位:市商务局、市发展改革委").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(names(a.lead), names(a.cooperating)) for a in actions] == [
        (["市政府办公室"], ["市级其他有关单位", "各区县政府（南太湖新区、长合区管委会）"]), (["市商务局"], ["市发展改革委"])]
    # without the remark, a 责任单位 list names no lead: all lead, with a warning
    plain = normalise("一、政策措施\n1.落实印花税核定征收。（责任单位：市税务局、市财政局）\n2.落实保障金政策。（责任单位：市残联）").text
    first = extract_actions(plain, outline(plain), units_table)[0]
    assert (names(first.lead), names(first.cooperating)) == (["市税务局", "市财政局"], []) and first.warnings


TASKS = ("三、重点任务\n（一）实施市场主体倍增行动。培育壮大市场主体。\n（二）实施招商引资攻坚行动。开展精准招商。\n"
         "（三）实施营商环境优化行动。深化放管服改革。\n")
TASK_TITLES = ["实施市场主体倍增行动", "实施招商引资攻坚行动", "实施营商环境优化行动"]


@pytest.mark.parametrize("division, expected", [
    # unit by unit, the tasks by their numbers (the phrasing issue 9 quotes): 牵头负责 and 配合 on one line
    ("四、责任分工\n1.县工信局：牵头负责第（一）（三）项任务，配合第（二）项任务。\n2.县招商中心：牵头负责第（二）项任务。\n"
     "3.县财政局、县行政审批局：配合第（一）至（三）项任务。",
     [(["县工信局"], ["县财政局", "县行政审批局"]), (["县招商中心"], ["县工信局", "县财政局", "县行政审批局"]),
      (["县工信局"], ["县财政局", "县行政审批局"])]),
    # task numbers first, 至 fills the range, 由X牵头，Y配合; the list's own (一) (三) are no tasks
    ("五、任务分工\n（一）至（二）项由县发改局牵头，县财政局配合。\n（三）项由县行政审批局负责。",
     [(["县发改局"], ["县财政局"]), (["县发改局"], ["县财政局"]), (["县行政审批局"], [])]),
    # an attachment line as the heading; 第一、二项 with bare numerals answer to （一） （二）
    ("附件：重点任务责任分工\n第一、二项任务：县发改局牵头，县财政局配合\n第三项任务：县商务局负责",
     [(["县发改局"], ["县财政局"]), (["县发改局"], ["县财政局"]), (["县商务局"], [])]),
    # no division heading: 第（一）项 in the body says what a rule covers, not who does the task
    ("四、保障措施\n按第（一）项规定的补贴由县财政局负责发放。", [([], [])] * 3),
    # a heading that only mentions 责任分工 in passing is no list (项目依托单位与合作研究单位责任分工和经费分配)
    ("四、项目依托单位与合作研究单位责任分工和经费分配\n（一）至（三）项由县发改局牵头，县财政局配合。", [([], [])] * 3),
    # a number no task has is left alone
    ("四、责任分工\n1.县工信局：牵头负责第（五）项任务。", [([], [])] * 3),
])
def test_actions_take_units_from_a_plan_level_division_list(division, expected, units_table):
    text = normalise(TASKS + division).text
    actions = extract_actions(text, outline(text), units_table)
    assert [a.title for a in actions] == TASK_TITLES
    assert [(names(a.lead), names(a.cooperating)) for a in actions] == expected
    for action in actions:
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name


def test_actions_own_clause_wins_over_the_division_list(units_table):
    text = normalise("三、重点任务\n（一）实施市场主体倍增行动。培育壮大市场主体。（县工信局牵头，县财政局配合）\n"
                     "（二）实施招商引资攻坚行动。开展精准招商。\n四、责任分工\n（一）至（二）项由县招商中心牵头。").text
    actions = extract_actions(text, outline(text), units_table)
    assert [(names(a.lead), names(a.cooperating), a.rule) for a in actions] == [
        (["县工信局"], ["县财政局"], "responsibility.qiantou"), (["县招商中心"], [], "responsibility.division")]


@pytest.mark.parametrize("notice, expected", [
    # 一是…（X牵头，Y配合）；二是…（Z负责） inside a section's paragraph: each item is an action
    ("三、重点任务\n（二）强化要素保障。一是加强用地保障，优先安排项目用地（县自然资源局牵头，县住建局配合）；"
     "二是加强资金保障，统筹各类资金（县财政局负责）。",
     [("一是", "加强用地保障", ["县自然资源局"], ["县住建局"]), ("二是", "加强资金保障", ["县财政局"], [])]),
    # the same run opening its own line (the outline reads 一是 there) still splits at 二是
    ("三、重点任务\n一是加强用地保障（县自然资源局牵头）；二是加强资金保障（县财政局牵头，县发改局配合）。",
     [("一是", "加强用地保障", ["县自然资源局"], []), ("二是", "加强资金保障", ["县财政局"], ["县发改局"])]),
    # a meeting's demands (禄劝县 / 户县 news): an enumeration that names no units is prose
    ("会议要求：一是要高度重视，加强衔接沟通，确保规划到位；二是细化完善任务措施，谋划支撑发展项目；三是按时上报项目规划表。", []),
    # units named once before the run, not per item (a 县畜牧局 work plan): no item assigns units itself
    ("局生产技术科牵头，由县畜牧兽医技术推广中心配合，做好以下几方面工作：一是加大农村养殖技能培训。每年完成培训农民1000余人。"
     "二是积极引导、推广养殖户向规模化发展。", []),
    # 统一 / 唯一 are no ordinals: 一是 needs a stop or a line start before it
    ("三、重点任务\n（一）推进统一是关键，加强统筹（县发改局牵头）。", [("（一）", "推进统一是关键，加强统筹", ["县发改局"], [])]),
])
def test_actions_read_one_shi_er_shi_items_inside_a_paragraph(notice, expected, units_table):
    text = normalise(notice).text
    actions = extract_actions(text, outline(text), units_table)
    assert [(a.marker, a.title, names(a.lead), names(a.cooperating)) for a in actions] == expected
    for action in actions:
        assert text[action.title_span[0]:action.title_span[1]] == action.title


TABLE_TASKS = "三、重点任务\n（一）实施市场主体倍增行动。培育壮大市场主体。\n（二）实施招商引资攻坚行动。开展精准招商。\n"


@pytest.mark.parametrize("notice, expected", [
    # a 任务分解表 pasted with tabs: its rows are actions of their own
    ("附件\n重点任务分解表\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
     "1\t地区生产总值增长6.5%以上\t区发改局\t区统计局、各街道办事处\t2023年12月底\n2\t规上工业增加值增长8%\t区工信局\t区财政局\t2023年12月底",
     [("地区生产总值增长6.5%以上", ["区发改局"], ["区统计局", "各街道办事处"]), ("规上工业增加值增长8%", ["区工信局"], ["区财政局"])]),
    # a 责任分工 table whose rows name the tasks defined above: those tasks take its units, no row is added
    (TABLE_TASKS + "附件\n重点任务责任分工表\n序号\t重点任务\t牵头单位\t配合单位\n1\t实施市场主体倍增行动\t县工信局\t县财政局\n"
     "2\t（二）实施招商引资攻坚行动\t县招商中心\t县商务局、各乡镇政府",
     [("实施市场主体倍增行动", ["县工信局"], ["县财政局"]), ("实施招商引资攻坚行动", ["县招商中心"], ["县商务局", "各乡镇政府"])]),
    # a row whose task no earlier item has is a task of its own
    (TABLE_TASKS + "附件\n序号\t重点任务\t牵头单位\n1\t优化营商环境\t县行政审批局",
     [("实施市场主体倍增行动", [], []), ("实施招商引资攻坚行动", [], []), ("优化营商环境", ["县行政审批局"], [])]),
    # one row per line with bars, a leader column (a person) and a progress column (吉水县); units split by a space
    ("一、10件民生实事任务分解表\n序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |\n"
     "1 | 推动义务教育基本均衡向优质均衡发展,增加义务教育学位5000个。 | 毛晓青 | 县教体局 各相关乡镇政府 | 新增义务教育学位5500个。 |\n"
     "2 | 扎实推进城乡供水一体化建设。 | 张学伟 | 县住建局 各相关乡镇政府 | 金滩水厂建设基本完成。 |",
     [("推动义务教育基本均衡向优质均衡发展，增加义务教育学位5000个", ["县教体局", "各相关乡镇政府"], []),
      ("扎实推进城乡供水一体化建设", ["县住建局", "各相关乡镇政府"], [])]),
])
def test_actions_read_tab_separated_task_tables(notice, expected, units_table):
    assert_actions(notice, expected, units_table)
