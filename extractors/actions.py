"""Find the numbered actions of a notice and who leads and cooperates on each.

An action is an item of a numbered list that is the notice's task list: the
children of a section titled 重点任务 / 主要任务 / …, or any list of siblings most
of which close with a responsibility clause.

Supports (responsibility phrasings):
    （县工信局、县文旅局牵头，县财政局等部门和各乡镇政府按职责分工负责）
        -> lead 县工信局, 县文旅局; cooperating 县财政局, 各乡镇政府
    （县商务中心牵头，县发改和科技局、县工信局配合）
    牵头单位：县工信局；配合单位：县财政局、县商务局
    责任单位：县工信局、县财政局   -> all lead, with a warning that no lead was named
    牵头单位：区发改局 / 责任单位：立山经济开发区   -> 责任单位 cooperate where a 牵头单位 is named
    〔责任单位：省发展改革委、省市场监管局按职责分工负责。…〕   -> tortoise-shell brackets, tail dropped
    （县工信局会同县财政局负责）   -> lead 县工信局; cooperating 县财政局
    （市政府各部门分别负责，年内持续推进）   -> lead 市政府各部门 (the timing note names no unit)
    由县农业局负责 / 县农业局负责   -> lead 县农业局 (no 牵头: a warning)
    部门分工：省发展改革委牵头，各地、各部门配合。 (its own line, under 分管省领导：…)
    （责任单位：市税务局、市财政局，排在首位的为牵头单位，下同）   -> lead 市税务局; cooperating 市财政局,
        and every later list that names no lead splits the same way; also
        责任单位：市政府办公室、各区县政府（列第一位的为工作牵头单位或汇总单位，下同）
Supports (task tables whose page put every cell on its own line):
    序号 / 事项 / 责任单位 / 牵头单位 / 1 / 地区生产总值增长6.5%以上。 / 区农业农村局、区发改局 / 区发改局
        -> action 1, lead 区发改局, cooperating 区农业农村局 (责任单位 other than the lead)
Supports (responsibility stated once for a section):
    一、强化科技创新（区科技局牵头）   -> the heading's clause; the title is 强化科技创新
    一、县示范区管委会牵头工作（8项） / 以下任务由县发改局牵头   -> every item below inherits the lead
Supports (a plan-level 责任分工 list after the tasks, see :func:`division_assignments`):
    五、责任分工 / 1.县工信局：牵头负责第（一）（三）项任务，配合第（二）项任务
    （一）至（三）项由县发改局牵头，县财政局配合 / 第一、二项任务：县发改局牵头
    a task table (tabs or one cell per line) whose rows name tasks defined above
        -> those tasks take the units; a task's own clause wins
Supports (一是…（X牵头）；二是…（Y负责） inside a paragraph): each item is an action when at
    least half of them assign units (:func:`inline_items`).
Avoids:
    Sections that only describe (二、支持重点和认定标准 （一）历史传承厚重…): no task title,
    no responsibility clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from extractors.amounts import chinese_to_int
from extractors.knowledge import UnitTable
from extractors.records import Action, Section, Span, Unit
from extractors.tables import flat_tables, lines_with_offsets
from extractors.units import looks_like_unit, make_units, split_units


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    score: float


# Titles of the section whose children are the plan's actions.
TASK_SECTION = re.compile(r"(?:重点|主要|工作|具体)(?:任务|工作|措施|举措)|任务分工|行动内容|重点行动")
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
               r"(?P<units>(?:(?!(?:牵头|配合|协办|协同|参与|责任)(?:责任)?(?:单位|部门)[：:])[^；;。\n（）〔〕【】［］\[\]]"
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
# A heading that states who leads everything under it: 县示范区管委会牵头工作（8项）, 以下任务由县发改局牵头.
SECTION_LEAD = Pattern(
    "responsibility.section",
    re.compile(r"^(?:以下(?:各项)?(?:任务|工作|事项)?(?:均)?由)?(?P<units>[^，。；（）]{2,60}?)牵头(?:负责)?(?:的)?(?:工作|任务|事项)?"
               r"(?:（[^（）]*）)?[。：]?$"),
    0.85,
)
# The same said in a section's opening sentence: 以下任务由县发改局牵头，县财政局配合。
SECTION_LEAD_SENTENCE = re.compile(r"以下(?:各项)?(?:任务|工作|事项)(?:均)?由(?P<clause>[^。；\n]{2,120}?)(?:负责)?[。；\n]")
# A responsibility clause closing a heading: 强化科技创新（区科技局牵头）.
TITLE_CLAUSE = re.compile(r"（(?P<inner>[^（）]*(?:牵头|负责|配合|会同)[^（）]*)）$")
# What closes a cooperating list: the list names units, these words say what they do.
COOPERATE_TAIL = re.compile(
    r"(?:按照?(?:各自)?职责(?:分工)?(?:负责|落实|配合)?|分工负责|配合(?:落实|实施)?|参与|协同(?:推进|配合)?|共同(?:推进|负责|落实)"
    r"|(?:分别)?负责(?:落实|实施|推进)?|分别落实)$"
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
        tail = COOPERATE_TAIL.search(stripped)
        cooperating_text = stripped[:tail.start()] if tail else stripped
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
        units = make_units(units_text, offset + match.start("units"), table)
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


def _before_note(inner: str) -> str:
    """A clause without the convention note it may carry: （X、Y，列第一位的为牵头单位，下同。…） -> X、Y."""
    note = FIRST_LEADS.search(inner)
    if note is None:
        return inner
    cut = max(inner.rfind(mark, 0, note.start()) for mark in "，,；;（(")
    return inner[:cut].rstrip("，,、；; ") if cut > 0 else ""


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
    if FIRST_LEADS.search(text):
        # Where the notice said 列第一位的为牵头单位，下同, a closing bracket that holds only units
        # is the item's list: （市自然资源和规划局、市发展改革委）.
        bare = BARE_UNIT_LIST.search(body.rstrip())
        if bare and all(looks_like_unit(name, table) for name, _ in split_units(bare.group("inner"), 0, table)):
            inner_start = start + bare.start("inner")
            lead, cooperating, rule, warnings = parse_responsibility(bare.group("inner"), inner_start, table)
            return lead, cooperating, (start + bare.start(), start + bare.end()), "responsibility.bare_list", warnings
    if columns:
        cells = _unit_cell_lines(text, section, table)
        if cells:
            return _cells_by_column(cells, columns, table)
    return (), (), None, "responsibility.none", ["no responsibility clause found"]


# The header cells that name a task column, on lines of their own, before the unit columns.
COLUMN_TASK_HEADER = re.compile(r"^(?:主要|重点|具体)?(?:工作)?(?:任务|举措|事项|目标任务|工作任务)(?:内容)?$")
# A column of people (责任领导 / 牵头领导 / 分管领导): no units in it.
COLUMN_LEADER_HEADER = re.compile(r"^(?:责任|牵头|分管|包抓|联系)(?:县|市|区)?领导$")


def unit_columns(text: str) -> tuple[str, ...] | None:
    """The unit columns of a table whose header stands once above numbered items, or None.

    沈河区: 主要工作任务 / 牵头单位 / 责任单位, then 1.主动对接国家战略… / 区发改局 / 区工信局、…: each
    item carries its cells on lines of its own. Roles as in :data:`TABLE_HEADER_CELLS`, plus
    ``other`` for a column of people.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not COLUMN_TASK_HEADER.match(line.strip()) or (index and lines[index - 1].strip() in ("序号", "编号")):
            continue  # (a header after 序号 is a flattened table's: extractors/tables.py reads it)
        roles = []
        for cell in lines[index + 1:index + 5]:
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


