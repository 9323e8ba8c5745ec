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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.compare.align import best_partner_similarity, group_items, pair_matches
from pipeline.compare.actions import group_id
from pipeline.compare.text import read_terms, tfidf

METRIC_WEIGHT = 0.5
# Metrics must share some words: 特色主导产业产值 / 年产值 score 0.28, 带动…配套企业户数 / 关联配套企业数量
# 0.24, while 县级重点专业镇数量 / 嵌入式服务设施…数量 score 0.02 (数量 is everywhere, so weighs little).
METRIC_MIN = 0.15
# Both notices leave the subject open: as good as the same subject. One names it, the other not: half.
SUBJECT_BOTH_OPEN, SUBJECT_ONE_OPEN = 1.0, 0.5
# Samples: same-bar pairs score 0.55-1.0, the best wrong pair with the same unit 0.35.
THRESHOLD_MATCH_MIN = 0.45
WIDE_FIELDS = ("op", "value", "value_max", "unit", "year")


@dataclass(frozen=True, slots=True)
class AlignedThreshold:
    group: str
    notice: int
    index: int
    similarity: float | None


def exclusive(a: str, b: str, families: dict[str, list[str]]) -> bool:
    """True when a and b each name terms of one family and share none of them.

    >>> fam = {"level": ["省级", "市级", "县级"]}
    >>> exclusive("省级专业镇数量", "县级专业镇数量", fam), exclusive("市级专业镇数量", "市级专业镇数量", fam)
    (True, False)
    """
    for terms in families.values():
        in_a = {t for t in terms if t in a}
        in_b = {t for t in terms if t in b}
        if in_a and in_b and not in_a & in_b:
            return True
    return False


def threshold_similarity(records: Sequence[dict]):
    """A function (i, j) -> similarity matrix between the thresholds of notices i and j."""
    families: dict[str, list[str]] = {}
    for term, family in read_terms("exclusive_terms.csv"):
        families.setdefault(family, []).append(term)
    items = [t for record in records for t in record.get("thresholds", [])]
    offsets = np.cumsum([0] + [len(r.get("thresholds", [])) for r in records])
    metrics = tfidf([t.get("metric") or "" for t in items], sizes=(1, 2)) if items else None
    subjects = tfidf([t.get("subject") or "" for t in items], sizes=(1, 2)) if items else None

    def similarity_of(i: int, j: int) -> np.ndarray:
        rows = range(offsets[i], offsets[i + 1])
        cols = range(offsets[j], offsets[j + 1])
        result = np.zeros((len(rows), len(cols)))
        if not len(rows) or not len(cols):
            return result
        metric = (metrics[offsets[i]:offsets[i + 1]] @ metrics[offsets[j]:offsets[j + 1]].T).toarray()
        subject = (subjects[offsets[i]:offsets[i + 1]] @ subjects[offsets[j]:offsets[j + 1]].T).toarray()
        for r, a in enumerate(rows):
            for c, b in enumerate(cols):
                ta, tb = items[a], items[b]
                if ta.get("unit") != tb.get("unit") or metric[r, c] < METRIC_MIN:
                    continue
                words_a = (ta.get("metric") or "") + (ta.get("subject") or "")
                words_b = (tb.get("metric") or "") + (tb.get("subject") or "")
                if exclusive(words_a, words_b, families):
                    continue
                open_count = (ta.get("subject") is None) + (tb.get("subject") is None)
                subject_score = (subject[r, c], SUBJECT_ONE_OPEN, SUBJECT_BOTH_OPEN)[open_count]
                result[r, c] = METRIC_WEIGHT * metric[r, c] + (1 - METRIC_WEIGHT) * subject_score
        return result.round(6)

    return similarity_of


def align_thresholds(records: Sequence[dict]) -> list[AlignedThreshold]:
    """Every threshold of every record with its group (earliest member's id)."""
    count = len(records)
    pairs = [(i, j) for i in range(count) for j in range(i + 1, count)]
    matches = pair_matches(pairs, threshold_similarity(records), THRESHOLD_MATCH_MIN)
    items = [(i, k) for i, record in enumerate(records) for k in range(len(record.get("thresholds", [])))]
    groups = group_items(items, matches)
    best = best_partner_similarity(groups, matches)
    return [AlignedThreshold(group_id("T", records[groups[item][0]], f"t{groups[item][1]}"), item[0], item[1],
                             round(best[item], 4) if item in best else None) for item in items]


def differs(values: Sequence[tuple]) -> bool:
    """True when the notices that set this bar set it differently (op, value, range end, unit or year)."""
    return len(set(values)) > 1
