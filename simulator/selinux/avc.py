"""The access vector cache's storage (``security/selinux/avc.c``): bounded, keeping what is
in use.

Two generations approximate least-recently-used reclaim at the cost of one dict lookup per
hit: entries go into the young generation; when it is full it becomes the old one (and the
previous old one is dropped); an old entry that is hit again moves back to the young one.
So a host that keeps starting domains (each with a new MCS pair, so new entries) holds at
most two generations, and the entries every start needs are never the ones reclaimed.
"""

from __future__ import annotations

from collections.abc import Hashable

AVC_CACHE_THRESHOLD = 4096  # entries per generation


class AccessVectorCache:
    def __init__(self) -> None:
        self.young: dict[Hashable, object] = {}
        self.old: dict[Hashable, object] = {}

    def get(self, key: Hashable) -> object | None:
        value = self.young.get(key)
        if value is None:
            value = self.old.pop(key, None)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: Hashable, value: object) -> None:
        if len(self.young) >= AVC_CACHE_THRESHOLD:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def clear(self) -> None:
        """``avc_flush``."""
        self.young.clear()
        self.old.clear()

    def __len__(self) -> int:
        return len(self.young) + len(self.old)

    def __bool__(self) -> bool:
        return bool(self.young or self.old)