def _unit_cell_lines(text: str, section: Section, table: UnitTable) -> list[tuple[str, int]]:
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


def _inherited_lead(text: str, sections: Sequence[Section], index: int,
                    table: UnitTable) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Span] | None:
    """The units an enclosing heading assigns to this item, the nearest heading first."""
    parent = sections[index].parent
    while parent is not None:
        found = section_lead(text, sections, parent, table)
        if found is not None:
            return found
        parent = sections[parent].parent
    return None


# A clause standing on a line of its own: （责任单位：市直各有关单位、各县（市、区）人民政府）.
STANDALONE_CLAUSE = re.compile(r"^（[^（）]*(?:（[^（）]*）[^（）]*)*(?:牵头|负责|配合|责任单位|责任部门)[^（）]*(?:（[^（）]*）[^（）]*)*）$")


def _clause_items(text: str, sections: Sequence[Section], group: Sequence[int],
                  has_cells: Callable[[Section], bool] = lambda section: False) -> list[int]:
    """The items of a list that assign units themselves (a clause, or unit cells under column headers).

    A clause on its own line after the last item, where no other item has one, closes the
    enclosing item (1.完善应急预案体系 / (1)… (4)… / （责任单位：…）), not the last sub-item.
    """
    with_clause = [i for i in group if _has_responsibility(text, sections[i]) or has_cells(sections[i])]
    if len(group) > 1 and with_clause == [group[-1]]:
        last = sections[group[-1]]
        lines = [line for line in text[last.span[0]:last.span[1]].split("\n") if line.strip()]
        if len(lines) > 1 and STANDALONE_CLAUSE.match(lines[-1].strip()) and not _has_responsibility_in(lines[0]):
            return []
    return with_clause


