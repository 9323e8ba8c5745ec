"""A plan-level 责任分工 list: lines after the tasks that hand tasks defined earlier to units by number.

Supports:
    五、责任分工 / 1.县工信局：牵头负责第（一）（三）项任务，配合第（二）项任务
    （一）至（三）项由县发改局牵头，县财政局配合 / 第一、二项任务：县发改局牵头
Avoids:
    unknown or ambiguous task numbers (left alone); a task's own clause always wins; lines that
    are not after a 责任分工 / 任务分工 heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.amounts import chinese_to_int
from extractors.knowledge import UnitTable
from extractors.records import Action, Span, Unit
from extractors.responsibility import parse_responsibility
from extractors.units import make_units


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


def apply_division(actions: list[Action], assignments: Sequence[Assignment]) -> list[Action]:
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
