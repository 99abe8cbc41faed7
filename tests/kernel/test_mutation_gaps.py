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
from simulator.kernel.audit import AuditEvent, AvcRecord
from simulator.kernel.audit_log import AuditLog
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


def test_the_same_nfs_export_mounted_twice_is_one_filesystem(
    host: simulator.Host, shell: Process
) -> None:
    """calls_mount._nfs_export: a second mount of SERVER:/EXPORT shares the first's superblock
    (nfs_compare_super), so a file made through one mount is seen through the other."""
    host.mkdir(shell, "/mnt/a")
    host.mkdir(shell, "/mnt/b")
    host.mount(shell, "server:/export", "/mnt/a", "nfs")
    host.mount(shell, "server:/export", "/mnt/b", "nfs")
    assert host.stat(shell, "/mnt/a").st_dev == host.stat(shell, "/mnt/b").st_dev
    host.write_file(shell, "/mnt/a/f", b"x")
    assert host.read_file(shell, "/mnt/b/f") == b"x"


def test_auditd_progress_survives_a_saved_state(
    host: simulator.Host, shell: Process, qemu: Process
) -> None:
    """AuditLog.from_dict keeps ``written``: a reloaded host does not append the events
    auditd already wrote to audit.log a second time."""
    host.write_file(shell, "/srv/img", b"")
    host.setfilecon(shell, "/srv/img", "system_u:object_r:svirt_image_t:s0:c3,c4")
    for _ in range(2):
        with pytest.raises(PermissionError):
            host.open(qemu, "/srv/img", os.O_RDONLY)
    host.run("ausearch -m avc")  # flushes the log
    written = host.audit.written
    assert written > 0
    again = simulator.Host.from_json(host.snapshot().to_json())
    assert again.audit.written == written
    again.run("ausearch -m avc")  # flushes again: nothing new to append
    assert again.read_file(again.shell, "/var/log/audit/audit.log") == host.read_file(
        host.shell, "/var/log/audit/audit.log"
    )


def test_an_optional_key_of_a_saved_state_is_checked_when_present() -> None:
    """state_schema._check: ``key?`` may be missing, but when there it must be well formed."""
    state = _saved_state()
    state["filesystems"][0]["features"]["genfs_labels"] = "yes"
    assert _load_error(state) == (
        "saved state: filesystems[0].features.genfs_labels: expected a boolean, found a string"
    )


def test_a_mount_in_an_unknown_namespace_is_refused_naming_the_mount() -> None:
    state = _saved_state()
    state["mounts"][0]["ns_id"] = 999
    assert _load_error(state) == "saved state: mounts[0].ns_id: no namespace 999"


def test_a_random_state_at_index_zero_is_a_valid_mersenne_twister_state() -> None:
    """random.setstate accepts an index of 0 to 624 (CPython random_setstate)."""
    state = _saved_state()
    state["random"][1][624] = 0
    simulator.Host.from_json(json.dumps(state))
    state["random"][1][624] = 625
    assert _load_error(state) == "saved state: random: not a Mersenne Twister state"


def test_every_missing_key_of_a_saved_state_is_named() -> None:
    state = _saved_state()
    del state["processes"][0]["uid"]
    del state["processes"][0]["gid"]
    assert _load_error(state) == "saved state: processes[0]: missing gid, uid"


def test_a_mersenne_twister_word_of_zero_is_valid() -> None:
    """The 624 state words are any 32-bit values, 0 included."""
    state = _saved_state()
    state["random"][1][0] = 0
    simulator.Host.from_json(json.dumps(state))
