"""A qemu killed behind libvirt's back is noticed by the next virsh command, driven by the
process exit, with the same stop path (and order) as a scan of every domain."""

from __future__ import annotations

import pytest

import simulator
from simulator.libvirt.qemu_driver import Daemon
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml


def _running(names: list[str]) -> tuple[simulator.Host, Daemon]:
    host = simulator.Host()
    daemon = host.libvirt
    for name in names:
        host.write_file(host.shell, f"{IMAGES}/{name}.qcow2", b"")
        daemon.start(daemon.define(domain_xml(name, disk_xml(f"{IMAGES}/{name}.qcow2"))))
    host.run("virsh list")
    return host, daemon


def _pid(daemon: Daemon, name: str) -> int:
    pid = daemon.lookup(name).pid
    assert pid is not None
    return pid


def test_one_killed_qemu_is_noticed() -> None:
    host, daemon = _running(["a", "b"])
    host.run(f"kill -9 {_pid(daemon, 'b')}")
    assert daemon.lookup("b").active  # nobody asked the daemon yet
    host.run("virsh list")
    assert not daemon.lookup("b").active
    assert daemon.lookup("a").active
    assert host.getfilecon(host.shell, f"{IMAGES}/b.qcow2").endswith(":virt_image_t:s0")


@pytest.mark.parametrize("order", [("a", "b", "c"), ("c", "a", "b")])
def test_several_deaths_stop_in_domain_order(order: tuple[str, str, str]) -> None:
    host, daemon = _running(["a", "b", "c"])
    host.run("kill -9 " + " ".join(str(_pid(daemon, n)) for n in order))
    mark = len(daemon.log.trace)
    host.run("virsh list")
    stopped = [e.path for e in daemon.log.trace[mark:] if e.path.endswith(".qcow2")]
    assert [p.rsplit("/", 1)[1][0] for p in dict.fromkeys(stopped)] == ["a", "b", "c"]


def test_a_restarted_daemon_notices_too() -> None:
    host, _ = _running(["a"])
    host.restart_libvirt()
    host.run(f"kill -9 {_pid(host.libvirt, 'a')}")
    host.run("virsh list")
    assert not host.libvirt.lookup("a").active


def test_an_unrelated_exit_stops_nothing() -> None:
    host, daemon = _running(["a"])
    auditd = host.audit.daemon_pid
    assert auditd is not None
    host.run(f"kill -9 {auditd}")
    host.run("virsh list")
    assert daemon.lookup("a").active
