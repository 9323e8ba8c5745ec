from __future__ import annotations

import pytest

from extractors.metadata import extract_metadata, find_region, parse_date
from pipeline.normalise import normalise
from tests.conftest import load_gold


def test_metadata_match_gold_on_the_samples(sample, knowledge):
    name, text = sample
    gold = load_gold(name)["metadata"]
    meta = extract_metadata(text, knowledge.regions)
    assert (meta.doc_number, meta.issuer, meta.title, meta.plan_title, meta.signed_date, meta.published_date) == (
        gold["doc_number"], gold["issuer"], gold["title"], gold["plan_title"], gold["signed_date"], gold["published_date"])
    assert (meta.region.province, meta.region.city, meta.region.county) == (gold["province"], gold["city"], gold["county"])
    fold = str.maketrans("()", "（）")
    assert [c.title for c in meta.cited_policies] == [t.translate(fold) for t in gold["cited_policies"]]
    assert [c.doc_number for c in meta.cited_policies if c.doc_number] == gold.get("cited_doc_numbers", [])
    assert meta.index_number == gold["index_number"] and meta.publishing_agency == gold["publishing_agency"]
    assert list(meta.addressees) == gold["addressees"]


@pytest.mark.parametrize("raw, iso", [
    ("2023年9月25日", "2023-09-25"), ("二〇二三年九月二十五日", "2023-09-25"), ("2023-09-25", "2023-09-25"),
    ("2023/9/25", "2023-09-25"), ("成文日期：2023.10.30", "2023-10-30"), ("2023年13月1日", None), ("无日期", None),
])
def test_metadata_parse_dates(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize("line, number", [
    ("晋政办发〔2022〕80号", "晋政办发〔2022〕80号"),
    ("京政发[2023]5号", "京政发[2023]5号"),
    ("粤府办（2024）12号", "粤府办（2024）12号"),
    ("浙政办发［2021］3号", "浙政办发［2021］3号"),
])
def test_metadata_doc_number_brackets(line, number, knowledge):
    text = f"某某县人民政府办公室文件\n{line}\n某某县人民政府办公室关于印发某某实施方案的通知"
    assert extract_metadata(text, knowledge.regions).doc_number == number


@pytest.mark.parametrize("issuer, region", [
    ("壶关县人民政府办公室", ("山西省", "长治市", "壶关县")),
    ("运城市人民政府办公室", ("山西省", "运城市", None)),
    ("山西省人民政府办公厅", ("山西省", None, None)),
    ("杭州市余杭区人民政府", ("浙江省", "杭州市", "余杭区")),
    ("北京市朝阳区人民政府", ("北京市", "北京市", "朝阳区")),
])
def test_metadata_region_covers_every_level(issuer, region, knowledge):
    found = find_region([issuer], knowledge.regions)
    assert (found.province, found.city, found.county) == region


def test_metadata_ambiguous_county_without_context_is_not_guessed(knowledge):
    assert find_region(["朝阳区人民政府"], knowledge.regions).county is None


@pytest.mark.parametrize("header, expected", [
    # title on two lines, issuer first; a portal channel before the one-line copy (济宁市)
    ("政务服务丨济宁市人民政府关于持续深化“市县同权”改革的实施意见\n济宁市人民政府\n关于持续深化“市县同权”改革的实施意见\n济政字〔2021〕30号",
     ("济政字〔2021〕30号", "济宁市人民政府", "济宁市人民政府关于持续深化“市县同权”改革的实施意见")),
    # the page dropped the province: 省人民政府关于 / 进一步…的若干意见 (湖北省)
    ("省人民政府关于\n进一步优化营商环境的若干意见\n鄂政发〔2018〕26号\n各市、州、县人民政府，省政府各部门：",
     ("鄂政发〔2018〕26号", "省人民政府", "省人民政府关于进一步优化营商环境的若干意见")),
    # 批转: the verb starts the second line (十堰市)
    ("十政发〔2025〕6号\n市人民政府\n批转市发改委关于2025年全市国民经济和社会发展计划报告的通知\n各县市区人民政府，市政府各部门：",
     ("十政发〔2025〕6号", "市人民政府", "市人民政府批转市发改委关于2025年全市国民经济和社会发展计划报告的通知")),
    # X印发《…》的通知 with its doc number in parentheses at the end (岳阳市)
    ("中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知（岳办发〔2017〕2号）\n来源：岳阳市政府门户网",
     ("岳办发〔2017〕2号", "中共岳阳市委办公室岳阳市人民政府办公室",
      "中共岳阳市委办公室岳阳市人民政府办公室印发《关于全面推进政务公开工作的实施意见》的通知")),
    # the doc number glued before the title, and again on its own line below it (盘山县)
    ("盘县政办发〔2017〕88号盘山县人民政府办公室关于印发《盘山县设施农业小区建设奖励办法》的通知\n盘县政办发〔2017〕88号",
     ("盘县政办发〔2017〕88号", "盘山县人民政府办公室", "盘山县人民政府办公室关于印发《盘山县设施农业小区建设奖励办法》的通知")),
    # the doc number below a portal's title line (怀化市)
    ("怀化市人民政府办公室关于印发《怀化市实施方案》的通知\n发布时间：2023-03-15 09:28\nHHCR-2023-01005\n怀政办发〔2023〕9号",
     ("怀政办发〔2023〕9号", "怀化市人民政府办公室", "怀化市人民政府办公室关于印发《怀化市实施方案》的通知")),
    # labels that lost their colons (武汉市) and a title with no issuer whose 发布机构 issues it (宣城市)
    ("发文字号 武自然资规〔2022〕35号 主题分类 城乡建设\n发文单位 武汉市自然资源和规划局 效力状态 有效\n"
     "发文日期 2022-06-25 发布日期 2022-06-27\n武汉市自然资源和规划局关于印发强化自然资源要素服务保障助力稳增长实施方案的通知",
     ("武自然资规〔2022〕35号", "武汉市自然资源和规划局", "武汉市自然资源和规划局关于印发强化自然资源要素服务保障助力稳增长实施方案的通知")),
    ("发布机构: 宣城市卫生健康委员会 主题分类: 卫生、体育\n名称: 关于召开《健康宣城行动实施方案(代拟稿)》征求意见会的预通知 文号:",
     (None, "宣城市卫生健康委员会", "关于召开《健康宣城行动实施方案（代拟稿）》征求意见会的预通知")),
    # 文 号 | X | in a table header (涟水县); the issuer is the signature line
    ("索 引 号 | 327549014/2021-00125 | 发布机构 | 县政府办公室 | 公开日期 | 2021-08-01 |\n文 号 | 涟政办发〔2021〕12号 | 分 类 | 政府文件 |\n"
     "各镇人民政府：\n现将《涟水县存量土地资源盘活利用实施方案（试行）》印发给你们。\n涟水县人民政府办公室\n2021年8月1日",
     ("涟政办发〔2021〕12号", "涟水县人民政府办公室", None)),
    # a bulleted portal block whose values stand on the line after their labels (镇巴县)
    ("镇巴县人民政府工作规则\n  • 索引号:\n\n    6107280000/2024-001005\n  • 发文机构:\n\n    县政府网站\n  • 发文字号:\n\n    镇政发〔2024〕7号\n"
     "  • 发文日期:\n\n    2024年04月06日 16:40\n  • 有效性:\n\n  • 发布日期:\n\n    2024年04月06日 16:34\n  • 内容概述:\n\n镇巴县人民政府工作规则\n第一章总则",
     ("镇政发〔2024〕7号", None, "镇巴县人民政府工作规则")),  # 发文机构 names the website, no issuer
    # the title dropped the county; the portal's 发文单位 keeps it (嘉鱼县); a portal tag before a 名称 (郎溪县)
    ("索引号 : 01105619X/2024-07672 文       号 : 嘉政办发〔2024〕1号\n主题分类: 政务督查 发文单位: 嘉鱼县人民政府办公室\n"
     "县人民政府办公室关于印发2024年县《政府工作报告》确定的重点工作责任分解方案的通知",
     ("嘉政办发〔2024〕1号", "嘉鱼县人民政府办公室", "县人民政府办公室关于印发2024年县《政府工作报告》确定的重点工作责任分解方案的通知")),
    ("名称: 【上级文件转载】中共郎溪县委 郎溪县人民政府关于学习运用“千村示范、万村整治”工程经验有力有效推进乡村全面振兴的实施意见 文号:",
     (None, "中共郎溪县委郎溪县人民政府", "中共郎溪县委郎溪县人民政府关于学习运用“千村示范、万村整治”工程经验有力有效推进乡村全面振兴的实施意见")),
    # a table whose label cells keep their colon and whose values sit in the next cell (汉阴县)
    ("汉阴县人民政府办公室关于印发《汉阴县过渡期统筹整合使用财政涉农资金管理办法》的通知\n"
     "文号 | 汉政办发〔2021〕88号 | 成文日期: | 2021年09月28日 |\n有效性 | 有效 | 公开日期: | 2021-09-30 01:40 |",
     ("汉政办发〔2021〕88号", "汉阴县人民政府办公室", "汉阴县人民政府办公室关于印发《汉阴县过渡期统筹整合使用财政涉农资金管理办法》的通知")),
    # a plan printed without its notice opens with its own title (杭州市); a cover note's plan heading does not count
    ("杭州市推进“互联网+”行动实施意见\n(征求意见稿V2.2)\n(2015年9月15日)\n为贯彻落实《国务院关于积极推进“互联网+”行动的指导意见》，制订以下实施意见。",
     (None, None, "杭州市推进“互联网+”行动实施意见")),
    ("各县、区人民政府：\n《开封市推动制造业高质量发展实施方案》已经市政府研究通过，现印发给你们。\n2020年11月17日\n开封市推动制造业高质量发展实施方案",
     (None, None, None)),
    # signatures of bodies that are no government office, each followed by its date line
    ("自治区党委农村工作领导小组：\n现随文呈报，请予以审核。\n中共彭阳县委员会农村工作领导小组\n2021年7月29日",
     (None, "中共彭阳县委员会农村工作领导小组", None)),
    ("附件：1、省农业厅、省财政厅《关于做好绿色循环优质高效特色农业促进项目申报工作的通知》\n金乡县农业局 金乡县财政局\n2018年6月22日",
     (None, "金乡县农业局金乡县财政局", None)),
    # a title on three lines in the 版头 (承德县), and a mirror printing the title as a citation (北京市)
    ("首页>规划、计划\n发布时间：2017年03月13日 来源：县农业农村局 【字体： 打印\n承县政办字〔2017〕8号\n承德县人民政府办公室\n"
     "关于2017年农业种植结构调整任务指标的\n补充通知\n各乡镇人民政府，县政府各有关部门：",
     ("承县政办字〔2017〕8号", "承德县人民政府办公室", "承德县人民政府办公室关于2017年农业种植结构调整任务指标的补充通知")),
    ("京政办发〔2016〕26号《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》\n"
     "《北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知》\n京政办发〔2016〕26号",
     ("京政办发〔2016〕26号", "北京市人民政府办公厅", "北京市人民政府办公厅关于印发〈北京市2016年政务公开工作要点〉的通知")),
    # joint issuers on two lines above 关于… (雄安新区); rules printed without their notice, title in 《》 (淮安市)
    ("雄安发〔2021〕5号\n中共河北雄安新区工作委员会\n河北雄安新区管理委员会\n关于印发《全面推进乡村振兴加快农业农村现代化的实施方案》的通知\n"
     "雄县、容城、安新县委和人民政府，新区各部门：",
     ("雄安发〔2021〕5号", "中共河北雄安新区工作委员会河北雄安新区管理委员会",
      "中共河北雄安新区工作委员会河北雄安新区管理委员会关于印发《全面推进乡村振兴加快农业农村现代化的实施方案》的通知")),
    ("《关于进一步帮助市场主体纾困解难着力稳定经济增长的具体实施细则》\n为深入贯彻落实省政府《关于进一步帮助市场主体纾困解难着力稳定经济增长的"
     "若干政策措施》（苏政发〔2022〕1号）精神，结合淮安实际，制定如下实施细则。",
     (None, None, "关于进一步帮助市场主体纾困解难着力稳定经济增长的具体实施细则")),
])
def test_metadata_read_headers_of_every_shape(header, expected, knowledge):
    meta = extract_metadata(normalise(header).text, knowledge.regions)
    assert (meta.doc_number, meta.issuer, meta.title) == expected


@pytest.mark.parametrize("header, expected", [
    # a title on four lines whose office names no place: the issuer stays as printed (嘉鱼县)
    ("嘉政办发〔2021〕5号\n县人民政府办公室关于\n对县《政府工作报告》确定的2021年\n重点工作及市《政府工作报告》涉及嘉鱼的\n"
     "重点事项进行责任分解的通知\n各镇人民政府,县政府各部门,嘉鱼经济开发区、武汉新港潘湾工业园:\n经县人民政府同意,现将…",
     ("嘉政办发〔2021〕5号", "县人民政府办公室",
      "县人民政府办公室关于对县《政府工作报告》确定的2021年重点工作及市《政府工作报告》涉及嘉鱼的重点事项进行责任分解的通知")),
    # the doc number glued to the end of the title line, the body right after it (贵州省)
    ("省人民政府办公厅关于印发贵州省加快推进山地特色新型城镇化建设实施方案的通知黔府办发〔2017〕76号\n为深入贯彻党的十九大精神，制定本实施方案。",
     ("黔府办发〔2017〕76号", "省人民政府办公厅", "省人民政府办公厅关于印发贵州省加快推进山地特色新型城镇化建设实施方案的通知")),
    # a portal page's heading above its 发布时间 line, after the portal's field block (嵊泗县)
    ("•发布机构：\n嵊泗县人民政府办公室\n•成文日期：\n2023-02-22\n•有效性：\n2023年政府工作报告重点工作责任分解\n"
     "发布时间：2023-02-22 09:12\n信息来源：县政府办公室\n一、杨松县长牵头重点工作",
     (None, "嵊泗县人民政府办公室", "2023年政府工作报告重点工作责任分解")),
    # the issuer on its own line above 关于…的通知 (洋县); 关于 is never an issuer
    ("洋政发〔2024〕8号\n洋县人民政府\n关于印发洋县2024年十大民生实事项目的通知\n各镇人民政府、街道办事处:",
     ("洋政发〔2024〕8号", "洋县人民政府", "洋县人民政府关于印发洋县2024年十大民生实事项目的通知")),
    # the title's office has no place, the signature prints it in full (蔡甸区); the doc number in brackets (天津市)
    ("区人民政府办公室关于印发2023年区政府工作报告责任分解方案的通知\n(蔡政办〔2023〕1号)\n各街道：\n现印发给你们。\n"
     "蔡甸区人民政府办公室\n2023年1月4日",
     ("蔡政办〔2023〕1号", "蔡甸区人民政府办公室", "区人民政府办公室关于印发2023年区政府工作报告责任分解方案的通知")),
    # measures printed without their notice, under a site tag line; the title is never joined to the preamble (呈贡区)
    ("昆明市呈贡区高新技术企业奖励政策:关于促进产业转型升级和经济平稳健康发展的若干政策措施\n关于促进产业转型升级和经济平稳健康发展的若干政策措施\n"
     "为落实国家、省、市稳增长政策,帮助呈贡区市场主体纾困解难,制定以下政策措施。",
     (None, None, "关于促进产业转型升级和经济平稳健康发展的若干政策措施")),
    # a mirror's heading line (doc number + the title in 《》) above the title itself (福建省)
    ("闽政办〔2019〕26号《福建省人民政府办公厅关于建立正向激励机制促进经济社会高质量发展若干措施的通知》\n"
     "福建省人民政府办公厅关于建立正向激励机制促进经济社会高质量发展若干措施的通知\n闽政办〔2019〕26号\n各市、县(区)人民政府:",
     ("闽政办〔2019〕26号", "福建省人民政府办公厅", "福建省人民政府办公厅关于建立正向激励机制促进经济社会高质量发展若干措施的通知")),
    # a page on one line: title, doc number and text run together (河南省)
    ("河南省人民政府 关于明确政府工作报告提出的2023年 重点工作责任单位的通知 豫政〔2023〕5号 现将《政府工作报告》提出的2023年"
     "重点工作任务予以分解并明确责任单位。各责任单位要尽快制定具体落实方案,明确时间节点、责任领导、主要措施,并于2023年3月25日、"
     "6月25日、9月25日前向省政府报告各项重点工作的每季度进展情况，12月25日前报告全年落实情况。各省辖市政府，济源示范区、航空港区管委会"
     "要切实扛牢属地责任，加强工作谋划，采取有效措施，确保重点工作如期推进。一、扎实推进经济平稳运行(一)努力实现主要预期目标。地区生产总值增长6%以上。"
     "(省发展改革委牵头,省直有关部门配合)二、着力扩大有效需求(二)加大项目建设力度。(省发展改革委负责)",
     ("豫政〔2023〕5号", "河南省人民政府", "河南省人民政府关于明确政府工作报告提出的2023年重点工作责任单位的通知")),
    # a plan printed on its own whose title holds 《》 (咸安区)
    ("2023年区《政府工作报告》确定的重点工作任务责任分解方案\n一、2023年全区经济社会发展主要预期目标\n"
     "1.地区生产总值增长8%以上。(责任领导:杜新国;牵头单位:区发改局)",
     (None, None, "2023年区《政府工作报告》确定的重点工作任务责任分解方案")),
    # a portal's tag in 【】 before the title (滁州市)
    ("【市政府文件】滁州市人民政府关于印发2020年重点工作及责任分解的通知\n滁政〔2020〕8号",
     ("滁政〔2020〕8号", "滁州市人民政府", "滁州市人民政府关于印发2020年重点工作及责任分解的通知")),
    # a site's heading before a colon (萧山区); a portal tag and a status mark around the title (木兰县);
    # a plan title with an em dash (西安市); a place's name on the line above 关于… (马鞍山市)
    ("杭州市萧山区高新技术企业奖励政策:关于深入实施创新强区战略加快萧山经济高质量发展的若干政策意见\n为认真贯彻中央和省委经济工作会议精神,制定本意见。",
     (None, None, "关于深入实施创新强区战略加快萧山经济高质量发展的若干政策意见")),
    ("【规范性文件】木兰县人民政府关于印发木兰县打赢蓝天保卫战三年行动计划实施方案(2018-2020)的通知(已废止)\n"
     "各乡(镇)政府、县内各有关部门:\n现将《木兰县打赢蓝天保卫战三年行动计划实施方案(2018-2020)》印发给你们",
     (None, "木兰县人民政府", "木兰县人民政府关于印发木兰县打赢蓝天保卫战三年行动计划实施方案（2018-2020）的通知")),
    ("西安市深入实施乡村振兴战略促进城乡融合发展工作三年(2019—2021年)行动方案\n一、工作思路\n以中央关于实施乡村振兴战略的要求为指导，",
     (None, None, "西安市深入实施乡村振兴战略促进城乡融合发展工作三年（2019—2021年）行动方案")),
    ("马鞍山市\n关于进一步激发民营企业创业热情推进民营经济高质量发展的实施细则\n为深入贯彻落实习近平总书记重要讲话精神，",
     (None, None, "马鞍山市关于进一步激发民营企业创业热情推进民营经济高质量发展的实施细则")),
    # a 版头 run together on one line: 文件, doc number, title, addressees (常熟市)
    ("常熟市人民政府办公室文件 常政办发〔2018〕32号 市政府办公室关于分解落实2018年 政府工作任务的通知 各镇人民政府,各街道办事处,"
     "市各委办局、直属单位(公司): 根据市十五届人大二次会议确定的全市经济社会发展目标任务,现下达给你们.",
     ("常政办发〔2018〕32号", "市政府办公室", "市政府办公室关于分解落实2018年政府工作任务的通知")),
    # a title that names no issuer: the issuer comes from the signature (广州市)
    ("关于印发2006年市政府工作报告任务分解方案的通知\n各区、县级市人民政府，市政府各部门：\n现将方案印发给你们。\n广州市人民政府办公厅\n二○○六年四月二十八日",
     (None, "广州市人民政府办公厅", "关于印发2006年市政府工作报告任务分解方案的通知")),
    # the issuer's line above a 关于…实施意见（试行） (沙县)
    ("沙政〔2012〕478号\n沙县人民政府\n关于加快第三产业发展的实施意见(试行)\n各乡（镇）人民政府：",
     ("沙政〔2012〕478号", "沙县人民政府", "沙县人民政府关于加快第三产业发展的实施意见（试行）")),
    # a sentence below the title is never joined into it
    ("关于做好2024年春耕工作。\n各乡镇：\n现将有关事项通知如下", (None, None, None)),
])
def test_metadata_title_over_several_lines_or_glued_to_its_number(header, expected, knowledge):
    meta = extract_metadata(normalise(header).text, knowledge.regions)
    assert (meta.doc_number, meta.issuer, meta.title) == expected


@pytest.mark.parametrize("header, signed, published", [
    ("发文字号 武自然资规〔2022〕35号 主题分类 城乡建设\n发文单位 武汉市自然资源和规划局 效力状态 有效\n发文日期 2022-06-25 发布日期 2022-06-27",
     "2022-06-25", "2022-06-27"),
    ("来源:岳阳市政府门户网 日期:2017-01-12 17:08\n各县市区委、人民政府：\n中共岳阳市委办公室\n2017年1月10日", "2017-01-10", "2017-01-12"),
    ("索 引 号 | 327549014/2021-00125 | 发布机构 | 县政府办公室 | 公开日期 | 2021-08-01 |", None, "2021-08-01"),
    ("杭州市推进“互联网+”行动实施意见\n(征求意见稿V2.2)\n(2015年9月15日)", "2015-09-15", None),
    # a portal's unlabelled publishing time under the title (平昌县)
    ("政务公开 > 平昌县农业农村局 > 规划计划\n平昌县农业农村局2020年工作计划\n2019-12-25 16:39\n 来源: 平昌县农业农村局", None, "2019-12-25"),
    # a page time with the page's source after it (蔡甸区); a repost's 来源…时间 line (海南省)
    ("区人民政府办公室关于印发方案的通知\n2023-01-05 10:00 区人民政府办公室\n各街道：", None, "2023-01-05"),
    ("海南省人民政府办公厅关于印发措施的通知\n来源:海南省人民政府办公厅时间:2021-12-16\n各市县：", None, "2021-12-16"),
    ("广东省人民政府关于印发分工方案的通知\n时间 : 2021-05-14 22:01:43 来源 : 本网原创稿\n各地级以上市人民政府：", None, "2021-05-14"),
    # a law site's 【发布日期】, a portal's bullet date; a signature date with ○ for zero (宁波市, 广州市)
    ("关于印发2007年市政府工作报告任务分解的通知\n【发布日期】2007-04-04\n各区、县级市人民政府：\n广州市人民政府办公厅\n二○○七年四月四日",
     "2007-04-04", "2007-04-04"),
    ("宁波市人民政府关于下达2006年重点工作任务的通知\n• 2006-05-17\n各县（市）区人民政府：", None, "2006-05-17"),
    ("永川区人民政府办公室关于做好就业工作的通知\n发表于:2020-10-21\n各镇人民政府：", None, "2020-10-21"),
    # the page's date before its source (沈河区), or after it (湘阴县)
    ("沈河区人民政府关于印发任务分解表的通知\n2024年03月15日来源:沈河区人民政府办公室\n区政府各部门：", None, "2024-03-15"),
    ("湘阴县人民政府办公室关于印发规定的通知\n来源:湘阴县人民政府 2021-03-02\n各乡镇人民政府：", None, "2021-03-02"),
    # a date line after a long attachment line stays a date line
    ("附件：\n2.《健康宣城行动实施方案(代拟稿)》(健康宣城行动考核指标框架、健康宣城行动推进委员会主要职责及成员名单)\n2020年10月21日",
     "2020-10-21", None),
])
def test_metadata_signed_and_published_dates(header, signed, published, knowledge):
    meta = extract_metadata(normalise(header).text, knowledge.regions)
    assert (meta.signed_date, meta.published_date) == (signed, published)


def test_metadata_read_a_header_whose_page_dropped_characters(knowledge):
    # 应县: the page lost 〕 and 号 of the doc number and 年 and 月 of the date; what is left reads one way only
    header = ("应政办发〔202321\n\n各乡(镇)人民政府,县直各有关单位:\n应县促进专业镇高质量发展实施方案》已经县人民政府同意,现印发给你们。\n"
              "应县人民政府办公室      \n2023925日       \n应县促进专业镇高质量发展实施方案")
    meta = extract_metadata(normalise(header).text, knowledge.regions)
    assert (meta.doc_number, meta.issuer, meta.signed_date) == ("应政办发〔2023〕21号", "应县人民政府办公室", "2023-09-25")


@pytest.mark.parametrize("body, cited", [
    # the county's own plan has the title of the province's and city's it follows (苍南县)
    ("《关于推动经济高质量发展的若干政策》已经县政府常务会议研究同意，现印发给你们。\n关于推动经济高质量发展的若干政策\n"
     "为深入贯彻落实党的二十大精神，现根据省、市《关于推动经济高质量发展的若干政策》文件要求，结合我县实际，制定以下政策。",
     ["关于推动经济高质量发展的若干政策"]),
    # what the notice promulgates is its own, not cited
    ("《开封市推动制造业高质量发展实施方案》《开封市制造业高质量发展若干财政支持措施》已经市政府第48次常务会议研究通过，现印发给你们。\n"
     "根据中共河南省委办公厅河南省人民政府办公厅印发的《河南省推动制造业高质量发展实施方案》精神，制定本实施方案。",
     ["河南省推动制造业高质量发展实施方案"]),
    ("根据省自然资源厅《关于印发强化自然资源要素保障服务扩投资稳增长十条措施的通知》的要求，结合我市实际，"
     "研究制定了《强化自然资源要素服务保障助力稳增长实施方案》，现印发给你们。",
     ["关于印发强化自然资源要素保障服务扩投资稳增长十条措施的通知"]),
    ("经县政府同意，现将《2025年十五件民盼实事任务分解》《县政府重点工作任务分解》印发给你们。", []),
    # a breakdown of a plan issued before: the plan is cited; 《规划》 only abbreviates it (运城市)
    ("经市人民政府同意，现将《运城市突发事件应急体系建设“十三五”规划》责任分解印发给你们。\n"
     "根据《运城市突发事件应急体系建设“十三五”规划》（运政办发〔2016〕76号）精神，现将《规划》中明确提出的9项具体建设任务进行责任分解。",
     ["运城市突发事件应急体系建设“十三五”规划"]),
    # a draft the notice is about is cited
    ("市卫健委牵头，会同市教体局起草了《健康宣城行动实施方案(代拟稿)》，业经多次征求意见。", ["健康宣城行动实施方案（代拟稿）"]),
])
def test_metadata_cited_policies_leave_out_what_the_notice_promulgates(body, cited, knowledge):
    meta = extract_metadata(normalise(body).text, knowledge.regions)
    assert [c.title for c in meta.cited_policies] == cited


# find_region looks names up through an index; a scan of every row is the behaviour it must keep.
def _scan_every_row(texts, regions):
    from extractors.metadata import _confirmed, _named, _only_as_a_word
    from extractors.records import Region

    joined = "\n".join(texts)
    for text in texts:
        for level in ("county", "city", "province"):
            candidates = [row for row in regions if _named(text, getattr(row, level)) and
                          (level == "county" or (level == "city" and row.county is None) or
                           (level == "province" and row.city is None))]
            candidates = [row for row in candidates if not _only_as_a_word(row, level, text) or _confirmed(row, level, joined)]
            if not candidates:
                continue
            candidates.sort(key=lambda row: (-len(getattr(row, level) or ""),
                                             -(bool(row.city and _named(joined, row.city))
                                               + _named(joined, row.province))))
            best = candidates[0]
            rivals = [row for row in candidates if getattr(row, level) == getattr(best, level)
                      and (row.city, row.province) != (best.city, best.province)]
            if rivals and not (best.city and _named(joined, best.city)) and not _named(joined, best.province):
                continue
            return Region(best.province, best.city if level != "province" else None,
                          best.county if level == "county" else None)
    return Region(None, None, None)


@pytest.mark.parametrize("texts", [
    # 县 named in full, by its short form, and with its city or province to settle it
    ["壶关县人民政府办公室", "壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知"],
    ["闻喜县人民政府办公室", "闻政办发〔2023〕33号\n闻喜县人民政府办公室文件"],
    ["结合闻喜实际，制定本实施方案"],
    ["长治市壶关县"],
    # ambiguous names: 朝阳区 (Beijing, Changchun), 朝阳 followed by another suffix
    ["朝阳区人民政府"], ["长春市朝阳区人民政府"], ["朝阳县人民政府"], ["朝阳市人民政府办公室"],
    # only a city, only a province, a municipality, an autonomous prefecture
    ["运城市人民政府办公室"], ["山西省人民政府办公厅"], ["重庆市人民政府"], ["延边朝鲜族自治州人民政府"],
    # names at the very end of a text, two-character names, nothing at all
    ["发文机关：涉县"], ["郊区人民政府"], ["某某县人民政府办公室"], [""],
])
def test_metadata_region_index_finds_what_a_scan_of_every_row_finds(texts, knowledge):
    assert find_region(texts, knowledge.regions) == _scan_every_row(texts, knowledge.regions)


def test_metadata_region_index_follows_the_table_it_is_given(knowledge):
    from extractors.knowledge import RegionRow

    table = (RegionRow("1", "甲乙省", None, None), RegionRow("2", "甲乙省", "丙丁市", None),
             RegionRow("3", "甲乙省", "丙丁市", "戊己县"))
    found = find_region(["戊己县人民政府"], table)
    assert (found.province, found.city, found.county) == ("甲乙省", "丙丁市", "戊己县")
    assert find_region(["戊己县人民政府"], knowledge.regions).county is None
    assert find_region(["壶关县人民政府"], table).county is None


def _region_texts():
    from hypothesis import strategies as st

    from extractors.knowledge import default_knowledge
    from extractors.metadata import _short_form

    names = sorted({n for row in default_knowledge().regions for n in (row.province, row.city, row.county) if n})
    piece = st.tuples(st.sampled_from(names).map(lambda n: st.sampled_from([n, _short_form(n)])).flatmap(lambda s: s),
                      st.sampled_from(["", "县", "市", "区", "省", "人民政府", "人民政府办公室关于", "实际"]))
    text = st.lists(piece, min_size=1, max_size=3).map(lambda parts: "".join(a + b for a, b in parts))
    return st.lists(text, min_size=1, max_size=2)


def test_metadata_region_index_agrees_with_the_scan_on_generated_names(knowledge):
    from hypothesis import given, settings

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(_region_texts())
    def check(texts):
        assert find_region(texts, knowledge.regions) == _scan_every_row(texts, knowledge.regions)

    check()


@pytest.mark.parametrize("texts, county", [
    (["市招商投资中心"], None),  # 资中 (资中县) inside 投资中心 is no place
    (["运城银保监分局闻喜监管组"], "闻喜县"),
    (["嵊州市人民政府"], "嵊州市"),
    # names and short forms that are ordinary words need their city or province (region_words.csv)
    (["省公安厅、县公安局"], None),  # 公安 of 公安县, followed by an office word
    (["完成凤凰城小区、东山中央城等8所小区配套幼儿园治理工作"], None),  # 东山区 / 东山县
    (["着力解决老城区交通拥堵问题"], None),  # 洛阳市老城区
    (["新建5个乡镇卫生院，推进富民强县"], None),  # 新建区, 富民县
    (["洛阳市老城区人民政府办公室"], "老城区"),  # confirmed by its city
    (["新建区人民政府"], "新建区"),  # the full name is a place
    (["肃南县人民政府办公室关于印发促消费措施的通知"], None),  # 南县 (湖南) is no place inside 肃南县
    (["湖南省南县人民政府"], "南县"),
    (["许昌市人民政府", "各县（市、区）人民政府，城乡一体化示范区、东城区管委会："], None),  # 东城区 of 许昌 is no Beijing district
    # divisions created or renamed after the cpca snapshot (regions_since_2018.csv): 钱塘区 (2021), 长垣市 (2019)
    (["杭州市钱塘区人民政府办公室"], "钱塘区"),
    (["长垣市人民政府关于印发实施方案的通知"], "长垣市"),
])
def test_metadata_region_short_forms_start_a_word(texts, county, knowledge):
    assert find_region(texts, knowledge.regions).county == county


def test_own_titles_found_only_before_brackets_are_the_pattern_s_matches():
    # _cited tries OWN_TITLES only just before each 《 (a speed-up): the matches must be finditer's.
    import random

    from extractors.metadata import OWN_TITLES, _own_title_matches

    rng = random.Random(5)
    parts = ["现将", "现把", "制定了", "研究制定了", "编制完成了", "编制了", "确定了", "《", "》", "《壶关县方案》",
             "、", "和", "印发", "已经", "经", "。", "：", "\n", "（试行）", "，", "专业镇", "已"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    found = 0
    for text in texts:
        expected = [(m.span(), m.group(0)) for m in OWN_TITLES.finditer(text)]
        assert [(m.span(), m.group(0)) for m in _own_title_matches(text)] == expected, text
        found += len(expected)
    assert found > 300  # the texts hold matches to compare, not only misses
