"""Snapshots: immutable, comparable, JSON that loads back to an equal host, deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import attrs
import pytest

import simulator
from simulator.errors import SnapshotError
from simulator.kernel import DeviceNumber, Kernel, Kind, Snapshot


def _busy_host() -> simulator.Host:
    host = simulator.Host(seed=3)
    shell = host.shell
    host.write_file(shell, "/var/lib/libvirt/images/a.qcow2", b"\x00\xffQFI\xfb")
    host.setxattr(shell, "/var/lib/libvirt/images/a.qcow2", b"trusted.bin", b"\x00\x80\xff")
    host.link(shell, "/var/lib/libvirt/images/a.qcow2", "/srv/b")
    host.mount(shell, "server:/export", "/mnt", "nfs")
    child = host.spawn(
        comm="q", argv=("q",), exe="", uid=0, gid=0, context="system_u:system_r:virtqemud_t:s0"
    )
    host.unshare_mount_namespace(child)
    host.mount(child, "devfs", "/dev", "tmpfs")
    host.mknod(child, "/dev/sdb", Kind.BLOCK, 0o660, DeviceNumber(8, 16))
    host.add_fault("open", "/etc/passwd", "EIO", times=3)
    host.random.random()
    return host


def test_a_snapshot_is_an_immutable_value() -> None:
    snap = simulator.Host().snapshot()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        snap.text = ""  # type: ignore[misc]
    assert hash(snap) == hash(simulator.Host().snapshot())
    assert snap == simulator.Host().snapshot()


def test_json_is_sorted_and_loads_back_to_an_equal_host() -> None:
    host = _busy_host()
    text = host.snapshot().to_json()
    data = json.loads(text)
    assert list(data) == sorted(data)
    loaded = simulator.Host.from_json(text)
    assert loaded.snapshot() == host.snapshot()
    # The loaded host behaves the same from here on.
    assert loaded.random.random() == host.random.random()
    assert loaded.read_file(loaded.process(2000), "/srv/b") == b"\x00\xffQFI\xfb"
    assert loaded.getxattr(loaded.process(2000), "/srv/b", b"trusted.bin") == b"\x00\x80\xff"


def test_seeds_and_changes_show_in_the_snapshot() -> None:
    assert simulator.Host(seed=1).snapshot() != simulator.Host(seed=2).snapshot()
    host = simulator.Host()
    before = host.snapshot()
    host.chmod(host.shell, "/srv", 0o700)
    assert host.snapshot() != before


@pytest.mark.parametrize("text", ["not json", "{}", '{"format": 99}', "[]"])
def test_bad_state_is_a_clear_error(text: str) -> None:
    with pytest.raises(SnapshotError):
        Kernel.from_snapshot(Snapshot.parse(text) if text.startswith("{") else Snapshot(text))


def test_the_same_under_any_hash_seed() -> None:
    """Byte-identical state in fresh interpreters with different PYTHONHASHSEEDs."""
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from tests.kernel.test_snapshot import _busy_host;"
        "sys.stdout.write(_busy_host().snapshot().to_json())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
