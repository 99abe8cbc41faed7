"""Mount reference counts and the mountpoint index are state kept in step with the mount
table; here they are checked against a recount after the scenario library has run."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.kernel.base import KernelBase
from simulator.scenario.runner import run_path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(str(p) for p in (ROOT / "scenarios").rglob("*.txtar"))


def assert_consistent(kernel: KernelBase) -> None:
    kept_counts, kept_pins = dict(kernel.fs_mount_count), dict(kernel.root_pins)
    for ns_id, tops in list(kernel.mount_tops.items()):
        assert tops == kernel._tops_of(ns_id), f"stale mountpoint index of namespace {ns_id}"
    kernel.recount_mounts()
    assert (kernel.fs_mount_count, kernel.root_pins) == (kept_counts, kept_pins)


@pytest.mark.parametrize(
    "path", [p for p in LIBRARY if "mount" in Path(p).read_text() or "namespace" in p]
)
def test_bookkeeping_matches_a_recount_after_a_scenario(path: str) -> None:
    result = run_path(path)
    assert result.host is not None
    assert_consistent(result.host)


def test_unshare_inside_a_domain_namespace_copies_moved_mounts() -> None:
    """libvirt moves /dev's submounts into a tmpfs, then moves the tmpfs: the table lists
    the tmpfs after its submounts, and a later unshare must still copy the tree."""
    from simulator.host import Host

    host = Host()
    host.write_file(host.shell, "/var/lib/libvirt/images/a.qcow2", b"")
    daemon = host.libvirt
    daemon.start(
        daemon.define(
            "<domain type='kvm'><name>a</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'>"
            "<source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda'/></disk>"
            "</devices></domain>"
        )
    )
    qemu = host.process(daemon.lookup("a").pid or 0)
    inside = host.spawn(
        comm="sh",
        argv=("sh",),
        exe="/usr/bin/sh",
        uid=0,
        gid=0,
        context="unconfined_u:unconfined_r:unconfined_t:s0",
        ns_id=qemu.ns_id,
    )
    before = (host.listdir(inside, "/dev"), host.stat(inside, "/dev/pts").st_dev)
    new = host.unshare_mount_namespace(inside)
    assert len(new.mount_ids) == len(host.namespaces[qemu.ns_id].mount_ids)
    assert (host.listdir(inside, "/dev"), host.stat(inside, "/dev/pts").st_dev) == before
    assert_consistent(host)
