"""Find the numbered actions of a notice and who leads and cooperates on each.

An action is an item of a numbered list that is the notice's task list: the
children of a section titled 重点任务 / 主要任务 / …, or any list of siblings most
of which close with a responsibility clause.

Who leads and cooperates on one action is read by :mod:`extractors.responsibility` (every
form of the clause); a plan-level 责任分工 list by :mod:`extractors.division`; flattened tables
are found by :mod:`extractors.tables`. This module decides which sections are actions.

Supports (task tables whose page put every cell on its own line):
    序号 / 事项 / 责任单位 / 牵头单位 / 1 / 地区生产总值增长6.5%以上。 / 区农业农村局、区发改局 / 区发改局
        -> action 1, lead 区发改局, cooperating 区农业农村局 (责任单位 other than the lead)
Supports (responsibility stated once for a section):
    一、强化科技创新（区科技局牵头）   -> the heading's clause; the title is 强化科技创新
    一、县示范区管委会牵头工作（8项） / 以下任务由县发改局牵头   -> every item below inherits the lead
Supports (a plan-level 责任分工 list after the tasks, :mod:`extractors.division`):
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
from dataclasses import replace

from extractors.amounts import chinese_to_int
from extractors.division import apply_division, division_assignments
from extractors.knowledge import UnitTable
from extractors.records import Action, Section, Span, Unit
from extractors.responsibility import (FIRST_LEADS, bare_unit_list, RESPONSIBILITY_PAREN, TABLE_HEADER_CELLS, TITLE_CLAUSE, UNIT_COLUMNS,
                                       Pattern, has_responsibility, has_responsibility_in, parse_responsibility,
                                       responsibility_of, trailing_units, unit_cell_lines, unit_columns)
from extractors.tables import flat_tables
from extractors.units import looks_like_unit, make_units


CN_NUMERALS = "一二三四五六七八九十"
# Titles of the section whose children are the plan's actions.
TASK_SECTION = re.compile(r"(?:重点|主要|工作|具体)(?:任务|工作|措施|举措)|任务分工|行动内容|重点行动")


# A heading that states who leads everything under it: 县示范区管委会牵头工作（8项）, 以下任务由县发改局牵头.
SECTION_LEAD = Pattern(
    "responsibility.section",
    re.compile(r"^(?:以下(?:各项)?(?:任务|工作|事项)?(?:均)?由)?(?P<units>[^，。；（）]{2,60}?)牵头(?:负责)?(?:的)?(?:工作|任务|事项)?"
               r"(?:（[^（）]*）)?[。：]?$"),
    0.85,
)


# The same said in a section's opening sentence: 以下任务由县发改局牵头，县财政局配合。
SECTION_LEAD_SENTENCE = re.compile(r"以下(?:各项)?(?:任务|工作|事项)(?:均)?由(?P<clause>[^。；\n]{2,120}?)(?:负责)?[。；\n]")


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
    with_clause = [i for i in group if has_responsibility(text, sections[i]) or has_cells(sections[i])]
    if len(group) > 1 and with_clause == [group[-1]]:
        last = sections[group[-1]]
        lines = [line for line in text[last.span[0]:last.span[1]].split("\n") if line.strip()]
        if len(lines) > 1 and STANDALONE_CLAUSE.match(lines[-1].strip()) and not has_responsibility_in(lines[0]):
            return []
    return with_clause


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
        if table is None:
            return False
        body = text[section.span[0]:section.span[1]]
        return bool((columns and unit_cell_lines(text, section, table)) or trailing_units(body, table)
                    or bare_unit_list(body, table))

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


def _first_unit_leads(action: Action) -> Action:
    """Apply 排在首位的为牵头单位 to an action whose clause named no lead."""
    if action.cooperating or len(action.lead) < 2 or not any("牵头" in w for w in action.warnings) \
            and action.rule != "responsibility.no_lead":
        return action
    warnings = tuple(w for w in action.warnings if "牵头" not in w and "no lead" not in w)
    return replace(action, lead=action.lead[:1], cooperating=action.lead[1:], warnings=warnings,
                   rule=action.rule + ".first_leads")


# 一是…（X牵头）；二是…（Y负责）: an enumeration inside a paragraph, after a line start or a stop.
INLINE_ORDINAL = re.compile(rf"(?:(?<=^)|(?<=[：:，,。；;]))(?P<ordinal>[{CN_NUMERALS}]{{1,3}})是(?=[，、：]?[\u4e00-\u9fff])", re.M)


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
        with_clause = sum(has_responsibility(text, item) for item in items)
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
    if clause_span is not None and title_span[0] < clause_span[0] < title_span[1]:
        # the clause closes the title's own line (…比重47.1%. 发改委): the title stops before it
        cut = clause_span[0] - title_span[0]
        title = title[:cut].rstrip(" .。．（(")
        title_span = (title_span[0], title_span[0] + len(title))
    return Action(0, section.marker, title, lead, cooperating, section.span,
                  title_span, clause_span, rule, tuple(warnings))


TITLE_MARKER = re.compile(rf"^(?:（[{CN_NUMERALS}\d]{{1,3}}）|[{CN_NUMERALS}]{{1,3}}、|\d{{1,2}}[.．、])")


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
    # A row inside an action, or holding actions (吴江区: row 1 主要预期目标 groups items 1.–8.), is no action.
    rows = [row for row in table_actions(text, table)
            if not any(a.span[0] <= row.span[0] < a.span[1] or row.span[0] <= a.span[0] < row.span[1] for a in actions)]
    rows = _rows_onto_tasks(actions, rows)
    merged = sorted(actions + rows, key=lambda action: action.span[0])
    actions = [replace(action, number=number) for number, action in enumerate(merged, start=1)]
    if assignments:
        actions = apply_division(actions, assignments)
    if FIRST_LEADS.search(text):
        actions = [_first_unit_leads(action) for action in actions]
    return actions
