"""The tables a boot loads without checking them, checked here once (seclab run's start)."""

from __future__ import annotations

from simulator.selinux.file_contexts import FEDORA_FILE_CONTEXTS, FileContexts, FileContextSpec


def test_the_policy_file_contexts_are_what_a_checked_load_makes() -> None:
    """FileContexts.fedora() builds its specs without compiling 82 regexes on every boot:
    every row must be one ``FileContextSpec.of`` accepts (the regex compiles, the qualifier
    is known, the context parses), and the specs the same."""
    checked = sorted(
        (FileContextSpec.of(*row) for row in FEDORA_FILE_CONTEXTS),
        key=FileContextSpec.specificity,
    )
    assert FileContexts.fedora().specs == tuple(checked)
