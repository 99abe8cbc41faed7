"""The daemon's lifecycle through the Python API, and a state machine over several domains."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, settings

import simulator
from simulator.libvirt.qemu_driver import Daemon
from simulator.testing.lifecycle import DomainLifecycle
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

TRUSTED = b"trusted.libvirt."


def _host() -> tuple[simulator.Host, Daemon]:
    host = simulator.Host()
    return host, host.libvirt


def test_start_runs_qemu_confined_in_its_own_namespace() -> None:
    host, daemon = _host()
    host.write_file(host.shell, f"{IMAGES}/a.qcow2", b"")
    domain = daemon.define(domain_xml("a", disk_xml(f"{IMAGES}/a.qcow2")))
    daemon.start(domain)
    qemu = host.process(domain.pid or 0)
    assert (qemu.uid, qemu.gid, qemu.groups) == (107, 107, (107, 36))
    assert qemu.context.startswith("system_u:system_r:svirt_t:s0:c")
    assert qemu.ns_id != host.shell.ns_id
    assert host.read_file(host.shell, "/run/libvirt/qemu/a.xml").startswith(b"<domstatus")
    assert b"<rememberOwner" in host.read_file(host.shell, "/run/libvirt/qemu/a.xml")
    daemon.destroy("a")
    assert qemu.ns_id not in host.namespaces
    assert host.listdir(host.shell, "/run/libvirt/qemu") == []


def test_a_failed_start_leaves_refcounts_as_they_were() -> None:
    host, daemon = _host()
    host.write_file(host.shell, f"{IMAGES}/shared.qcow2", b"")
    daemon.define(domain_xml("a", disk_xml(f"{IMAGES}/shared.qcow2")))
    daemon.define(domain_xml("b", disk_xml(f"{IMAGES}/shared.qcow2")))
    daemon.start(daemon.lookup("a"))
    before = host.listxattr(host.shell, f"{IMAGES}/shared.qcow2")
    ref = host.getxattr(host.shell, f"{IMAGES}/shared.qcow2", b"trusted.libvirt.security.ref_dac")
    with contextlib.suppress(simulator.SeclabError):
        daemon.start(daemon.lookup("b"))
    assert host.listxattr(host.shell, f"{IMAGES}/shared.qcow2") == before
    assert (
        host.getxattr(host.shell, f"{IMAGES}/shared.qcow2", b"trusted.libvirt.security.ref_dac")
        == ref
    )
    assert not daemon.lookup("b").active


def test_a_duplicate_mcs_pair_after_restart_kills_the_domain() -> None:
    host, daemon = _host()
    for name in ("a", "b"):
        host.write_file(host.shell, f"{IMAGES}/{name}.qcow2", b"")
        daemon.define(domain_xml(name, disk_xml(f"{IMAGES}/{name}.qcow2")))
        daemon.start(daemon.lookup(name))
    a, b = daemon.lookup("a"), daemon.lookup("b")
    host.process(b.pid or 0).context = host.process(a.pid or 0).context  # as if by accident
    host.restart_libvirt()
    daemon = host.libvirt
    assert [d.name for d in daemon.sorted_domains() if d.active] == ["a"]
    assert any("already reserved" in text for _, _, text in daemon.log.messages)


class Lifecycle(DomainLifecycle):
    """The public machine (simulator.testing.lifecycle), run as part of the suite."""


TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
