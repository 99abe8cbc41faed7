"""``DomainLifecycle``: a hypothesis state machine over libvirt's domain lifecycle.

Three domains share images (two of them a ``<shareable/>`` one) and may hot-plug the host's
``/dev/sdc``; rules start, destroy, crash, hot-plug, restart the daemon and reboot the host.
The invariants are libvirt's promises (issue 5): no two running domains share an MCS pair,
a running qemu can open every disk it has, and once every domain is stopped without a
reboot each image has its original owner and label and no ``trusted.libvirt.*`` xattr
(the shareable image excepted: libvirt never restores it, libvirt.md 3.6).

Use it as is (``TestLifecycle = DomainLifecycle.TestCase``) or subclass it to add rules.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import simulator
from simulator.libvirt.daemon import Daemon
from simulator.libvirt.domain_xml import parse_disk
from simulator.libvirt.qemu_process import node_index, open_disk
from simulator.selinux.context import SecurityContext
from simulator.testing.strategies import IMAGES, disk_xml

LIBVIRT_XATTR = b"trusted.libvirt."
NAMES = ("a", "b", "c")
SHARED = f"{IMAGES}/common.img"


class DomainLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.host = simulator.Host()
        shell = self.host.shell
        self.rebooted = False
        self.images = [f"{IMAGES}/{n}.qcow2" for n in NAMES] + [SHARED]
        for path in self.images:
            self.host.write_file(shell, path, b"")
        self.original = {p: (self.host.getfilecon(shell, p), self._owner(p)) for p in self.images}
        for index, name in enumerate(NAMES):
            disks = disk_xml(f"{IMAGES}/{name}.qcow2", "vda")
            if index < 2:
                disks += disk_xml(SHARED, "vdc", shareable=True)
            self.daemon.define(
                f"<domain type='kvm'><name>{name}</name><devices>{disks}</devices></domain>"
            )

    @property
    def daemon(self) -> Daemon:
        return self.host.libvirt

    def _owner(self, path: str) -> tuple[int, int]:
        st_ = self.host.stat(self.host.shell, path)
        return st_.st_uid, st_.st_gid

    @staticmethod
    def _try(call: Callable[[], object]) -> None:
        """Refusals (``Domain is already active``, ...) are part of the behaviour."""
        with contextlib.suppress(simulator.SeclabError):
            call()

    @rule(name=st.sampled_from(NAMES))
    def start(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if not domain.active:
            self._try(lambda: self.daemon.start(domain))

    @rule(name=st.sampled_from(NAMES))
    def destroy(self, name: str) -> None:
        self._try(lambda: self.daemon.destroy(name))

    @rule(name=st.sampled_from(NAMES))
    def crash(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if domain.active and domain.pid is not None:
            self.host.exit(domain.pid)
            self.daemon.notice_dead_processes()

    @rule(name=st.sampled_from(NAMES))
    def hotplug_dev_disk(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if not domain.active or domain.live is None:
            return
        if domain.live.disk("vdz") is None:
            disk = parse_disk(
                "<disk type='block'><source dev='/dev/sdc'/><target dev='vdz'/></disk>"
            )
            self._try(lambda: self.daemon.attach_disk(name, disk, live=True, config=False))
        else:
            self._try(lambda: self.daemon.detach_disk(name, "vdz", live=True, config=False))

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
            for d in self.daemon.sorted_domains()
            if d.active
        ]
        assert len(levels) == len(set(levels)), levels

    @invariant()
    def running_qemu_can_open_its_disks(self) -> None:
        for domain in self.daemon.sorted_domains():
            if domain.active and domain.live is not None:
                qemu = self.host.process(domain.pid or 0)
                for disk in domain.live.disks:
                    assert (
                        open_disk(self.host.kernel, qemu, disk, node_index(domain.live, disk))
                        is None
                    )

    def teardown(self) -> None:
        for name in NAMES:
            self._try(functools.partial(self.daemon.destroy, name))
        if self.rebooted:
            return  # a reboot skips libvirt's cleanup: labels and xattrs stay (libvirt.md 6.5)
        shell = self.host.shell
        for path in self.images:
            names = [n for n in self.host.listxattr(shell, path) if n.startswith(LIBVIRT_XATTR)]
            assert names == [], (path, names)
            if path == SHARED:
                continue  # shareable: never restored (libvirt.md 3.6)
            restored = (self.host.getfilecon(shell, path), self._owner(path))
            assert restored == self.original[path], path
