"""Which pairs of notices to compare: all of them for a small corpus, near neighbours for a large one.

Aligning actions, thresholds and text costs one small computation per pair of notices, so a
corpus of thousands cannot compare every pair. Above ALL_PAIRS_MAX_NOTICES notices each notice
is compared with its NEIGHBOURS most similar notices only: a MinHash of its masked text's
character 3-grams (datasketch) goes into an LSH index, and the candidates the index returns are
ranked by their estimated Jaccard similarity (a bucket of thousands of near-copies is met
through a window, so the ranking stays linear in N); a few bridge pairs then join clusters of
near-duplicates to each other (see ``bridges``). Groups still span the whole corpus, because the
union-find in align.py joins the pairs transitively. The work grows with N × NEIGHBOURS.

The signatures and the index are datasketch's (``MinHash.bulk`` with CRC-32, ``MinHashLSH``), computed
with arrays: each distinct 3-gram of the corpus is hashed once, and the candidates come from
sorting band keys, not from a query per notice (with a corpus of near-copies every query
returned half the corpus, 7 ms each at 1,000 notices).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence

import numpy as np

from scipy import sparse

from pipeline.compare.text import distinct, mix64, shingles

log = logging.getLogger(__name__)

# Actions and thresholds of every pair up to here (cheap: small matrices). Text reuse is dearer
# (60 synthetic notices: 24 s for all 1,770 pairs, 7 s with neighbours), so it meets every notice
# only up to REUSE_ALL_PAIRS_MAX_NOTICES; beyond, it takes the neighbours.
ALL_PAIRS_MAX_NOTICES = 60
REUSE_ALL_PAIRS_MAX_NOTICES = 20
# Reuse shares need a notice's closest sources only; fewer neighbours halve the largest stage
# (3 instead of 5 moved 1,000 synthetic notices' shares by up to 0.11, so 5 it stays).
REUSE_NEIGHBOURS = 5
# Partners per notice for actions and thresholds. Groups join transitively, but 6 instead of 10,
# although it gave the same groups on 2,000 synthetic notices, split 6 action and 6 threshold
# groups of the 168 eval notices: real notices share less, so 10 it stays.
NEIGHBOURS = 10
# Per cluster of near-duplicate notices, this many members also meet every other cluster.
BRIDGE_MEMBERS = 3
# Notices rewritten from one template share far more than this share of 3-grams (the two
# samples: 0.38 once masked); unrelated notices share under 0.05.
LSH_THRESHOLD = 0.15
LSH_PERMUTATIONS = 128
# Notices whose 3-grams are gathered at once for their MinHash signatures (memory, not speed).
SIGNATURE_CHUNK = 1000
# 3-grams taken in the first step of the walk to each permutation's minimum (then twice as many).
WALK_STEP = 16
# Candidates a notice meets on each side of it in a large bucket of a band (see RankedCandidates);
# a bucket of up to WHOLE_BUCKET notices is met whole (then the lists are datasketch's exactly).
WINDOW = 4
WHOLE_BUCKET = 32
# Following bands whose keys order the notices within a bucket.
TIE_BANDS = 4
# Candidate pairs whose signatures are compared at once (a chunk × 128 array of bytes).
PAIR_CHUNK = 1 << 18
# Notices whose whole candidate lists are made at once (a block × N × 128 array of bytes).
WHOLE_BLOCK = 32
# Bucket pairs held before repeats are dropped (8 bytes each): bounds memory at 100,000 notices.
PENDING_PAIRS_MAX = 1 << 25


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


def _gram_keys(text: str) -> np.ndarray:
    """The distinct character 3-grams of a masked text (whitespace dropped) as sorted integers,
    three 21-bit code points each; ``shingles(text, 3)`` in another form."""
    text = "".join(text.split())
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    keys = np.sort((points[:-2] << np.uint64(42)) | (points[1:-1] << np.uint64(21)) | points[2:])
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def _gram_bytes(key: int) -> bytes:
    return "".join(chr((key >> shift) & 0x1FFFFF) for shift in (42, 21, 0)).encode("utf-8")


def minhash_signatures(masked_texts: Sequence[str], chunk: int = SIGNATURE_CHUNK) -> np.ndarray:
    """One row per text: the hash values of datasketch's MinHash (LSH_PERMUTATIONS permutations, CRC-32)
    of ``shingles(text, 3)``, equal to ``MinHash.bulk`` value for value.

    Notices rewritten from one template share most 3-grams, so each distinct 3-gram is hashed
    and permuted once (datasketch does it once per notice), and a notice's minimum per
    permutation is found by walking that permutation's smallest values until every notice of the
    chunk holds one (a few dozen steps), instead of taking the minimum over all its 3-grams.
    Chunks are shared among forked workers (each keeps its own 3-grams already permuted).
    """
    from pipeline.compare.parallel import compare_workers, fork_map

    firsts = list(range(0, len(masked_texts), chunk))
    workers = min(compare_workers(), len(firsts))
    runs = [firsts[len(firsts) * k // workers:len(firsts) * (k + 1) // workers] for k in range(workers)] \
        if workers > 1 else [firsts]

    def signatures_of(run: list[int]) -> list[np.ndarray]:
        permuted = _PermutedGrams()
        return [_chunk_signatures(masked_texts[first:first + chunk], permuted) for first in run]

    blocks = [block for part in fork_map(signatures_of, runs, workers) for block in part]
    return np.concatenate(blocks) if blocks else np.zeros((0, LSH_PERMUTATIONS), dtype=np.uint64)


class _PermutedGrams:
    """The LSH_PERMUTATIONS hash values of each 3-gram (as a key) met so far, hashed once."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint64)
        self.values = np.zeros((0, LSH_PERMUTATIONS), dtype=np.uint64)

    @staticmethod
    def permute(grams: list[bytes]) -> np.ndarray:
        from datasketch import MinHash

        found = MinHash.bulk([[gram] for gram in grams], num_perm=LSH_PERMUTATIONS, hashfunc=zlib.crc32)
        return np.array([minhash.hashvalues for minhash in found], dtype=np.uint64).reshape(-1, LSH_PERMUTATIONS)

    def of(self, vocabulary: np.ndarray) -> np.ndarray:
        """The hash values of each key of ``vocabulary`` (sorted, distinct), one row each."""
        new = np.setdiff1d(vocabulary, self.keys, assume_unique=True)
        if len(new):
            self.keys = np.concatenate([self.keys, new])
            self.values = np.concatenate([self.values, self.permute([_gram_bytes(int(key)) for key in new])])
            order = np.argsort(self.keys, kind="stable")
            self.keys, self.values = self.keys[order], self.values[order]
        return self.values[np.searchsorted(self.keys, vocabulary)]


