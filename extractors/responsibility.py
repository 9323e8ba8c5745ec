"""Who leads and who cooperates: the responsibility clause of one action, in every form notices print it.

Supports (a clause closing the item, :func:`responsibility_of`):
    （县工信局、县文旅局牵头，县财政局等部门和各乡镇政府按职责分工负责）
        -> lead 县工信局, 县文旅局; cooperating 县财政局, 各乡镇政府
    （县商务中心牵头，县发改和科技局、县工信局配合）
    牵头单位：县工信局；配合单位：县财政局、县商务局 / 牵头责任单位：… 协同责任单位：…
    责任单位：县工信局、县财政局   -> all lead, with a warning that no lead was named
    牵头单位：区发改局 / 责任单位：立山经济开发区   -> 责任单位 cooperate where a 牵头单位 is named
    〔责任单位：省发展改革委、省市场监管局按职责分工负责。…〕   -> tortoise-shell brackets, tail dropped
    （县工信局会同县财政局负责）   -> lead 县工信局; cooperating 县财政局
    （市政府各部门分别负责，年内持续推进）   -> lead 市政府各部门 (the timing note names no unit)
    由县农业局负责 / 县农业局负责   -> lead 县农业局 (no 牵头: a warning)
    部门分工：省发展改革委牵头，各地、各部门配合。 (its own line, under 分管省领导：…)
    ★区发改委、统计局 (a unit cell in which ★ marks the lead)
    （市税务局、市财政局，列第一位的为牵头单位，下同） -> the note is no unit
Supports (a table's header printed once above numbered items, :func:`unit_columns`):
    主要工作任务 / 牵头单位 / 责任单位 / 1.… / 区发改局 / 区工信局、各街道办事处
Avoids:
    the verb after 牵头 (牵头实施), a deadline after the units (6月底完成), a leader's name in a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.knowledge import UnitTable
from extractors.records import Section, Span, Unit
from extractors.tables import lines_with_offsets
from extractors.units import identify, looks_like_unit, make_units, split_units


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    score: float


# A parenthesised clause that assigns responsibility; the last one in an action is its own.
RESPONSIBILITY_PAREN = Pattern(
    "responsibility.paren",
    re.compile(r"（(?P<inner>[^（）]*(?:（[^（）]*）[^（）]*)*(?:牵头|负责|配合|参与|会同)[^（）]*(?:（[^（）]*）[^（）]*)*)）"),
    0.95,
)


# 牵头单位：X；配合单位：Y / 责任单位：X — labelled lists, often on their own line.
LABELLED = Pattern(
    "responsibility.labelled",
    re.compile(r"(?P<label>牵头责任单位|协同责任单位|配合责任单位|牵头单位|牵头部门|配合单位|配合部门|协办单位|协同单位|参与单位|责任单位|责任部门)[：:]"
               # a unit may hold a short parenthesis: 各县（市、区）人民政府, 县行政审批局（牵头）, 各市〔州〕人民政府
               # …，数据提供单位：市统计局: any other role label ends the list too (its units are no lead's)
               r"(?P<units>(?:(?!(?:牵头|配合|协办|协同|参与|责任)(?:责任)?(?:单位|部门)[：:]|[，,][\u4e00-\u9fff]{1,6}(?:单位|部门)[：:])"
               r"[^；;。\n（）〔〕【】［］\[\]]"
               r"|（[^（）]{1,12}）|〔[^〔〕]{1,12}〕)+)"),
    0.9,
)


# A unit cell on the item's last line in which ★ (or ▲) marks the lead unit: ★区发改委、统计局.
LEAD_MARKS = "★▲"


LEAD_MARKED_LINE = re.compile(r"(?:^|\n)(?P<units>[^\n。；：:，,]*[★▲][^\n。；：:]*)$")


def _marks_as_spaces(units: str) -> str:
    """★区发改委 -> " 区发改委": one character for one, so the units' offsets stay."""
    return units.translate(str.maketrans({mark: " " for mark in LEAD_MARKS}))


# 部门分工：X牵头，Y配合。 — the clause under a label of its own, on a line of its own.
DIVISION_CLAUSE = re.compile(r"(?:^|\n)(?:部门分工|责任分工|职责分工|任务分工|分工)[：:](?P<clause>[^。\n]{2,300})")


# A responsibility clause closing a heading: 强化科技创新（区科技局牵头）.
TITLE_CLAUSE = re.compile(r"（(?P<inner>[^（）]*(?:牵头|负责|配合|会同)[^（）]*)）$")


