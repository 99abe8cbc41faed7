"""Behaviour the mutation run (docs/mutation-report.md) found no kernel test watching.

Each test names the mutant it kills; the report lists them with the notes of
tools/mutation-notes.toml.
"""

from __future__ import annotations

import errno
import json
import os
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


def test_an_append_only_open_asks_for_append_not_write(
    host: simulator.Host, shell: Process, qemu: Process
) -> None:
    """selinux file_to_av(): O_APPEND turns the write permission into ``append``."""
    host.write_file(shell, "/srv/img", b"")
    host.chmod(shell, "/srv/img", 0o666)
    host.setfilecon(shell, "/srv/img", "system_u:object_r:svirt_image_t:s0:c3,c4")
    for flags in (os.O_WRONLY | os.O_APPEND, os.O_RDWR | os.O_APPEND):
        with pytest.raises(PermissionError):  # audited: the state changes
            host.open(qemu, "/srv/img", flags)
    assert [event.avcs[0].perms for event in host.audit.events[-2:]] == [
        ("append",),
        ("read", "append"),
    ]


@pytest.mark.parametrize(
    ("dev", "problem"),
    [
        ("8", "'8' is not MAJOR:MINOR"),
        ("8:00000001", "'8:00000001' is out of range"),  # 8 digits: longer than 2**20 - 1 has
        ("00008:1", "'00008:1' is out of range"),
    ],
)
def test_a_saved_device_number_is_major_colon_minor_within_dev_t(dev: str, problem: str) -> None:
    state = _saved_state()
    state["filesystems"][0]["dev"] = dev
    assert _load_error(state) == f"saved state: filesystems[0].dev: {problem}"