def _chunk_signatures(masked_texts: Sequence[str], permuted: _PermutedGrams) -> np.ndarray:
    """``minhash_signatures`` of a chunk of texts (see there)."""
    result = np.zeros((len(masked_texts), LSH_PERMUTATIONS), dtype=np.uint64)
    keys, short = [], []
    for number, text in enumerate(masked_texts):
        if len("".join(text.split())) < 3:  # shingles() then takes the text itself
            short.append(number)
            keys.append(np.zeros(0, dtype=np.uint64))
        else:
            keys.append(_gram_keys(text))
    for number in short:
        result[number] = permuted.permute([shingles(masked_texts[number], 3)[0]])[0]
    vocabulary = distinct(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.uint64)
    values = permuted.of(vocabulary)
    # Which notices of the chunk hold each 3-gram of its vocabulary (rows: 3-grams).
    columns = np.concatenate([np.full(len(k), n, dtype=np.int64) for n, k in enumerate(keys)] or [np.zeros(0, int)])
    rows = np.searchsorted(vocabulary, np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64))
    holders = sparse.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, columns)),
                                shape=(len(vocabulary), len(keys)))
    holders.sort_indices()
    wanted = np.array([len(k) > 0 for k in keys], dtype=bool)
    held = wanted.nonzero()[0]
    for permutation in range(LSH_PERMUTATIONS):
        order = np.argsort(values[:, permutation], kind="stable")
        best = np.full(len(keys), -1, dtype=np.int64)  # place in ``order`` of a notice's smallest 3-gram
        open_ = wanted.copy()
        done, step = 0, WALK_STEP
        while open_.any():
            taken = holders[order[done:done + step]]
            owners = taken.indices
            places = np.repeat(np.arange(done, done + taken.shape[0]), np.diff(taken.indptr))
            still = open_[owners]
            # Owners come in order of place, so a notice's first occurrence is its smallest 3-gram.
            reached, first = np.unique(owners[still], return_index=True)
            best[reached] = places[still][first]
            open_[reached] = False
            done += taken.shape[0]
            step *= 2
        result[held, permutation] = values[order[best[held]], permutation]
    return result


