"""Behaviour the mutation run (docs/mutation-report.md) found no kernel test watching.

Each test names the mutant it kills; the report lists them with the notes of
tools/mutation-notes.toml.
"""

from __future__ import annotations

import errno
import json
from typing import Any

import pytest

import simulator
from simulator.errors import SnapshotError
from simulator.kernel import Process
from simulator.kernel.audit import AuditEvent, AuditLog, AvcRecord
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


def _saved_state() -> dict[str, Any]:
    host = simulator.Host()
    host.run("virsh list")
    return dict(json.loads(host.snapshot().to_json()))


def _load_error(state: dict[str, Any]) -> str:
    with pytest.raises(SnapshotError) as info:
        simulator.Host.from_json(json.dumps(state))
    return str(info.value)


def test_a_saved_inode_of_an_unknown_kind_is_refused_naming_the_kinds() -> None:
    """state_schema._check_filesystems: the message lists the seven file types."""
    state = _saved_state()
    state["filesystems"][0]["inodes"][0]["kind"] = "door"
    assert _load_error(state) == (
        "saved state: filesystems[0].inodes[0].kind: 'door' is not one of "
        "regular, directory, symlink, block, char, fifo, socket"
    )


@pytest.mark.parametrize("bad", ["a/b", "a\0b", ""])
def test_a_saved_directory_entry_name_must_be_a_file_name(bad: str) -> None:
    """No "/" and no NUL in a name, and not empty: each alone is refused."""
    state = _saved_state()
    root = next(i for i in state["filesystems"][0]["inodes"] if i["kind"] == "directory")
    child = next(iter(root["entries"].values()))
    root["entries"][bad] = child
    assert "for this name" in _load_error(state)


def test_a_fraction_where_a_whole_number_belongs_is_named_as_one() -> None:
    state = _saved_state()
    state["clock"]["now"] = 1.5
    assert _load_error(state) == ("saved state: clock.now: expected a number, found a fraction")


def test_an_audit_event_without_a_syscall_survives_a_saved_state() -> None:
    """Denials outside a system call (a running guest's I/O) have no SYSCALL or PROCTITLE
    record; saving and loading the log keeps them (audit._event_from_dict)."""
    avc = AvcRecord(
        perms=("write",),
        pid=4242,
        comm="qemu-kvm",
        dev="sda1",
        ino=7,
        scontext="system_u:system_r:svirt_t:s0:c1,c2",
        tcontext="system_u:object_r:virt_image_t:s0",
        tclass="file",
        permissive=False,
    )
    log = AuditLog(events=[AuditEvent(1001, 10, 0, (avc,))], daemon_pid=1)
    again = AuditLog.from_dict(json.loads(json.dumps(log.to_dict())))
    assert again == log
    assert again.events[0].raw_lines() == [f"type=AVC msg=audit(10.000:1001): {avc.body()}"]
