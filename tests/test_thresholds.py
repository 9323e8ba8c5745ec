"""Thresholds on real sentences from the two sample notices, positive and negative."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.thresholds import extract_thresholds
from pipeline.normalise import normalise


def found(sentence: str) -> list[tuple]:
    text = normalise(sentence).text
    return [(t.op, t.value, t.value_max, t.unit, t.year) for t in extract_thresholds(text)]


@pytest.mark.parametrize("sentence, expected", [
    # 下限：以上 / 不少于 / 至少（Huguan）
    ("原则上制造业类专业镇特色主导产业产值应达到10亿元以上", [(">=", Decimal(1_000_000_000), None, "元", None)]),
    ("特色轻工(工艺美术)类、特优农业类应达到2亿元以上", [(">=", Decimal(200_000_000), None, "元", None)]),
    ("可适当放宽认定条件,但年产值不少于5000万元。", [(">=", Decimal(50_000_000), None, "元", None)]),
    ("专业镇的主导产业应至少拥有1家实力较强、行业知名的龙头企业", [(">=", Decimal(1), None, "家", None)]),
    ("带动相关生产、服务等上下游配套企业(含家庭农场、专业合作社)户数在10家以上。", [(">=", Decimal(10), None, "家", None)]),
    # 区间与目标年份
    ("到2024年，全县专业镇发展质量与产业竞争力显著提高，市级专业镇达到1-2个，县级专业镇达到10个以上",
     [("range", Decimal(1), Decimal(2), "个", 2024), (">=", Decimal(10), None, "个", 2024)]),
    ("首批遴选5个县级重点专业镇", [("=", Decimal(5), None, "个", None)]),
    # PDF text with spaces inside numbers (Wenxi)
    ("力争到 2025 年，打造一个省级专业镇和 2 个市级专业镇，经过三年发展",
     [("=", Decimal(1), None, "个", 2025), ("=", Decimal(2), None, "个", 2025)]),
    ("关联配套企业在 10 家左右。", [("~", Decimal(10), None, "家", None)]),
    ("制造业类专业镇\n\n年产值 5 亿元，", [("=", Decimal(500_000_000), None, "元", None)]),
    ("主导产品在全省占有率 50% 以上或全国拥有较大市场空间", [(">=", Decimal(50), None, "%", None)]),
    ("能够解决当地就业 2000 人以上。", [(">=", Decimal(2000), None, "人", None)]),
    # 不是阈值：序号、年份、文号、日期、5G、口号、本文件的条目数
    ("（十）实施专业镇环境服务优化行动", []),
    ("发文字号:壶政办发〔2023〕25号 | 发布日期:2023-11-23 |", []),
    ("推动专业镇企业用好5G、大数据、工业互联网", []),
    ("大力实施县委“1146发展战略”，合理规划产业布局", []),
    ("持续推动项目签约、投产、开工“三个一批”活动", []),
    ("运城市重点专业镇认定标准主要包括四个方面：", []),
    ("特色主导产业原则上限定在一个乡(镇)内", []),
    ("拥有市级以上知名区域品牌、企业品牌", []),
    ("根据《运城城市促进专业镇高质量发展三年行动计划》（运政办发〔2023〕8号）", []),
    ("2023年10月30日", []),
])
def test_thresholds_normalise_comparator_value_and_unit(sentence, expected):
    assert found(sentence) == expected


def test_thresholds_spans_slice_back_to_their_text(sample):
    _, text = sample
    thresholds = extract_thresholds(text)
    assert thresholds
    for threshold in thresholds:
        assert text[threshold.span[0]:threshold.span[1]] == threshold.text


def test_thresholds_attribute_metric_and_subject():
    text = normalise("原则上制造业类专业镇特色主导产业产值应达到10亿元以上，特色轻工(工艺美术)类、特优农业类应达到2亿元以上。").text
    first, second = extract_thresholds(text)
    assert (first.subject, first.metric) == ("制造业类专业镇", "特色主导产业产值")
    assert second.metric == first.metric  # the second bar restates the first's metric by ellipsis
    assert second.subject == "特色轻工（工艺美术）类、特优农业类"


@pytest.mark.parametrize("sentence, op", [
    ("企业数量超过100家", ">"),
    ("不满10人", "<"),
    ("负债率控制在60%以内", "<="),
    ("新增就业不低于500人", ">="),
])
def test_thresholds_read_comparators_as_the_civil_code_does(sentence, op):
    assert [t.op for t in extract_thresholds(normalise(sentence).text)] == [op]


@pytest.mark.parametrize("sentence, expected", [
    # 增长率：op and unit %, the metric says growth (十堰市, 立山区, 开封市)
    ("地区生产总值增长7%左右", [("~", Decimal(7), None, "%", None)]),
    ("努力实现地区生产总值增长6.2%左右。", [("~", Decimal("6.2"), None, "%", None)]),
    ("单位工业增加值能耗年均下降5%。", [("=", Decimal(5), None, "%", None)]),
    ("到2025年，全县地区生产总值翻一番", [("=", Decimal(100), None, "%", 2025)]),
    ("启动三年旱粮单产增一成行动", [("=", Decimal(10), None, "%", None)]),
    ("覆盖率达到百分之八十", [(">=", Decimal(80), None, "%", None)]),
    # 下限、上限、突破、区间 (重庆市梁平区, 开封市, 怀化市)
    ("页岩油产量突破1万吨。", [(">", Decimal(10000), None, "吨", None)]),
    ("勘探开发井超过100口", [(">", Decimal(100), None, "口", None)]),
    ("年发电量达60亿度以上", [(">=", Decimal(6_000_000_000), None, "度", None)]),
    ("全区天然气(页岩气)产量达20亿立方米以上", [(">=", Decimal(2_000_000_000), None, "立方米", None)]),
    ("能繁母猪存栏量稳定在25万头以上", [(">=", Decimal(250_000), None, "头", None)]),
    ("负债率控制在60%以内", [("<=", Decimal(60), None, "%", None)]),
    ("力争培育8—10个百亿企业。", [("range", Decimal(8), Decimal(10), "个", None)]),
    ("新增就业3万至5万人", [("range", Decimal(30000), Decimal(50000), "人", None)]),
    ("培育10到15家龙头企业", [("range", Decimal(10), Decimal(15), "家", None)]),
    ("给予3万元-5万元的资金支持。", [("range", Decimal(30000), Decimal(50000), "元", None)]),
    ("全市8大重点产业集群总量超过五千亿规模", [(">", Decimal(500_000_000_000), None, "元", None)]),
    ("辖区范围内6亩以下(不含6亩)的土地使用转让手续", [("<", Decimal(6), None, "亩", None)]),
    ("平均生存周期达到5年", [(">=", Decimal(5), None, "年", None)]),
    # a comparator before the first of a list applies to each (嵊州市); a line break inside an amount
    ("年销售收入首次突破 1000 万元、2000 万元、5000\n万元、1 亿元的", [(">", Decimal(10_000_000), None, "元", None),
     (">", Decimal(20_000_000), None, "元", None), (">", Decimal(50_000_000), None, "元", None), (">", Decimal(100_000_000), None, "元", None)]),
    # ≤ / ≥ printed as symbols, amounts per unit (漳州市)
    ("对受疫情影响的中小微工业企业(指从业人员≤1000人或营业收入≤4亿元的工业企业)",
     [("<=", Decimal(1000), None, "人", None), ("<=", Decimal(400_000_000), None, "元", None)]),
    ("用水、用气分别按0.8元/吨和0.2元/立方米给予补助", [("=", Decimal("0.8"), None, "元/吨", None), ("=", Decimal("0.2"), None, "元/立方米", None)]),
    # a period (…1日至2022年…) and a deadline date (至2021年12月31日) give no target year (东莞市)
    ("实施期限至2021年12月31日。2021年5月1日至2022年4月30日实施阶段性下调工伤保险费率50%的政策",
     [("=", Decimal(50), None, "%", None)]),
    ("畜禽粪污资源化利用率超全省平均水平3个百分点以上", [(">=", Decimal(3), None, "个百分点", None)]),
    # 汉字数字与混合写法
    ("建设高标准农田1.2万亩", [("=", Decimal(12000), None, "亩", None)]),
    ("培育二十家专精特新企业", [("=", Decimal(20), None, "家", None)]),
    ("新增城镇就业3.2万人，失业人员再就业1万人", [("=", Decimal(32000), None, "人", None), ("=", Decimal(10000), None, "人", None)]),
    ("新增造林面积500公顷", [("=", Decimal(500), None, "公顷", None)]),
    ("项目总投资不低于3千万元", [(">=", Decimal(30_000_000), None, "元", None)]),
    # lengths of time with 以上 / 以下 are bars; time limits and periods are not (共青城市)
    ("在我市缴纳社保或个人所得税6个月(含)以上、签订一年(含)以上劳动合同并按月发放工资的",
     [(">=", Decimal(6), None, "个月", None), (">=", Decimal(1), None, "年", None)]),
    ("三年内每人每月分别给予200元生活补贴，3个月内完成审核", [("=", Decimal(200), None, "元", None)]),
    # one-character comparators and 最高 before the verb of an award (衡阳市, 舟山市)
    ("纳税过1亿元的企业达30家", [(">", Decimal(100_000_000), None, "元", None), (">=", Decimal(30), None, "家", None)]),
    ("最高可给予3000万元的创业经费支持", [("<=", Decimal(30_000_000), None, "元", None)]),
    ("下达资金5000万元，通过3家企业", [("=", Decimal(50_000_000), None, "元", None), ("=", Decimal(3), None, "家", None)]),
    # a deadline with its month dates the bar (云南省)
    ("全省各部门预算内专项资金须于2017年6月底前下达60%以上、9月底前下达80%以上",
     [(">=", Decimal(60), None, "%", 2017), (">=", Decimal(80), None, "%", 2017)]),
    # a range whose lower end is marked inclusive, per-mille rates, 处 and 例, persons counted in 名 (呈贡区, 洋县, 舟山市)
    ("当年完成固定资产投资25亿元(含)-30亿元的", [("range", Decimal(2_500_000_000), Decimal(3_000_000_000), "元", None)]),
    ("按照实际完成投资额的0.2‰进行奖补", [("=", Decimal("0.2"), None, "‰", None)]),
    ("新建监测点30处，筛查1万例以上，培养出30名左右领军人才",
     [("=", Decimal(30), None, "处", None), (">=", Decimal(10000), None, "例", None), ("~", Decimal(30), None, "人", None)]),
    # a count of departments is no bar; 7家建设任务 is (云南省, 临安区)
    ("省人民政府对各州、市人民政府和8个重点行业主管部门投资目标任务实施年度目标责任管理", []),
    ("9月底前完成7家建设任务", [("=", Decimal(7), None, "家", None)]),
    # a task table's progress column reports what was done; its numbers are no bars (吉水县)
    ("一、10件民生实事任务分解表\n序号 | 具体工作任务和要求 | 责任领导 | 责任单位 | 落实情况 |\n"
     "1 | 增加义务教育学位5000个。 | 毛晓青 | 县教体局 | 新增义务教育学位5500个。 |\n"
     "2 | 扩充公办幼儿园学位至1800个。 | 毛晓青 | 县教体局 | 新增学位1290个，占比达32.5%。 |",
     [("=", Decimal(5000), None, "个", None), ("=", Decimal(1800), None, "个", None)]),
    # counts of a plan's own items, a meeting's number, another package's size (吴江区, 源城区, 河南省); 超 is a comparator (湖北省)
    ("区政府2024年重点工作目标任务分解落实方案（共118项）", []),
    ("已经九届59次区政府常务会议通过，一批重点跟踪任务98项（详见附件2)", []),
    ("落实好提振市场信心90条措施", []),
    ("认真落实“22条”等惠企政策", []),  # a package's name in quotes (桐乡市)
    ('出台稳经济"56条"', []),  # straight quotes as some copies print them (湖州市)
    ("改造10万吨级冷库系统", []),  # a facility's class (黄石港区)
    ("完成465幢23.25万平方米老旧小区改造", [("=", Decimal(465), None, "幢", None), ("=", Decimal(232500), None, "平方米", None)]),
    # counts in a plan's own title, 三次产业 (a fixed term), a background section's figures (楚雄州, 沙县, 泾县)
    ("楚雄州人民政府办公室关于印发楚雄州2021年8项民生工程和10件惠民实事的通知\n（一）实施8项民生工程", []),
    ("实现三次产业协调发展", []),
    ("一、基本情况\n（一）县域商业概况\n1.基本县情。我县辖110个行政村，户籍人口34.52万人。\n二、主要目标\n到2025年，建成乡镇商贸中心10个。",
     [("=", Decimal(10), None, "个", 2025)]),
    ("市政府研究确定了2021年11个方面173项重点工作，由市长负总责。组建3个工作专班", [("=", Decimal(3), None, "个", None)]),
    ("建成一批百亿集群，其中年营业收入超1000亿元的1个、超500亿元的3个",
     [(">", Decimal(100_000_000_000), None, "元", None), ("=", Decimal(1), None, "个", None),
      (">", Decimal(50_000_000_000), None, "元", None), ("=", Decimal(3), None, "个", None)]),
    ("全省数字经济规模达到5.5万亿元", [(">=", Decimal("5.5") * 10**12, None, "元", None)]),
    # 力争2023年 gives the year; how long a policy lasts does not (山东省)
    ("力争2023年全国重点实验室达到25家以上。实施山东省实验室项目,高标准建设10家左右山东省实验室。",
     [(">=", Decimal(25), None, "家", 2023), ("~", Decimal(10), None, "家", None)]),
    ("政策延续至2027年底，对年营业收入超过1亿元的企业给予奖励", [(">", Decimal(100_000_000), None, "元", None)]),
    # people counted in 万 before 人口 (安康市); a census is no count
    ("实现镇坪县脱贫摘帽和403个贫困村18万贫困人口脱贫退出", [("=", Decimal(403), None, "个", None), ("=", Decimal(180000), None, "人", None)]),
    ("开展第七次全国人口普查", []),
    # a year before 突破 dates its clause (山东省); energy in 吨标准煤 (浙江省)
    ("高新技术企业2024年突破3.5万家、2025年突破3.8万家", [(">", Decimal(35000), None, "家", 2024), (">", Decimal(38000), None, "家", 2025)]),
    ("腾出用能120万吨标准煤", [("=", Decimal(1_200_000), None, "吨标准煤", None)]),
    # money in 美元; a plan's own targets counted (常熟市); a goals heading at the （二） level holds its horizon (新乡市)
    ("市政府将2018年政府工作分解为11项工作目标和138项工作任务。实际利用外资6亿美元", [("=", Decimal(600_000_000), None, "美元", None)]),
    ("（二）发展目标。到2025年，初步建成先进制造业强市。\n产业能级更高。规模以上工业企业力争突破2200家。",
     [(">", Decimal(2200), None, "家", 2025)]),
    # a year after a comma dates its clause; a sentence-opening year its sentence; 到“十四五”末 is 2025;
    # 2019年任务： labels what follows; 区财政2023年预算安排 (滨江区, 马鞍山市, 西安市)
    ("全面实施扩大有效投资建设行动,2023年全区固定资产投资力争完成381亿元、增速6%,其中工业投资增速力争达20%",
     [("=", Decimal(38_100_000_000), None, "元", 2023), ("=", Decimal(6), None, "%", 2023), (">=", Decimal(20), None, "%", None)]),
    ("2023年,计划推进全区183个新建、续建项目。安排58亿元财政资金保障我区政府投资项目建设",
     [("=", Decimal(183), None, "个", 2023), ("=", Decimal(5_800_000_000), None, "元", None)]),
    ("到“十四五”末，民营经济实体数量达到25万户", [(">=", Decimal(250000), None, "户", 2025)]),
    ("加快项目建设。2023年政府专项债储备额度45亿元以上，年度专项债资金使用完成率实现100%。",
     [(">=", Decimal(4_500_000_000), None, "元", 2023), ("=", Decimal(100), None, "%", None)]),
    # a year before a label's colon dates no bar of the list after it (安康市, 潜江市)
    ("2017年全市经济社会发展主要预期目标是：地区生产总值增长8%左右", [("~", Decimal(8), None, "%", None)]),
    ("科学确定村庄布局和规模。2019年任务：一是完成村庄分类工作；二是新建改建农村公路1000公里", [("=", Decimal(1000), None, "公里", 2019)]),
    ("区财政2023年预算安排39亿元", [("=", Decimal(3_900_000_000), None, "元", 2023)]),
    ("全市PM2.5平均浓度控制在35微克/立方米以下", [("<=", Decimal(35), None, "微克/立方米", None)]),
    # the comparator after a list's last amount holds for every amount of it, notes in brackets between (钱塘区)
    ("年度营业收入分别在2亿元、5000万元、2000万元及以上的企业",
     [(">=", Decimal(200_000_000), None, "元", None), (">=", Decimal(50_000_000), None, "元", None),
      (">=", Decimal(20_000_000), None, "元", None)]),
    ("营业收入分别在2亿元(批发业)、5000万元(零售业)及以上，增长5%(不含)以上",
     [(">=", Decimal(200_000_000), None, "元", None), (">=", Decimal(50_000_000), None, "元", None), (">", Decimal(5), None, "%", None)]),
    # counting words of farms, ports and life tables (紫阳县, 广州市, 绥宁县)
    ("新增生猪20万头、肉鸡50万羽、蛋鸡20万只，茶叶3万箱，集装箱吞吐量820万标箱，人均预期寿命达到79.2岁",
     [("=", Decimal(200000), None, "头", None), ("=", Decimal(500000), None, "羽", None), ("=", Decimal(200000), None, "只", None),
      ("=", Decimal(30000), None, "箱", None), ("=", Decimal(8_200_000), None, "标箱", None), (">=", Decimal("79.2"), None, "岁", None)]),
    # grain in 斤; a count of a table's own rows is none (辽宁省, 杭州市)
    ("粮食产量500亿斤左右（杭州市2项配合工作）", [("~", Decimal(50_000_000_000), None, "斤", None)]),
    # 约 before the number is about (黑龙江省); the 约 of 节约 / 签约 is no comparator
    ("建设农村公路约6000公里", [("~", Decimal(6000), None, "公里", None)]),
    ("全年节约10万吨标准煤，签约3个项目", [("=", Decimal(100000), None, "吨标准煤", None), ("=", Decimal(3), None, "个", None)]),
    # 目标年份
    ("2025年，力争全社会研发投入强度达到2.95%。", [(">=", Decimal("2.95"), None, "%", 2025)]),
    ("到2025年底前，全市首批100个嵌入式服务设施建设示范社区全面建成", [("=", Decimal(100), None, "个", 2025)]),
    ("2024年底前，建成5个示范村", [("=", Decimal(5), None, "个", 2024)]),
    # the horizon a goals section's opening states holds for its items (黔东南州); another section's does not
    ("一、主要目标\n从2015年起,用3年时间,到2017年力争累计完成投资800亿元。\n（一）基本建成城市道路交通网络。全市人均道路面积达到15平方米。",
     [("=", Decimal(800) * 10**8, None, "元", 2017), (">=", Decimal(15), None, "平方米", 2017)]),
    ("一、主要目标\n到2017年力争累计完成投资800亿元。\n二、重点任务\n（一）全市人均道路面积达到15平方米。",
     [("=", Decimal(800) * 10**8, None, "元", 2017), (">=", Decimal(15), None, "平方米", None)]),
    # a year right before the verb that sets the target, carried to the next clause (应县, 苍南县)
    ("（二）发展目标。2023年完成2家市级专业镇评定,申报省级专业镇不少于1家;到2025年,省级专业镇达到1个",
     [("=", Decimal(2), None, "家", 2023), (">=", Decimal(1), None, "家", 2023), (">=", Decimal(1), None, "个", 2025)]),
    ("县财政2023年统筹安排资金37.4亿元", [("=", Decimal(374) * 10**7, None, "元", 2023)]),
    # a doc number whose page lost its closing bracket hides no later bar (应县: 应政办发〔202321)
    ("应政办发〔202321\n（二）发展目标。到2025年,市级专业镇达到3个以上", [(">=", Decimal(3), None, "个", 2025)]),
    # 不是阈值：日期、期限、时限、电话、本文件的条目与单位数、被挑选的总体、引用奖励对象
    ("于2023年10月底前完成", []),
    ("环评报告书14个工作日内、环评报告表7个工作日内完成审批。", []),
    ("联系人：张建 18805636080、3020501", []),
    ("明确133项具体任务，涉及34个牵头单位；细化15项具体任务，涉及10个责任单位。", []),
    ("一、县示范区管委会牵头工作（8项）", []),
    ("县级以上龙头企业", []),
    ("已经第三届市政府第73次、74次常务会议研究通过", []),
    ("一成不变", []),
    ("为确保3.99万亩这一目标完成", []),
    ("并就抓好《方案》确定的146项工作任务落实通知如下：", []),
    ("现将《规划》中明确提出的9项具体建设任务和7项重点建设项目进行责任分解。", []),
    ("“十三五”应急体系9个具体建设任务", []),
    ("新建金上—湖北800千伏直流工程特高压线路", []),
])
def test_thresholds_read_every_common_phrasing(sentence, expected):
    assert found(sentence) == expected


def test_thresholds_read_a_target_table_by_its_year_columns():
    # 绥宁县: 序号 / 指标名称 / 单位 / 2022年 / 2025年 / 2027年 / 牵头单位 / 责任单位, one cell per line with its
    # border; the first year column is the base year, a row cut short by the page is left alone
    table = ("序号 |\n指标名称 |\n单位 |\n2022年 |\n2025年 |\n2027年 |\n牵头单位 |\n责任单位 |\n"
             "1 |\n人均预期寿命 |\n岁 |\n78.2(2021年) |\n≥79.2 |\n≥80 |\n县卫健局 |\n县文旅广体局 |\n"
             "2 |\n居民健康素养水平 |\n% |\n21.6 |\n≥31.5 |\n33 |\n县卫健局 |\n县疾控中心,各乡镇人民政府 |\n"
             "3 |\n总体癌症5年生存率 |\n% |\n35 |")
    text = normalise(table).text
    bars = extract_thresholds(text)
    assert [(t.metric, t.op, t.value, t.unit, t.year) for t in bars] == [
        ("人均预期寿命", ">=", Decimal("79.2"), "岁", 2025), ("人均预期寿命", ">=", Decimal(80), "岁", 2027),
        ("居民健康素养水平", ">=", Decimal("31.5"), "%", 2025), ("居民健康素养水平", "=", Decimal(33), "%", 2027)]
    assert all(text[t.span[0]:t.span[1]] == t.text for t in bars)


@pytest.mark.parametrize("sentence, metric, subject", [
    ("对首次认定的高新技术企业给予最高50万元奖励", "奖励", "首次认定的高新技术企业"),
    ("对新认定市级品牌示范企业给予10万元一次性奖补", "奖补", "新认定市级品牌示范企业"),
    ("全县粮食产量突破50万吨", "全县粮食产量", None),
    ("地区生产总值年均增长7%以上", "地区生产总值年均增长", None),
])
def test_thresholds_name_awards_and_growth_in_the_metric(sentence, metric, subject):
    (threshold,) = extract_thresholds(normalise(sentence).text)
    assert (threshold.metric, threshold.subject) == (metric, subject)


def test_thresholds_count_a_restated_group_once():
    text = normalise("从全县10个镇政府中评选出3个先进镇政府。对评选出的3个先进镇政府分别给予10万元的奖励。").text
    assert [(t.op, t.value, t.unit) for t in extract_thresholds(text)] == [
        ("=", Decimal(3), "个"), ("=", Decimal(100000), "元")]


@pytest.mark.parametrize("sentence", [
    "到2024年，市级专业镇达到1-2个，县级专业镇达到10个以上",  # matches at a start character
    "全市8大重点产业集群总量超过五千亿规模",  # a bare amount
    "启动三年旱粮单产增一成行动，力争翻两番",  # tenths and doublings after a lookbehind
    "覆盖率达到百分之八十，平均生存周期达到5年",  # 百分之 and years after a comparator
    "（十）实施专业镇环境服务优化行动，2023年10月30日",  # candidates that match nothing
])
def test_thresholds_quantities_are_those_of_a_full_scan(sentence, sample):
    from extractors.thresholds import QUANTITY, _quantities

    for text in (normalise(sentence).text, sample[1]):
        assert [m.span() for m in _quantities(text)] == [m.span() for m in QUANTITY.finditer(text)]