def ranked_candidates(masked_texts: Sequence[str]) -> RankedCandidates:
    """Per notice, the notices MinHash LSH proposes, most similar (estimated Jaccard) first."""
    return RankedCandidates(minhash_signatures(masked_texts))


class RankedCandidates(Sequence):
    """Per notice, the notices that share a band of its MinHash signature (the buckets of a datasketch
    ``MinHashLSH(LSH_THRESHOLD)`` index), most similar first (share of equal hash values, then lower number).

    A bucket of a corpus rewritten from one template holds thousands of notices, and meeting
    every one of them made the ranking quadratic (10,000 notices: 10^8 signature comparisons).
    So a bucket of up to WHOLE_BUCKET notices is met whole, and in a larger one a notice meets
    the ``window`` notices on each side of it, each band ordering its bucket by the next bands'
    keys (notices that agree beyond this band sit together) and then by a shuffle of its own:
    at most bands × 2 × max(window, WHOLE_BUCKET) candidates a notice, linear in the corpus. On
    a corpus without large buckets the lists are exactly what querying the index returns (on the
    168 eval notices: the same action and threshold groups as whole buckets; with whole buckets of
    up to 5 only, one group of each differed); ``window=None`` always meets whole buckets.
    """

    def __init__(self, signatures: np.ndarray, window: int | None = WINDOW) -> None:
        from datasketch import MinHashLSH

        self.count = len(signatures)
        self.signatures = compact = self._compact(signatures)
        bands = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS).hashranges
        band_keys = self._compact(np.stack([self._band_key(signatures[:, start:end]) for start, end in bands], axis=1))
        self.band_keys = band_keys
        lower, higher = self._bucket_neighbours(band_keys, window)
        equal = np.concatenate([_count_equal_pairs(compact, lower[first:first + PAIR_CHUNK],
                                                   higher[first:first + PAIR_CHUNK])
                                for first in range(0, len(lower), PAIR_CHUNK)] or [np.zeros(0, dtype=np.int64)])
        # Each pair both ways round, per notice: most equal values first, then lower number.
        owners, others, equal = np.concatenate([lower, higher]), np.concatenate([higher, lower]), np.tile(equal, 2)
        order = _ranking_order(owners, others, equal, self.count)
        self.others = others[order]
        self.starts = np.searchsorted(owners[order], np.arange(self.count + 1))

    @staticmethod
    def _bucket_neighbours(band_keys: np.ndarray, window: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Distinct pairs of notices (lower numbers, higher numbers): notices of one bucket of a band
        within ``window`` places of each other in the band's order (None: the whole bucket)."""
        count, band_count = band_keys.shape
        numbers = np.arange(count)
        found: list[np.ndarray] = []  # pairs as codes lower * count + higher, duplicates and all
        pending = 0
        for band in range(band_count):
            # Within the bucket, by the keys of the following bands (near-copies end up side by side),
            # then in an order of the band's own (equal notices meet other neighbours in every band).
            shuffled = mix64(numbers.astype(np.uint64) * np.uint64(band_count) + np.uint64(band))
            following = [band_keys[:, (band + step) % band_count] for step in range(TIE_BANDS, 0, -1)]
            order = np.lexsort([numbers, shuffled] + following + [band_keys[:, band]])
            keys = band_keys[order, band]
            # A bucket of up to WHOLE_BUCKET notices is met whole; a larger one through the window.
            bucket_starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            sizes = np.diff(np.append(bucket_starts, count))
            small = np.repeat(sizes <= WHOLE_BUCKET, sizes)
            small_widest = int(sizes[sizes <= WHOLE_BUCKET].max(initial=1)) - 1
            widest = count - 1 if window is None else min(max(window, small_widest), count - 1)
            for distance in range(1, widest + 1):
                same = keys[distance:] == keys[:-distance]
                if window is not None and distance > window:
                    same &= small[distance:]
                same = np.flatnonzero(same)
                if not len(same):
                    break  # no bucket (met this far) holds distance + 1 notices
                one, other = order[same].astype(np.int64), order[same + distance].astype(np.int64)
                found.append(np.minimum(one, other) * count + np.maximum(one, other))
                pending += len(same)
            if pending > PENDING_PAIRS_MAX:  # near-copies meet again in band after band: drop repeats
                found = [distinct(np.concatenate(found))]
                pending = len(found[0])
        pairs = distinct(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        return pairs // count, pairs % count

    @staticmethod
    def _band_key(values: np.ndarray) -> np.ndarray:
        """One integer per row that is equal exactly when the rows are (a band of 32-bit hash values)."""
        _, inverse = np.unique(values, axis=0, return_inverse=True)
        return inverse.reshape(-1)

    @staticmethod
    def _compact(values: np.ndarray) -> np.ndarray:
        """Each column renumbered 0, 1, … by value, in the smallest integer type: equal stays equal."""
        compact = np.empty(values.shape, dtype=np.int64)
        for column in range(values.shape[1]):
            compact[:, column] = np.unique(values[:, column], return_inverse=True)[1].reshape(-1)
        dtype = np.uint8 if compact.max(initial=0) < 256 else np.uint16 if compact.max(initial=0) < 65536 else np.uint32
        return np.ascontiguousarray(compact.astype(dtype))

    def whole(self, numbers: Sequence[int]) -> list[list[int]]:
        """The whole ranked lists of ``numbers``: every notice sharing a bucket, not just a window's.
        Each costs a pass over the corpus, so only the few notices ``bridges`` asks about get one."""
        lists = []
        for first in range(0, len(numbers), WHOLE_BLOCK):
            block = np.asarray(numbers[first:first + WHOLE_BLOCK], dtype=np.int64)
            found = _count_equal(self.band_keys, block) > 0
            found[np.arange(len(block)), block] = False
            equal = _count_equal(self.signatures, block)
            for row in range(len(block)):
                others = found[row].nonzero()[0]
                lists.append(others[np.lexsort((others, -equal[row, others]))].tolist())
        return lists

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(self.count))]
        if not -self.count <= number < self.count:
            raise IndexError(number)
        number %= self.count
        return self.others[self.starts[number]:self.starts[number + 1]].tolist()


