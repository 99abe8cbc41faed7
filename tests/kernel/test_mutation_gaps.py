"""Behaviour the mutation run (docs/mutation-report.md) found no kernel test watching.

Each test names the mutant it kills; the report lists them with the notes of
tools/mutation-notes.toml.
"""

from __future__ import annotations

import errno

import simulator
from simulator.kernel import Process
from tests.kernel.conftest import fails


def test_root_may_execute_a_file_with_only_the_others_exec_bit(
    host: simulator.Host, shell: Process
) -> None:
    """generic_permission(): root needs *any* of the three exec bits (dac_allows: 0o111)."""
    host.write_file(shell, "/srv/tool", b"")
    for mode in (0o001, 0o010, 0o100):
        host.chmod(shell, "/srv/tool", mode)
        host.access(shell, "/srv/tool", 1)
    host.chmod(shell, "/srv/tool", 0o666)
    with fails(host, errno.EACCES):
        host.access(shell, "/srv/tool", 1)


def test_without_the_sticky_bit_anyone_with_write_access_deletes(
    host: simulator.Host, shell: Process, alice: Process
) -> None:
    """check_sticky() only applies to S_ISVTX directories (sticky_allows_delete: 0o1000)."""
    host.mkdir(shell, "/srv/drop")
    host.chmod(shell, "/srv/drop", 0o777)
    host.write_file(shell, "/srv/drop/roots", b"")
    host.unlink(alice, "/srv/drop/roots")
    assert "roots" not in host.listdir(shell, "/srv/drop")
    host.write_file(shell, "/srv/drop/roots", b"")
    host.chmod(shell, "/srv/drop", 0o1777)
    with fails(host, errno.EPERM):
        host.unlink(alice, "/srv/drop/roots")
