"""The access vector cache changes nothing anyone can see: every scenario of the library
gives the same output, audit trail and final host state with the cache as without it."""

from __future__ import annotations

import pytest

from simulator.selinux.avc import AccessVectorCache
from tests.library_runs import library, observed

LIBRARY = library()


@pytest.mark.parametrize("path", LIBRARY)
def test_the_library_is_the_same_without_the_cache(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = observed(path)
    monkeypatch.setattr(AccessVectorCache, "put", lambda self, key, value: None)
    assert observed(path) == cached
