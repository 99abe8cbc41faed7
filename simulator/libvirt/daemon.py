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
from os import strerror
from typing import Concatenate, ParamSpec, TypeVar

import attrs

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
from simulator.libvirt.qemu_process import command_line, log_line, node_index, open_disk
from simulator.libvirt.security_dac import parse_ids
from simulator.libvirt.security_manager import SecurityManager
from simulator.libvirt.storage import disk_chain
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error
from simulator.system import accounts
from simulator.system.profiles import DEFAULT_PROFILE, get_profile
from simulator.system.userspace import Userspace

CONFIG_PATH = "/etc/libvirt/qemu.conf"
DEFINITIONS = "/etc/libvirt/qemu"
STATUS = "/run/libvirt/qemu"
# The daemon's command line and context are the profile's (its services table); these
# names stay for old imports.
DAEMON_ARGV = get_profile(DEFAULT_PROFILE).service_for("libvirt").argv
DAEMON_CONTEXT = get_profile(DEFAULT_PROFILE).service_for("libvirt").context


# ``lab fault add step NAME``: where the daemon can be made to die, as if it crashed there.
STEPS = {
    "namespace-built": "start: after the domain's /dev namespace is built",
    "selinux-labelled": "start: after SELinux labelling, before DAC labelling",
    "dac-labelled": "start: after DAC labelling, before qemu runs",
    "unplug-selinux-restored": "hot-unplug: after the SELinux restore, before the DAC restore",
    "before-xattr-wipe": "stop: after restoring labels, before wiping remembered xattrs",
}


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

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def active(self) -> bool:
        return self.live is not None

    @property
    def state(self) -> str:
        return "running" if self.active else "shut off"


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
        # The labelled definition each qemu was started with, by pid (for lab explain).
        self.launched: dict[int, DomainDef] = {}
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
        ops = self.ops()
        try:
            self.config = load_config(ops.read_text(CONFIG_PATH), CONFIG_PATH)
            self.manager = SecurityManager.create(ops, self.config, self.mcs, self.host.random)
        except LibvirtError as error:
            self.failure = error
            self.error(str(error))
            self.error("Failed to initialize security drivers")
            return
        except OSError as error:
            self.failure = system_error(error.errno or 0, f"cannot read {CONFIG_PATH}")
            return
        for name in self.host.listdir(ops.actor, DEFINITIONS):
            if name.endswith(".xml"):
                try:
                    definition = parse_domain(ops.read_text(f"{DEFINITIONS}/{name}"))
                except (LibvirtError, OSError) as error:
                    self.error(f"Error loading config file '{name}': {error}")
                    continue
                self.domains[definition.name] = Domain(definition, persistent=True)
        try:
            names = self.host.listdir(ops.actor, STATUS)
        except OSError:
            names = []
        for name in names:
            if name.endswith(".xml"):
                self._reconnect(f"{STATUS}/{name}")

    def _reconnect(self, path: str) -> None:
        ops = self.ops()
        try:
            root = parse_xml(ops.read_text(path))
            inner = root.find("domain")
            live = domain_from_element(root if inner is None else inner, live=True)
        except (LibvirtError, OSError) as error:
            self.error(f"Failed to load status file {path}: {error}")
            return
        pid = int(root.get("pid", "0"))
        domain = self.domains.get(live.name) or Domain(copy.deepcopy(live), persistent=False)
        domain.live = live
        domain.pid = pid
        domain.id = int(root.get("id", "0")) or None
        domain.remember_owner = root.find("rememberOwner") is not None
        domain.namespaces = root.find("namespaces") is not None
        self.next_id = max(self.next_id, (domain.id or 0) + 1)
        self.domains[live.name] = domain
        qemu = self.host.processes.get(pid)
        if qemu is None:
            self._stop(domain, relabel=True)  # the process is gone: a crash
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
            self._stop(domain, relabel=True)

    # -- lookups ----------------------------------------------------------------------------------

    @about_domain
    def lookup(self, key: str) -> Domain:
        """By id, then UUID, then name (``virshLookupDomainInternal``)."""
        for domain in self.domains.values():
            if key.isdigit() and domain.id == int(key):
                return domain
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
        """A qemu that died (``kill -9``) is noticed as a monitor EOF: the stop path runs."""
        for domain in list(self.domains.values()):
            if domain.active and domain.pid not in self.host.processes:
                self._stop(domain, relabel=True)

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
        if definition.name in self.domains:
            raise LibvirtError(
                ErrorCode.OPERATION_INVALID, f"domain '{definition.name}' already exists"
            )
        domain = Domain(definition, persistent=False)
        self.domains[definition.name] = domain
        try:
            self.start(domain)
        except LibvirtError:
            del self.domains[definition.name]
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
        self.manager.gen_label(live)
        domain.live = live
        domain.remember_owner = self.config.remember_owner
        domain.namespaces = self.config.mount_namespace
        relabel = False
        qemu: Process | None = None
        try:
            self._check_storage(live)
            daemon = self.ops().actor
            qemu = self.host.spawn(
                comm="qemu-kvm",
                argv=command_line(live, self.machine_type),
                exe="/usr/libexec/qemu-kvm",
                uid=0,
                gid=0,
                context=daemon.context,
                ppid=1,
            )
            self.launched[qemu.pid] = copy.deepcopy(live)
            domain.pid = qemu.pid
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
                failure = open_disk(self.host, qemu, disk, node_index(live, disk))
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
        except (LibvirtError, OSError) as error:
            self._stop(domain, relabel=relabel)
            if isinstance(error, OSError):
                raise system_error(error.errno or 0, "failed to start qemu") from None
            raise
        self.next_id += 1
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
        domain = self._active(key)
        self._stop(domain, relabel=True)
        return domain

    @about_domain
    def destroy(self, key: str) -> Domain:
        domain = self._active(key)
        self._stop(domain, relabel=True)
        return domain

    def _active(self, key: str) -> Domain:
        domain = self.lookup(key)
        if not domain.active:
            raise LibvirtError(ErrorCode.OPERATION_INVALID, "domain is not running")
        return domain

    def _stop(self, domain: Domain, *, relabel: bool) -> None:
        """``qemuProcessStop``: kill qemu, restore labels in the host namespace, wipe the
        remembered xattrs of every image of every disk chain, release the MCS pair."""
        live = domain.live
        if domain.pid is not None and domain.pid in self.host.processes:
            self.host.exit(domain.pid)
        if live is not None and self.manager is not None:
            ops = self.ops()
            if relabel:
                self.manager.restore_all_label(ops, live, lock=domain.remember_owner)
                self.step("before-xattr-wipe")
                if domain.remember_owner:
                    self._remove_image_metadata(ops, live)
            self.manager.release_label(live)
        domain.live = None
        domain.pid = domain.id = None
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
        except (LibvirtError, OSError):
            domain.live.disks.remove(disk)
            raise
        failure = open_disk(self.host, qemu, disk, node_index(domain.live, disk))
        if failure is not None:
            self.manager.restore_image_label(
                ops, domain.live, disk.target, lock=domain.remember_owner
            )
            domain.live.disks.remove(disk)
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"unable to execute QEMU command 'blockdev-add': Could not open "
                f"'{failure.path}': {strerror(failure.errno)}",
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
            self._write_status(domain)
        if config:
            disk = _find_disk(domain.definition, target)
            domain.definition.disks.remove(disk)
            self._write(
                f"{DEFINITIONS}/{domain.name}.xml",
                format_domain(domain.definition, inactive=True, machine=self.machine_type),
            )
        return domain


def _find_disk(domain: DomainDef, target: str) -> Disk:
    for disk in domain.disks:
        if target in (disk.target, disk.src.path):
            return disk
    raise LibvirtError(ErrorCode.OPERATION_FAILED, f"disk {target} not found")