# What closes a cooperating list: the list names units, these words say what they do.
COOPERATE_TAIL = re.compile(
    r"(?:按照?(?:各自)?职责(?:分工)?(?:负责|落实|配合)?|分工负责|配合(?:落实|实施)?|参与|参加|协同(?:推进|配合)?|共同(?:推进|负责|落实)"
    r"|(?:分别)?负责(?:落实|实施|推进)?|分别落实)$"
)


JOINT_LEADS = re.compile(r"(?:分别|共同)牵头$")
# The verb closing one group of cooperating units, before a comma or the end (…等参与，Y负责落实):
# blanked one character for one, so the units' offsets stay.
SEGMENT_TAIL = re.compile(
    r"(?<=[\u4e00-\u9fff）)])(?:等(?=参与|配合|负责|按|共同|协同))?"
    r"(?:按照?(?:各自)?职责(?:分工)?(?:负责|落实|配合)?|分工负责|配合(?:落实|实施)?|参与|参加|协同(?:推进|配合)?|共同(?:推进|负责|落实)"
    r"|(?:分别)?负责(?:落实|实施|推进)?|分别落实)(?=[，,；;]|$)"
)
# When the task is due, after the units: （市政府各部门分别负责，年内持续推进）, （…配合，2024年6月底前完成）.
TIMING_TAIL = re.compile(r"(?:[，,；;](?:年内|全年|今年|明年|长期|持续|常态化|逐年|每年|(?:19|20)\d{2}年|\d{1,2}月|[一二三四]季度|[上下]半年)"
                         r"[^，,；;（）]*)+$")


LEAD_WORD = "牵头"


# The verb a lead clause may close with (牵头实施, 牵头抓总, 牵头组织实施), before any cooperating list.
LEAD_VERB = re.compile(r"(?:负责)?(?:组织)?(?:实施|推进|落实|抓总|推动|执行|办理|组织)(?=[，,、；;]|$)")


def parse_responsibility(clause: str, offset: int, table: UnitTable) -> tuple[tuple[Unit, ...], tuple[Unit, ...], str, list[str]]:
    """Split the inside of a responsibility clause into lead and cooperating units.

    Returns (lead, cooperating, rule, warnings); ``offset`` is where ``clause`` starts.

    >>> from extractors.knowledge import default_knowledge
    >>> lead, coop, rule, _ = parse_responsibility(
    ...     "县商务中心牵头，县发改和科技局、县工信局等部门和各乡镇政府按职责分工负责", 0, default_knowledge().units)
    >>> [u.name for u in lead], [u.name for u in coop], rule
    (['县商务中心'], ['县发改和科技局', '县工信局', '各乡镇政府'], 'responsibility.qiantou')
    """
    warnings: list[str] = []
    clause = TIMING_TAIL.sub("", clause)  # only the end goes: offsets of what is left stand
    if LEAD_WORD in clause:
        at = clause.index(LEAD_WORD)
        lead = make_units(clause[:at], offset, table)
        rest_start = at + len(LEAD_WORD)
        rest = clause[rest_start:]
        stripped = rest.lstrip("，,、；; ")
        verb = LEAD_VERB.match(stripped)  # 由县发改局牵头实施: what the lead does, not a unit
        if verb:
            stripped = stripped[verb.end():].lstrip("，,、；; ")
        rest_start += len(rest) - len(stripped)
        # …等参与，县（市、区）政府负责落实。以下均需…不再列出: the note after a stop names no unit,
        # and each group of cooperating units may close with its own verb.
        stripped = stripped.split("。")[0]
        cooperating_text = SEGMENT_TAIL.sub(lambda tail: " " * len(tail.group(0)), stripped)
        cooperating = make_units(cooperating_text, offset + rest_start, table)
        return lead, cooperating, "responsibility.qiantou", warnings
    if "会同" in clause:
        at = clause.index("会同")
        lead = make_units(clause[:at], offset, table)
        rest = clause[at + 2:]
        tail = COOPERATE_TAIL.search(rest)
        cooperating = make_units(rest[:tail.start()] if tail else rest, offset + at + 2, table)
        return lead, cooperating, "responsibility.huitong", warnings
    tail = COOPERATE_TAIL.search(clause)
    units_text = clause[:tail.start()] if tail else clause
    units_text = re.sub(r"^(?:由|责任单位[：:]|责任部门[：:])", lambda m: " " * len(m.group(0)), units_text)
    everyone = make_units(units_text, offset, table)
    warnings.append("responsibility names no lead unit (no 牵头); all units put in lead")
    return everyone, (), "responsibility.no_lead", warnings


