"""Near-duplicate detection: the same wire copy published again, lightly edited.

MinHash over word shingles with locality-sensitive hashing (datasketch's ``MinHashLSH``). Texts
are lower-cased and reduced to word tokens (letters and digits), so punctuation, spacing and
case changes do not matter; ``shingle`` consecutive words make one shingle. Shingles are hashed
with CRC32 (stable across processes) and MinHash uses datasketch's permutations, so a signature
computed in one process is valid in another.

A signature is ``num_perm`` unsigned 32-bit integers (512 bytes by default), storable as
``bytes``. :meth:`NearDuplicateIndex.add` reports the earliest indexed article whose estimated
Jaccard similarity with the new one is at least ``threshold``: LSH candidates are verified with
the signatures, so the band structure only decides recall, not precision.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

_TOKEN = re.compile(r"\w+")
_MAX_HASH = np.uint64((1 << 32) - 1)


class NearDuplicateIndex:
    """MinHash LSH index of articles, to find near-duplicates (wire copies) as they arrive."""

    def __init__(
        self, threshold: float = 0.8, num_perm: int = 128, shingle: int = 5, *, seed: int = 1
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, np.ndarray] = {}
        self._order: dict[str, int] = {}
        self._counter = 0
        template = MinHash(num_perm=num_perm, seed=seed, scheme="legacy")
        self._permutations = template.permutations
        self._a, self._b = (np.asarray(p, dtype=np.uint64) for p in template.permutations)
        self._prime = np.uint64((1 << 61) - 1)

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._signatures

    def shingles(self, text: str) -> np.ndarray:
        """The CRC32 hashes of the text's word shingles (a single shingle for short texts)."""
        words = _TOKEN.findall(text.lower())
        n = self.shingle
        if len(words) <= n:
            grams = [" ".join(words)]
        else:
            grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in set(grams)), dtype=np.uint64)

    def signature(self, text: str) -> bytes:
        """The MinHash signature of ``text``, as bytes (``num_perm`` little-endian uint32)."""
        hashes = self.shingles(text)
        # datasketch's "legacy" scheme: (a * h + b) mod (2**61 - 1), low 32 bits.
        phv = ((hashes[:, None] * self._a[None, :] + self._b[None, :]) % self._prime) & _MAX_HASH
        values = phv.min(axis=0) if len(hashes) else np.full(self.num_perm, _MAX_HASH)
        return values.astype("<u4").tobytes()

    def _minhash(self, signature: bytes) -> MinHash:
        values = np.frombuffer(signature, dtype="<u4").astype(np.uint64)
        if len(values) != self.num_perm:
            raise ValueError(f"signature has {len(values)} values, expected {self.num_perm}")
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=values,
            scheme="legacy",
            permutations=self._permutations,
        )

    @staticmethod
    def similarity(a: bytes, b: bytes) -> float:
        """Estimated Jaccard similarity of two signatures."""
        va, vb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
        return float(np.mean(va == vb))

    def query(self, signature: bytes) -> list[str]:
        """Indexed articles near-duplicating ``signature``, most similar first (ties: earliest)."""
        values = np.frombuffer(signature, dtype="<u4")
        found = []
        for key in self._lsh.query(self._minhash(signature)):
            sim = float(np.mean(self._signatures[key] == values))
            if sim >= self.threshold:
                found.append((-sim, self._order[key], key))
        return [key for _, _, key in sorted(found)]

    def add(self, article_id: str, signature: bytes) -> str | None:
        """Index an article; return the earliest indexed article it near-duplicates, else None.

        The article is indexed either way, so a later copy matches the earliest one.
        Adding an id that is already indexed returns ``None`` and changes nothing.
        """
        if article_id in self._signatures:
            return None
        values = np.frombuffer(signature, dtype="<u4")
        matches = self.query(signature)
        original = min(matches, key=self._order.__getitem__) if matches else None
        self._lsh.insert(article_id, self._minhash(signature), check_duplication=False)
        self._signatures[article_id] = values.copy()
        self._order[article_id] = self._counter
        self._counter += 1
        return original

    def remove(self, article_id: str) -> None:
        """Forget an article (nothing happens when it is not indexed)."""
        if article_id not in self._signatures:
            return
        self._lsh.remove(article_id)
        del self._signatures[article_id]
        del self._order[article_id]
