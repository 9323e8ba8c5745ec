"""Text reuse: which passages of a notice were copied, localised or rewritten from another.

Local alignment on characters, in two steps. Sentences first: each sentence is masked
(place names, unit names, numbers, 全省/县级 become placeholders, see text.py) and two
notices' sentences are paired one to one, most similar first, when the Dice coefficient
of their masked character bigrams reaches SENTENCE_MATCH_MIN. Then characters: within a
sentence pair, difflib's SequenceMatcher finds the common runs of the masked texts; a run
of at least MIN_RUN characters is a passage, and the differing stretch between two runs
is a passage too when both sides have comparable text there. Each passage is classified
on its exact spans:

    copied     text_a[span_a] == text_b[span_b]
    localised  different, but equal once masked (山西省 -> 壶关县, 10亿 -> 5亿, 全省 -> 全县)
    rewritten  different even masked, inside a sentence pair of similar wording

Characters in no passage are new local text. Up to ALL_PAIRS_MAX_NOTICES notices every
pair of notices is compared; above that a MinHash LSH over sentences (datasketch) proposes
the sentence pairs, so the work grows with the reuse there is, not with all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from scipy import sparse

from pipeline.compare.text import Masked, Masker, sentence_spans, shingles

COPIED, LOCALISED, REWRITTEN = "copied", "localised", "rewritten"
KINDS = (COPIED, LOCALISED, REWRITTEN)
# Two sentences are versions of one another from this Dice of masked character bigrams up.
SENTENCE_MATCH_MIN = 0.5
# A common run shorter than this (after masking) is coincidence, not reuse: 4 characters is
# one Chinese phrase (专业镇的), 6 is the shortest run that is copying rather than vocabulary.
MIN_RUN = 6
# A differing stretch counts as rewritten when the shorter side has this share of the longer;
# otherwise one side inserted text the other does not have (new, not rewritten).
REWRITE_BALANCE = 0.3
ALL_PAIRS_MAX_NOTICES = 60
LSH_THRESHOLD = 0.2
LSH_PERMUTATIONS = 128


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    masked: Masked
    bigrams: frozenset


@dataclass(frozen=True, slots=True)
class Passage:
    a: int  # notice indices
    start_a: int
    end_a: int
    b: int
    start_b: int
    end_b: int
    kind: str
    similarity: float  # Dice of the sentence pair it lies in


def classify(text_a: str, text_b: str, masker: Masker) -> str | None:
    """The reuse class of two passages, or None when they are equal neither raw nor masked
    and so can only be `rewritten` if their sentences are similar.

    >>> m = Masker(places=["壶关县", "山西省"])
    >>> classify("推动签约项目早落地", "推动签约项目早落地", m), classify("壶关县产值10亿元", "山西省产值5亿元", m)
    ('copied', 'localised')
    >>> classify("开工、投产", "投产、开工", m) is None
    True
    """
    if text_a == text_b:
        return COPIED
    if masker.mask(text_a).text == masker.mask(text_b).text:
        return LOCALISED
    return None


def sentences(text: str, masker: Masker) -> list[Sentence]:
    """The sentences of a normalised text, masked; those shorter than MIN_RUN masked characters dropped."""
    found = []
    for start, end in sentence_spans(text):
        masked = masker.mask(text[start:end], offset=start)
        if len(masked.text) >= MIN_RUN:
            grams = frozenset(masked.text[i:i + 2] for i in range(len(masked.text) - 1))
            found.append(Sentence(start, end, masked, grams))
    return found


def sentence_pairs(sents_a: Sequence[Sentence], sents_b: Sequence[Sentence],
                   candidates: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int, float]]:
    """One-to-one sentence pairs (index a, index b, Dice), most similar first, Dice >= SENTENCE_MATCH_MIN."""
    scored = []
    if candidates is None:
        scored = _all_dice(sents_a, sents_b)
    else:
        for i, j in candidates:
            shared = len(sents_a[i].bigrams & sents_b[j].bigrams)
            dice = 2 * shared / (len(sents_a[i].bigrams) + len(sents_b[j].bigrams))
            if dice >= SENTENCE_MATCH_MIN:
                scored.append((i, j, dice))
    used_a, used_b, pairs = set(), set(), []
    for i, j, dice in sorted(scored, key=lambda s: (-s[2], s[0], s[1])):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, dice))
    return sorted(pairs)


def _all_dice(sents_a: Sequence[Sentence], sents_b: Sequence[Sentence]) -> list[tuple[int, int, float]]:
    """Dice of every sentence pair above SENTENCE_MATCH_MIN, by a product of binary bigram matrices."""
    if not sents_a or not sents_b:
        return []
    vocabulary: dict[str, int] = {}
    for sentence in list(sents_a) + list(sents_b):
        for gram in sorted(sentence.bigrams):
            vocabulary.setdefault(gram, len(vocabulary))

    def matrix(sents: Sequence[Sentence]) -> sparse.csr_matrix:
        rows = [r for r, s in enumerate(sents) for _ in s.bigrams]
        cols = [vocabulary[g] for s in sents for g in s.bigrams]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sents), len(vocabulary)))

    shared = (matrix(sents_a) @ matrix(sents_b).T).tocoo()
    sizes_a = np.array([len(s.bigrams) for s in sents_a])
    sizes_b = np.array([len(s.bigrams) for s in sents_b])
    dice = 2 * shared.data / (sizes_a[shared.row] + sizes_b[shared.col])
    keep = dice >= SENTENCE_MATCH_MIN
    return [(int(i), int(j), float(d)) for i, j, d in zip(shared.row[keep], shared.col[keep], dice[keep])]


def sentence_passages(text_a: str, text_b: str, sent_a: Sentence, sent_b: Sentence,
                      masker: Masker) -> list[tuple[int, int, int, int, str]]:
    """Passages (start_a, end_a, start_b, end_b, kind) inside one aligned sentence pair."""
    ma, mb = sent_a.masked, sent_b.masked
    matcher = SequenceMatcher(None, ma.text, mb.text, autojunk=False)
    runs = [block for block in matcher.get_matching_blocks() if block.size >= MIN_RUN]
    found = []
    previous_a = previous_b = 0
    for block in runs + [None]:
        gap_end_a = block.a if block else len(ma.text)
        gap_end_b = block.b if block else len(mb.text)
        gap_a, gap_b = gap_end_a - previous_a, gap_end_b - previous_b
        if gap_a and gap_b and min(gap_a, gap_b) >= REWRITE_BALANCE * max(gap_a, gap_b):
            start_a, end_a = ma.original(previous_a, gap_end_a)
            start_b, end_b = mb.original(previous_b, gap_end_b)
            kind = classify(text_a[start_a:end_a], text_b[start_b:end_b], masker) or REWRITTEN
            found.append((start_a, end_a, start_b, end_b, kind))
        if block is None:
            break
        start_a, end_a = ma.original(block.a, block.a + block.size)
        start_b, end_b = mb.original(block.b, block.b + block.size)
        kind = classify(text_a[start_a:end_a], text_b[start_b:end_b], masker) or REWRITTEN
        found.append((start_a, end_a, start_b, end_b, kind))
        previous_a, previous_b = block.a + block.size, block.b + block.size
    return _merge_neighbours(found, text_a, text_b, masker)


def _merge_neighbours(found, text_a: str, text_b: str, masker: Masker):
    """Join touching passages whose union keeps the class of both (a sentence copied whole is one passage)."""
    merged: list[tuple[int, int, int, int, str]] = []
    for passage in found:
        if merged:
            last = merged[-1]
            if last[1] == passage[0] and last[3] == passage[2] and REWRITTEN not in (last[4], passage[4]):
                union = (last[0], passage[1], last[2], passage[3])
                kind = classify(text_a[union[0]:union[1]], text_b[union[2]:union[3]], masker)
                if kind is not None:
                    merged[-1] = (*union, kind)
                    continue
        merged.append(passage)
    return merged


def _lsh_candidates(all_sentences: Sequence[Sequence[Sentence]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Sentence pairs proposed by MinHash LSH, grouped by notice pair (i < j)."""
    from datasketch import MinHash, MinHashLSH

    keys = [(n, k) for n, sents in enumerate(all_sentences) for k in range(len(sents))]
    hashes = MinHash.bulk([shingles(s.masked.text, 2) for sents in all_sentences for s in sents],
                          num_perm=LSH_PERMUTATIONS)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS)
    for key, minhash in zip(keys, hashes):
        lsh.insert(key, minhash)
    by_pair: dict[tuple[int, int], set] = defaultdict(set)
    for (n, k), minhash in zip(keys, hashes):
        for m, other in lsh.query(minhash):
            if n < m:
                by_pair[(n, m)].add((k, other))
    return {pair: sorted(found) for pair, found in sorted(by_pair.items())}