def _has_responsibility_in(body: str) -> bool:
    return bool(any(len(m.group("inner")) > 4 for m in RESPONSIBILITY_PAREN.regex.finditer(body))
                or LABELLED.regex.search(body) or ("分工" in body and DIVISION_CLAUSE.search(body))
                or (("★" in body or "▲" in body) and LEAD_MARKED_LINE.search(body.rstrip())))


def _has_responsibility(text: str, section: Section) -> bool:
    return _has_responsibility_in(text[section.span[0]:section.span[1]])


def section_lead(text: str, sections: Sequence[Section], index: int,
                 table: UnitTable) -> tuple[tuple[Unit, ...], tuple[Unit, ...], Span] | None:
    """Units a heading assigns to every item under it, or None.

    Read from the heading itself (一、县示范区管委会牵头工作（8项）) or from the section's
    opening sentence before its first item (以下任务由县发改局牵头，县财政局配合).
    """
    section = sections[index]
    if section.title is not None and section.title_span is not None:
        match = SECTION_LEAD.regex.match(section.title)
        if match:
            units_start = section.title_span[0] + match.start("units")
            lead = make_units(match.group("units"), units_start, table)
            if lead:
                return lead, (), (section.title_span[0], section.title_span[1])
    first_child = next((s.span[0] for s in sections[index + 1:] if s.parent == index), section.span[1])
    intro_start = section.title_span[1] if section.title_span else section.span[0] + len(section.marker)
    sentence = SECTION_LEAD_SENTENCE.search(text, intro_start, first_child)
    if sentence:
        lead, cooperating, _, _ = parse_responsibility(sentence.group("clause"), sentence.start("clause"), table)
        if lead:
            return lead, cooperating, (sentence.start(), sentence.end())
    return None


def action_sections(text: str, sections: Sequence[Section], table: UnitTable | None = None,
                    columns: tuple[str, ...] | None = None) -> list[int]:
    """Indices of the sections that are actions, in document order (``columns``: see :func:`unit_columns`)."""
    def has_cells(section: Section) -> bool:
        return bool(columns and table is not None and _unit_cell_lines(text, section, table))

    children: dict[int | None, list[int]] = {}
    for index, section in enumerate(sections):
        children.setdefault(section.parent, []).append(index)
    # A list is a run of one kind of marker: 一、扩大有效投资 beside 第一条 / 第二条 is no item of theirs.
    lists: dict[tuple[int | None, int], list[int]] = {}
    for index, section in enumerate(sections):
        lists.setdefault((section.parent, section.level), []).append(index)
    lists = _join_continued_lists(sections, lists)
    chosen: set[int] = set()
    for (parent, _), group in lists.items():
        under_task_title = (parent is not None and sections[parent].title is not None
                            and (TASK_SECTION.search(sections[parent].title)
                                 or (table is not None and section_lead(text, sections, parent, table) is not None)))
        # A list whose items contain sub-lists that assign units leaves the work to those;
        # such items neither count towards the list's clauses nor become actions themselves.
        items = [i for i in group if not (children.get(i) and _clause_items(text, sections, children[i], has_cells))]
        with_clause = len(_clause_items(text, sections, items, has_cells))
        # A list is a task list when its heading says so or most of its items assign units.
        if under_task_title or (with_clause and with_clause * 2 >= len(items)):
            chosen.update(items)
    # A heading whose numbered items are actions is not one itself: (二)今年发展主要预期目标 / 2.…
    return sorted(index for index in chosen if not any(child in chosen for child in children.get(index, ())))


