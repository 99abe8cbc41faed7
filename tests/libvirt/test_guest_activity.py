"""A clock tick looks only at guests with something to do (guest_activity.GuestActivity):
what the host shows is the same as when every guest is looked at on every tick, and the
guests it does look at come in the domain list's order."""

from __future__ import annotations

import json

import pytest

import simulator
from simulator.kernel.snapshot import dump_state
from simulator.libvirt.guest_activity import GuestActivity
from tests.libvirt.conftest import IMAGES

SHARED = f"{IMAGES}/shared.img"


def _xml(name: str, *paths: str, policy: str = "stop") -> str:
    disks = "".join(
        f"<disk type='file' device='disk'><driver name='qemu' type='raw' error_policy='{policy}'/>"
        f"<source file='{path}'/><target dev='vd{'abcd'[i]}' bus='virtio'/>"
        + ("<shareable/>" if path == SHARED else "")
        + "</disk>"
        for i, path in enumerate(paths)
    )
    return f"<domain type='kvm'><name>{name}</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>{disks}</devices></domain>"


# Guests defined in the order c, a, b (the list's order), changed in other orders.
SESSION = [
    "virsh define c.xml; virsh define a.xml; virsh define b.xml",
    "virsh start a; virsh start b; virsh start c; sleep 2",
    f"chcon -t virt_image_t {IMAGES}/b.img {IMAGES}/a.img; sleep 1",
    "virsh domstate --reason a; virsh domstate --reason b; virsh domstate --reason c",
    "virsh resume b; virsh resume a; sleep 1",
    f"chcon -t svirt_image_t {IMAGES}/c.img; setsebool virt_use_nfs 0; sleep 1",
    "virsh shutdown c; virsh suspend a; sleep 4; virsh resume a; sleep 1",
    "virsh list --all; virsh destroy b; virsh start c; sleep 1",
    "setenforce 0; sleep 1; setenforce 1; sleep 1",
    "ausearch -m AVC -i 2>&1 | grep -c denied; virsh list --all",
]


def _observed() -> tuple[list[str], str]:
    host = simulator.Host()
    for name in ("a", "b", "c"):
        host.write_file(host.shell, f"{IMAGES}/{name}.img", b"")
    host.write_file(host.shell, SHARED, b"")
    host.write_file(host.shell, "/root/a.xml", _xml("a", f"{IMAGES}/a.img", SHARED).encode())
    host.write_file(host.shell, "/root/b.xml", _xml("b", f"{IMAGES}/b.img").encode())
    xml = _xml("c", f"{IMAGES}/c.img", SHARED, policy="report")
    host.write_file(host.shell, "/root/c.xml", xml.encode())
    outputs = [host.run(line).output for line in SESSION]
    return outputs, json.dumps(dump_state(host.kernel), sort_keys=True)


def test_looking_only_at_guests_with_work_shows_what_looking_at_all_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event_driven = _observed()
    assert "I/O error" in event_driven[0][3]  # the relabels did reach the guests
    monkeypatch.setattr(GuestActivity, "io_question", lambda self, qemu, handle: None)
    assert _observed() == event_driven


def test_a_quiet_tick_looks_at_no_guest() -> None:
    host = simulator.Host()
    for name in ("a", "b"):
        host.write_file(host.shell, f"{IMAGES}/{name}.img", b"")
        host.write_file(
            host.shell, f"/root/{name}.xml", _xml(name, f"{IMAGES}/{name}.img").encode()
        )
        assert host.run(f"virsh define {name}.xml; virsh start {name}").status == 0
    host.run("sleep 1")
    guests = host.libvirt.guests
    assert guests.pending_io == {}
    host.run(f"chcon -t virt_image_t {IMAGES}/b.img; sleep 1")
    assert list(guests.pending_io) == ["b"]  # denied: asked again on every tick
