"""en_US.UTF-8 collation (glibc 2.34 iso14651_t1) as a sort key, from Python's fixed Unicode
tables, never the machine's locale: letters and digits first by base letter (digits before
letters), then accents, then case (lower before upper); punctuation and spaces are ignored
until those levels tie; the last level is the code points themselves (``strcoll`` ties are
broken there, as sort's last-resort ``memcmp`` does)."""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=65536)
def collate_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    base: list[int] = []
    accents: list[int] = []
    case: list[int] = []
    for char in text:
        if not char.isalnum():  # punctuation, spaces and undecodable bytes: ignored here
            continue
        decomposed = unicodedata.normalize("NFD", char)
        letter = decomposed[0]
        lower = letter.lower()
        base.append(ord(lower) if not lower.isdigit() else ord(lower) - 0x100)
        accents.append(sum(map(ord, decomposed[1:])) if len(decomposed) > 1 else 0)
        case.append(1 if letter != lower else 0)
    return tuple(base), tuple(accents), tuple(case), text
