"""virtqemud: domain definitions, lifecycle and hotplug (``src/qemu/qemu_process.c``,
``qemu_driver.c``, ``qemu_hotplug.c``), driving the security manager and namespaces.

The daemon is a process on the host. Its persistent state lives in files, as libvirt's does:
definitions in ``/etc/libvirt/qemu/NAME.xml`` and running domains' status (process label,
``<rememberOwner/>``) in ``/run/libvirt/qemu/NAME.xml``, so a restarted daemon reconnects.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import xml.etree.ElementTree as ET  # status files are written by the daemon itself
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import attrs

from simulator.errors import NotModelled, SeclabError
from simulator.kernel import errno_table
from simulator.kernel.calls_files import OpenFile
from simulator.kernel.inode import SELINUX_XATTR
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt import namespace, security_util
from simulator.libvirt.domain_xml import (
    MACHINE_TYPE,
    Disk,
    DomainDef,
    add_disk,
    domain_from_element,
    format_domain,
    parse_domain,
    parse_xml,
)
from simulator.libvirt.host_access import DaemonLog, HostAccess
from simulator.libvirt.mcs import McsTable
from simulator.libvirt.qemu_conf import QemuConfig, load_config
from simulator.libvirt.qemu_process import (
    command_line,
    log_line,
    node_index,
    open_disk_for_io,
    process_name,
)
from simulator.libvirt.security_dac import parse_ids
from simulator.libvirt.security_manager import SecurityManager
from simulator.libvirt.storage import disk_chain
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error
from simulator.system import accounts, libselinux
from simulator.system.profiles import DEFAULT_PROFILE, get_profile
from simulator.system.userspace import Userspace

CONFIG_PATH = "/etc/libvirt/qemu.conf"
DEFINITIONS = "/etc/libvirt/qemu"
STATUS = "/run/libvirt/qemu"
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


@attrs.frozen
class StorageRefusal:
    """A start refused by ``virStorageSourceReportBrokenChain``: who could not reach what."""

    domain: str
    path: str
    uid: int
    gid: int
    groups: tuple[int, ...]


_UUID_CHARS = frozenset("0123456789abcdefABCDEF-")


class DaemonCrashed(LibvirtError):
    """The daemon died in the middle of an operation (a fault step): no cleanup ran."""

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.SYSTEM_ERROR, "End of file while reading data: Input/output error"
        )


@attrs.define
class Domain:
    definition: DomainDef  # the persistent (or transient) configuration
    persistent: bool
    live: DomainDef | None = None
    pid: int | None = None
    id: int | None = None
    remember_owner: bool = True
    namespaces: bool = True
    # virDomainObjGetState's reason, as virsh domstate --reason names it.
    reason: str = "unknown"
    # When the guest, asked by system_powerdown, powers off (virtual clock); None: not asked.
    shutdown_at: int | None = None
    paused: bool = False
    # Disks whose I/O failed with error_policy='stop' (virDomainGetDiskErrors), by target.
    disk_errors: dict[str, str] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def active(self) -> bool:
        return self.live is not None

    @property
    def state(self) -> str:
        if not self.active:
            return "shut off"
        return "paused" if self.paused else "running"


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


class Daemon:
    """The modular QEMU daemon of one host."""

    def __init__(self, host: Kernel, pid: int, userspace: Userspace | None = None) -> None:
        self.host = host
        self.pid = pid
        # Where crash steps wait and qemu's log lines are counted; it outlives the daemon.
        self.userspace = Userspace() if userspace is None else userspace
        self.log = DaemonLog()
        self.domains: dict[str, Domain] = {}
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
        # The files each qemu holds open for its guest's disk I/O, by pid and target: qemu's
        # state, so it outlives a daemon restart (the new daemon reconnects to the same qemu).
        self.qemu_files: dict[int, dict[str, OpenFile]] = {}
        # Guest disk accesses last granted silently, by qemu pid and target: see _guest_io.
        self.io_granted: dict[int, dict[str, tuple[object, ...]]] = {}
        # The last start the DAC pre-check refused (for lab explain).
        self.last_refusal: StorageRefusal | None = None
        self.exits_seen = -1  # host.exits when dead processes were last looked for
        self.by_pid: dict[int, Domain] = {}  # running domains by qemu pid
        # What ``q35`` resolves to with the host's qemu-kvm (the host profile sets it).
        self.machine_type = MACHINE_TYPE

    def step(self, name: str) -> None:
        """A named point of an operation: if a fault waits here, the daemon dies now."""
        if self.userspace.take_crash_step(name):
            if self.process is not None:
                self.host.exit(self.pid)
            raise DaemonCrashed

    # -- the daemon process --------------------------------------------------------------------

    @property
    def process(self) -> Process | None:
        return self.host.processes.get(self.pid)

    @property
    def running(self) -> bool:
        return self.process is not None and self.failure is None

    def ops(self, ns_id: int | None = None) -> HostAccess:
        proc = self.process
        assert proc is not None
        ops = HostAccess(self.host, proc, self.log)
        return ops if ns_id is None else ops.in_namespace(ns_id)

    def error(self, text: str) -> None:
        self.log.messages.append((self.host.clock.now, "error", text))

    def boot(self) -> None:
        """Daemon start: read qemu.conf, build the security stack, load definitions, and
        reconnect to running domains from their status files (``qemuProcessReconnect``)."""
        self.domains = {}
        self.mcs = McsTable()
        self.failure = None
        self.unmodelled = None
        ops = self.ops()
        try:
            # virConfReadFile reads bytes: a stray non-UTF-8 byte is not an error by itself.
            text = self.host.read_file(ops.actor, CONFIG_PATH).decode(errors="replace")
            self.config = load_config(text, CONFIG_PATH)
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
        # virDomainObjListLoadAllConfigs: a file that does not load is logged and skipped;
        # the daemon goes on with the others.
        try:
            names = self.host.listdir(ops.actor, DEFINITIONS)
        except OSError:
            names = []
        for name in names:
            if name.endswith(".xml"):
                try:
                    raw = self.host.read_file(ops.actor, f"{DEFINITIONS}/{name}")
                    definition = parse_domain(raw.decode(errors="replace"))
                except (SeclabError, OSError) as error:
                    self.error(f"Error loading config file '{name}': {_log_text(error)}")
                    continue
                self.domains[definition.name] = Domain(definition, persistent=True)
        try:
            names = self.host.listdir(ops.actor, STATUS)
        except OSError:
            names = []
        for name in names:
            if name.endswith(".xml"):
                try:
                    self._reconnect(f"{STATUS}/{name}")
                except DaemonCrashed:
                    return  # it died cleaning up after a dead qemu: the next call restarts it

    def _reconnect(self, path: str) -> None:
        ops = self.ops()
        try:
            root = parse_xml(self.host.read_file(ops.actor, path).decode(errors="replace"))
            if root.tag != "domstatus":
                raise LibvirtError(
                    ErrorCode.XML_ERROR, f"expecting root element of 'domstatus', not '{root.tag}'"
                )
            inner = root.find("domain")
            live = domain_from_element(root if inner is None else inner, live=True)
            pid = _status_number(root, "pid", "invalid pid")
            domain_id = _status_number(root, "id", "invalid domain id")
        except (SeclabError, OSError) as error:
            self.error(f"Failed to load status file {path}: {_log_text(error)}")
            return
        domain = self.domains.get(live.name) or Domain(copy.deepcopy(live), persistent=False)
        domain.live = live
        domain.pid = pid
        self.by_pid[pid] = domain
        domain.id = domain_id or None
        domain.remember_owner = root.find("rememberOwner") is not None
        domain.namespaces = root.find("namespaces") is not None
        # virDomainObjParseXML: the state reason the previous daemon recorded
        reason = root.get("reason", "")
        domain.reason = reason if reason in ("booted", "unpaused") else "unknown"
        self.next_id = max(self.next_id, (domain.id or 0) + 1)
        self.domains[live.name] = domain
        qemu = self.host.processes.get(pid)
        if qemu is None:
            self._stop(domain, relabel=True, reason="crashed")  # the process is gone
            return
        assert self.manager is not None
        try:
            self.manager.check_all_label(live)
        except LibvirtError as error:
            self.error(str(error))
        try:
            self.manager.reserve_label(live, qemu.context)
        except LibvirtError as error:
            self.error(str(error))
            self._stop(domain, relabel=True, reason="failed")

    # -- lookups ----------------------------------------------------------------------------------

    @about_domain
    def lookup(self, key: str) -> Domain:
        """By id, then UUID, then name (``virshLookupDomainInternal``)."""
        if key.isdigit():
            number = int(key)
            for domain in self.domains.values():
                if domain.id == number:
                    return domain
        if not _UUID_CHARS.issuperset(key):
            # Not a UUID: only a name can match, and ``domains`` is keyed by name.
            found = self.domains.get(key)
            if found is not None:
                return found
        for domain in self.domains.values():
            if domain.definition.uuid == key or domain.name == key:
                return domain
        raise LibvirtError(ErrorCode.NO_DOMAIN, f"no domain with matching name '{key}'")

    def sorted_domains(self) -> list[Domain]:
        running = sorted((d for d in self.domains.values() if d.active), key=lambda d: d.id or 0)
        inactive = sorted(
            (d for d in self.domains.values() if not d.active), key=lambda d: d.name.lower()
        )
        return running + inactive

    def notice_dead_processes(self) -> None:
        """A qemu that died (``kill -9``) is noticed as a monitor EOF: the stop path runs.

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
            dead = [self.by_pid.get(pid) for pid in list(recent)[len(recent) - (exits - seen) :]]
            hit = [d for d in dead if d is not None and self.domains.get(d.name) is d]
            if not hit:
                return
            if len(hit) == 1 and hit[0].active and hit[0].pid not in self.host.processes:
                with contextlib.suppress(DaemonCrashed):
                    self._stop(hit[0], relabel=True, reason="crashed")
                return
        for domain in list(self.domains.values()):
            if domain.active and domain.pid not in self.host.processes:
                try:
                    self._stop(domain, relabel=True, reason="crashed")
                except DaemonCrashed:
                    return

    # -- definitions ------------------------------------------------------------------------------

    def define(self, xml: str) -> Domain:
        definition = parse_domain(xml)
        assert self.manager is not None
        self.manager.verify(self.ops(), definition)
        existing = self.domains.get(definition.name)
        if existing is not None and existing.definition.uuid != definition.uuid:
            definition.uuid = existing.definition.uuid
        self._write(
            f"{DEFINITIONS}/{definition.name}.xml",
            format_domain(definition, inactive=True, machine=self.machine_type),
        )
        if existing is not None:
            existing.definition = definition
            existing.persistent = True
            return existing
        domain = Domain(definition, persistent=True)
        self.domains[definition.name] = domain
        return domain

    @about_domain
    def undefine(self, key: str) -> Domain:
        domain = self.lookup(key)
        if not domain.persistent:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "cannot undefine transient domain")
        self.host.unlink(self.ops().actor, f"{DEFINITIONS}/{domain.name}.xml")
        if domain.active:
            domain.persistent = False
        else:
            del self.domains[domain.name]
        return domain

    def _write(self, path: str, text: str) -> None:
        try:
            self.host.write_file(self.ops().actor, path, text.encode(), mode=0o600)
        except OSError as error:
            raise system_error(error.errno or 0, f"cannot write {path}") from None

    # -- start (libvirt.md 6.1) ----------------------------------------------------------------

    def create(self, xml: str) -> Domain:
        """``virsh create``: a transient domain, started at once."""
        definition = parse_domain(xml)
        assert self.manager is not None
        self.manager.verify(self.ops(), definition)  # qemuDomainDefValidate, as for define
        existing = self.domains.get(definition.name)
        if existing is not None:
            # libvirt: virDomainObjListAddLocked (qemuDomainCreateXML: ADD_LIVE | CHECK_LIVE)
            name, uuid = definition.name, existing.definition.uuid
            if uuid != definition.uuid:
                raise LibvirtError(
                    ErrorCode.OPERATION_FAILED, f"domain '{name}' already exists with uuid {uuid}"
                )
            if existing.active:
                raise LibvirtError(
                    ErrorCode.OPERATION_INVALID, f"domain '{name}' is already active"
                )
            raise NotModelled("virsh create of a defined domain (libvirt starts it with this XML)")
        domain = Domain(definition, persistent=False)
        self.domains[definition.name] = domain
        try:
            self.start(domain)
        except LibvirtError:
            # qemuProcessStop already dropped the transient domain (unless the daemon died).
            self.domains.pop(definition.name, None)
            raise
        return domain

    def _qemu_ids(self) -> tuple[int, int, tuple[int, ...]]:
        ops = self.ops()
        uid, gid = parse_ids(ops, f"{self.config.user}:{self.config.group}")
        # virGetGroupList: the user's groups from the group database (getgrouplist).
        groups = accounts.groups_with_member(ops.read_text(accounts.GROUP_PATH), self.config.user)
        return uid, gid, (gid, *groups)

    def _check_storage(self, live: DomainDef) -> None:
        """``virStorageSourceReportBrokenChain``: the qemu user must reach every image."""
        uid, gid, groups = self._qemu_ids()
        probe = attrs.evolve(self.ops().actor, uid=uid, gid=gid, groups=groups)
        for disk in live.disks:
            for src in disk_chain(self.ops(), disk):
                if src.path is None:
                    continue
                try:
                    self.host.stat(probe, src.path)
                except OSError as error:
                    self.last_refusal = StorageRefusal(live.name, src.path, uid, gid, groups)
                    raise system_error(
                        error.errno or 0,
                        f"Cannot access storage file '{src.path}' (as uid:{uid}, gid:{gid})",
                    ) from None

    @about_domain
    def start(self, domain: Domain) -> None:
        if domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is already running")
        assert self.manager is not None
        live = copy.deepcopy(domain.definition)
        domain.live = live
        domain.remember_owner = self.config.remember_owner
        domain.namespaces = self.config.mount_namespace
        relabel = False
        qemu: Process | None = None
        try:
            # qemuProcessPrepareDomain
            self.manager.gen_label(live)
            # qemuProcessPrepareHost / qemuProcessLaunch
            self._check_storage(live)
            daemon = self.ops().actor
            qemu = self.host.spawn(
                comm="qemu-kvm",
                argv=command_line(
                    live, self.machine_type, set_process_name=self.config.set_process_name
                ),
                exe="/usr/libexec/qemu-kvm",
                uid=0,
                gid=0,
                context=daemon.context,
                ppid=1,
            )
            self.launched[qemu.pid] = copy.deepcopy(live)
            domain.pid = qemu.pid
            self.by_pid[qemu.pid] = domain
            domain.id = self.next_id
            ops = self.ops()
            if domain.namespaces:
                ops = self._build_namespace(qemu, live)
            self.step("namespace-built")
            self.manager.set_all_label(
                ops, live, lock=domain.remember_owner, after_driver=self._after_driver
            )
            relabel = True
            self._exec(qemu, live)
            for disk in live.disks:
                failure, handle = open_disk_for_io(self.host, qemu, disk, node_index(live, disk))
                if handle is not None:
                    self.qemu_files.setdefault(qemu.pid, {})[disk.target] = handle
                if failure is not None:
                    raise LibvirtError(
                        ErrorCode.INTERNAL_ERROR,
                        "process exited while connecting to monitor: "
                        + log_line(
                            self.host, failure.message(), self.userspace.next_qemu_log_line()
                        ),
                    )
        except DaemonCrashed:
            # The daemon died mid-start: qemu, waiting on its handshake, goes with it, and
            # nothing is restored.
            if qemu is not None and qemu.pid in self.host.processes:
                self.host.exit(qemu.pid)
            raise
        except Exception as error:
            # qemuProcessStart's "stop:" label: qemuProcessStop, with
            # VIR_QEMU_PROCESS_STOP_NO_RELABEL unless every label was set. Whatever failed,
            # the host is left as libvirt leaves it, and the caller gets libvirt's error.
            self._stop(domain, relabel=relabel, reason="failed")
            raise _as_libvirt_error(error, "failed to start qemu") from None
        self.next_id += 1
        domain.reason = "booted"
        self._write_status(domain)

    def _after_driver(self, name: str) -> None:
        self.step(f"{name}-labelled")

    def _after_unplug_driver(self, name: str) -> None:
        if name == "selinux":
            self.step("unplug-selinux-restored")

    def _build_namespace(self, qemu: Process, live: DomainDef) -> HostAccess:
        """``qemuDomainUnshareNamespace`` + ``qemuDomainBuildNamespace``."""
        selinux = live.seclabel("selinux")
        imagelabel = selinux.imagelabel if selinux is not None else None
        preserved = f"{STATUS}/{self.next_id}-{live.name}.dev"
        namespace.unshare_dev(self.host, qemu, preserved, imagelabel)
        host_view = self.ops().actor
        paths = list(self.config.cgroup_device_acl)
        for disk in live.disks:
            paths.extend(s.path for s in disk_chain(self.ops(), disk) if s.path)
        paths.extend(c.path for c in live.chardevs if c.path and c.mode != "bind")
        namespace.mknod_paths(
            self.host, host_view, qemu, namespace.dev_paths(self.host, host_view, paths)
        )
        return self.ops(qemu.ns_id)

    def _exec(self, qemu: Process, live: DomainDef) -> None:
        """The child execs qemu with the process label and the qemu user's ids."""
        uid, gid, groups = self._qemu_ids()
        dac = live.seclabel("dac")
        if dac is not None and dac.label and parse_ids(self.ops(), dac.label) != (uid, gid):
            uid, gid = parse_ids(self.ops(), dac.label)
            groups = (gid,)
        qemu.uid, qemu.gid, qemu.groups = uid, gid, groups
        if self.config.set_process_name:
            qemu.comm = process_name(live)
        selinux = live.seclabel("selinux")
        if selinux is not None and selinux.label:
            qemu.context = selinux.label

    def _write_status(self, domain: Domain) -> None:
        assert domain.live is not None
        root = ET.Element(
            "domstatus", state="running", reason="booted", pid=str(domain.pid), id=str(domain.id)
        )
        if domain.remember_owner:
            ET.SubElement(root, "rememberOwner")
        if domain.namespaces:
            ET.SubElement(ET.SubElement(root, "namespaces"), "mount")
        text = ET.tostring(root, encoding="unicode").replace("</domstatus>", "")
        if text.endswith("/>"):
            text = text[:-2] + ">"
        body = format_domain(domain.live, domain_id=domain.id, machine=self.machine_type)
        self._write(f"{STATUS}/{domain.name}.xml", f"{text}\n{body}</domstatus>\n")

    # -- stop (libvirt.md 6.2) --------------------------------------------------------------------

    @about_domain
    def shutdown(self, key: str) -> Domain:
        """``qemuDomainShutdownFlags``: only asks the guest (``system_powerdown``). The guest
        powers off later, if ever; the domain stays running until then."""
        domain = self._active(key)
        delay = self.shutdown_delays.get(domain.name, DEFAULT_SHUTDOWN_DELAY)
        if delay is not None:
            due = self.host.clock.now + delay
            domain.shutdown_at = due if domain.shutdown_at is None else min(due, domain.shutdown_at)
        return domain

    def run_timers(self) -> None:
        """The virtual clock moved: guests whose power-off is due stop. QEMU (run with
        ``-no-shutdown``) reports SHUTDOWN; ``qemuProcessHandleShutdown`` has qemu killed
        (``qemuProcessShutdownOrReboot``), and the monitor EOF runs ``qemuProcessStop``,
        which restores the labels."""
        if not self.running:
            return
        now = self.host.clock.now
        for domain in list(self.domains.values()):
            due = domain.shutdown_at is not None and domain.shutdown_at <= now
            if domain.active and due and not domain.paused:  # a paused guest runs no ACPI
                try:
                    self._stop(domain, relabel=True, reason="shutdown")
                except DaemonCrashed:
                    return
        for domain in list(self.domains.values()):
            self._guest_io(domain)

    def _guest_io(self, domain: Domain) -> None:
        """A running guest reads (and writes) its disks as time passes. The kernel rechecks
        each access (``selinux_file_permission``); on a failure QEMU applies the disk's
        error policy (``werror``): ``stop`` pauses the domain, which libvirt records as
        paused for an I/O error (``qemuProcessHandleIOError``); ``report`` hands the error
        to the guest and ``ignore`` drops it, and the domain keeps running."""
        qemu = self.host.processes.get(domain.pid or -1)
        if domain.live is None or domain.paused or qemu is None:
            return
        for disk in domain.live.disks:
            handle = self.qemu_files.get(qemu.pid, {}).get(disk.target)
            if handle is None:
                continue
            # An access granted silently stays granted while neither the decisions (policy,
            # booleans, mode) nor the file's label change: asking again would change nothing.
            key = self._io_question(qemu, handle)
            granted = self.io_granted.setdefault(qemu.pid, {})
            if key is not None and granted.get(disk.target) == key:
                continue
            events = len(self.host.audit.events)
            try:
                self.host.file_io(qemu, handle, write=False)
                if handle.writable:
                    self.host.file_io(qemu, handle, write=True)
                if key is not None and len(self.host.audit.events) == events:
                    granted[disk.target] = key
            except OSError:
                if disk.error_policy in ("stop", "enospace"):
                    domain.disk_errors[disk.target] = "unspecified error"
                    domain.paused = True
                    domain.reason = "I/O error"
                    return

    def _io_question(self, qemu: Process, handle: OpenFile) -> tuple[object, ...] | None:
        """What a guest's read or write of ``handle`` is decided on: qemu's context, the
        decision generation and the file's label."""
        fs = self.host.fs_at(handle.location)
        inode = fs.inodes.get(handle.location.ino)
        if inode is None:
            return None
        label = inode.xattrs.get(SELINUX_XATTR)
        generation = libselinux.decision_generation(self.host)
        return (qemu.context, generation, fs.fs_id, handle.location.ino, label)

    def suspend(self, key: str) -> Domain:
        """``qemuDomainSuspend``: the vCPUs stop (no I/O); paused (user)."""
        domain = self._active(key)
        if not domain.paused:
            domain.paused = True
            domain.reason = "user"
        return domain

    def resume(self, key: str) -> Domain:
        """``qemuDomainResume``: ``cont``; QEMU retries the requests that failed, so a disk
        that is still denied pauses the domain again at once."""
        domain = self._active(key)
        if not domain.paused:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is already running")
        domain.paused = False
        domain.reason = "unpaused"
        domain.disk_errors = {}
        self._guest_io(domain)
        return domain

    @about_domain
    def destroy(self, key: str) -> Domain:
        domain = self._active(key)
        self._stop(domain, relabel=True, reason="destroyed")
        return domain

    def _active(self, key: str) -> Domain:
        domain = self.lookup(key)
        if not domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
        return domain

    def _stop(self, domain: Domain, *, relabel: bool, reason: str = "unknown") -> None:
        """``qemuProcessStop``: kill qemu, restore labels in the host namespace, wipe the
        remembered xattrs of every image of every disk chain, release the MCS pair."""
        live = domain.live
        if domain.pid is not None and domain.pid in self.host.processes:
            self.host.exit(domain.pid)
        if domain.pid is not None and domain.pid not in self.host.audited_pids:
            self.launched.pop(domain.pid, None)
        if live is not None and self.manager is not None:
            ops = self.ops()
            if relabel:
                self.manager.restore_all_label(ops, live, lock=domain.remember_owner)
                self.step("before-xattr-wipe")
                if domain.remember_owner:
                    self._remove_image_metadata(ops, live)
            self.manager.release_label(live)
        self.qemu_files.pop(domain.pid or -1, None)
        self.io_granted.pop(domain.pid or -1, None)
        domain.live = None
        if domain.pid is not None:
            self.by_pid.pop(domain.pid, None)
        domain.pid = domain.id = None
        domain.shutdown_at = None
        domain.reason = reason
        domain.paused = False
        domain.disk_errors = {}
        with contextlib.suppress(OSError):
            self.host.unlink(self.ops().actor, f"{STATUS}/{domain.name}.xml")
        if not domain.persistent:
            self.domains.pop(domain.name, None)

    def _remove_image_metadata(self, ops: HostAccess, live: DomainDef) -> None:
        """``qemuBlockRemoveImageMetadata``: both drivers, every chain element."""
        drivers = ["selinux", "dac"] if self.config.dynamic_ownership else ["selinux"]
        for disk in live.disks:
            for src in disk_chain(ops, disk):
                if src.path is None:
                    continue
                for driver in drivers:
                    try:
                        security_util.move_remembered_label(ops, driver, src.path, None)
                    except LibvirtError:
                        ops.warn(
                            f"Unable to remove disk metadata on vm {live.name} from {src.path} "
                            f"(disk target {disk.target})"
                        )

    # -- hotplug (libvirt.md 5.4) ------------------------------------------------------------------

    @about_domain
    def attach_disk(self, key: str, disk: Disk, *, live: bool, config: bool) -> Domain:
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
            self._hotplug(domain, copy.deepcopy(disk))
        if config:
            add_disk(domain.definition, disk)
            self._write(
                f"{DEFINITIONS}/{domain.name}.xml",
                format_domain(domain.definition, inactive=True, machine=self.machine_type),
            )
        return domain

    def _hotplug(self, domain: Domain, disk: Disk) -> None:
        assert domain.live is not None
        assert self.manager is not None
        qemu = self.host.processes.get(domain.pid or -1)
        assert qemu is not None
        add_disk(domain.live, disk)
        ops = self.ops(qemu.ns_id) if domain.namespaces else self.ops()
        try:
            if domain.namespaces:
                host_view = self.ops().actor
                paths = [s.path for s in disk_chain(self.ops(), disk) if s.path]
                namespace.mknod_paths(
                    self.host,
                    host_view,
                    ops.actor,
                    namespace.dev_paths(self.host, host_view, paths),
                )
            self.manager.set_image_label(ops, domain.live, disk.target, lock=domain.remember_owner)
        except Exception as error:
            # qemuDomainAttachDiskGeneric's cleanup: the disk leaves the live definition;
            # labels a committed driver set stay (virSecurityStackTransactionCommit).
            domain.live.disks.remove(disk)
            raise _as_libvirt_error(error, f"unable to prepare {disk.src.path}") from None
        failure, handle = open_disk_for_io(self.host, qemu, disk, node_index(domain.live, disk))
        if handle is not None:
            self.qemu_files.setdefault(qemu.pid, {})[disk.target] = handle
        if failure is not None:
            self.manager.restore_image_label(
                ops, domain.live, disk.target, lock=domain.remember_owner
            )
            domain.live.disks.remove(disk)
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"unable to execute QEMU command 'blockdev-add': Could not open "
                f"'{failure.path}': {errno_table.strerror(failure.errno)}",
            )
        self._write_status(domain)

    @about_domain
    def detach_disk(self, key: str, target: str, *, live: bool, config: bool) -> Domain:
        domain = self.lookup(key)
        if live:
            if domain.live is None:
                raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
            disk = _find_disk(domain.live, target)
            assert self.manager is not None
            qemu = self.host.processes.get(domain.pid or -1)
            ops = self.ops(qemu.ns_id) if qemu is not None and domain.namespaces else self.ops()
            self.manager.restore_image_label(
                ops,
                domain.live,
                disk.target,
                lock=domain.remember_owner,
                after_driver=self._after_unplug_driver,
            )
            domain.live.disks.remove(disk)
            self.qemu_files.get(domain.pid or -1, {}).pop(disk.target, None)
            domain.disk_errors.pop(disk.target, None)
            self._write_status(domain)
        if config:
            disk = _find_disk(domain.definition, target)
            domain.definition.disks.remove(disk)
            self._write(
                f"{DEFINITIONS}/{domain.name}.xml",
                format_domain(domain.definition, inactive=True, machine=self.machine_type),
            )
        return domain


def _as_libvirt_error(error: Exception, what: str) -> Exception:
    """The error a failed operation reports: libvirt's own, a system error, or the model's
    refusal as an internal error. Anything else is a bug of the lab and is raised as is."""
    if isinstance(error, LibvirtError):
        return error
    if isinstance(error, OSError):
        return system_error(error.errno or 0, what)
    if isinstance(error, SeclabError):
        return LibvirtError(ErrorCode.INTERNAL_ERROR, str(error))
    return error


def _log_text(error: Exception) -> str:
    if isinstance(error, NotModelled):
        return f"seclab: not modelled: {error}"
    return error.strerror or "" if isinstance(error, OSError) else str(error)


def _status_number(root: ET.Element, name: str, error: str) -> int:
    """``virDomainObjParseXML``'s ``virXPathLong("string(./@pid)")`` and friends."""
    text = root.get(name, "0").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, error)
    return int(text)


def _find_disk(domain: DomainDef, target: str) -> Disk:
    for disk in domain.disks:
        if target in (disk.target, disk.src.path):
            return disk
    raise LibvirtError(ErrorCode.OPERATION_FAILED, f"disk {target} not found")
