"""Thresholds side by side: the same bar across notices, whatever each notice calls it.

Two thresholds set the same bar when they count in the same unit and what they measure
and apply to read alike: metric and subject are compared as character 1-2-gram TF-IDF
vectors over all thresholds of the corpus (so 专业镇, in every subject, weighs little).
A pair whose metric or subject names different terms of one family in
data/exclusive_terms.csv (省级 vs 县级, 制造业 vs 特优农业) never matches.

Supports:
    制造业类专业镇 特色主导产业产值 10亿元以上 (壶关) <-> 制造业类专业镇 年产值 5亿元 (闻喜)
    市级专业镇数量 1-2个 (壶关) <-> 市级专业镇数量 2个 (闻喜)
Avoids:
    县级专业镇数量 <-> 省级专业镇数量: exclusive levels.
    龙头企业数量 (家) <-> 年产值 (元): different units.
    县级重点专业镇数量 <-> 百亿企业数量: metrics that share only 数量 (below METRIC_MIN).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pipeline.compare.align import PairProducts, best_partner_similarity, group_items, pair_matches
from pipeline.compare.actions import group_id
from pipeline.compare.candidates import all_pairs
from pipeline.compare.parallel import map_ranges
from pipeline.compare.text import Masked, Masker, first_seen, read_terms, repeat_rows, sentence_spans, tfidf_rows

# What is measured, what it applies to, and the sentence it stands in (masked): the context
# tells 带动…配套企业户数 / 关联配套企业数量 (the same 龙头企业 criterion, context 0.5) from
# 省级专业镇数量 / 省级绿色高产高效丰产片数量 (metric as close, context 0.05).
METRIC_WEIGHT, SUBJECT_WEIGHT, CONTEXT_WEIGHT = 0.4, 0.3, 0.3
# Metrics must share some words: 特色主导产业产值 / 年产值 score 0.28, 带动…配套企业户数 / 关联配套企业数量
# 0.24, while 县级重点专业镇数量 / 嵌入式服务设施…数量 score 0.02 (数量 is everywhere, so weighs little).
METRIC_MIN = 0.15
# Both notices leave the subject open: as good as the same subject. One names it, the other not: half.
SUBJECT_BOTH_OPEN, SUBJECT_ONE_OPEN = 1.0, 0.5
# Samples: same-bar pairs score 0.49-1.0; wrong pairs reach 0.56 (年产值 with and without a
# subject), which only the one-to-one assignment sorts out. A pair from THRESHOLD_MATCH_FLOOR up
# counts when it stands out 1.5 times in its row and column.
THRESHOLD_MATCH_MIN = 0.45
THRESHOLD_MATCH_FLOOR = 0.3
# Notices per worker process below which threshold contexts are found in one process.
PARALLEL_MIN_NOTICES = 1000
WIDE_FIELDS = ("op", "value", "value_max", "unit", "year")


@dataclass(frozen=True, slots=True)
class AlignedThreshold:
    group: str
    notice: int
    index: int
    similarity: float | None


def family_bits(words: str, families: dict[str, list[str]]) -> list[int]:
    """Per family, a bit for each of its terms that ``words`` name. Two thresholds are kept apart
    when, in some family, both name terms and share none (bits set on both sides, none in common).

    >>> fam = {"level": ["省级", "市级", "县级"], "kind": ["农业", "工业"]}
    >>> family_bits("省级和县级专业镇数量", fam), family_bits("县级专业镇数量", fam), family_bits("市级专业镇数量", fam)
    ([5, 0], [4, 0], [2, 0])
    """
    return [sum(1 << number for number, term in enumerate(terms) if term in words) for terms in families.values()]


def threshold_contexts(record: dict, masker: Masker | None, document: Masked | None = None) -> list[str]:
    """The sentence each threshold of a record stands in, masked (places, units, numbers);
    ``document`` is the record's text already masked."""
    text = record.get("text") or ""
    spans = sentence_spans(text)
    starts = [start for start, _ in spans]
    contexts = []
    for threshold in record.get("thresholds", []):
        at = threshold["span"][0]
        index = bisect_right(starts, at) - 1
        start, end = spans[index] if index >= 0 and spans[index][1] >= at else threshold["span"]
        if document is not None:
            contexts.append(document.slice(start, end).text)
        else:
            contexts.append(masker.mask(text[start:end]).text if masker else text[start:end])
    return contexts


def all_contexts(records: Sequence[dict], masker: Masker | None = None,
                 documents: Sequence[Masked] | None = None) -> list[str]:
    """``threshold_contexts`` of every record, one after the other: found by forked workers for a
    large corpus (each record's sentences are found anew: 10,000 notices, 1.3 million sentences)."""
    def part_contexts(numbers: range) -> list[str]:
        return [context for n in numbers
                for context in threshold_contexts(records[n], masker, documents[n] if documents is not None else None)]

    return [context for part in map_ranges(part_contexts, len(records), PARALLEL_MIN_NOTICES) for context in part]