def _join_continued_lists(sections: Sequence[Section], lists: dict[tuple[int | None, int], list[int]]
                          ) -> dict[tuple[int | None, int], list[int]]:
    """Items numbered on across sub-headings are one list: (一)总体要求 / 1.… / (二)主要目标 / 2.…

    A list joins the one before it when both sit under sibling headings of one level and its
    first number follows that list's last.
    """
    joined: dict[tuple[int | None, int], list[int]] = {}
    last_of_level: dict[int, tuple[int | None, int]] = {}
    for key, group in lists.items():
        parent, level = key
        previous_key = last_of_level.get(level)
        if previous_key is not None and parent is not None and previous_key[0] is not None:
            previous_group = joined[previous_key]
            previous_parent = sections[previous_key[0]]
            if (previous_parent.parent == sections[parent].parent and previous_parent.level == sections[parent].level
                    and sections[group[0]].ordinal == sections[previous_group[-1]].ordinal + 1):
                previous_group.extend(group)
                continue
        joined[key] = list(group)
        last_of_level[level] = key
    return joined


# Header cells of a task table (extractors/tables.py) that name the task and the unit columns;
# the first of each role wins, any other column holds neither.
TABLE_HEADER_CELLS = (("task", re.compile(r"^(?:重点|主要|具体|年度)?(?:任务|事项|工作任务|工作内容|工作事项|目标任务|重点工作|举措|工作举措"
                                          r"|目标与任务|目标和任务|重点工作目标任务"
                                          r"|民生实事|实事项目|实事|项目名称|项目|建设项目|实事名称)"
                                          r"(?:内容|名称)?(?:和要求|及要求|和目标)?$")),
                      ("lead", re.compile(r"^牵头(?:责任)?(?:单位|部门)$")),
                      ("cooperating", re.compile(r"^(?:配合|协办|协同|参与)(?:责任)?(?:单位|部门)$")),
                      ("responsible", re.compile(r"^(?:责任|负责|实施|主责)(?:单位|部门)$")))
UNIT_COLUMNS = ("lead", "cooperating", "responsible")


def _column_roles(columns: Sequence[str]) -> list[str]:
    roles: list[str] = []
    for cell in columns:
        role = next((name for name, pattern in TABLE_HEADER_CELLS if pattern.match(cell)), "other")
        roles.append(role if role not in roles else "other")
    return roles


def table_actions(text: str, table: UnitTable) -> list[Action]:
    """Actions of the task tables a page flattened one cell per line (:mod:`extractors.tables`).

    A table counts when its header names the task and at least one unit column. A unit cell
    may take several lines (one unit per line). Where both 牵头单位 and 责任单位 are given, the
    责任单位 other than the lead cooperate.
    """
    actions: list[Action] = []
    for flat in flat_tables(text):
        roles = _column_roles(flat.columns)
        if "task" not in roles or not set(UNIT_COLUMNS) & set(roles):
            continue
        for number, ((marker, offset), row) in enumerate(flat.rows, start=1):
            cells = _row_cells(roles, list(row), table)
            if "task" not in cells:
                break
            actions.append(_table_row(number, marker.strip(), offset, cells, table))
    return actions


def _row_cells(roles: list[str], row: list[tuple[str, int]], table: UnitTable) -> dict[str, tuple[str, int]]:
    """The cells of one row by column role; a unit column takes every unit-like line in a row
    (县水务局 / 县住建局 / 县护城河指挥部) while the later columns still have lines to fill."""
    cells: dict[str, tuple[str, int]] = {}
    position = 0
    for column_index, role in enumerate(roles):
        if position >= len(row):
            break
        line, start = row[position]
        position += 1
        if role in UNIT_COLUMNS:
            parts = [(line, start)]
            later_columns = len(roles) - column_index - 1
            while (position < len(row) and len(row) - position > later_columns and row[position][0].strip()
                   and looks_like_unit(row[position][0].strip(), table)):
                parts.append(row[position])
                position += 1
            # Consecutive lines stand one break apart, so a 、 in place of each break keeps every
            # offset: the units' spans still slice the normalised text.
            line = "、".join(part for part, _ in parts)
        cells.setdefault(role, (line, start))
    return cells


