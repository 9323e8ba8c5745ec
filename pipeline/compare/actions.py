"""Actions aligned by meaning: which numbered task of each notice does the same thing.

Never by position or exact title (重大项目攻坚 is action 4 in 壶关 and 2 in 闻喜). Each action
is its heading plus its body without the responsibility clause (unit names differ by
county), with place names and numbers masked; both become character 2-3-gram TF-IDF
vectors over all actions of the corpus, and an action's vector is the normalised sum of
its heading's (weight TITLE_WEIGHT) and its body's. Cosine similarity, then the optimal
one-to-one assignment per pair of notices (candidates.py picks the pairs), then groups
(see align.py).

Supports:
    实施专业镇重大项目攻坚行动 (壶关 4) <-> 实施专业镇重大项目攻坚行动 (闻喜 2)
    开展专业镇重点项目建设攻坚 <-> 实施专业镇重大项目攻坚行动: other words, same body
Avoids:
    an action only one notice has: its best partner scores below ACTION_MATCH_MIN and does not stand out.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

from pipeline.compare.align import (Item, Matches, assign_parts, best_partner_similarity, block_matches,
                                    first_runs, group_items, pair_products, split_pairs)
from pipeline.compare.candidates import all_pairs
from pipeline.compare.parallel import fork_map, map_ranges
from pipeline.compare.text import Masked, Masker, first_seen, normalise_rows, tfidf

# Heading vs body: the body carries most of the meaning and survives a reworded heading,
# the heading decides when bodies are short or were rewritten too.
TITLE_WEIGHT = 0.4
# From this cosine two assigned actions are the same action; from ACTION_MATCH_FLOOR when the
# pair stands out 1.5 times above anything else in its row and column. Same-action pairs of the
# samples score 0.62-0.99 and, with every heading reworded (tests/test_compare.py), 0.48-0.87;
# the best wrong pair scores 0.15.
ACTION_MATCH_MIN = 0.25
ACTION_MATCH_FLOOR = 0.1
# An action this similar to one outside its group is listed as related to that group.
RELATED_MIN = 0.3
# Notices per worker process below which action texts are sliced in one process.
PARALLEL_MIN_NOTICES = 1000


@dataclass(frozen=True, slots=True)
class AlignedAction:
    group: str
    group_title: str
    notice: int
    index: int
    number: int
    title: str
    similarity: float | None  # best similarity to another member of its group; None when alone
    related: tuple[str, ...] = ()  # other groups it also reads like (a merged action), by id


def action_ranges(record: dict) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """(heading, body pieces) of each action as [start, end) ranges of the record's text: the body
    runs from the end of the heading (its marker, （四） or 2., says nothing) to the end of the
    action, without the responsibility clause."""
    ranges = []
    for action in record.get("actions", []):
        start, end = action["span"]
        title_span = tuple(action.get("title_span") or (start, start))
        cursor = max(start, title_span[1])
        body = []
        clause = action.get("responsibility_span")
        if clause and cursor <= clause[0] < end:
            body.append((cursor, clause[0]))
            cursor = max(cursor, clause[1])
        body.append((cursor, end))
        ranges.append((title_span, body))
    return ranges


def _words(text: str) -> str:
    """Letters, digits and placeholders only: two bodies that are only "。" do not look alike.

    >>> _words("（四）实施专业镇\ue001攻坚行动。2023年")
    '四实施专业镇\ue001攻坚行动2023年'
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _word_table()
    keep = table[np.minimum(points, len(table) - 1)]
    for index in np.flatnonzero(points >= len(table) - 1).tolist():  # beyond the BMP: ask unicodedata
        keep[index] = _is_word_character(text[index])
    return points[keep].tobytes().decode("utf-32-le", "surrogatepass")