def threshold_similarity(records: Sequence[dict], masker: Masker | None = None,
                         documents: Sequence[Masked] | None = None, pairs: Sequence[tuple[int, int]] = ()):
    """A function (i, js) -> similarity matrix between the thresholds of notice i and those of each
    j in turn, side by side (``pairs``: the pairs it will be asked for, in order, so that products
    are made a notice at a time)."""
    families: dict[str, list[str]] = {}
    for term, family in read_terms("exclusive_terms.csv"):
        families.setdefault(family, []).append(term)
    items = [t for record in records for t in record.get("thresholds", [])]
    offsets = np.cumsum([0] + [len(r.get("thresholds", [])) for r in records])
    metrics = tfidf_rows([t.get("metric") or "" for t in items], sizes=(1, 2)) if items else None
    subjects = tfidf_rows([t.get("subject") or "" for t in items], sizes=(1, 2)) if items else None
    contexts = tfidf_rows(all_contexts(records, masker, documents)) if items else None
    # Each a matrix of the distinct texts and each threshold's row in it; the three side by side,
    # a row per distinct (metric, subject, context), multiply in one product per notice.
    products = _side_by_side_products([metrics, subjects, contexts], offsets, pairs) if items else None
    unit_ids = {unit: number for number, unit in enumerate(sorted({str(t.get("unit")) for t in items}))}
    units = np.array([unit_ids[str(t.get("unit"))] for t in items], dtype=int)
    is_open = np.array([t.get("subject") is None for t in items], dtype=bool)
    words = [(t.get("metric") or "") + (t.get("subject") or "") for t in items]
    # Per item and family, its terms as bits: different terms of one family (省级 vs 县级) never match.
    term_bits = np.array([family_bits(word, families) for word in words], dtype=np.int64).reshape(len(words), len(families))

    def combined(rows, cols, metric: np.ndarray, subject: np.ndarray, context: np.ndarray) -> np.ndarray:
        """The similarity of items ``rows`` to items ``cols`` (slices or index arrays), entry by entry."""
        open_count = is_open[rows][:, None].astype(int) + is_open[cols][None, :].astype(int)
        subject = np.where(open_count == 2, SUBJECT_BOTH_OPEN, np.where(open_count == 1, SUBJECT_ONE_OPEN, subject))
        result = METRIC_WEIGHT * metric + SUBJECT_WEIGHT * subject + CONTEXT_WEIGHT * context
        allowed = (units[rows][:, None] == units[cols][None, :]) & (metric >= METRIC_MIN)
        for family in range(term_bits.shape[1]):
            bits_a, bits_b = term_bits[rows, family][:, None], term_bits[cols, family][None, :]
            allowed &= ~((bits_a != 0) & (bits_b != 0) & ((bits_a & bits_b) == 0))
        return np.where(allowed, result, 0.0).round(6)

    def similarity_block(i: int, partners: list[int]) -> np.ndarray:
        """Notice i's thresholds against those of each partner in turn (a notice against all its
        partners at once, entry by entry: the same values as pair by pair, without numpy's set-up
        per pair)."""
        partner_items = products.items_of(partners) if products is not None else np.zeros(0, dtype=np.int64)
        if offsets[i] == offsets[i + 1] or not len(partner_items):
            return np.zeros((offsets[i + 1] - offsets[i], len(partner_items)))
        return combined(slice(offsets[i], offsets[i + 1]), partner_items, *products.partners_block(i, partners))

    return similarity_block


def _side_by_side_products(matrices: list[tuple[sparse.csr_matrix, np.ndarray]], offsets: Sequence[int],
                           pairs: Sequence[tuple[int, int]]) -> PairProducts:
    """PairProducts of several (distinct rows, each item's row) matrices at once: a row per
    distinct combination of the items' rows, the matrices side by side as families."""
    distinct_rows, rows_of = first_seen(zip(*(rows.tolist() for _, rows in matrices)))
    combinations = np.array(distinct_rows, dtype=np.int64).reshape(len(distinct_rows), len(matrices))
    side_by_side = sparse.hstack([repeat_rows(matrix, combinations[:, number])
                                  for number, (matrix, _) in enumerate(matrices)], format="csr")
    families = np.cumsum([0] + [matrix.shape[1] for matrix, _ in matrices])
    return PairProducts(side_by_side, offsets, pairs, rows_of, families)


def align_thresholds(records: Sequence[dict], pairs: Sequence[tuple[int, int]] | None = None,
                     masker: Masker | None = None, documents: Sequence[Masked] | None = None) -> list[AlignedThreshold]:
    """Every threshold of every record with its group (earliest member's id); ``pairs`` of notices
    to align (candidates.py), default every pair."""
    pairs = all_pairs(len(records)) if pairs is None else pairs
    item_counts = [len(record.get("thresholds", [])) for record in records]
    matches = pair_matches(pairs, item_counts, threshold_similarity(records, masker, documents, pairs),
                           THRESHOLD_MATCH_MIN, THRESHOLD_MATCH_FLOOR)
    items = [(i, k) for i, record in enumerate(records) for k in range(len(record.get("thresholds", [])))]
    groups = group_items(items, matches)
    best = best_partner_similarity(items, groups, matches)
    root_ids = {root: group_id("T", records[root[0]], f"t{root[1]}") for root in set(groups.values())}
    return [AlignedThreshold(root_ids[groups[item]], item[0], item[1], round(best[item], 4) if item in best else None)
            for item in items]


def differs(values: Sequence[tuple]) -> bool:
    """True when the notices that set this bar set it differently (op, value, range end, unit or year)."""
    return len(set(values)) > 1