def _labelled(body: str, offset: int, table: UnitTable) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Span, list[str]] | None:
    lead: list[Unit] = []
    cooperating: list[Unit] = []
    warnings: list[str] = []
    matches = list(LABELLED.regex.finditer(body))
    if not matches:
        return None
    # Where a 牵头单位 is named, 责任单位 lists the units that carry the task out with it.
    has_lead_label = any(m.group("label").startswith("牵头") for m in matches)
    for match in matches:
        # a remark after the list (，排在首位的为牵头单位，下同 / ，具体任务均涉及…) names no unit
        units_text = re.split(r"[，,](?=排在|排名|列第|下同|具体|以下|其中|不再)", match.group("units"))[0]
        units_text = TIMING_TAIL.sub("", units_text).rstrip("，,、 ")  # …湘西经开区管委会，6月底完成
        tail = COOPERATE_TAIL.search(units_text)
        if tail:
            units_text = units_text[:tail.start()]
        each_leads = JOINT_LEADS.search(units_text)  # 市发改委、市农业农村局分别牵头: each of them leads
        if each_leads:
            units_text = units_text[:each_leads.start()]
        units = make_units(units_text, offset + match.start("units"), table)
        if each_leads:
            lead.extend(units)
            continue
        if match.group("label").startswith("牵头"):
            lead.extend(units)
        elif match.group("label")[:2] in ("配合", "协办", "协同", "参与") or has_lead_label:
            cooperating.extend(units)
        else:
            # 责任单位：X（牵头）、Y — a unit marked 牵头 leads, the rest cooperate.
            marked = [u for u in units if u.name.endswith("（牵头）")]
            if marked:
                lead.extend(Unit(u.name.removesuffix("（牵头）"), u.canonical, u.level,
                                 (u.span[0], u.span[1] - 4)) for u in marked)
                cooperating.extend(u for u in units if u not in marked)
            else:
                lead.extend(units)
                warnings.append("责任单位 names no 牵头 unit; all units put in lead")
    span = (offset + matches[0].start(), offset + matches[-1].end())
    return tuple(lead), tuple(cooperating), span, warnings


NOTE_EXCEPTION = re.compile(r"^除[^，,；;]{0,20}外$")


def _before_note(inner: str) -> str:
    """A clause without the convention note it may carry: （X、Y，列第一位的为牵头单位，下同。…） -> X、Y."""
    note = FIRST_LEADS.search(inner)
    if note is None:
        return inner
    cut = max(inner.rfind(mark, 0, note.start()) for mark in "，,；;（(")
    before = inner[:cut].rstrip("，,、；; ") if cut > 0 else ""
    # （除标注“分别牵头”外，列第一位为牵头或汇总单位，下同）: an exception to the note is a note too
    return "" if NOTE_EXCEPTION.match(before) else before


