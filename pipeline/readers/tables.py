"""Task tables (任务分解表) as the numbered lines the action extractor already reads.

Supports:
    序号 | 重点任务 | 牵头单位 | 配合单位         -> "1.重点任务。牵头单位：X；配合单位：Y。"
    序号 | 工作任务 | 具体措施 | 责任单位 | 完成时限 -> "1.工作任务。具体措施。责任单位：X。完成时限：…"
    a header row repeated on every page, rows without 序号 (numbered in order)
Avoids:
    Tables that assign nobody (a list of projects or figures): rendered row by row as
    plain text, cells separated by "　", never numbered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Header words naming the columns that matter; the first column whose header matches wins.
NUMBER_HEADER = re.compile(r"^(?:序号|编号|序)$")
TASK_HEADER = re.compile(r"任务|事项|工作内容|举措|措施名称|项目名称")
LEAD_HEADER = re.compile(r"牵头")
COOPERATE_HEADER = re.compile(r"配合|协同|参与")
RESPONSIBLE_HEADER = re.compile(r"责任单位|责任部门|负责单位|实施单位")
# Columns rendered as "label：value" after the task (deadlines and the like).
LABELLED_HEADER = re.compile(r"时限|时间|期限|进度")
TERMINAL = "。；！？"


def _clean(cell: str | None) -> str:
    """A cell's text with the line breaks of its layout removed."""
    return re.sub(r"\s*\n\s*", "", (cell or "").strip())


def header_roles(header: Sequence[str]) -> dict[str, int] | None:
    """Column index of number / task / lead / cooperating / responsible, or None if no task table."""
    roles: dict[str, int] = {}
    for index, raw in enumerate(header):
        cell = _clean(raw)
        for role, pattern in (("number", NUMBER_HEADER), ("lead", LEAD_HEADER), ("cooperating", COOPERATE_HEADER),
                              ("responsible", RESPONSIBLE_HEADER), ("task", TASK_HEADER)):
            if pattern.search(cell) and role not in roles:
                roles[role] = index
                break
    has_units = {"lead", "responsible"} & roles.keys()
    return roles if "task" in roles and has_units else None


@dataclass(slots=True)
class TableState:
    """A task table being read: its columns, and its last row (which the next page may continue)."""

    roles: dict[str, int]
    header: list[str]
    last_row: list[str] | None = None
    rows: int = 0


def _render_row(row: list[str], state: TableState, position: int) -> str | None:
    roles = state.roles
    task = row[roles["task"]]
    if not task:
        return None
    number = row[roles["number"]] if "number" in roles else ""
    number = number.rstrip(".．、") if number.rstrip(".．、").isdigit() else str(position)
    parts = [task if task[-1] in TERMINAL else task + "。"]
    for index, cell in enumerate(row):
        if index in roles.values() or not cell:
            continue
        label = _clean(state.header[index]) if index < len(state.header) else ""
        if label and LABELLED_HEADER.search(label):
            parts.append(f"{label}：{cell}。")
        else:
            parts.append(cell if cell[-1] in TERMINAL else cell + "。")
    clauses = []
    for role, label in (("lead", "牵头单位"), ("responsible", "责任单位"), ("cooperating", "配合单位")):
        if role in roles and row[roles[role]]:
            clauses.append(f"{label}：{row[roles[role]]}")
    # The closing 。 keeps the normaliser from gluing the next line onto the last unit.
    return f"{number}." + "".join(parts) + "；".join(clauses) + ("。" if clauses else "")


def render_table(rows: Sequence[Sequence[str | None]], state: TableState | None = None
                 ) -> tuple[list[str], TableState | None, str | None]:
    """(lines, state, revised last line) for a table.

    ``state`` from the previous page continues a task table whose header is not repeated;
    when this page starts with the rest of that table's last row (its number and task cells
    empty), the row is completed and its new line is returned third, to replace the old one.

    >>> render_table([["序号", "重点任务", "牵头单位", "配合单位"], ["1", "实施专业镇市场主体倍增行动", "县工信局", "县财政局"]])[0]
    ['1.实施专业镇市场主体倍增行动。牵头单位：县工信局；配合单位：县财政局。']
    """
    cleaned = [[_clean(cell) for cell in row] for row in rows if any(_clean(cell) for cell in row)]
    if not cleaned:
        return [], state, None
    roles = header_roles(cleaned[0])
    if roles is not None:
        state, body = TableState(roles, cleaned[0]), cleaned[1:]
    elif state is not None and all(len(row) > max(state.roles.values()) for row in cleaned):
        body = cleaned
    else:
        return ["　".join(cell for cell in row if cell) for row in cleaned], None, None
    revised = None
    first = body[0] if body else None
    # The rest of a row cut by the page break: no number (or, without a number column, no task).
    key = state.roles.get("number", state.roles["task"])
    if roles is None and first is not None and state.last_row is not None and not first[key]:
        state.last_row = [a + b for a, b in zip(state.last_row, first)]
        revised = _render_row(state.last_row, state, state.rows)
        body = body[1:]
    lines = []
    for row in body:
        state.rows += 1
        line = _render_row(row, state, state.rows)
        if line is not None:
            lines.append(line)
            state.last_row = row
    return lines, state, revised
