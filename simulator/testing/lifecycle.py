"""``DomainLifecycle``: a hypothesis state machine over libvirt's domain lifecycle.

Three domains share images (two of them a ``<shareable/>`` one) and may hot-plug the host's
``/dev/sdc``; rules start, destroy, crash, hot-plug, restart the daemon and reboot the host.
Every run starts at least one domain (``first_start``); each call may fail only with the
libvirt error codes libvirt gives that call here, and outcomes are reported as hypothesis
``event``s, the number of starts as a ``target``. The invariants are libvirt's promises
(issue 5): no two running domains share an MCS pair, a running qemu can open every disk it
has, and once every domain is stopped without a reboot each image has its original owner
and label and no ``trusted.libvirt.*`` xattr (the shareable image excepted: libvirt never
restores it, libvirt.md 3.6).

Use it as is (``TestLifecycle = DomainLifecycle.TestCase``) or subclass it to add rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

from hypothesis import event, target
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import simulator
from simulator.libvirt.daemon import Daemon
from simulator.libvirt.domain_xml import parse_disk
from simulator.libvirt.qemu_process import node_index, open_disk
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.selinux.context import SecurityContext
from simulator.testing.strategies import IMAGES, disk_xml

LIBVIRT_XATTR = b"trusted.libvirt."
NAMES = ("a", "b", "c")
SHARED = f"{IMAGES}/common.img"
ALL_CODES = frozenset(ErrorCode)
# What libvirt may answer here to virDomainCreate (an image in use under another label,
# ``virSecuritySELinuxSetFilecon``'s refusal) and to a live attach; extend in subclasses
# whose rules make more of them possible (fault steps, ...).
START_MAY_FAIL_WITH: frozenset[ErrorCode] = frozenset({ErrorCode.OPERATION_INVALID})
HOTPLUG_MAY_FAIL_WITH: frozenset[ErrorCode] = frozenset({ErrorCode.OPERATION_INVALID})


class DomainLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.host = simulator.Host()
        shell = self.host.shell
        self.rebooted = False
        self.started = 0  # successful starts; every run has at least one (first_start)
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
    def _try(
        call: Callable[[], object],
        allowed: Collection[ErrorCode] = ALL_CODES,
        *,
        operation: str = "call",
    ) -> bool:
        """Run one API call; a libvirt refusal whose code is in ``allowed`` (what libvirt
        may answer to that call here) is part of the behaviour, anything else fails the
        test. Whether it went through is returned and counted as a hypothesis event."""
        try:
            call()
        except LibvirtError as error:
            if error.code not in allowed:
                raise
            event(f"{operation}: {error.code.name}")
            return False
        event(f"{operation}: ok")
        return True

    @initialize(name=st.sampled_from(NAMES))
    def first_start(self, name: str) -> None:
        """Every run starts at least one domain: on a fresh host each of them starts."""
        self.start(name)
        assert self.daemon.lookup(name).active, f"{name} did not start on a fresh host"

    @rule(name=st.sampled_from(NAMES))
    def start(self, name: str) -> None:
        domain = self.daemon.lookup(name)
        if not domain.active and self._try(
            lambda: self.daemon.start(domain), START_MAY_FAIL_WITH, operation="start"
        ):
            self.started += 1

    @rule(name=st.sampled_from(NAMES))
    def destroy(self, name: str) -> None:
        running = self.daemon.lookup(name).active
        # virDomainDestroy of a domain that is not running: VIR_ERR_OPERATION_INVALID.
        if self._try(
            lambda: self.daemon.destroy(name), {ErrorCode.OPERATION_INVALID}, operation="destroy"
        ):
            assert running, f"destroy of inactive {name} succeeded"
        else:
            assert not running, f"destroy of running {name} was refused"

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
            attached = self._try(
                lambda: self.daemon.attach_disk(name, disk, live=True, config=False),
                HOTPLUG_MAY_FAIL_WITH,
                operation="attach-disk",
            )
            assert attached == (domain.live.disk("vdz") is not None)
        else:
            self._try(
                lambda: self.daemon.detach_disk(name, "vdz", live=True, config=False),
                set(),
                operation="detach-disk",
            )
            assert domain.live.disk("vdz") is None

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
        assert self.started >= 1, "no domain was started in this run"
        target(float(self.started), label="domains started")
        for name in NAMES:
            self._try(
                functools.partial(self.daemon.destroy, name),
                {ErrorCode.OPERATION_INVALID},
                operation="destroy at teardown",
            )
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
