"""Running guests' disk I/O skips re-asking an access granted under the same decisions and
label (GuestActivity.guest_io): nobody can see the difference. Every libvirt, walkthrough and
fault scenario gives the same output, audit trail and final state with the skip as without
it, and a relabel or a boolean change under a running guest is still denied at once."""

from __future__ import annotations

import pytest

from simulator.host import Host
from simulator.libvirt.guest_activity import GuestActivity
from tests.library_runs import library, observed

LIBRARY = library("libvirt", "walkthrough", "faults")
IMAGE = "/var/lib/libvirt/images/vm.img"
XML = f"""<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/>
<source file='{IMAGE}'/><target dev='vda' bus='virtio'/></disk></devices></domain>"""


@pytest.mark.parametrize("path", LIBRARY)
def test_the_library_is_the_same_without_the_skip(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipping = observed(path)
    monkeypatch.setattr(GuestActivity, "io_question", lambda self, qemu, handle: None)
    assert observed(path) == skipping


@pytest.mark.parametrize(
    "change",
    ["chcon -t virt_image_t " + IMAGE, "setsebool virt_use_nfs 0; setenforce 0; setenforce 1"],
)
def test_a_change_under_a_running_guest_is_asked_again(change: str) -> None:
    host = Host()
    host.write_file(host.shell, IMAGE, b"")
    host.write_file(host.shell, "/root/vm.xml", XML.encode())
    assert host.run("virsh define vm.xml && virsh start vm && sleep 2").status == 0
    asked = []
    original = GuestActivity.guest_io

    def spy(self: GuestActivity, domain: object) -> None:
        before = len(self.driver.host.audit.events)
        original(self, domain)  # type: ignore[arg-type]
        asked.append(len(self.driver.host.audit.events) - before)

    GuestActivity.guest_io = spy  # type: ignore[method-assign]
    try:
        host.run(change)
        host.run("sleep 1")
    finally:
        GuestActivity.guest_io = original  # type: ignore[method-assign]
    if change.startswith("chcon"):
        assert sum(asked) > 0  # the relabel is denied at the guest's next read and write
    assert host.libvirt.lookup("vm").active
