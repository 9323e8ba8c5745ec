"""Actions aligned by meaning: which numbered task of each notice does the same thing.

Never by position or exact title (重大项目攻坚 is action 4 in 壶关 and 2 in 闻喜). Each action
is its heading plus its body without the responsibility clause (unit names differ by
county), with place names and numbers masked; both become character 2-3-gram TF-IDF
vectors over all actions of the corpus, and an action's vector is the normalised sum of
its heading's (weight TITLE_WEIGHT) and its body's. Cosine similarity, then the optimal
one-to-one assignment per pair of notices, then groups (see align.py).

Supports:
    实施专业镇重大项目攻坚行动 (壶关 4) <-> 实施专业镇重大项目攻坚行动 (闻喜 2)
    开展专业镇重点项目建设攻坚 <-> 实施专业镇重大项目攻坚行动: other words, same body
Avoids:
    an action only one notice has: its best partner scores below ACTION_MATCH_MIN and does not stand out.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pipeline.compare.align import Item, Match, best_partner_similarity, group_items, pair_matches
from pipeline.compare.text import Masker, normalise_rows, shingles, tfidf

log = logging.getLogger(__name__)

# Heading vs body: the body carries most of the meaning and survives a reworded heading,
# the heading decides when bodies are short or were rewritten too.
TITLE_WEIGHT = 0.4
# From this cosine two assigned actions are the same action; from ACTION_MATCH_FLOOR when the
# pair stands out 1.5 times above anything else in its row and column. Same-action pairs of the
# samples score 0.62-0.99 and, with every heading reworded (tests/test_compare.py), 0.48-0.87;
# the best wrong pair scores 0.15.
ACTION_MATCH_MIN = 0.25
ACTION_MATCH_FLOOR = 0.1
# Up to this many notices every pair is compared; above it a MinHash LSH candidate stage
# picks, per notice, the CANDIDATE_NEIGHBOURS notices that share the most similar actions.
ALL_PAIRS_MAX_NOTICES = 60
CANDIDATE_NEIGHBOURS = 30
LSH_THRESHOLD = 0.3
LSH_PERMUTATIONS = 64


@dataclass(frozen=True, slots=True)
class AlignedAction:
    group: str
    group_title: str
    notice: int
    index: int
    number: int
    title: str
    similarity: float | None  # best similarity to another member of its group; None when alone


def action_parts(record: dict) -> list[tuple[str, str]]:
    """(heading, body) of each action: the body runs from the end of the heading (its marker,
    （四） or 2., says nothing) to the end of the action, without the responsibility clause;
    punctuation is dropped from both, so two bodies that are only "。" do not look alike."""
    text = record.get("text") or ""
    parts = []
    for action in record.get("actions", []):
        start, end = action["span"]
        title_span = action.get("title_span") or (start, start)
        cursor = max(start, title_span[1])
        body = []
        clause = action.get("responsibility_span")
        if clause and cursor <= clause[0] < end:
            body.append(text[cursor:clause[0]])
            cursor = max(cursor, clause[1])
        body.append(text[cursor:end])
        parts.append((_words(action.get("title") or ""), _words("".join(body))))
    return parts


def _words(text: str) -> str:
    """Letters, digits and placeholders only (no punctuation, symbols or spaces)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co")


def action_vectors(records: Sequence[dict], masker: Masker) -> tuple[sparse.csr_matrix, list[int]]:
    """One row per action of every record, and the first row of each record."""
    titles, bodies, offsets = [], [], []
    for record in records:
        offsets.append(len(titles))
        for title, body in action_parts(record):
            titles.append(masker.mask(title).text)
            bodies.append(masker.mask(body).text)
    offsets.append(len(titles))
    if not titles:
        return sparse.csr_matrix((0, 0)), offsets
    both = tfidf(titles + bodies)
    vectors = TITLE_WEIGHT * both[: len(titles)] + both[len(titles):]
    return normalise_rows(vectors), offsets


def candidate_pairs(documents: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """Pairs of notices (i < j) worth aligning: all of them for a small corpus, else LSH neighbours."""
    count = len(documents)
    if count <= ALL_PAIRS_MAX_NOTICES:
        return [(i, j) for i in range(count) for j in range(i + 1, count)]
    from datasketch import MinHash, MinHashLSH

    keys = [(i, k) for i, docs in enumerate(documents) for k in range(len(docs))]
    hashes = MinHash.bulk([shingles(doc) for docs in documents for doc in docs], num_perm=LSH_PERMUTATIONS)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS)
    for key, minhash in zip(keys, hashes):
        lsh.insert(key, minhash)
    links: list[Counter] = [Counter() for _ in range(count)]
    for (i, _), minhash in zip(keys, hashes):
        for j, _ in lsh.query(minhash):
            if j != i:
                links[i][j] += 1
    pairs = set()
    for i, counter in enumerate(links):
        for j, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATE_NEIGHBOURS]:
            pairs.add((min(i, j), max(i, j)))
    log.info("actions: %d candidate notice pairs of %d", len(pairs), count * (count - 1) // 2)
    return sorted(pairs)


def group_id(prefix: str, record: dict, number: object) -> str:
    """A group's id from its earliest member: the same notices give the same ids on every run."""
    digest = hashlib.sha1(f"{record['source']}#{number}".encode()).hexdigest()[:8]
    return f"{prefix}{digest}"


def align_actions(records: Sequence[dict], masker: Masker) -> tuple[list[AlignedAction], list[Match]]:
    """Every action of every record with its group, and the matched pairs behind the groups."""
    vectors, offsets = action_vectors(records, masker)

    def similarity_of(i: int, j: int) -> np.ndarray:
        block_a = vectors[offsets[i]:offsets[i + 1]]
        block_b = vectors[offsets[j]:offsets[j + 1]]
        return np.asarray((block_a @ block_b.T).todense()).round(6)

    documents = [[title + body for title, body in action_parts(r)] for r in records]
    matches = pair_matches(candidate_pairs(documents), similarity_of, ACTION_MATCH_MIN, ACTION_MATCH_FLOOR)
    items: list[Item] = [(i, k) for i, record in enumerate(records) for k in range(len(record.get("actions", [])))]
    groups = group_items(items, matches)
    best = best_partner_similarity(groups, matches)
    rows = []
    for item in items:
        root = groups[item]
        root_action = records[root[0]]["actions"][root[1]]
        action = records[item[0]]["actions"][item[1]]
        rows.append(AlignedAction(
            group=group_id("A", records[root[0]], root_action["number"]), group_title=root_action.get("title") or "",
            notice=item[0], index=item[1], number=action["number"], title=action.get("title") or "",
            similarity=round(best[item], 4) if item in best else None))
    return rows, matches
