"""``DomainLifecycle``: a hypothesis state machine over libvirt's domain lifecycle.

Three domains share images (two of them a ``<shareable/>`` one) and may hot-plug the host's
``/dev/sdc``; rules start, destroy, crash, hot-plug, restart the daemon and reboot the host,
start through one-time faults in qemu's namespace and with a DAC label that does not parse,
ask guests to shut down and let virtual time pass.
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
from simulator.libvirt.domain_xml import format_domain, name_uuid, parse_disk
from simulator.libvirt.qemu_driver import Daemon
from simulator.libvirt.qemu_process import node_index, open_disk
from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.selinux.context import SecurityContext
from simulator.testing.strategies import IMAGES, disk_xml

LIBVIRT_XATTR = b"trusted.libvirt."
NAMES = ("a", "b", "c")
SHARED = f"{IMAGES}/common.img"
# What libvirt may answer here to virDomainCreate (an image in use under another label,
# ``virSecuritySELinuxSetFilecon``'s refusal) and to a live attach; extend in subclasses
# whose rules make more of them possible (fault steps, ...).
START_MAY_FAIL_WITH: frozenset[ErrorCode] = frozenset({ErrorCode.OPERATION_INVALID})
HOTPLUG_MAY_FAIL_WITH: frozenset[ErrorCode] = frozenset({ErrorCode.OPERATION_INVALID})
QEMU = "/usr/libexec/qemu-kvm"


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
        self.definitions: dict[str, str] = {}
        for index, name in enumerate(NAMES):
            disks = disk_xml(f"{IMAGES}/{name}.qcow2", "vda")
            if index < 2:
                disks += disk_xml(SHARED, "vdc", shareable=True)
            # With its <uuid>, as dumpxml gives it: redefining XML without one is a new
            # UUID, which libvirt refuses for a name it knows.
            self.definitions[name] = (
                f"<domain type='kvm'><name>{name}</name><uuid>{name_uuid(name)}</uuid>"
                "<memory unit='GiB'>1</memory><os><type>hvm</type></os>"
                f"<devices>{disks}</devices></domain>"
            )
            self.daemon.define(self.definitions[name])

    @property
    def daemon(self) -> Daemon:
        return self.host.libvirt

    def _owner(self, path: str) -> tuple[int, int]:
        st_ = self.host.stat(self.host.shell, path)
        return st_.st_uid, st_.st_gid

    @staticmethod
    def _try(
        call: Callable[[], object],
        allowed: Collection[ErrorCode],
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

    # -- round 2 (issue 13, issue 19): namespace-transaction faults, asynchronous shutdown,
    # devices beyond disks, and nothing left behind by a failed start. A separate block so
    # that the rules above stay as they were.

    @rule(
        name=st.sampled_from(NAMES),
        syscall=st.sampled_from(("setfilecon", "chown", "setxattr")),
    )
    def start_through_a_one_time_fault(self, name: str, syscall: str) -> None:
        """One EIO inside qemu's namespace: ``virSecurity*TransactionCommit`` runs the list
        again in the host's namespace, so the fault never fails the start."""
        domain = self.daemon.lookup(name)
        if domain.active:
            return
        self.host.add_fault(syscall, f"{IMAGES}/{name}.qcow2", "EIO")
        failure = ""
        try:
            self.daemon.start(domain)
        except simulator.SeclabError as error:
            failure = str(error)
        finally:
            self.host.faults.faults.clear()
        assert "Input/output error" not in failure, failure

    @rule(name=st.sampled_from(NAMES))
    def start_with_an_unparsable_dac_label(self, name: str) -> None:
        """A start that fails after GenLabel leaves nothing running and no pair reserved."""
        domain = self.daemon.lookup(name)
        if domain.active:
            return
        broken = self.daemon.define(
            format_domain(domain.definition, inactive=True).replace(
                "</domain>",
                "  <seclabel type='static' model='dac' relabel='yes'>"
                "<label>+4294967296:+0</label></seclabel>\n</domain>",
            )
        )
        # virGetUserID: "Failed to parse user '4294967296'"
        self._try(lambda: self.daemon.start(broken), {ErrorCode.INVALID_ARG}, operation="start")
        assert not broken.active
        self.daemon.define(self.definitions[name])

    @rule(name=st.sampled_from(NAMES), seconds=st.integers(min_value=1, max_value=3))
    def relabel_under_running_guest_and_back(self, name: str, seconds: int) -> None:
        """``chcon -t virt_image_t`` under a running guest: its writes are denied again and
        again (``selinux_file_permission``); with the default error policy it keeps running."""
        domain = self.daemon.lookup(name)
        if not domain.active or domain.paused:
            return  # a suspended guest does no I/O (nothing to deny)
        shell, image = self.host.shell, f"{IMAGES}/{name}.qcow2"
        before = self.host.getfilecon(shell, image)
        self.host.setfilecon(shell, image, "system_u:object_r:virt_image_t:s0")
        serial = self.host.audit.events[-1].serial if self.host.audit.events else 0
        self.host.clock.advance(seconds)
        if domain.active:  # a guest powering off meanwhile had libvirt restore the label
            self.host.setfilecon(shell, image, before)
        assert not domain.paused
        if self.daemon.lookup(name).active and self.daemon.running:
            assert any(e.serial > serial and e.avcs for e in self.host.audit.events)

    @rule(name=st.sampled_from(NAMES))
    def shutdown(self, name: str) -> None:
        # qemuDomainShutdownFlags of a domain that is not running
        self._try(
            lambda: self.daemon.shutdown(name), {ErrorCode.OPERATION_INVALID}, operation="shutdown"
        )

    @rule(name=st.sampled_from(NAMES), pause=st.booleans())
    def suspend_or_resume(self, name: str, pause: bool) -> None:
        # not running, or resuming one that runs: VIR_ERR_OPERATION_INVALID
        self._try(
            lambda: (self.daemon.suspend if pause else self.daemon.resume)(name),
            {ErrorCode.OPERATION_INVALID},
            operation="suspend" if pause else "resume",
        )

    @rule(seconds=st.integers(min_value=0, max_value=4))
    def time_passes(self, seconds: int) -> None:
        self.host.clock.advance(seconds)

    @invariant()
    def a_guest_past_its_power_off_is_not_running(self) -> None:
        if not self.daemon.running:
            return
        now = self.host.clock.now
        for domain in self.daemon.domains.values():
            due = (domain.shutdown_at or now + 1) <= now
            assert not (domain.active and due and not domain.paused), domain.name

    @invariant()
    def every_qemu_belongs_to_a_running_domain_and_pairs_to_running_qemus(self) -> None:
        if not self.daemon.running:
            return
        running = {d.pid for d in self.daemon.domains.values() if d.active}
        qemus = {p.pid for p in self.host.processes.values() if p.exe == QEMU}
        assert qemus <= running, (qemus, running)
        levels = {
            str(SecurityContext.parse(self.host.process(pid or 0).context).range) for pid in running
        }
        assert set(self.daemon.mcs.reserved) == levels

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
