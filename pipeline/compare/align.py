"""Group items (actions, thresholds) across notices from pairwise optimal assignments.

For each pair of notices, the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``)
pairs their items one to one so that the total similarity is highest; pairs below a
threshold are dropped (the item is "only in this notice" as far as that pair goes).
Groups are then built by merging matched pairs, best first, into a union-find that never
puts two items of one notice into one group. Group keys come from content (the group's
earliest member by notice source and item position), so they are stable across runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Item = tuple[int, int]  # (notice index, item index within the notice)


@dataclass(frozen=True, slots=True)
class Match:
    a: Item
    b: Item
    similarity: float


def assign(similarity: np.ndarray, threshold: float, floor: float | None = None,
           margin: float = 1.5) -> list[tuple[int, int, float]]:
    """One-to-one pairs (row, column, similarity) of highest total similarity that are kept:
    similarity >= threshold, or >= floor and ``margin`` times anything else in its row and column
    (a weak pair that stands out, e.g. a heading and a body both rewritten, is still a pair).

    >>> assign(np.array([[0.9, 0.8], [0.85, 0.1]]), 0.5)
    [(0, 1, 0.8), (1, 0, 0.85)]
    >>> assign(np.array([[0.18, 0.02], [0.03, 0.6]]), 0.2, floor=0.1)
    [(0, 0, 0.18), (1, 1, 0.6)]
    """
    if similarity.size == 0:
        return []
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    kept = []
    for r, c in zip(rows, cols):
        score = float(similarity[r, c])
        if score < threshold:
            if floor is None or score < floor:
                continue
            others = np.concatenate([np.delete(similarity[r], c), np.delete(similarity[:, c], r)])
            if others.size and score < margin * others.max():
                continue
        kept.append((int(r), int(c), score))
    return kept


def pair_matches(pairs: Iterable[tuple[int, int]], similarity_of: Callable[[int, int], np.ndarray],
                 threshold: float, floor: float | None = None) -> list[Match]:
    """Assignments for every given pair of notices (i < j)."""
    matches = []
    for i, j in pairs:
        for row, col, score in assign(similarity_of(i, j), threshold, floor):
            matches.append(Match((i, row), (j, col), score))
    return matches


def group_items(items: Sequence[Item], matches: Sequence[Match]) -> dict[Item, Item]:
    """Each item's group, keyed by the group's earliest member (lowest (notice, item)).

    Matches are merged best first; a merge that would put two items of one notice in
    one group is refused (a cannot-link), so chains A1-B3-C2-A4 never join A1 and A4.

    >>> ms = [Match((0, 0), (1, 1), 0.9), Match((1, 1), (2, 0), 0.8), Match((2, 0), (0, 1), 0.7)]
    >>> group_items([(0, 0), (0, 1), (1, 1), (2, 0)], ms)
    {(0, 0): (0, 0), (0, 1): (0, 1), (1, 1): (0, 0), (2, 0): (0, 0)}
    """
    parent = {item: item for item in items}
    notices = {item: {item[0]} for item in items}

    def find(item: Item) -> Item:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for match in sorted(matches, key=lambda m: (-m.similarity, m.a, m.b)):
        root_a, root_b = find(match.a), find(match.b)
        if root_a == root_b or notices[root_a] & notices[root_b]:
            continue
        keep, drop = min(root_a, root_b), max(root_a, root_b)
        parent[drop] = keep
        notices[keep] |= notices.pop(drop)
    return {item: find(item) for item in sorted(items)}


def best_partner_similarity(groups: dict[Item, Item], matches: Sequence[Match]) -> dict[Item, float]:
    """Per item, the highest similarity of a match that joins it to another member of its group."""
    best: dict[Item, float] = {}
    for match in matches:
        if groups[match.a] == groups[match.b]:
            for item in (match.a, match.b):
                best[item] = max(best.get(item, 0.0), match.similarity)
    return best
