"""Roles that moved: per action group and canonical unit, who leads and who cooperates in each notice.

Units line up by their canonical id (县工信局 and 县工科局 are both 工业和信息化); a unit
the unit table does not know keys by its name. ``changed`` compares only the notices that
have the action: a notice without it says nothing about who does it.

Supports:
    要素保障: 发展和改革 lead (壶关, 县发改和科技局) vs cooperating (闻喜, 县发改局) -> changed
    要素保障: 能源 absent (壶关) vs lead (闻喜, 县能源局) -> changed
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.compare.actions import AlignedAction

LEAD, COOPERATING, ABSENT = "lead", "cooperating", ""


@dataclass(frozen=True, slots=True)
class RoleRow:
    group: str
    group_title: str
    unit: str
    roles: tuple[str | None, ...]  # per notice: lead / cooperating / "" ; None when it lacks the action
    changed: bool


def unit_roles(action: dict) -> dict[str, str]:
    """Canonical unit (or name) -> role in one action; lead wins when a unit is listed twice."""
    roles = {}
    for unit in action.get("cooperating", []):
        roles[unit.get("canonical") or unit["name"]] = COOPERATING
    for unit in action.get("lead", []):
        roles[unit.get("canonical") or unit["name"]] = LEAD
    return roles


def role_rows(records: Sequence[dict], aligned: Sequence[AlignedAction]) -> list[RoleRow]:
    """One row per action group × unit named in any of the group's actions, in group order."""
    groups: dict[str, list[AlignedAction]] = {}
    for row in aligned:
        groups.setdefault(row.group, []).append(row)
    rows = []
    for group, members in groups.items():
        per_notice: dict[int, dict[str, str]] = {}
        for member in members:
            per_notice[member.notice] = unit_roles(records[member.notice]["actions"][member.index])
        # Each unit's roles start as the group's row (ABSENT where a notice has the action, None
        # where not) and only its own notices are filled in: a row is as long as the corpus
        # (10,000 notices × hundreds of units, seconds when looked up notice by notice).
        without_unit: list[str | None] = [None] * len(records)
        named: dict[str, list[tuple[int, str]]] = {}
        for notice, roles_of in per_notice.items():
            without_unit[notice] = ABSENT
            for unit, role in roles_of.items():
                named.setdefault(unit, []).append((notice, role))
        for unit in sorted(named):
            roles = without_unit.copy()
            for notice, role in named[unit]:
                roles[notice] = role
            present = {role for _, role in named[unit]} | ({ABSENT} if len(named[unit]) < len(per_notice) else set())
            rows.append(RoleRow(group, members[0].group_title, unit, tuple(roles), len(present) > 1))
    return rows