def _table_row(number: int, marker: str, offset: int, cells: dict[str, tuple[str, int]], table: UnitTable) -> Action:
    task, task_start = cells["task"]
    title = task.strip().rstrip("。；")
    lead = make_units(cells["lead"][0], cells["lead"][1], table) if "lead" in cells else ()
    cooperating = make_units(cells["cooperating"][0], cells["cooperating"][1], table) if "cooperating" in cells else ()
    warnings: list[str] = []
    if "responsible" in cells:
        responsible = make_units(cells["responsible"][0], cells["responsible"][1], table)
        if lead:
            lead_names = {unit.name for unit in lead}
            cooperating += tuple(unit for unit in responsible if unit.name not in lead_names)
        else:
            lead = responsible
            warnings.append("责任单位 names no 牵头 unit; all units put in lead")
    last_line, last_start = max(cells.values(), key=lambda cell: cell[1])
    span = (offset, last_start + len(last_line))
    return Action(number, marker, title, lead, cooperating, span, (task_start, task_start + len(title)),
                  None, "responsibility.table", tuple(warnings))


# （责任单位：市税务局、市财政局，排在首位的为牵头单位，下同）: the notice says once that the first unit
# of every list leads; lists that name no lead then split into the first unit and the rest.
# Also (列第一位的为工作牵头单位或汇总单位，下同), printed in brackets right after the list (湖州市).
FIRST_LEADS = re.compile(r"(?:排在首位|排在第一位|排名第一|排名首位|列第一位|列在首位|列首位|第一个)的?(?:单位|部门)?为(?:工作)?牵头(?:单位|部门)")


def _first_unit_leads(action: Action) -> Action:
    """Apply 排在首位的为牵头单位 to an action whose clause named no lead."""
    if action.cooperating or len(action.lead) < 2 or not any("牵头" in w for w in action.warnings) \
            and action.rule != "responsibility.no_lead":
        return action
    warnings = tuple(w for w in action.warnings if "牵头" not in w and "no lead" not in w)
    return replace(action, lead=action.lead[:1], cooperating=action.lead[1:], warnings=warnings,
                   rule=action.rule + ".first_leads")


# A plan-level 责任分工 list: a heading (五、责任分工 / 附件：重点任务责任分工 / （一）明确任务分工。…) and,
# from there on, lines that hand tasks defined earlier to units by their numbers.
DIVISION_HEADING = re.compile(r"^(?:附件\s*\d*[：:]?\s*)?(?:[一二三四五六七八九十]+[、 ]|（[一二三四五六七八九十]+）|\d{1,2}[.．、])?"
                              r"[^。；，：:]{0,20}(?:责任|任务|职责|工作)分工(?:表|安排|方案)?(?:[。：:]|$)")
_CN = "一二三四五六七八九十"
_REF_TOKEN = rf"（[{_CN}]{{1,3}}）|（\d{{1,2}}）|[{_CN}]{{1,3}}|\d{{1,2}}"
# 第（一）（三）项 / 第一、二项 / （一）至（三）项 / 第1—3项: a run of task numbers closed by 项.
TASK_REFS = re.compile(rf"(?:第(?:{_REF_TOKEN})|（[{_CN}]{{1,3}}）|（\d{{1,2}}）)"
                       rf"(?:\s*(?:[、，,和及与至到—–~～-]|以及)?\s*第?(?:{_REF_TOKEN}))*\s*项")
_REF_PART = re.compile(rf"(?P<sep>至|到|[—–~～-])?\s*第?(?P<token>{_REF_TOKEN})")
# X：牵头负责第（一）项 / X配合第（二）项: the role word before a run of numbers.
ROLE_BEFORE_REFS = re.compile(r"(?P<role>牵头|配合|参与|协助|协同|负责)(?:负责|落实|推进|实施|完成)?(?:的)?$")
# 第（一）至（三）项任务由X牵头，Y配合 / 第（一）项：X牵头: the clause after a run of numbers.
CLAUSE_AFTER_REFS = re.compile(r"\s*(?:任务|工作|内容|事项)?(?:均)?(?:由|[：:])(?P<clause>[^。；\n]{2,160})")
LIST_MARKER = re.compile(r"^(?:\d{1,2}[.．、）]|（\d{1,2}）|[①-⑳])")


