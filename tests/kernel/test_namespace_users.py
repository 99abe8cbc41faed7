"""The pids of each mount namespace are state kept in step with the process table
(``KernelBase.ns_users``): checked against a recount after scenarios that enter, leave,
kill and reboot, and through ``nsenter`` into a namespace whose last process dies."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.kernel.base import KernelBase
from simulator.scenario.runner import run_path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(
    str(p)
    for p in (ROOT / "scenarios").rglob("*.txtar")
    if any(word in p.read_text() for word in ("nsenter", "reboot", "kill -9", "unshare"))
)


def assert_consistent(kernel: KernelBase) -> None:
    kept = {ns: set(pids) for ns, pids in kernel.ns_users.items()}
    kernel.recount_namespace_users()
    assert kernel.ns_users == kept


@pytest.mark.parametrize("path", LIBRARY)
def test_namespace_users_match_a_recount_after_a_scenario(path: str) -> None:
    result = run_path(path)
    assert result.host is not None
    assert_consistent(result.host)


def test_a_namespace_entered_by_nsenter_outlives_its_qemu_until_left() -> None:
    host = simulator.Host()
    host.write_file(host.shell, "/var/lib/libvirt/images/a.qcow2", b"")
    xml = (
        "<domain type='kvm'><name>a</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'>"
        "<source file='/var/lib/libvirt/images/a.qcow2'/><target dev='vda'/></disk>"
        "</devices></domain>"
    )
    host.write_file(host.shell, "/root/a.xml", xml.encode())
    assert host.run("virsh define a.xml; virsh start a").status == 0
    pid = host.libvirt.lookup("a").pid
    ns_id = host.process(pid or 0).ns_id
    assert host.run(f"nsenter -t {pid} -m kill -9 {pid}").status == 0
    assert ns_id in host.kernel.namespaces  # the shell was still in it when qemu died
    assert host.shell.ns_id != ns_id
    assert_consistent(host.kernel)
    assert host.run("virsh domstate a").output == "shut off\n\n"