def align_reuse(texts: Sequence[str], masker: Masker,
                pairs: Sequence[tuple[int, int]] | None = None) -> list[Passage]:
    """Reuse passages between the given pairs of texts (default: every pair)."""
    all_sentences = [sentences(text, masker) for text in texts]
    count = len(texts)
    wanted = pairs if pairs is not None else [(i, j) for i in range(count) for j in range(i + 1, count)]
    candidates = None if count <= ALL_PAIRS_MAX_NOTICES else _lsh_candidates(all_sentences)
    found = []
    for i, j in wanted:
        if candidates is None:
            sentence_matches = sentence_pairs(all_sentences[i], all_sentences[j])
        else:
            sentence_matches = sentence_pairs(all_sentences[i], all_sentences[j], candidates.get((i, j), []))
        for k, m, dice in sentence_matches:
            for start_a, end_a, start_b, end_b, kind in sentence_passages(
                    texts[i], texts[j], all_sentences[i][k], all_sentences[j][m], masker):
                found.append(Passage(i, start_a, end_a, j, start_b, end_b, kind, round(dice, 4)))
    return sorted(found, key=lambda p: (p.a, p.b, p.start_a, p.start_b))


def shares(text: str, spans: Iterable[tuple[int, int, str]]) -> dict[str, float | int]:
    """Share of a text's non-space characters in each class (copied beats localised beats rewritten).

    >>> shares("abcdefghij", [(0, 5, "rewritten"), (0, 2, "copied")])
    {'chars': 10, 'copied': 0.2, 'localised': 0.0, 'rewritten': 0.3, 'new': 0.5}
    """
    rank = {REWRITTEN: 1, LOCALISED: 2, COPIED: 3}
    best = np.zeros(len(text), dtype=np.int8)
    for start, end, kind in spans:
        best[start:end] = np.maximum(best[start:end], rank[kind])
    counted = np.array([not ch.isspace() for ch in text], dtype=bool)
    total = int(counted.sum())
    result: dict[str, float | int] = {"chars": total}
    for kind in KINDS:
        result[kind] = round(float(((best == rank[kind]) & counted).sum()) / total, 4) if total else 0.0
    result["new"] = round(1 - sum(result[k] for k in KINDS), 4) if total else 0.0
    return result