def responsibility_of(text: str, section: Section, table: UnitTable, columns: tuple[str, ...] | None = None
                      ) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Span | None, str, list[str]]:
    """Lead and cooperating units of one action section, with the clause's span and rule.

    ``columns`` are the unit columns of a table whose header the notice prints once above items
    that carry their cells on lines of their own (:func:`unit_columns`).
    """
    start, end = section.span
    body = text[start:end]
    # （牵头） alone marks one unit of a labelled list; a clause names units too.
    # A note on the convention (列第一位的为牵头单位，下同) names no unit, though it says 牵头: the
    # clause is what stands before it (a bracket holding only the note is no clause).
    paren_matches = [m for m in RESPONSIBILITY_PAREN.regex.finditer(body)
                     if len(m.group("inner")) > 4 and _before_note(m.group("inner"))]
    if paren_matches and not LABELLED.regex.search(paren_matches[-1].group("inner")):
        match = paren_matches[-1]
        inner = _before_note(match.group("inner"))
        lead, cooperating, rule, warnings = parse_responsibility(inner, start + match.start("inner"), table)
        return lead, cooperating, (start + match.start(), start + match.end()), rule, warnings
    marked = LEAD_MARKED_LINE.search(body.rstrip()) if ("★" in body or "▲" in body) else None
    if marked:
        # ★区发改委、统计局: a task table's unit cell in which ★ marks the lead (吴江区 分解表).
        units_start = start + marked.start("units")
        units = make_units(_marks_as_spaces(marked.group("units")), units_start, table)
        lead = tuple(u for u in units if text[u.span[0] - 1:u.span[0]] in LEAD_MARKS)
        cooperating = tuple(u for u in units if u not in lead)
        return lead, cooperating, (units_start, start + marked.end("units")), "responsibility.marked", []
    division = DIVISION_CLAUSE.search(body) if "分工" in body else None
    if division and (LEAD_WORD in division.group("clause") or not LABELLED.regex.search(body)):
        # 部门分工：省发展改革委牵头，各地、各部门配合。 (a province's 重点任务分工, after 分管省领导：…)
        clause_start = start + division.start("clause")
        lead, cooperating, rule, warnings = parse_responsibility(division.group("clause"), clause_start, table)
        return lead, cooperating, (start + division.start(), start + division.end()), rule, warnings
    labelled = _labelled(body, start, table)
    if labelled:
        lead, cooperating, span, warnings = labelled
        return lead, cooperating, span, "responsibility.labelled", warnings
    bare = bare_unit_list(body, table)
    if bare:
        # A closing bracket that holds only units is the item's list: （市自然资源和规划局、市发展改革委）
        # (嘉兴市, under 列第一位的为牵头单位，下同), （市发改委） (宁波市).
        inner_start = start + bare.start("inner")
        lead, cooperating, rule, warnings = parse_responsibility(bare.group("inner"), inner_start, table)
        return lead, cooperating, (start + bare.start(), start + bare.end()), "responsibility.bare_list", warnings
    if columns:
        cells = unit_cell_lines(text, section, table)
        if cells:
            return _cells_by_column(cells, columns, table)
    trailing = trailing_units(body, table)
    if trailing:
        # 1 地区生产总值增长7%以上。发改委: a table row flattened onto one line, its unit cell last
        units = make_units(trailing.group("units"), start + trailing.start("units"), table)
        return (units, (), (start + trailing.start("units"), start + trailing.end("units")), "responsibility.trailing",
                ["responsibility names no lead unit (no 牵头); all units put in lead"])
    return (), (), None, "responsibility.none", ["no responsibility clause found"]


# A unit list after an item's last full stop, closing the item: …比重47.1%. 发改委
TRAILING_UNITS = re.compile(r"[。.．]\s*(?P<units>[^。.．；;，,：:\n（）()]{2,40}?)\s*$")


def trailing_units(body: str, table: UnitTable) -> re.Match[str] | None:
    """The unit list closing an item after its last full stop, when every piece of it is a unit
    and the table knows at least one of them; else None."""
    match = TRAILING_UNITS.search(body.rstrip())
    return match if match and _only_units(match.group("units"), table) else None


def _only_units(text: str, table: UnitTable, shortest: int = 1) -> bool:
    """Every piece of the list ``text`` is a unit of at least ``shortest`` characters, and the
    table knows at least one of them."""
    pieces = split_units(text, 0, table)
    return (bool(pieces) and all(looks_like_unit(name, table) and len(name) >= shortest for name, _ in pieces)
            and any(identify(name, table)[0] for name, _ in pieces))


# The header cells that name a task column, on lines of their own, before the unit columns.
COLUMN_TASK_HEADER = re.compile(r"^[ \u3000]*(?:主要|重点|具体)?(?:工作)?(?:任务|举措|事项|目标任务|工作任务)(?:内容)?[ \u3000]*$", re.M)


# A column of people (责任领导 / 牵头领导 / 分管领导): no units in it.
COLUMN_LEADER_HEADER = re.compile(r"^(?:责任|牵头|分管|包抓|联系)(?:县|市|区)?领导$")


def unit_columns(text: str) -> tuple[str, ...] | None:
    """The unit columns of a table whose header stands once above numbered items, or None.

    沈河区: 主要工作任务 / 牵头单位 / 责任单位, then 1.主动对接国家战略… / 区发改局 / 区工信局、…: each
    item carries its cells on lines of its own. Roles as in :data:`TABLE_HEADER_CELLS`, plus
    ``other`` for a column of people.
    """
    # Only the lines that can be such a header are looked at (this runs on every notice).
    for header in COLUMN_TASK_HEADER.finditer(text):
        line_start = header.start()  # the pattern holds a whole line
        previous = text[text.rfind("\n", 0, line_start - 1) + 1:line_start - 1] if line_start else ""
        if previous.strip() in ("序号", "编号"):
            continue  # (a header after 序号 is a flattened table's: extractors/tables.py reads it)
        roles = []
        for cell in text[header.end() + 1:].split("\n", 4)[:4]:
            cell = cell.strip()
            role = next((name for name, pattern in TABLE_HEADER_CELLS[1:] if pattern.match(cell)), None)
            if role is None and COLUMN_LEADER_HEADER.match(cell):
                role = "other"
            if role is None:
                break
            roles.append(role)
        if set(UNIT_COLUMNS) & set(roles):
            return tuple(roles)
    return None


