"""Header facts of a notice: 发文字号, issuer, titles, dates, region, cited policies.

Supports:
    发文字号：壶政办发〔2023〕25号 | 发布日期：2023-11-23   (portal metadata block)
    闻政办发〔2023〕33号 on its own line under the 版头         (printed notice)
    brackets 〔〕 [] ［］ （） 【】 in doc numbers; dates 2023年9月25日, 二〇二三年九月二十五日,
    2023-09-25, 2023/9/25, 2023.9.25
    壶关县人民政府办公室关于印发壶关县促进专业镇高质量发展实施方案的通知
        -> issuer 壶关县人民政府办公室, plan_title 壶关县促进专业镇高质量发展实施方案
    《…》（晋政办发〔2022〕80号） -> cited policy with its doc number
    portal blocks whose colons were lost (发文字号武自然资规〔2022〕35号主题分类…), table cells
    (文 号 | 涟政办发〔2021〕12号 |, 成文日期： | 2021年09月28日 |), bulleted labels with the value
    on the next line, 发文日期 / 公开日期 / 日期
    titles on two or three lines (济宁市人民政府 / 关于…的实施意见; 市人民政府 / 批转…的通知;
    中共…工作委员会 / …管理委员会 / 关于…), X印发《…》的通知, 的补充通知, a portal channel before the
    title (政务服务丨…), a doc number before or after it, a title printed as a citation (《…的通知》)
    notices that are the plan: 杭州市推进“互联网+”行动实施意见 as the first line, 《…实施细则》
    issuers of every level, joint issuers, signatures of bodies that are no government office
    (中共彭阳县委员会农村工作领导小组 above its date line), the portal's 发布机构 or 来源 when the
    title names none
Avoids:
    发文机关 of a portal page when it names the publishing bureau rather than the issuer
    (kept as publishing_agency); the notice's own title cited in 解读 links; 印发 (print)
    dates as the signing date; what the notice promulgates (现将《A》印发, 《A》已经…同意) as a
    cited policy, and 《方案》《规划》 abbreviations; a region short form inside a word (资中 in 投资中心).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from extractors.amounts import chinese_to_int
from extractors.knowledge import RegionRow
from extractors.records import CitedPolicy, Metadata, Region

DOC_NUMBER = re.compile(
    r"(?P<number>[\u4e00-\u9fff]{1,12}(?:〔|\[|［|（|【|\()\s*(?:19|20)\d{2}\s*(?:〕|\]|］|）|】|\))\s*第?\d{1,4}号)"
)
FIELD_LABELS = (r"索引号|发文字号|文号|发文机关|发布机构|发文单位|标题|名称|主题分类|主题词|组配分类|"
                r"成文日期|成文时间|发文日期|发布日期|发布时间|公开日期|生效日期|效力状态|来源|日期")
# 标签：值 in a portal's metadata block; a value ends at the next label, a cell border or the line's end.
FIELD = re.compile(rf"(?P<label>{FIELD_LABELS})[：:](?P<value>.*?)(?=(?:{FIELD_LABELS})[：:]|[|｜\n]|$)")
# The same block printed as a table (文号 | 涟政办发〔2021〕12号 |) or with the colons lost
# (发文字号武自然资规〔2022〕35号主题分类…); only read where a line holds two labels or more.
FIELD_BARE = re.compile(rf"(?P<label>{FIELD_LABELS})[|｜]?(?P<value>.*?)(?=[|｜]?(?:{FIELD_LABELS})|[|｜]|$)")
CN_DIGIT = "〇○零一二三四五六七八九十"
DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{CN_DIGIT}]{{4}})年(?P<m>\d{{1,2}}|[{CN_DIGIT}]{{1,2}})月(?P<d>\d{{1,2}}|[{CN_DIGIT}]{{1,3}})日"
    r"|(?P<y2>(?:19|20)\d{2})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d)"
)
NOTICE_TITLE = re.compile(
    r"^(?P<title>(?P<issuer>(?!关于)[\u4e00-\u9fff（）]{2,80}?)(?:关于|印发|批转|转发).{2,160}?"
    r"的(?:若干|实施|指导|预|补充|紧急)?(?:通知|意见|决定|批复|通告|公告|函|报告|办法|规定)(?:（(?:试行|暂行)）)?)$"
)
# A portal's channel name before the title (政务服务丨…) and a doc number after it (…的通知（岳办发〔2017〕2号）).
# …or a site's heading before a colon (杭州市萧山区高新技术企业奖励政策：关于…意见).
TITLE_PREFIX = re.compile(r"^(?:[^丨|｜《]{1,12}[丨|｜]|【[^】]{1,12}】|[^：:，。《]{2,24}[：:](?=关于))")
BARE_NOTICE_TITLE = re.compile(r"^关于.{2,160}?的(?:若干|实施|指导|补充|紧急)?(?:通知|意见|决定|批复|通告|公告)$")
# A portal's mark after a title: （已废止）, （已失效）.
TITLE_STATUS = re.compile(r"（(?:已废止|已失效|失效|已修订|有效)）$")
# A line that is only a place's name, above 关于…: 马鞍山市 / 关于进一步激发…的实施细则.
PLACE_LINE = re.compile(r"^[\u4e00-\u9fff]{2,10}[省市县区州旗]$")
# …的通知黔府办发〔2017〕76号: the same number glued to the title without brackets.
TITLE_DOC_NUMBER = re.compile(r"[（(](?P<number>[^（）()]{2,20}?〔\d{4}〕\d{1,4}号)[）)]$"
                              r"|(?<=[知见定复告函法])(?P<glued>[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号)$")
# 《A》《B》 that the notice itself promulgates: 现将《A》印发给你们, 《A》已经县政府同意, 制定了《A》，现印发.
# How far before its first 《 a match of OWN_TITLES can start: its longest verb (编制完成了).
OWN_TITLE_LEAD = 5
OWN_TITLES = re.compile(
    # 现将《A》印发 promulgates A; 现将《A》责任分解印发 promulgates A's breakdown and cites A.
    r"(?:现将|现把|制定了|研究制定了|研究确定了|确定了|修订了|编制完成了|编制了)(?P<after>(?:《[^《》\n]+》[、和及与]?)+)"
    r"(?=（[^（）]*）|印发|转发|批转|发给|予以|已|经|，|,|、|$)"
    r"|(?:^|[。：:\n])(?P<before>(?:《[^《》\n]+》[、和及与]?)+)(?:已经|已|经)"
)
# The line a portal prints under a page's heading: 发布时间：2023-02-22 09:12 / 来源：县政府办公室.
PAGE_STAMP_LINE = re.compile(r"^(?:发布时间|发布日期|发文日期|时间|日期|信息来源|来源)[：:]")
# A repost's line: 来源:海南省人民政府办公厅时间:2021-12-16 (source and time glued together).
REPOST_LINE = re.compile(r"来源[：:][^\n]{0,40}?(?:时间[：:])?\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}"
                         # 2024年03月15日来源:沈河区人民政府办公室: the page's date before its source
                         r"|^(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*来源[：:]")
# Dates and doc numbers whose page lost the characters it drew outside the text: 2023925日, 应政办发〔202321.
LOST_DATE_LINE = re.compile(r"(?:19|20)\d{2}\d{2,4}日")
LOST_DOC_NUMBER_LINE = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,12})〔(?P<year>(?:19|20)\d{2})(?P<serial>\d{1,4})")
# 【发布日期】2007-04-04 (a law site's field), • 2006-05-17 (a portal's bullet under the title).
BRACKET_DATE = re.compile(r"【(?:发布日期|公布日期|发文日期)】\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
                          r"|^[•·]\s*(?:19|20)\d{2}-\d{1,2}-\d{1,2}$")
# A repost's line that starts with its time: 时间 : 2021-05-14 22:01:43 来源 : 本网原创稿.
TIME_LINE = re.compile(r"(?:时间|发表于|发布于)[：:]\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")
PAGE_TIME_LINE = re.compile(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(?::\d{2})?")
# 《方案》, 《规划》: a short name for a document the notice named in full before (以下简称《方案》).
ABBREVIATED_TITLE = re.compile(r"(?:本|该)?(?:方案|规划|意见|办法|通知|细则|决定|条例|纲要|计划|措施|规定|报告|要点)")
PROMULGATED = re.compile(r"关于(?:印发|转发|下发|发布|公布)(?:《)?(?P<plan>.+?)(?:》)?的通知$")
PLAN_TITLE = re.compile(r"(?:方案|计划|意见|办法|规定|细则|规划|纲要|措施|政策|标准)(?:（试行）)?$")
# What stands right before a 《》 that the notice cites: 根据省、市《…》, 按照国务院《…》, 贯彻落实《…》.
CITING_BEFORE = re.compile(r"(?:根据|按照|依据|参照|贯彻|落实|国务院|中央|省委|省政府|省、市|省|市)$")
CITED = re.compile(r"《(?P<title>[^《》\n]{2,120})》(?:（(?P<number>[^（）\n]{0,40}?号)）)?")
ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）]{1,40}(?:人民政府|办公室|办公厅|委员会|局|厅|委|部|中心|领导小组)$")
# A plan printed without its notice opens with its own title: short, no sentence punctuation, a plan word last.
PLAN_HEADING = re.compile(r"^[\u4e00-\u9fff“”\"+（）()《》〈〉\d—–-]{6,60}?(?:方案|计划|意见|办法|规定|细则|规划|纲要|措施|政策|标准|规则|条例|要点)"
                          r"(?:（[^（）]{2,12}）)?$")
REGION_SUFFIXES = ("省", "自治区", "市", "自治州", "地区", "盟", "县", "自治县", "旗", "区")
# A short form followed by one of these names another place (朝阳 of 朝阳区 in 朝阳县).
OTHER_PLACE_SUFFIX = frozenset("县市区州旗盟省")
# 公安厅, 公安局, 公安部: a short form followed by an office word is part of a body's name, not a place.
BODY_AFTER_SHORT = frozenset("厅局部署处")


def parse_date(raw: str) -> str | None:
    """ISO date of a printed date.

    >>> parse_date("2023年9月25日"), parse_date("二〇二三年九月二十五日"), parse_date("2023/9/25")
    ('2023-09-25', '2023-09-25', '2023-09-25')
    """
    match = DATE.search(raw)
    if not match:
        return None
    year, month, day = ((match.group("y"), match.group("m"), match.group("d")) if match.group("y")
                        else (match.group("y2"), match.group("m2"), match.group("d2")))
    try:
        parts = [int(p) if p.isdigit() else chinese_to_int(p) for p in (year, month, day)]
    except ValueError:
        return None
    if not (1 <= parts[1] <= 12 and 1 <= parts[2] <= 31):
        return None
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


def _fields(lines: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in lines[:30]:
        # A table row: 文号 | 汉政办发〔2021〕88号 | 成文日期： | 2021年09月28日 |
        cells = [cell.strip() for cell in re.split(r"[|｜]", line)]
        for cell, following in zip(cells, cells[1:]):
            label = cell.rstrip("：:")
            if re.fullmatch(FIELD_LABELS, label) and following and not re.fullmatch(FIELD_LABELS, following.rstrip("：:")):
                fields.setdefault(label, following)
        matches = list(FIELD.finditer(line))
        if not matches and len(set(re.findall(FIELD_LABELS, line))) >= 2:
            matches = list(FIELD_BARE.finditer(line))
        for match in matches:
            value = match.group("value").strip(" |｜")
            if value:
                fields.setdefault(match.group("label"), value)
    # •发文字号： on one line and 镇政发〔2024〕7号 on the next (a bulleted block): the value follows its label.
    for line, following in zip(lines[:30], lines[1:31]):
        label = line.strip("•·●▪- ").rstrip("：:")
        if re.fullmatch(FIELD_LABELS, label) and line.rstrip().endswith(("：", ":")) and following \
                and not re.match(rf"^[•·●▪-]?\s*(?:{FIELD_LABELS})[：:]", following.strip("•·●▪- ")):
            fields.setdefault(label, following.strip())
    return fields


def _title(lines: Sequence[str], fields: dict[str, str]) -> tuple[str | None, int | None]:
    """The notice's own title and the index of the line it starts on.

    A title may be printed on two lines, the issuer first (济宁市人民政府 / 关于…的实施意见),
    carry a portal channel before it (政务服务丨…) or its doc number after it (…的通知（岳办发〔2017〕2号）).
    """
    labelled = fields.get("标题") or fields.get("名称")
    if labelled:
        labelled = re.sub(r"^【[^】]{1,12}】", "", labelled)  # 【上级文件转载】…: a portal's tag, not the title
        return labelled, next((i for i, line in enumerate(lines) if labelled in line), None)
    for index, line in enumerate(lines[:40]):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if ISSUER_LINE.match(line) and index + 2 < len(lines) and ISSUER_LINE.match(following) \
                and lines[index + 2].startswith(("关于", "印发")):
            # joint issuers on two lines above 关于…的通知 (中共…工作委员会 / …管理委员会 / 关于…)
            three = _clean_title(line + following + lines[index + 2])
            if NOTICE_TITLE.match(three):
                return three, index
        if ISSUER_LINE.match(line) and index + 2 < len(lines) and following.startswith("关于"):
            three = _clean_title(line + following + lines[index + 2])  # 承德县人民政府办公室 / 关于…的 / 补充通知
            if not NOTICE_TITLE.match(_clean_title(line + following)) and NOTICE_TITLE.match(three):
                return three, index
        if ISSUER_LINE.match(line) or line.endswith("关于"):
            joined = _clean_title(line + following)
            if NOTICE_TITLE.match(joined) and not NOTICE_TITLE.match(_clean_title(following)):
                return joined, index
            if ISSUER_LINE.match(line) and NOTICE_TITLE.match(joined) and following.startswith(("批转", "转发", "印发")):
                return joined, index  # 市人民政府 / 批转市发改委关于…的通知: the verb starts the second line
        cleaned = _clean_title(line)
        if NOTICE_TITLE.match(cleaned):
            return cleaned, index
    # A title that names no issuer (关于印发…的通知): the issuer comes from the signature.
    for index, line in enumerate(lines[:20]):
        cleaned = _clean_title(line)
        if BARE_NOTICE_TITLE.match(cleaned):
            return cleaned, index
    # A title broken over three to five short lines (县人民政府办公室关于 / 对县《政府工作报告》确定的… / …的通知):
    # tried only after every one- and two-line reading, and only over lines without sentence punctuation.
    for index, line in enumerate(lines[:40]):
        if not (ISSUER_LINE.match(line) or line.endswith("关于") or "关于" in line[:40]):
            continue
        joined = line
        for following in lines[index + 1:index + 5]:
            if not following or "。" in following or following.endswith(("：", ":")) or len(following) > 60:
                break
            joined += following
            cleaned = _clean_title(joined)
            if NOTICE_TITLE.match(cleaned):
                return cleaned, index
    # A portal page's heading right above its 发布时间 / 来源 line is the page's title, whatever its
    # last word (2023年政府工作报告重点工作责任分解 on a county portal).
    for index, line in enumerate(lines[:40]):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if PAGE_STAMP_LINE.match(following) and 6 <= len(line) <= 60 and not re.search(r"[。，；：:|｜•]", line) \
                and not DATE.search(line) and not FIELD.search(line):
            return _clean_title(line), index
    # No notice title: a plan printed on its own (杭州市推进“互联网+”行动实施意见) opens with its title,
    # before any sentence or addressee line (a cover note's plan heading is not the notice's title).
    for index, line in enumerate(lines[:10]):
        if "。" in line or "，" in line or (line.endswith("：") and len(line) > 8):
            break
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if PLACE_LINE.match(line) and following.startswith("关于") and PLAN_HEADING.match(following):
            return line + following, index  # 马鞍山市 / 关于…的实施细则
        heading = _clean_title(line)
        if PLAN_HEADING.match(heading) and "印发" not in heading:
            return heading, index
    return None, None


def _clean_title(line: str) -> str:
    """Drop what a page prints around a title: 政务服务丨…, 盘县政办发〔2017〕88号…, …（岳办发〔2017〕2号）."""
    line = TITLE_PREFIX.sub("", line)
    leading = DOC_NUMBER.match(line)
    if leading and len(line) > leading.end() + 6:
        line = line[leading.end():]
    line = TITLE_DOC_NUMBER.sub("", line)
    line = TITLE_STATUS.sub("", line)
    if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
        line = line[1:-1]  # a mirror that prints the title as a citation: 《…的通知》
    return line


def _doc_number(lines: Sequence[str], fields: dict[str, str], title_index: int | None) -> str | None:
    labelled = fields.get("发文字号") or fields.get("文号")
    if labelled and DOC_NUMBER.search(labelled):
        return _strip_label(DOC_NUMBER.search(labelled).group("number"))
    # A line that is nothing but a doc number is the 版头's 发文字号, even below a portal's title line.
    for line in lines[:25]:
        # 津政规〔2021〕4号 alone on a line, or in brackets under the title: (津政规〔2021〕4号)
        match = DOC_NUMBER.fullmatch(re.sub(r"^[（(](.+)[）)]$", r"\1", line.strip()))
        if match:
            return _strip_label(match.group("number"))
    for line in lines[:5]:
        lost = LOST_DOC_NUMBER_LINE.fullmatch(line.strip())
        if lost:  # 应政办发〔202321: the page lost 〕 and 号, the year and serial are still there
            return f"{lost.group('prefix')}〔{lost.group('year')}〕{lost.group('serial')}号"
    if title_index is not None:
        trailing = TITLE_DOC_NUMBER.search(lines[title_index])
        if trailing:
            return _strip_label(trailing.group("number") or trailing.group("glued"))
    # The 发文字号 stands in the 版头, above the title; cited numbers come later, in the body.
    header = lines[: (title_index + 1 if title_index is not None else 15)]
    for line in header:
        match = DOC_NUMBER.search(line)
        if match and "《" not in line:
            return _strip_label(match.group("number"))
    return None


def _strip_label(number: str) -> str:
    """发文字号武自然资规〔2022〕35号 (a label glued on by a lost colon) -> 武自然资规〔2022〕35号."""
    return re.sub(r"^(?:发文字号|文号|字号)", "", number.replace(" ", ""))


def _signed_date(lines: Sequence[str], fields: dict[str, str]) -> str | None:
    for label in ("成文日期", "成文时间", "发文日期"):
        if label in fields and parse_date(fields[label]):
            return parse_date(fields[label])
    # The date line under the signature: a line that is only a date (not "…印发").
    for line in lines:
        if DATE.fullmatch(line.strip().strip("（）")):
            return parse_date(line)
    # A page that dropped the date's 年 and 月 (2023925日): read only where one split makes a date.
    for line in lines:
        if LOST_DATE_LINE.fullmatch(line.strip()):
            return _lost_date(line.strip())
    return None


def _lost_date(line: str) -> str | None:
    """``2023925日`` -> ``2023-09-25`` when exactly one month/day split is a valid date.

    >>> _lost_date("2023925日"), _lost_date("20231125日"), _lost_date("2023111日")
    ('2023-09-25', '2023-11-25', None)
    """
    year, rest = line[:4], line[4:-1]
    readings = {f"{year}-{int(rest[:cut]):02d}-{int(rest[cut:]):02d}" for cut in (1, 2)
                if cut < len(rest) and rest[cut] != "0" and 1 <= int(rest[:cut]) <= 12 and 1 <= int(rest[cut:]) <= 31
                and len(rest) - cut <= 2}
    return readings.pop() if len(readings) == 1 else None


def _published_date(fields: dict[str, str], lines: Sequence[str] = ()) -> str | None:
    for label in ("发布日期", "发布时间", "公开日期", "日期"):
        if label in fields and parse_date(fields[label]):
            return parse_date(fields[label])
    # A portal prints the publishing time under the title without a label: 2019-12-25 16:39.
    for line in lines[:10]:
        page_time = PAGE_TIME_LINE.match(line.strip())
        # 2019-12-25 16:39, or with the page's source after it: 2023-01-05 10:00区人民政府办公室
        if page_time and len(line.strip()) - page_time.end() <= 20 and "。" not in line:
            return parse_date(line)
        dated = REPOST_LINE.search(line.strip()) or TIME_LINE.match(line.strip()) or BRACKET_DATE.search(line)
        if dated and (date := parse_date(dated.group(0))):  # each pattern holds one date: parse_date finds it
            return date
    return None


def find_region(texts: Sequence[str], regions: Sequence[RegionRow]) -> Region:
    """Province, city and county of the body that issued the notice.

    ``texts`` are searched in order (issuer first, then title, then the header); the
    first that names a county, or failing that a city or a province, decides.
    An ambiguous county name (朝阳区 is in Beijing and in Changchun) is settled by a
    city or province named anywhere in ``texts``.
    """
    index = _region_index(regions)
    joined = "\n".join(texts)
    for text in texts:
        named = _names_in(text, index)
        for level in ("county", "city", "province"):
            # Rows in table order, as a scan of every row would find them (the sort below is stable).
            candidates = [regions[i] for i in sorted(i for name in named[level] for i in index.rows[level][name])]
            candidates = [row for row in candidates if not _only_as_a_word(row, level, text) or _confirmed(row, level, joined)]
            if not candidates:
                continue
            # Prefer the longest name (长治市 over 长治), then one whose city or province is named too.
            candidates.sort(key=lambda row: (-len(getattr(row, level) or ""),
                                             -(bool(row.city and _named(joined, row.city))
                                               + _named(joined, row.province))))
            best = candidates[0]
            rivals = [row for row in candidates if getattr(row, level) == getattr(best, level)
                      and (row.city, row.province) != (best.city, best.province)]
            if rivals and not (best.city and _named(joined, best.city)) and not _named(joined, best.province):
                continue  # an ambiguous name with nothing to settle it
            return Region(best.province, best.city if level != "province" else None,
                          best.county if level == "county" else None)
    return Region(None, None, None)


def _only_as_a_word(row: RegionRow, level: str, text: str) -> bool:
    """True when ``text`` names the row's place at ``level`` only through an ordinary word:
    the name itself is one (老城区), or its short form is (新建 of 新建区) and the full name is absent."""
    name = getattr(row, level)
    if not row.word_names or not name:
        return False
    if name in row.word_names:
        return True
    return name not in text and any(name.startswith(word) for word in row.word_names)


def _confirmed(row: RegionRow, level: str, joined: str) -> bool:
    """A county whose city or province is named too, a city whose province is."""
    if level == "county":
        return bool(row.city and _named(joined, row.city)) or _named(joined, row.province)
    return level == "city" and _named(joined, row.province)


@dataclass(frozen=True, slots=True)
class _RegionIndex:
    """The region table arranged for lookup by the text's own characters.

    Testing ~3,200 names against every notice cost half a second per notice; looking up
    each two-character window of the (short) header texts costs well under a millisecond.
    """

    rows: dict[str, dict[str, list[int]]]  # level -> name -> indices of the rows it names at that level
    keys: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]]  # first 2 chars -> (key, ((level, name), …))


# The index of the table last passed in, kept with the table itself so that its id stays valid.
_INDEX_CACHE: dict[int, tuple[Sequence[RegionRow], _RegionIndex]] = {}


def _region_index(regions: Sequence[RegionRow]) -> _RegionIndex:
    cached = _INDEX_CACHE.get(id(regions))
    if cached is not None and cached[0] is regions:
        return cached[1]
    rows: dict[str, dict[str, list[int]]] = {"county": {}, "city": {}, "province": {}}
    for i, row in enumerate(regions):
        # The rows a level may pick, as find_region has always filtered them.
        for level, name, eligible in (("county", row.county, True), ("city", row.city, row.county is None),
                                      ("province", row.province, row.city is None)):
            if name and eligible:
                rows[level].setdefault(name, []).append(i)
    # Every name is found through its short form (闻喜 of 闻喜县), a prefix of the name itself.
    by_key: dict[str, list[tuple[str, str]]] = {}
    for level, names in rows.items():
        for name in names:
            by_key.setdefault(_short_form(name), []).append((level, name))
    keys: dict[str, list[tuple[str, tuple[tuple[str, str], ...]]]] = {}
    for key, entries in by_key.items():
        if len(key) < 2:
            raise ValueError(f"region name {key!r} is shorter than two characters")
        keys.setdefault(key[:2], []).append((key, tuple(entries)))
    index = _RegionIndex(rows, {first: tuple(entries) for first, entries in keys.items()})
    _INDEX_CACHE.clear()
    _INDEX_CACHE[id(regions)] = (regions, index)
    return index


def _names_in(text: str, index: _RegionIndex) -> dict[str, set[str]]:
    """Per level, the names :func:`_named` finds in ``text``."""
    named: dict[str, set[str]] = {"county": set(), "city": set(), "province": set()}
    seen: set[str] = set()
    for start in range(len(text) - 1):
        for key, entries in index.keys.get(text[start:start + 2], ()):
            if key in seen or not text.startswith(key, start):
                continue
            seen.add(key)
            for level, name in entries:
                if _named(text, name):
                    named[level].add(name)
    return named


@cache
def _short_form(name: str) -> str:
    """闻喜 for 闻喜县, 运城 for 运城市; a name with fewer than two characters left stays whole."""
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _named(text: str, name: str | None) -> bool:
    if not name:
        return False
    if name in text:
        if len(name) > 2:
            return True
        # 南县 inside 肃南县, 和县 inside 保和县: a two-character name must start a word too
        start = text.find(name)
        while start != -1:
            before = text[start - 1] if start else ""
            if not before or not ("\u4e00" <= before <= "\u9fff") or before in OTHER_PLACE_SUFFIX or before in "局委会厅办院处共":
                return True
            start = text.find(name, start + 1)
    # 闻喜 for 闻喜县, 运城 for 运城市: the short form must be followed by what it names.
    short = _short_form(name)
    if short == name:
        return False
    # 朝阳 of 朝阳区 must not stand for 朝阳县: a short form followed by a region suffix is another place.
    # 资中 of 资中县 must not be read inside 投资中心: a short form starts a word (the text or a line,
    # after punctuation, right after a larger place: 运城闻喜, 山西省运城, or after a body: 运城银保监分局闻喜监管组).
    start = text.find(short)
    while start != -1:
        after = start + len(short)
        before = text[start - 1] if start else ""
        starts_word = not before or not ("\u4e00" <= before <= "\u9fff") or before in OTHER_PLACE_SUFFIX or before in "局委会厅办院处"
        if starts_word and (after == len(text) or (text[after] not in OTHER_PLACE_SUFFIX and text[after] not in BODY_AFTER_SHORT)):
            return True
        start = text.find(short, start + 1)
    return False


def _own_title_matches(text: str) -> Iterator[re.Match]:
    """``OWN_TITLES.finditer(text)``, trying the pattern only just before a 《: every match starts
    with one of its verbs (at most OWN_TITLE_LEAD characters) or a sentence end right before a 《,
    and the rest of a notice's thousands of positions would each try every alternative.

    >>> [m.group("after") for m in _own_title_matches("现将《壶关县实施方案》印发给你们。")]
    ['《壶关县实施方案》']
    """
    position = 0
    for bracket in re.finditer("《", text):
        for start in range(max(position, bracket.start() - OWN_TITLE_LEAD), bracket.start() + 1):
            match = OWN_TITLES.match(text, start)
            if match:
                yield match
                position = match.end()
                break


def _cited(text: str, own_titles: set[str]) -> tuple[CitedPolicy, ...]:
    own_titles = own_titles | {title for match in _own_title_matches(text)
                               for title in re.findall(r"《([^《》\n]+)》", match.group("after") or match.group("before"))}
    seen: dict[str, CitedPolicy] = {}
    for match in CITED.finditer(text):
        title = match.group("title")
        # The notice's own plan may carry the very title of the province's it follows: 根据省、市《X》
        # cites that X even where the notice promulgates its own X.
        own = title in own_titles and not CITING_BEFORE.search(text, max(0, match.start() - 8), match.start())
        if own or title in seen or ABBREVIATED_TITLE.fullmatch(title):
            continue
        number = match.group("number")
        if number and not DOC_NUMBER.fullmatch(number.replace(" ", "")):
            number = None
        seen[title] = CitedPolicy(title, number, match.span())
    return tuple(seen.values())


def _addressees(lines: Sequence[str], title_index: int | None) -> tuple[str, ...]:
    start = title_index + 1 if title_index is not None else 0
    for line in lines[start:start + 4]:
        if line.endswith("：") and ("各" in line or "单位" in line or "政府" in line):
            return tuple(part for part in re.split(r"[，、]", line[:-1]) if part)
    return ()


def extract_metadata(text: str, regions: Sequence[RegionRow]) -> Metadata:
    """Header facts of a normalised notice; a fact the notice does not state stays None."""
    lines = [line.strip() for line in text.split("\n")]
    fields = _fields(lines)
    title, title_index = _title(lines, fields)
    title_match = NOTICE_TITLE.match(title) if title else None
    issuer = title_match.group("issuer") if title_match else None
    # The signature above its date line.
    signature = next((line for line, following in zip(lines, lines[1:])
                      if ISSUER_LINE.match(line) and DATE.fullmatch(following.strip().strip("（）"))), None)
    # The title dropped the place name (区人民政府办公室关于…): the portal's field or the signature,
    # where either prints the same office in full (蔡甸区人民政府办公室), gives the name as printed there.
    for fuller in (fields.get("发文单位") or fields.get("发文机关"), signature):
        if issuer and fuller and len(fuller) > len(issuer) and fuller.endswith(issuer) and ISSUER_LINE.match(fuller):
            issuer = fuller
            break
    if issuer is None:
        # The signature, the portal's 发布机构 for a title that names no issuer, its 来源 when that
        # is an office (not a news site), and last any office-like line of the header.
        issuer = signature
    if issuer is None:
        issuer = fields.get("发文单位") or fields.get("发布机构") or fields.get("发文机关")
    if issuer is None and ISSUER_LINE.match(fields.get("来源", "")):
        issuer = fields["来源"]
    if issuer is None:
        issuer = next((line for line in lines[:15] if ISSUER_LINE.match(line)), None)
    plan_title = None
    if title:
        promulgated = PROMULGATED.search(title)
        if promulgated:
            plan_title = promulgated.group("plan")
        elif PLAN_TITLE.search(title):
            plan_title = title
    own_titles = {t for t in (title, plan_title) if t}
    region = find_region([t for t in (issuer, title, "\n".join(lines[:15])) if t], regions)
    return Metadata(
        doc_number=_doc_number(lines, fields, title_index),
        issuer=issuer,
        title=title,
        plan_title=plan_title,
        signed_date=_signed_date(lines, fields),
        published_date=_published_date(fields, lines),
        region=region,
        cited_policies=_cited(text, own_titles),
        index_number=fields.get("索引号"),
        publishing_agency=fields.get("发文机关") or fields.get("发布机构"),
        addressees=_addressees(lines, title_index),
    )