def _ref_numbers(run: str) -> list[tuple[str, int]]:
    """(kind, ordinal) of every task a run of numbers names; 至 fills a range."""
    refs: list[tuple[str, int]] = []
    for part in _REF_PART.finditer(run):
        token = part.group("token")
        kind = ("paren" if token.startswith("（") else "bare") + ("_num" if token.strip("（）").isdigit() else "_cn")
        value = int(token.strip("（）")) if token.strip("（）").isdigit() else chinese_to_int(token.strip("（）"))
        if part.group("sep") and refs and refs[-1][0] == kind and refs[-1][1] < value <= refs[-1][1] + 50:
            refs.extend((kind, n) for n in range(refs[-1][1] + 1, value + 1))
        else:
            refs.append((kind, value))
    return refs


def _marker_ref(marker: str) -> tuple[str, int] | None:
    """The (kind, ordinal) a task's own marker answers to: （一） -> ("paren_cn", 1), 2. -> ("bare_num", 2)."""
    match = re.search(rf"\d{{1,2}}|[{_CN}]{{1,3}}", marker)
    if match is None:
        return None
    number = match.group(0)
    kind = ("paren" if marker.startswith("（") else "bare") + ("_num" if number.isdigit() else "_cn")
    return kind, int(number) if number.isdigit() else chinese_to_int(number)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One line of a plan-level 责任分工 list: tasks (by number) and the units it gives them."""

    refs: tuple[tuple[str, int], ...]
    lead: tuple[Unit, ...]
    cooperating: tuple[Unit, ...]
    span: Span  # the whole line


def division_assignments(text: str, table: UnitTable) -> list[Assignment]:
    """Lines of a 责任分工 list that hand numbered tasks to units.

    Supports:
        1.县工信局：牵头负责第（一）（三）项任务，配合第（二）项任务   -> lead of (一) (三), cooperating on (二)
        （一）至（三）项由县发改局牵头，县财政局配合   -> (一) (二) (三): lead 县发改局, cooperating 县财政局
        第四项任务：县商务局负责
    Avoids:
        lines before the list's heading (a 第（一）项 in the body says what a rule covers, not who works);
        runs of numbers that name no unit.
    """
    heading_at = None
    position = 0
    assignments: list[Assignment] = []
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        stripped = line.strip()
        if heading_at is None:
            if DIVISION_HEADING.match(stripped):
                heading_at = start
            else:
                continue
        assignments.extend(_assignment(line, start, table))
    return assignments


def _assignment(line: str, start: int, table: UnitTable) -> list[Assignment]:
    runs = list(TASK_REFS.finditer(line))
    if not runs:
        return []
    first = runs[0]
    after = CLAUSE_AFTER_REFS.match(line, first.end())
    if first.start() <= 2 and after:
        # （一）至（三）项由X牵头，Y配合
        lead, cooperating, _, _ = parse_responsibility(after.group("clause").rstrip("。；，"), start + after.start("clause"), table)
        refs = tuple(_ref_numbers(first.group(0)))
        return [Assignment(refs, lead, cooperating, (start, start + len(line)))] if lead else []
    # X：牵头负责第（一）项，配合第（二）项 — the units stand before the first role word.
    marker = LIST_MARKER.match(line)
    head_start = marker.end() if marker else 0
    role = ROLE_BEFORE_REFS.search(line, head_start, first.start())
    if role is None:
        return []
    units_text = line[head_start:role.start()].rstrip("：:，, ")
    units = make_units(units_text, start + head_start, table)
    if not units:
        return []
    lead_refs: list[tuple[str, int]] = []
    cooperating_refs: list[tuple[str, int]] = []
    for run in runs:
        said = ROLE_BEFORE_REFS.search(line, head_start, run.start())
        if said is None:
            continue
        (lead_refs if said.group("role") in ("牵头", "负责") else cooperating_refs).extend(_ref_numbers(run.group(0)))
    span = (start, start + len(line))
    found = []
    if lead_refs:
        found.append(Assignment(tuple(lead_refs), units, (), span))
    if cooperating_refs:
        found.append(Assignment(tuple(cooperating_refs), (), units, span))
    return found


def _apply_division(actions: list[Action], assignments: Sequence[Assignment]) -> list[Action]:
    """Give actions that name no units of their own the units a 责任分工 list assigns them."""
    by_ref: dict[tuple[str, int], list[int]] = {}
    for position, action in enumerate(actions):
        ref = _marker_ref(action.marker)
        if ref is not None:
            by_ref.setdefault(ref, []).append(position)
    lead: dict[int, list[Unit]] = {}
    cooperating: dict[int, list[Unit]] = {}
    spans: dict[int, list[Span]] = {}
    for assignment in assignments:
        for ref in assignment.refs:
            candidates = by_ref.get(ref) or [p for (kind, value), found in by_ref.items()
                                             if value == ref[1] and kind.endswith(ref[0][-3:]) for p in found]
            open_ones = [p for p in candidates if actions[p].rule == "responsibility.none"]
            if len(open_ones) != 1:
                continue  # unknown or ambiguous number: leave the task as it is
            target = open_ones[0]
            lead.setdefault(target, []).extend(assignment.lead)
            cooperating.setdefault(target, []).extend(assignment.cooperating)
            spans.setdefault(target, []).append(assignment.span)
    result = []
    for position, action in enumerate(actions):
        if position not in spans:
            result.append(action)
            continue
        leads = _unique(lead.get(position, []))
        lead_names = {u.name for u in leads}
        cooperators = tuple(u for u in _unique(cooperating.get(position, [])) if u.name not in lead_names)
        warnings = () if leads else ("责任分工 names only cooperating units for this task",)
        first_span = min(spans[position])
        result.append(replace(action, lead=leads, cooperating=cooperators, responsibility_span=first_span,
                              rule="responsibility.division", warnings=warnings))
    return result


def _unique(units: Sequence[Unit]) -> tuple[Unit, ...]:
    seen: set[str] = set()
    kept = []
    for unit in units:
        if unit.name not in seen:
            seen.add(unit.name)
            kept.append(unit)
    return tuple(kept)


# 一是…（X牵头）；二是…（Y负责）: an enumeration inside a paragraph, after a line start or a stop.
INLINE_ORDINAL = re.compile(rf"(?:(?<=^)|(?<=[：:，,。；;]))(?P<ordinal>[{_CN}]{{1,3}})是(?=[，、：]?[\u4e00-\u9fff])", re.M)


def inline_items(text: str) -> list[list[Section]]:
    """Runs of 一是、二是… inside one paragraph that assign units, each item as a section.

    Supports:
        （二）强化要素保障。一是加强用地保障，优先安排项目用地（县自然资源局牵头）；二是加强资金保障（县财政局负责）。
            -> two items, each with its own clause
    Avoids:
        会议要求：一是提高认识…；二是突出重点… — enumerations that name no units stay prose.
    """
    runs: list[list[Section]] = []
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        matches = [m for m in INLINE_ORDINAL.finditer(line)]
        run: list[re.Match[str]] = []
        for match in matches:
            ordinal = chinese_to_int(match.group("ordinal"))
            if ordinal == len(run) + 1:
                run.append(match)
            elif ordinal == 1:
                run = [match]
        if len(run) < 2:
            continue
        items = []
        for index, match in enumerate(run):
            end = run[index + 1].start() if index + 1 < len(run) else len(line.rstrip())
            body = line[match.end():end]
            stop = next((pos for pos, ch in enumerate(body) if ch in "。；;，,："), None)
            clause = RESPONSIBILITY_PAREN.regex.search(body)
            if clause and (stop is None or clause.start() < stop):
                stop = clause.start()  # 加强资金保障（县财政局牵头，…）: the clause is no part of the title
            title = body[:stop] if stop is not None and 2 <= stop <= 40 else None
            title_span = (start + match.end(), start + match.end() + len(title)) if title else None
            items.append(Section(6, match.group(0), index + 1, title, title_span,
                                 (start + match.start(), start + end), None))
        with_clause = sum(_has_responsibility(text, item) for item in items)
        if with_clause and with_clause * 2 >= len(items):
            runs.append(items)
    return runs


def _section_action(text: str, section: Section, table: UnitTable,
                    inherited: Callable[[], tuple[tuple[Unit, ...], tuple[Unit, ...], Span] | None] = lambda: None,
                    columns: tuple[str, ...] | None = None) -> Action:
    """The action a section stands for; ``inherited`` gives the units an enclosing heading assigns."""
    lead, cooperating, clause_span, rule, warnings = responsibility_of(text, section, table, columns)
    if rule == "responsibility.none":
        found = inherited()
        if found is not None:
            lead, cooperating, clause_span = found
            rule, warnings = SECTION_LEAD.name, []
    if section.title is not None and section.title_span is not None:
        title, title_span = section.title, section.title_span
        clause = TITLE_CLAUSE.search(title)
        if clause and clause.start() > 0:
            # 强化科技创新（区科技局牵头）: the clause says who, the title says what.
            title, title_span = title[:clause.start()], (title_span[0], title_span[0] + clause.start())
    else:
        # A numbered paragraph with no heading: its first sentence stands in for a title.
        body_start = section.span[0] + len(section.marker)
        sentence = re.match(r"[^。\n]*", text[body_start:section.span[1]]).group(0)
        title, title_span = sentence, (body_start, body_start + len(sentence))
    return Action(0, section.marker, title, lead, cooperating, section.span,
                  title_span, clause_span, rule, tuple(warnings))


TITLE_MARKER = re.compile(rf"^(?:（[{_CN}\d]{{1,3}}）|[{_CN}]{{1,3}}、|\d{{1,2}}[.．、])")


def _title_key(title: str) -> str:
    return re.sub(r"[^\w]", "", TITLE_MARKER.sub("", title.strip()))


def _rows_onto_tasks(actions: list[Action], rows: list[Action]) -> list[Action]:
    """A task table (the plan's 责任分工 table) whose rows name tasks defined earlier gives those
    tasks their units instead of listing them twice; ``actions`` is updated, other rows are returned."""
    by_title: dict[str, list[int]] = {}
    for position, action in enumerate(actions):
        by_title.setdefault(_title_key(action.title), []).append(position)
    kept = []
    for row in rows:
        targets = by_title.get(_title_key(row.title), [])
        if len(targets) == 1 and actions[targets[0]].rule == "responsibility.none":
            actions[targets[0]] = replace(actions[targets[0]], lead=row.lead, cooperating=row.cooperating,
                                          responsibility_span=row.span, rule="responsibility.division",
                                          warnings=row.warnings)
        else:
            kept.append(row)
    return kept


def extract_actions(text: str, sections: Sequence[Section], table: UnitTable) -> list[Action]:
    """Every action of the notice with its lead and cooperating units.

    ``sections`` is the outline of ``text`` (:func:`pipeline.outline.outline`).
    Actions are numbered from 1 in document order.
    """
    assignments = division_assignments(text, table)
    # The lines of a 责任分工 list are numbered too, but they assign tasks; they are none themselves.
    assignment_starts = {assignment.span[0] for assignment in assignments}
    columns = unit_columns(text)
    indices = [i for i in action_sections(text, sections, table, columns) if sections[i].span[0] not in assignment_starts]
    actions = [_section_action(text, sections[index], table,
                               lambda index=index: _inherited_lead(text, sections, index, table), columns)
               for index in indices]
    # 一是…二是… inside a paragraph: the items replace the action that holds them, or stand alone.
    for items in inline_items(text):
        inside = [a for a in actions if a.span[0] <= items[0].span[0] < a.span[1]]
        holder = max(inside, key=lambda action: action.span[0]) if inside else None
        actions = [a for a in actions if a is not holder] + [_section_action(text, item, table) for item in items]
        actions.sort(key=lambda action: action.span[0])
    # Task tables flattened one cell per line sit outside the outline; keep document order.
    rows = [row for row in table_actions(text, table)
            if not any(a.span[0] <= row.span[0] < a.span[1] for a in actions)]
    rows = _rows_onto_tasks(actions, rows)
    merged = sorted(actions + rows, key=lambda action: action.span[0])
    actions = [replace(action, number=number) for number, action in enumerate(merged, start=1)]
    if assignments:
        actions = _apply_division(actions, assignments)
    if FIRST_LEADS.search(text):
        actions = [_first_unit_leads(action) for action in actions]
    return actions