def unit_cell_lines(text: str, section: Section, table: UnitTable) -> list[tuple[str, int]]:
    """The lines after an item's first that are unit lists (区发改局 / 区工信局、各街道办事处),
    in order; a person's name between them (another column) is passed over."""
    start, end = section.span
    lines = lines_with_offsets(text[start:end])[1:]
    cells = []
    for line, offset in lines:
        stripped = line.strip()
        if not stripped:
            continue
        pieces = split_units(stripped, 0, table)
        if pieces and all(looks_like_unit(name, table) for name, _ in pieces):
            cells.append((line, start + offset))
        elif len(stripped) > 4 or cells:
            return []  # prose after the first line, or text after the unit cells: no cells
    return cells


def _cells_by_column(cells: list[tuple[str, int]], columns: tuple[str, ...], table: UnitTable
                     ) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Span, str, list[str]]:
    """Units of an item's cells by column: one cell per unit column, the last column takes the rest."""
    roles = [role for role in columns if role in UNIT_COLUMNS]
    lead: list[Unit] = []
    cooperating: list[Unit] = []
    for position, (line, offset) in enumerate(cells):
        role = roles[min(position, len(roles) - 1)]
        units = make_units(line, offset, table)
        if role == "lead" or (role == "responsible" and "lead" not in roles):
            lead.extend(units)
        else:
            cooperating.extend(units)
    warnings = [] if "lead" in roles else ["责任单位 names no 牵头 unit; all units put in lead"]
    span = (cells[0][1], cells[-1][1] + len(cells[-1][0]))
    return tuple(lead), tuple(cooperating), span, "responsibility.columns", warnings


# A bracket closing an item that holds nothing but a list of units.
BARE_UNIT_LIST = re.compile(r"（(?P<inner>[^（）。；]{2,200})）[。；]?$")


def bare_unit_list(body: str, table: UnitTable) -> re.Match[str] | None:
    """The bracket closing an item when every piece in it is a unit and the table knows one; else None."""
    bare = BARE_UNIT_LIST.search(body.rstrip())
    # a bare word (（街道）, （乡镇）) is a remark on where, not a unit's name
    return bare if bare and _only_units(bare.group("inner"), table, shortest=3) else None


def has_responsibility_in(body: str) -> bool:
    return bool(any(len(m.group("inner")) > 4 for m in RESPONSIBILITY_PAREN.regex.finditer(body))
                or LABELLED.regex.search(body) or ("分工" in body and DIVISION_CLAUSE.search(body))
                or (("★" in body or "▲" in body) and LEAD_MARKED_LINE.search(body.rstrip())))


def has_responsibility(text: str, section: Section) -> bool:
    return has_responsibility_in(text[section.span[0]:section.span[1]])


# Header cells of a task table (extractors/tables.py) that name the task and the unit columns;
# the first of each role wins, any other column holds neither.
TABLE_HEADER_CELLS = (("task", re.compile(r"^(?:重点|主要|具体|年度)?(?:任务|事项|工作任务|工作内容|工作事项|目标任务|重点工作|举措|工作举措"
                                          r"|目标与任务|目标和任务|重点工作目标任务"
                                          r"|民生实事|实事项目|实事|项目名称|项目|建设项目|实事名称|指标名称|主要指标)"
                                          r"(?:内容|名称)?(?:和要求|及要求|和目标)?$")),
                      ("lead", re.compile(r"^(?:牵头|主要)(?:责任)?(?:单位|部门)$")),
                      ("cooperating", re.compile(r"^(?:配合|协办|协同|参与)(?:配合)?(?:责任)?(?:单位|部门)$")),
                      ("responsible", re.compile(r"^(?:责任|负责|实施|主责)(?:单位|部门)$")))


UNIT_COLUMNS = ("lead", "cooperating", "responsible")


# （责任单位：市税务局、市财政局，排在首位的为牵头单位，下同）: the notice says once that the first unit
# of every list leads; lists that name no lead then split into the first unit and the rest.
# Also (列第一位的为工作牵头单位或汇总单位，下同), printed in brackets right after the list (湖州市).
FIRST_LEADS = re.compile(r"(?:排在首位|排在第一位|排名第一|排名首位|列第一位|列在首位|列首位|第一个)(?:的|者)?(?:单位|部门)?为(?:工作)?牵头(?:单位|部门|或)")
