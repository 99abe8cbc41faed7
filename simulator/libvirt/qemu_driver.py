"""virtqemud's QEMU driver (``src/qemu/qemu_driver.c``): the public API a client calls
(define, start, shutdown, destroy, suspend, resume, attach and detach a disk, lookups) and
the daemon process that serves it (its start, its crash points, its timers, its log).

The daemon's persistent state lives in files, as libvirt's does: definitions in
``/etc/libvirt/qemu/NAME.xml`` and running domains' status in ``/run/libvirt/qemu/NAME.xml``
(:mod:`simulator.libvirt.domain_status`), so a restarted daemon reconnects
(:func:`simulator.libvirt.qemu_process.reconnect`). Starting and stopping qemu is
:mod:`simulator.libvirt.qemu_process`, hot-plug :mod:`simulator.libvirt.qemu_hotplug`, the
per-domain ``/dev`` :mod:`simulator.libvirt.qemu_namespace`.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from simulator.errors import NotModelled, SeclabError
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt import qemu_hotplug, qemu_process
from simulator.libvirt.domain_status import STATUS
from simulator.libvirt.domain_xml import (
    MACHINE_TYPE,
    Disk,
    DomainDef,
    add_disk,
    copy_disk,
    format_domain,
    format_uuid,
    parse_domain,
)
from simulator.libvirt.guest_activity import GuestActivity
from simulator.libvirt.host_access import DaemonLog, HostAccess
from simulator.libvirt.mcs import McsTable
from simulator.libvirt.qemu_conf import QemuConfig, load_config
from simulator.libvirt.qemu_process import StorageRefusal
from simulator.libvirt.security_manager import SecurityManager
from simulator.libvirt.virdomainobjlist import Domain, DomainObjList
from simulator.libvirt.virerror import DaemonCrashed, ErrorCode, LibvirtError, system_error
from simulator.system.profiles import DEFAULT_PROFILE, get_profile
from simulator.system.userspace import Userspace

CONFIG_PATH = "/etc/libvirt/qemu.conf"
DEFINITIONS = "/etc/libvirt/qemu"  # cfg->configDir
# The daemon's command line and context are the profile's (its services table); these
# names stay for old imports.
DAEMON_ARGV = get_profile(DEFAULT_PROFILE).service_for("libvirt").argv
DAEMON_CONTEXT = get_profile(DEFAULT_PROFILE).service_for("libvirt").context
# Seconds from ``virsh shutdown`` (QEMU's system_powerdown) until the guest powers off,
# unless a scenario sets the guest's own (``[guests.NAME]`` in scenario.toml).
DEFAULT_SHUTDOWN_DELAY = 3

# ``lab fault add step NAME``: where the daemon can be made to die, as if it crashed there.
STEPS = {
    "namespace-built": "start: after the domain's /dev namespace is built",
    "selinux-labelled": "start: after SELinux labelling, before DAC labelling",
    "dac-labelled": "start: after DAC labelling, before qemu runs",
    "unplug-selinux-restored": "hot-unplug: after the SELinux restore, before the DAC restore",
    "before-xattr-wipe": "stop: after restoring labels, before wiping remembered xattrs",
}

__all__ = [
    "CONFIG_PATH",
    "DAEMON_ARGV",
    "DAEMON_CONTEXT",
    "DEFAULT_SHUTDOWN_DELAY",
    "DEFINITIONS",
    "STATUS",
    "STEPS",
    "Daemon",
    "DaemonCrashed",
    "Domain",
    "StorageRefusal",
]

_UUID_CHARS = frozenset("0123456789abcdefABCDEF-")

P = ParamSpec("P")
R = TypeVar("R")


def about_domain(
    call: Callable[Concatenate[Daemon, P], R],
) -> Callable[Concatenate[Daemon, P], R]:
    """An API call about one domain (named, or passed, first): its errors name the domain
    (``virDispatchError`` fills ``virError.dom`` from the call's ``virDomainPtr``)."""

    @functools.wraps(call)
    def named(self: Daemon, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return call(self, *args, **kwargs)
        except LibvirtError as error:
            if error.domain is None and args:
                key = args[0]
                error.domain = key.name if isinstance(key, Domain) else str(key)
            raise

    return named


def uuid4_text(bits: int) -> str:
    """128 random bits made an RFC 4122 version 4 UUID, printed as ``virUUIDFormat`` does
    (what ``str(uuid.UUID(int=bits, version=4))`` gives, without loading the uuid module)."""
    # libvirt: virUUIDGenerate (version 4 in the high nibble of byte 6, variant 10 in byte 8)
    bits = (bits & ~(0xF000 << 64) | 0x4000 << 64) & ~(0xC000 << 48) | 0x8000 << 48
    return format_uuid(f"{bits:032x}")


class Daemon:
    """The modular QEMU daemon of one host."""

    def __init__(self, host: Kernel, pid: int, userspace: Userspace | None = None) -> None:
        self.host = host
        self.pid = pid
        # Where crash steps wait and qemu's log lines are counted; it outlives the daemon.
        self.userspace = Userspace() if userspace is None else userspace
        self.log = DaemonLog()
        self.domains = DomainObjList()
        self.next_id = 1
        self.mcs = McsTable()
        self.config = QemuConfig()
        self.manager: SecurityManager | None = None
        self.failure: LibvirtError | None = None
        # A qemu.conf setting the lab does not model: every client call says so.
        self.unmodelled: NotModelled | None = None
        # The labelled definition each qemu was started with, by pid (for lab explain).
        self.launched: dict[int, DomainDef] = {}
        # How each guest answers the ACPI power button: seconds until it powers off, or
        # None for a guest that ignores it (the host's guest table, by domain name).
        self.shutdown_delays: dict[str, int | None] = {}
        # The guests' timers and the files their qemu holds open (qemu's state: it
        # outlives a daemon restart, as the qemu processes do).
        self.guests = GuestActivity(self)
        # The last start the DAC pre-check refused (for lab explain).
        self.last_refusal: StorageRefusal | None = None
        self.exits_seen = -1  # host.exits when dead processes were last looked for
        self.by_pid: dict[int, Domain] = {}  # running domains by qemu pid
        # What ``q35`` resolves to with the host's qemu-kvm (the host profile sets it).
        self.machine_type = MACHINE_TYPE
        self._ops: HostAccess | None = None  # ops(): the daemon's own, while it is the same

    # -- the daemon process --------------------------------------------------------------------

    def step(self, name: str) -> None:
        """A named point of an operation: if a fault waits here, the daemon dies now."""
        if self.userspace.take_crash_step(name):
            if self.process is not None:
                self.host.exit(self.pid)
            raise DaemonCrashed

    def after_driver(self, name: str) -> None:
        """A security driver finished labelling a starting domain."""
        self.step(f"{name}-labelled")

    def after_unplug_driver(self, name: str) -> None:
        """A security driver finished restoring an unplugged disk."""
        if name == "selinux":
            self.step("unplug-selinux-restored")

    @property
    def process(self) -> Process | None:
        return self.host.processes.get(self.pid)

    @property
    def running(self) -> bool:
        return self.process is not None and self.failure is None

    def ops(self, ns_id: int | None = None) -> HostAccess:
        """The daemon's file access (``ns_id``: a forked child's in that namespace). The
        daemon's own is kept while its process and log are the same: it holds nothing else."""
        proc = self.host.processes.get(self.pid)
        assert proc is not None
        ops = self._ops
        if ops is None or ops.actor is not proc or ops.log is not self.log:
            ops = self._ops = HostAccess(self.host, proc, self.log)
        return ops if ns_id is None else ops.in_namespace(ns_id)

    def error(self, text: str) -> None:
        self.log.messages.append((self.host.clock.now, "error", text))

    def write(self, path: str, text: str) -> None:
        """A definition or status file, written whole (``virXMLSaveFile`` -> ``virFileRewrite``)."""
        try:
            self.host.write_file(self.ops().actor, path, text.encode(), mode=0o600)
        except OSError as error:
            raise system_error(error.errno or 0, f"cannot write {path}") from None

    def boot(self) -> None:
        """Daemon start: read qemu.conf, build the security stack, load definitions, and
        reconnect to running domains from their status files."""
        # libvirt: qemuStateInitialize
        self.domains = DomainObjList()
        self.mcs = McsTable()
        self.failure = None
        self.unmodelled = None
        self.guests.reset()
        ops = self.ops()
        try:
            # virConfReadFile reads bytes: a stray non-UTF-8 byte is not an error by itself.
            text = self.host.read_file(ops.actor, CONFIG_PATH).decode(errors="replace")
            self.config = load_config(text, CONFIG_PATH)
            # libvirt: qemuSecurityInit
            self.manager = SecurityManager.create(ops, self.config, self.mcs, self.host.random)
        except LibvirtError as error:
            self.failure = error
            self.error(str(error))
            self.error("Failed to initialize security drivers")
            return
        except OSError as error:
            self.failure = system_error(error.errno or 0, f"cannot read {CONFIG_PATH}")
            return
        except NotModelled as error:
            # Not libvirt's behaviour: the lab cannot run with this setting and says so.
            self.unmodelled = error
            self.failure = LibvirtError(ErrorCode.INTERNAL_ERROR, str(error))
            self.error(f"seclab: not modelled: {error}")
            return
        # qemuStateInitialize: the status files first ("all the running persistent or
        # transient configs"), then the definitions, then qemuProcessReconnectAll. In each
        # virDomainObjListLoadAllConfigs, a file that does not load, or whose domain clashes
        # with one loaded before it, is logged and skipped; the daemon goes on.
        running = []
        for name in self._xml_files(ops, STATUS):
            loaded = qemu_process.load_status(self, f"{STATUS}/{name}")
            if loaded is not None:
                running.append(loaded)
        for name in self._xml_files(ops, DEFINITIONS):
            path = f"{DEFINITIONS}/{name}"
            try:
                raw = self.host.read_file(ops.actor, path)
                # virDomainDefParseFile: libxml2 names the file in its errors
                definition = parse_domain(raw.decode(errors="replace"), url=path)
                # virDomainObjListLoadConfig -> virDomainObjListAddLocked (flags 0)
                domain = self.domains.replaced_by(definition, check_live=False)
            except (SeclabError, OSError) as error:
                qemu_process.load_failed(self, path, error)
                continue
            if domain is not None and domain.active:
                # virDomainObjAssignDef(live=false) on a running domain: the definition
                # is the one its next start uses; it is persistent from now on
                domain.definition = definition
                domain.persistent = True
            else:
                self.domains[definition.name] = Domain(definition, persistent=True)
        for domain, status in running:
            try:
                qemu_process.reconnect(self, domain, status)
            except DaemonCrashed:
                return  # it died cleaning up after a dead qemu: the next call restarts it

    def _xml_files(self, ops: HostAccess, folder: str) -> list[str]:
        """The ``*.xml`` names in ``folder`` (none when it cannot be listed), as
        virDomainObjListLoadAllConfigs reads them (virDirRead, virStringHasSuffix)."""
        try:
            names = self.host.listdir(ops.actor, folder)
        except OSError:
            return []
        return [name for name in names if name.endswith(".xml")]

    def run_timers(self) -> None:
        """The virtual clock moved: the guests' timers run (:mod:`guest_activity`)."""
        if self.running:
            self.guests.run()

    def notice_dead_processes(self) -> None:
        """A qemu that died (``kill -9``) is noticed as a monitor EOF: the stop path runs
        (``qemuProcessHandleMonitorEOF``).

        The daemon handles the EOF on its own, not inside any client's call: if it dies
        there (a fault step), no client sees an error; the next call starts it again
        (socket activation) and the new daemon reconnects from the status files. Nothing to
        look for unless a process ended since the last look."""
        exits, seen = self.host.exits, self.exits_seen
        if exits == seen:
            return
        self.exits_seen = exits
        recent = self.host.exited_pids
        if seen >= 0 and exits - seen <= len(recent):
            # The domains whose qemu is among the exits since the last look.
            # (the newest exits, read from the deque's end: no copy of all it remembers)
            dead = [self.by_pid.get(recent[-i]) for i in range(exits - seen, 0, -1)]
            candidates = [d for d in dead if d is not None and self.domains.get(d.name) is d]
        else:
            candidates = list(self.domains.values())  # first look, or too many exits
        unique = {id(d): d for d in candidates}.values()
        for domain in sorted(unique, key=lambda d: self.domains.order(d.name)):
            if domain.active and domain.pid not in self.host.processes:
                try:
                    qemu_process.handle_monitor_eof(self, domain)
                except DaemonCrashed:
                    return  # handled by the daemon alone: no client sees it

    # -- lookups ----------------------------------------------------------------------------------

    @about_domain
    def lookup(self, key: str) -> Domain:
        """By id, then UUID, then name (``virshLookupDomainInternal``: ``virDomainLookupByID``,
        ``virDomainLookupByUUIDString``, ``virDomainLookupByName``)."""
        if key.isdigit():
            by_id = self.domains.find_by_id(int(key))
            if by_id is not None:
                return by_id
        if not _UUID_CHARS.issuperset(key):
            # Not a UUID: only a name can match, and ``domains`` is keyed by name.
            found = self.domains.get(key)
        else:
            found = self.domains.find_by_uuid_or_name(key)
        if found is not None:
            return found
        raise LibvirtError(ErrorCode.NO_DOMAIN, f"no domain with matching name '{key}'")

    def sorted_domains(self) -> list[Domain]:
        """``virsh list``'s order: running by id, then the others by name."""
        running = sorted((d for d in self.domains.values() if d.active), key=lambda d: d.id or 0)
        inactive = sorted(
            (d for d in self.domains.values() if not d.active), key=lambda d: d.name.lower()
        )
        return running + inactive

    def _active(self, key: str) -> Domain:
        domain = self.lookup(key)
        if not domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
        return domain

    # -- definitions ------------------------------------------------------------------------------

    def define(self, xml: str) -> Domain:
        """Parse, validate and save a persistent definition."""
        # libvirt: qemuDomainDefineXMLFlags
        definition = parse_domain(xml, new_uuid=self.generate_uuid)
        assert self.manager is not None
        self.manager.verify(self.ops(), definition)
        # virDomainObjListAdd (no flags): a clash of name or UUID is refused
        existing = self.domains.replaced_by(definition, check_live=False)
        self._save_definition(definition)
        if existing is not None:
            existing.definition = definition
            existing.persistent = True
            return existing
        domain = Domain(definition, persistent=True)
        self.domains[definition.name] = domain
        return domain

    def generate_uuid(self) -> str:
        """``virUUIDGenerate``: 16 random bytes made an RFC 4122 version 4 UUID. The lab's
        bytes are drawn from the host's seed and how many UUIDs its daemons made before, so a
        run repeats them and a definition without ``<uuid>`` gets a new one each time."""
        number = self.userspace.next_uuid()
        # random seeds itself from a text by its SHA-512 (no hashlib import for one UUID)
        source = random.Random(f"virUUIDGenerate\0{self.host.seed}\0{number}")  # noqa: S311
        return uuid4_text(source.getrandbits(128))

    def _save_definition(self, definition: DomainDef) -> None:
        # libvirt: virDomainDefSave
        self.write(
            f"{DEFINITIONS}/{definition.name}.xml",
            format_domain(definition, inactive=True, machine=self.machine_type),
        )

    @about_domain
    def undefine(self, key: str) -> Domain:
        """Remove the persistent definition; a running domain goes on as a transient one."""
        # libvirt: qemuDomainUndefineFlags
        domain = self.lookup(key)
        if not domain.persistent:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "cannot undefine transient domain")
        self.host.unlink(self.ops().actor, f"{DEFINITIONS}/{domain.name}.xml")
        if domain.active:
            domain.persistent = False
        else:
            del self.domains[domain.name]
        return domain

    # -- start and stop ---------------------------------------------------------------------------

    def create(self, xml: str) -> Domain:
        """``virsh create``: a transient domain, started at once."""
        # libvirt: qemuDomainCreateXML
        definition = parse_domain(xml, new_uuid=self.generate_uuid)
        assert self.manager is not None
        self.manager.verify(self.ops(), definition)  # qemuDomainDefValidate, as for define
        return self.start_live(definition)

    def start_live(self, definition: DomainDef) -> Domain:
        """Add ``definition`` as a live one and start it (``virsh create``, the destination
        of a migration): a new transient domain, or the defined, shut off domain of the same
        name and UUID running this definition. On a failure a new domain is dropped again."""
        # libvirt: virDomainObjListAdd(VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
        # VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE), as qemuDomainCreateXML and
        # qemuMigrationDstPrepareAny call it
        existing = self.domains.replaced_by(definition, check_live=True)
        if existing is not None:
            self.start_with(existing, definition)
            return existing
        domain = Domain(definition, persistent=False)
        self.domains[definition.name] = domain
        try:
            self.start(domain)
        except LibvirtError:
            # qemuProcessStop already dropped the transient domain (unless the daemon died).
            self.domains.pop(definition.name, None)
            raise
        return domain

    def start_with(self, domain: Domain, definition: DomainDef) -> None:
        """Start the defined, shut off ``domain`` with another ``definition`` (``virsh
        create`` of its XML, an incoming migration): that one runs, the persistent one stays
        for the next start."""
        # libvirt: virDomainObjAssignDef(live=true): vm->newDef keeps the persistent
        # definition, restored when the domain stops (virDomainObjRemoveTransientDef).
        kept = domain.definition
        domain.definition = definition
        try:
            self.start(domain)
        finally:
            domain.definition = kept

    @about_domain
    def start(self, domain: Domain) -> None:
        """Start a defined domain (:func:`qemu_process.start`)."""
        # libvirt: qemuDomainCreateWithFlags -> qemuDomainObjStart
        if domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is already running")
        qemu_process.start(self, domain)

    @about_domain
    def shutdown(self, key: str) -> Domain:
        """Only asks the guest (``system_powerdown``). The guest powers off later, if ever;
        the domain stays running until then."""
        # libvirt: qemuDomainShutdownFlags
        domain = self._active(key)
        delay = self.shutdown_delays.get(domain.name, DEFAULT_SHUTDOWN_DELAY)
        if delay is not None:
            due = self.host.clock.now + delay
            domain.shutdown_at = due if domain.shutdown_at is None else min(due, domain.shutdown_at)
            self.guests.shutdown_requested(domain)
        return domain

    @about_domain
    def destroy(self, key: str) -> Domain:
        """Kill qemu; the labels are restored (:func:`qemu_process.stop`)."""
        # libvirt: qemuDomainDestroyFlags
        domain = self._active(key)
        qemu_process.stop(self, domain, relabel=True, reason="destroyed")
        return domain

    def suspend(self, key: str) -> Domain:
        """The vCPUs stop (no I/O); paused (user)."""
        # libvirt: qemuDomainSuspend
        domain = self._active(key)
        if not domain.paused:
            domain.paused = True
            domain.reason = "user"
            qemu_process.write_status(self, domain)  # libvirt: qemuDomainSaveStatus
        return domain

    def resume(self, key: str) -> Domain:
        """``cont``; QEMU retries the requests that failed, so a disk that is still denied
        pauses the domain again at once."""
        # libvirt: qemuDomainResume
        domain = self._active(key)
        if not domain.paused:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is already running")
        domain.paused = False
        domain.reason = "unpaused"
        qemu_process.write_status(self, domain)  # libvirt: qemuDomainSaveStatus
        self.guests.resumed(domain)
        return domain

    # -- hot-plug ---------------------------------------------------------------------------------

    @about_domain
    def attach_disk(self, key: str, disk: Disk, *, live: bool, config: bool) -> Domain:
        """Attach to the running domain, its persistent definition, or both."""
        # libvirt: qemuDomainAttachDeviceFlags (qemuDomainAttachDeviceLive,
        # qemuDomainAttachDeviceConfig)
        domain = self.lookup(key)
        if live and not domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
        if config:
            if not domain.persistent:
                raise LibvirtError(
                    ErrorCode.OPERATION_INVALID, "cannot modify device on transient domain"
                )
            if domain.definition.disk(disk.target) is not None:
                raise LibvirtError(
                    ErrorCode.OPERATION_INVALID, f"target {disk.target} already exists"
                )
        if live:
            qemu_hotplug.attach_disk(self, domain, copy_disk(disk))
        if config:
            add_disk(domain.definition, disk)
            self._save_definition(domain.definition)
        return domain

    @about_domain
    def detach_disk(self, key: str, target: str, *, live: bool, config: bool) -> Domain:
        """Detach from the running domain, its persistent definition, or both."""
        # libvirt: qemuDomainDetachDeviceFlags (qemuDomainDetachDeviceLive,
        # qemuDomainDetachDeviceConfig)
        domain = self.lookup(key)
        if live:
            qemu_hotplug.detach_disk(self, domain, target)
        if config:
            disk = qemu_hotplug.find_disk(domain.definition, target)
            domain.definition.disks.remove(disk)
            self._save_definition(domain.definition)
        return domain