def _ranking_order(owners: np.ndarray, others: np.ndarray, equal: np.ndarray, count: int,
                   one_key: bool = True) -> np.ndarray:
    """``np.lexsort((others, -equal, owners))`` for distinct (owner, other) pairs of ``count``
    notices and equal counts up to LSH_PERMUTATIONS: one integer key sorted where the three fit
    in it (``one_key``), three times faster.

    >>> _ranking_order(np.array([1, 0, 0]), np.array([0, 2, 1]), np.array([5, 3, 7]), 3).tolist()
    [2, 1, 0]
    """
    bits, equal_bits = max(count - 1, 1).bit_length(), LSH_PERMUTATIONS.bit_length()
    if not one_key or 2 * bits + equal_bits > 62:
        return np.lexsort((others, -equal, owners))
    return np.argsort((owners << (bits + equal_bits)) | ((LSH_PERMUTATIONS - equal) << bits) | others)


def _count_equal(values: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Per notice of ``block`` and every notice, how many columns of ``values`` are equal."""
    equal = values[None, :, :] == values[block, None, :]
    return _true_per_row(equal.reshape(-1, values.shape[1])).reshape(len(block), len(values))


def _count_equal_pairs(values: np.ndarray, owners: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per pair (owners[k], others[k]), how many columns of ``values`` are equal."""
    return _true_per_row(values[owners] == values[others])


def _true_per_row(equal: np.ndarray) -> np.ndarray:
    """How many entries of each row of a boolean matrix are true: its bytes summed by a
    matrix-vector product (4x a boolean sum along the rows)."""
    dtype = np.uint8 if equal.shape[1] < 256 else np.int64
    return (equal.view(np.uint8) @ np.ones(equal.shape[1], dtype=dtype)).astype(np.int64)


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
    most similar candidate in every other cluster. With a RankedCandidates, those notices get
    their whole lists (``whole``): a window over a bucket of thousands of near-copies meets only
    its own cluster.

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
    chosen = sorted(number for numbers in members.values() for number in numbers[:BRIDGE_MEMBERS])
    if isinstance(candidates, RankedCandidates):
        lists = dict(zip(chosen, candidates.whole(chosen)))
    else:
        lists = {number: candidates[number] for number in chosen}
    extra: set[tuple[int, int]] = set()
    for cluster, numbers in members.items():
        for number in numbers[:BRIDGE_MEMBERS]:
            reached: set[int] = set()
            for other in lists[number]:  # most similar first
                other_cluster = find(other)
                if other_cluster != cluster and other_cluster not in reached:
                    reached.add(other_cluster)
                    extra.add((min(number, other), max(number, other)))
    return extra
