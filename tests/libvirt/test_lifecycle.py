"""The daemon's lifecycle through the Python API, and a state machine over several domains."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import simulator
from simulator.libvirt.daemon import Daemon
from simulator.selinux.context import SecurityContext
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


class Lifecycle(RuleBasedStateMachine):
    """Domains sharing images and a /dev disk, through starts, stops, crashes, hotplug,
    daemon restarts; invariants from issue 5."""

    NAMES = ("a", "b", "c")

    def __init__(self) -> None:
        super().__init__()
        self.host = simulator.Host()
        shell = self.host.shell
        self.images = [f"{IMAGES}/{n}.qcow2" for n in self.NAMES] + [f"{IMAGES}/common.img"]
        for path in self.images:
            self.host.write_file(shell, path, b"")
        self.rebooted = False
        self.original = {p: (self.host.getfilecon(shell, p), self.owner(p)) for p in self.images}
        for index, name in enumerate(self.NAMES):
            disks = disk_xml(f"{IMAGES}/{name}.qcow2")
            if index < 2:
                disks += disk_xml(f"{IMAGES}/common.img", target="vdc", inner="<shareable/>")
            self.daemon.define(domain_xml(name, disks))

    @property
    def daemon(self) -> Daemon:
        return self.host.libvirt

    def owner(self, path: str) -> tuple[int, int]:
        st = self.host.stat(self.host.shell, path)
        return st.st_uid, st.st_gid

    def _try(self, call: object, *args: object, **kwargs: object) -> None:
        with contextlib.suppress(simulator.SeclabError):
            call(*args, **kwargs)  # type: ignore[operator]

    @rule(name=st.sampled_from(NAMES))
    def start(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if not domain.active:
            self._try(self.daemon.start, domain)

    @rule(name=st.sampled_from(NAMES))
    def destroy(self, name: str) -> None:
        self._try(self.daemon.destroy, name)

    @rule(name=st.sampled_from(NAMES))
    def crash(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if domain.active and domain.pid is not None:
            self.host.exit(domain.pid)
            self.daemon.notice_dead_processes()

    @rule(name=st.sampled_from(NAMES))
    def hotplug_dev_disk(self, name: str) -> None:
        from simulator.libvirt.domain_xml import parse_disk

        domain = self.daemon.lookup(name)
        if not domain.active or domain.live is None:
            return
        if domain.live.disk("vdz") is None:
            disk = parse_disk(
                "<disk type='block'><source dev='/dev/sdc'/><target dev='vdz'/></disk>"
            )
            self._try(self.daemon.attach_disk, name, disk, live=True, config=False)
        else:
            self._try(self.daemon.detach_disk, name, "vdz", live=True, config=False)

    @rule()
    def restart_daemon(self) -> None:
        self.host.restart_libvirt()

    @rule()
    def reboot(self) -> None:
        self.host.reboot()
        self.rebooted = True
        assert not any(d.active for d in self.daemon.domains.values())

    @invariant()
    def no_two_running_domains_share_a_pair(self) -> None:
        levels = [
            str(SecurityContext.parse(self.host.process(d.pid or 0).context).range)
            for d in self.daemon.domains.values()
            if d.active
        ]
        assert len(levels) == len(set(levels))

    @invariant()
    def running_qemu_can_open_its_disks(self) -> None:
        from simulator.libvirt.qemu_process import node_index, open_disk

        for domain in self.daemon.domains.values():
            if domain.active and domain.live is not None:
                qemu = self.host.process(domain.pid or 0)
                for disk in domain.live.disks:
                    assert open_disk(self.host, qemu, disk, node_index(domain.live, disk)) is None

    def teardown(self) -> None:
        for name in self.NAMES:
            self._try(self.daemon.destroy, name)
        if self.rebooted:
            return  # a reboot skips libvirt's cleanup: labels and xattrs stay (libvirt.md 6.5)
        shell = self.host.shell
        for path in self.images:
            assert [n for n in self.host.listxattr(shell, path) if n.startswith(TRUSTED)] == []
            if path.endswith("common.img"):
                continue  # shareable: never restored (libvirt.md 3.6)
            assert (self.host.getfilecon(shell, path), self.owner(path)) == self.original[path]


TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
