"""Which pairs of notices to compare: all of them for a small corpus, near neighbours for a large one.

Aligning actions, thresholds and text costs one small computation per pair of notices, so a
corpus of thousands cannot compare every pair. Above ALL_PAIRS_MAX_NOTICES notices each notice
is compared with its NEIGHBOURS most similar notices only: a MinHash of its masked text's
character 3-grams (datasketch) goes into an LSH index, and the candidates the index returns are
ranked by their estimated Jaccard similarity; a few bridge pairs then join clusters of
near-duplicates to each other (see ``bridges``). Groups still span the whole corpus, because the
union-find in align.py joins the pairs transitively. The work grows with N × NEIGHBOURS.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence

import numpy as np

from pipeline.compare.text import shingles

log = logging.getLogger(__name__)

# Actions and thresholds of every pair up to here (cheap: small matrices). Text reuse is dearer
# (60 synthetic notices: 24 s for all 1,770 pairs, 7 s with neighbours), so it meets every notice
# only up to REUSE_ALL_PAIRS_MAX_NOTICES; beyond, it takes the neighbours.
ALL_PAIRS_MAX_NOTICES = 60
REUSE_ALL_PAIRS_MAX_NOTICES = 20
# Reuse shares need a notice's closest sources only; fewer neighbours halve the largest stage.
REUSE_NEIGHBOURS = 5
NEIGHBOURS = 10
# Per cluster of near-duplicate notices, this many members also meet every other cluster.
BRIDGE_MEMBERS = 3
# Notices rewritten from one template share far more than this share of 3-grams (the two
# samples: 0.38 once masked); unrelated notices share under 0.05.
LSH_THRESHOLD = 0.15
LSH_PERMUTATIONS = 128


def all_pairs(count: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(count) for j in range(i + 1, count)]


def notice_pairs(masked_texts: Sequence[str], all_pairs_max: int | None = None,
                 neighbours: int = NEIGHBOURS) -> list[tuple[int, int]]:
    """Pairs (i < j) of notices to compare, sorted: every pair up to ``all_pairs_max`` notices
    (default ALL_PAIRS_MAX_NOTICES), else each notice's ``neighbours`` nearest and bridges.

    >>> notice_pairs(["甲", "乙", "丙"])
    [(0, 1), (0, 2), (1, 2)]
    """
    count = len(masked_texts)
    if count <= (ALL_PAIRS_MAX_NOTICES if all_pairs_max is None else all_pairs_max):
        return all_pairs(count)
    return neighbour_pairs(ranked_candidates(masked_texts), neighbours)


def ranked_candidates(masked_texts: Sequence[str]) -> list[list[int]]:
    """Per notice, the notices MinHash LSH proposes, most similar (estimated Jaccard) first."""
    from datasketch import MinHash, MinHashLSH

    # CRC-32 rather than datasketch's default SHA-1: deterministic too, and hashing every 3-gram of
    # every notice is most of this stage's time.
    hashes = MinHash.bulk([shingles(text, 3) for text in masked_texts], num_perm=LSH_PERMUTATIONS, hashfunc=zlib.crc32)
    index = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS)
    for number, minhash in enumerate(hashes):
        index.insert(number, minhash)
    signatures = np.array([minhash.hashvalues for minhash in hashes])
    candidates = []
    for number, minhash in enumerate(hashes):
        found = np.array(sorted(other for other in index.query(minhash) if other != number), dtype=int)
        # Estimated Jaccard of all candidates at once (share of equal MinHash values).
        jaccard = (signatures[found] == signatures[number]).mean(axis=1) if len(found) else np.array([])
        candidates.append([int(found[k]) for k in np.lexsort((found, -jaccard))])
    return candidates


def neighbour_pairs(candidates: Sequence[Sequence[int]], neighbours: int = NEIGHBOURS) -> list[tuple[int, int]]:
    """Each notice with its ``neighbours`` first candidates, plus the bridges between clusters.

    >>> neighbour_pairs([[1, 2], [0, 2], [1, 0]], 1)
    [(0, 1), (1, 2)]
    """
    pairs: set[tuple[int, int]] = set()
    for number, ranked in enumerate(candidates):
        pairs.update((min(number, other), max(number, other)) for other in ranked[:neighbours])
    pairs |= bridges(candidates, pairs)
    log.info("compare: %d candidate pairs of %d notices", len(pairs), len(candidates))
    return sorted(pairs)


def bridges(candidates: Sequence[Sequence[int]], pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs that join clusters the nearest-neighbour pairs leave apart.

    A hundred counties copying 壶关's notice are each other's nearest neighbours, and so are
    a hundred copying 闻喜's: no 壶关-like notice would meet a 闻喜-like one. For each cluster
    (connected by ``pairs``), its BRIDGE_MEMBERS lowest-numbered notices are paired with their
    most similar candidate in every other cluster.

    >>> sorted(bridges([[1, 2], [0, 2], [3, 0], [2]], {(0, 1), (2, 3)}))
    [(0, 2), (1, 2)]
    """
    parent = list(range(len(candidates)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in sorted(pairs):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    members: dict[int, list[int]] = {}
    for number in range(len(candidates)):
        members.setdefault(find(number), []).append(number)
    extra: set[tuple[int, int]] = set()
    for cluster, numbers in members.items():
        for number in numbers[:BRIDGE_MEMBERS]:
            reached: set[int] = set()
            for other in candidates[number]:  # most similar first
                other_cluster = find(other)
                if other_cluster != cluster and other_cluster not in reached:
                    reached.add(other_cluster)
                    extra.add((min(number, other), max(number, other)))
    return extra