def _is_word_character(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co"


@cache
def _word_table() -> np.ndarray:
    return np.array([_is_word_character(chr(point)) for point in range(0x10000)], dtype=bool)


def action_vectors(records: Sequence[dict], masker: Masker,
                   documents: Sequence[Masked] | None = None) -> tuple[sparse.csr_matrix, list[int], np.ndarray]:
    """One row per distinct action text (heading and body), the first action of each record, and
    each action's row (actions numbered across records in order).

    ``documents`` are the records' texts already masked (compare() masks each text once).
    """
    def texts_of(numbers: range) -> tuple[list[str], list[str]]:
        titles, bodies = [], []
        cleaned: dict[str, str] = {}  # _words of each masked text met (headings and bodies repeat)

        def words(text: str) -> str:
            found = cleaned.get(text)
            if found is None:
                found = cleaned[text] = _words(text)
            return found

        for number in numbers:
            record = records[number]
            document = documents[number] if documents is not None else masker.mask(record.get("text") or "")
            ranges = action_ranges(record)
            # Every heading and body piece of the record found in the masked text at once
            # (``document.slice`` per piece: a binary search each, 300,000 at 10,000 notices).
            bounds = [position for title, body in ranges for piece in [title, *body] for position in piece]
            at = np.searchsorted(document.starts, bounds, side="left").tolist() if bounds else []
            masked, cursor = document.text, 0
            for title, body in ranges:
                titles.append(words(masked[at[cursor]:at[cursor + 1]]))
                bodies.append(words("".join(masked[at[cursor + 2 + 2 * k]:at[cursor + 3 + 2 * k]]
                                            for k in range(len(body)))))
                cursor += 2 + 2 * len(body)
        return titles, bodies

    # Slicing and cleaning 200,000 masked headings and bodies takes seconds: forked workers share it.
    parts = map_ranges(texts_of, len(records), PARALLEL_MIN_NOTICES)
    titles = [title for part_titles, _ in parts for title in part_titles]
    bodies = [body for _, part_bodies in parts for body in part_bodies]
    offsets = np.concatenate(([0], np.cumsum([len(record.get("actions", [])) for record in records]))).tolist()
    if not titles:
        return sparse.csr_matrix((0, 0)), offsets, np.zeros(0, dtype=np.int64)
    # Each distinct (heading, body) once, standing for all its copies in the frequencies: most
    # actions of a corpus rewritten from one template repeat (10,000 notices: 100,000 actions,
    # 23,000 distinct), and an action's vector depends only on its texts and the frequencies.
    texts, inverse = first_seen(zip(titles, bodies))
    copies = np.bincount(inverse, minlength=len(texts))
    both = tfidf([title for title, _ in texts] + [body for _, body in texts], weights=np.concatenate([copies, copies]))
    vectors = TITLE_WEIGHT * both[: len(texts)] + both[len(texts):]
    return normalise_rows(vectors), offsets, inverse


def group_id(prefix: str, record: dict, number: object) -> str:
    """A group's id from its earliest member: the same notices give the same ids on every run."""
    digest = hashlib.sha1(f"{record['source']}#{number}".encode()).hexdigest()[:8]
    return f"{prefix}{digest}"


def align_actions(records: Sequence[dict], masker: Masker, pairs: Sequence[tuple[int, int]] | None = None,
                  documents: Sequence[Masked] | None = None) -> tuple[list[AlignedAction], Matches]:
    """Every action of every record with its group, and the matched pairs behind the groups.

    ``pairs`` are the pairs of notices to align (candidates.py); default every pair.
    """
    vectors, offsets, rows_of = action_vectors(records, masker, documents)

    pairs = all_pairs(len(records)) if pairs is None else pairs
    cosine = pair_products(vectors, offsets, pairs, rows_of)

    item_counts = np.diff(offsets).tolist()

    def align_pairs(some: Sequence[tuple[int, int]]) -> tuple[Matches, np.ndarray]:
        matches: list[Matches] = []
        related: list[np.ndarray] = []  # per notice, the related actions as numbers across records
        for i, partners in first_runs(some):
            if not item_counts[i]:
                continue
            widths = [item_counts[j] for j in partners]
            similarity = cosine.partners_block(i, partners).round(6)
            parts, rows, columns, scores = assign_parts(similarity, widths, ACTION_MATCH_MIN, ACTION_MATCH_FLOOR)
            matches.append(block_matches(i, partners, widths, parts, rows, columns, scores))
            # Beyond the one-to-one pairs: a county that merged two actions into one matches one of
            # them and is related to the other.
            close = similarity >= RELATED_MIN
            close[rows, columns] = False
            rows_close, columns_close = np.nonzero(close)
            related.append(np.stack([rows_close + offsets[i], cosine.items_of(partners)[columns_close]]))
        return Matches.joined(matches), np.concatenate(related, axis=1) if related else np.zeros((2, 0), dtype=np.int64)

    parts = fork_map(align_pairs, split_pairs(pairs))  # in the order of ``pairs``
    matches = Matches.joined(found for found, _ in parts)
    related_parts = [found_related for _, found_related in parts]
    items: list[Item] = [(i, k) for i, record in enumerate(records) for k in range(len(record.get("actions", [])))]
    groups = group_items(items, matches)
    best = best_partner_similarity(items, groups, matches)
    # One id per group, not per member (a sha1 each: 100,000 actions share a few hundred groups).
    root_ids = {root: group_id("A", records[root[0]], records[root[0]]["actions"][root[1]]["number"])
                for root in set(groups.values())}
    related_groups = _related_groups(items, [root_ids[groups[item]] for item in items],
                                     np.concatenate(related_parts, axis=1))
    rows = []
    for item in items:
        root = groups[item]
        root_action = records[root[0]]["actions"][root[1]]
        action = records[item[0]]["actions"][item[1]]
        rows.append(AlignedAction(
            group=root_ids[root], group_title=root_action.get("title") or "",
            notice=item[0], index=item[1], number=action["number"], title=action.get("title") or "",
            similarity=round(best[item], 4) if item in best else None,
            related=related_groups.get(item, ())))
    return rows, matches


def _related_groups(items: Sequence[Item], item_groups: Sequence[str], related: np.ndarray) -> dict[Item, tuple[str, ...]]:
    """Per item, the other groups it reads like (sorted ids): ``related`` holds pairs of item numbers
    (positions in ``items``) as two rows; each pair relates both ways, within a group it says nothing.

    >>> _related_groups([(0, 0), (1, 0), (1, 1)], ["A1", "A1", "A2"], np.array([[0, 1], [2, 2]]))
    {(0, 0): ('A2',), (1, 0): ('A2',), (1, 1): ('A1',)}
    """
    names = sorted(set(item_groups))
    number_of = {name: number for number, name in enumerate(names)}
    group_number = np.array([number_of[name] for name in item_groups], dtype=np.int64)
    a, b = related
    differ = group_number[a] != group_number[b]
    # (item, group of the other) both ways, each once, by item and group name.
    item_side = np.concatenate([a[differ], b[differ]])
    other_group = np.concatenate([group_number[b[differ]], group_number[a[differ]]])
    width = max(len(names), 1)
    pairs = np.unique(item_side * width + other_group)
    found: dict[Item, tuple[str, ...]] = {}
    for item_number, group in zip((pairs // width).tolist(), (pairs % width).tolist()):
        item = items[item_number]
        found[item] = found.get(item, ()) + (names[group],)
    return found
