"""The qemu process (``src/qemu/qemu_process.c``): started in libvirt's phases (prepare the
domain, prepare the host, launch, finish), stopped, and reconnected to by a restarted daemon.

qemu itself, as far as labels matter: it opens its disks through its own mount namespace,
as uid ``qemu`` with its SELinux context, and reports failures as qemu does. The file layer
opens read-only (``auto-read-only``); the format layer then needs it read-write unless the
disk is read-only. Which layer fails decides the ``-blockdev`` text in qemu's log line.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from simulator.errors import NotModelled, SeclabError
from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.calls_files import OpenFile
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt import qemu_namespace, security_util
from simulator.libvirt.domain_status import Status, format_status, parse_status, status_path
from simulator.libvirt.domain_xml import MACHINE_TYPE, Disk, DomainDef, copy_definition
from simulator.libvirt.host_access import HostAccess, process_copy
from simulator.libvirt.security_dac import parse_ids
from simulator.libvirt.storage import BrokenChain, determine_disk_chain, disk_chain
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import DaemonCrashed, ErrorCode, LibvirtError, system_error
from simulator.system import accounts

if TYPE_CHECKING:
    from simulator.libvirt.qemu_driver import Daemon

QEMU_LOG_MICROS_STEP = 104729  # host.md: qemu log lines' microseconds


@attrs.frozen(repr=False, eq=False)
class OpenFailure:
    """Why qemu could not open a disk: the ``-blockdev`` argument and the errno."""

    blockdev: str
    path: str
    errno: int

    def message(self) -> str:
        return (
            f"-blockdev {self.blockdev}: Could not open '{self.path}': {errno.strerror(self.errno)}"
        )


def node_index(domain: DomainDef, disk: Disk) -> int:
    """libvirt numbers blockdev nodes so that the last disk gets ``libvirt-1``."""
    return len(domain.disks) - domain.disks.index(disk)


# The -blockdev arguments are JSON objects whose only free values are strings, so they are
# written as text around strings written as ``json.dumps`` writes them: ASCII, with JSON's
# two-character escapes, ``\u00XX`` for the other control characters and DEL, and ``\uXXXX``
# (a surrogate pair above U+FFFF) for the rest (json.encoder: py_encode_basestring_ascii).
# Written out here so that a start does not import the json package.
_JSON_ASCII_ESCAPES = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7F)} | {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\b"): "\\b",
    ord("\f"): "\\f",
}


def _json_wide(code: int) -> str:
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10) & 0x3FF:04x}\\u{0xDC00 | code & 0x3FF:04x}"


def _json_string(text: str) -> str:
    """``json.dumps(text)``."""
    escaped = text.translate(_JSON_ASCII_ESCAPES)
    if not escaped.isascii():
        escaped = "".join(c if c.isascii() else _json_wide(ord(c)) for c in escaped)
    return f'"{escaped}"'


def _storage_arg(path: str, index: int) -> str:
    """``{"driver":"file","filename":PATH,"node-name":"libvirt-N-storage",
    "auto-read-only":true,"discard":"unmap"}``: what ``json.dumps`` gives (compact)."""
    # libvirt: qemuBlockStorageSourceGetBackendProps (the file backend)
    return (
        f'{{"driver":"file","filename":{_json_string(path)},'
        f'"node-name":"libvirt-{index}-storage","auto-read-only":true,"discard":"unmap"}}'
    )


def _format_arg(disk: Disk, index: int) -> str:
    """``{"node-name":"libvirt-N-format","read-only":BOOL,"driver":FORMAT,
    "file":"libvirt-N-storage","backing":null}`` (compact JSON)."""
    # libvirt: qemuBlockStorageSourceGetFormatProps
    read_only = "true" if disk.readonly else "false"
    driver = _json_string(disk.driver_type or "raw")
    return (
        f'{{"node-name":"libvirt-{index}-format","read-only":{read_only},"driver":{driver},'
        f'"file":"libvirt-{index}-storage","backing":null}}'
    )


def open_disk(kernel: Kernel, qemu: Process, disk: Disk, index: int) -> OpenFailure | None:
    """Open one disk the way QEMU >= 4.0 does with ``auto-read-only``; None when it worked."""
    failure, _ = open_disk_for_io(kernel, qemu, disk, index)
    return failure


def open_disk_for_io(
    kernel: Kernel, qemu: Process, disk: Disk, index: int
) -> tuple[OpenFailure | None, OpenFile | None]:
    """Open one disk; the failure, or the file qemu keeps open for the guest's I/O.

    QEMU: block/file-posix.c. ``raw_open_common`` calls ``raw_parse_flags`` with no writer
    yet, so with ``auto-read-only`` the storage node is opened ``O_RDONLY`` ("file-posix:
    Make auto-read-only dynamic"); a failure here is the storage node's ``-blockdev``.
    When the format node takes the write permission (a disk that is not read-only),
    ``raw_check_perm`` -> ``raw_reconfigure_getfd`` reopens the file ``O_RDWR``; a
    failure there is reported against the format node's ``-blockdev``.
    """
    path = disk.src.path
    if path is None:
        return None, None
    try:
        handle = kernel.open(qemu, path, open_flags.O_RDONLY | open_flags.O_CLOEXEC)
    except OSError as error:
        return OpenFailure(_storage_arg(path, index), path, error.errno or errno.EIO), None
    if disk.readonly:
        return None, handle
    try:
        handle = kernel.open(qemu, path, open_flags.O_RDWR | open_flags.O_CLOEXEC)
    except OSError as error:
        return OpenFailure(_format_arg(disk, index), path, error.errno or errno.EIO), None
    return None, handle


def log_line(kernel: Kernel, text: str, number: int) -> str:
    """``2025-06-04T09:58:24.745572Z qemu-kvm: TEXT``, microseconds from the ``number``-th
    line qemu processes have logged on this host (host.md)."""
    micros = (number * QEMU_LOG_MICROS_STEP) % 1000000
    t = time.gmtime(kernel.clock.now)
    stamp = (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d}Z"
    )
    return f"{stamp} qemu-kvm: {text}"


TASK_COMM_LEN = 16  # the kernel keeps 15 bytes of a process name and a NUL


def process_name(domain: DomainDef) -> str:
    """QEMU's ``-name ...,process=qemu:NAME`` sets the thread name with ``prctl(PR_SET_NAME)``
    (QEMU: os-posix.c ``os_set_proc_name``), which the kernel truncates to 15 bytes."""
    return f"qemu:{domain.name}".encode()[: TASK_COMM_LEN - 1].decode(errors="ignore")


def command_line(
    domain: DomainDef, machine: str = MACHINE_TYPE, *, set_process_name: bool = False
) -> tuple[str, ...]:
    """The qemu command line (deterministic; shortened where host.md allows)."""
    # libvirt: qemuBuildNameCommandLine
    process = f",process=qemu:{domain.name}" if set_process_name else ""
    argv = [
        "/usr/libexec/qemu-kvm",
        "-name",
        f"guest={domain.name}{process},debug-threads=on",
        "-S",
        "-object",
        '{"qom-type":"secret","id":"masterKey0","format":"raw","file":'
        f'"/var/lib/libvirt/qemu/domain-{domain.name}/master-key.aes"}}',
        "-machine",
        f"{machine},usb=off,dump-guest-core=off",
        "-accel",
        "kvm" if domain.virt_type == "kvm" else "tcg",
    ]
    count = len(domain.disks)
    for position, disk in enumerate(domain.disks):
        if disk.src.path is not None:  # (node_index, by position)
            argv += ["-blockdev", _storage_arg(disk.src.path, count - position)]
    return tuple(argv)


# -- start -------------------------------------------------------------------------------------


@attrs.frozen(repr=False, eq=False)
class StorageRefusal:
    """A start refused by ``virStorageSourceReportBrokenChain``: who could not reach what."""

    domain: str
    path: str
    uid: int
    gid: int
    groups: tuple[int, ...]


@attrs.define(repr=False, eq=False)
class _Launch:
    """How far a start got: the forked qemu, and whether every label was set."""

    qemu: Process | None = None
    labelled: bool = False


def start(driver: Daemon, domain: Domain) -> None:
    """Start qemu for ``domain``; on a failure the host is left as libvirt leaves it."""
    # libvirt: qemuProcessStart
    assert driver.manager is not None
    # libvirt: qemuProcessInit (virDomainObjSetDefTransient: the live definition)
    live = copy_definition(domain.definition)
    domain.live = live
    job = _Launch()
    try:
        prepare_domain(driver, domain, live)
        prepare_host(driver, live)
        launch(driver, domain, live, job)
    except DaemonCrashed:
        # The daemon died mid-start: qemu, waiting on its handshake, goes with it, and
        # nothing is restored.
        if job.qemu is not None and job.qemu.pid in driver.host.processes:
            driver.host.exit(job.qemu.pid)
        raise
    except Exception as error:
        # qemuProcessStart's "stop:" label: qemuProcessStop, with
        # VIR_QEMU_PROCESS_STOP_NO_RELABEL unless every label was set. Whatever failed,
        # the host is left as libvirt leaves it, and the caller gets libvirt's error.
        stop(driver, domain, relabel=job.labelled, reason="failed")
        raise as_libvirt_error(error, "failed to start qemu") from None
    finish(driver, domain)


def prepare_domain(driver: Daemon, domain: Domain, live: DomainDef) -> None:
    """The domain's labels: the MCS pair is allocated and the process and image labels
    generated (``qemuSecurityGenLabel``); whether owners are remembered is qemu.conf's
    ``remember_owner`` of now, kept for the domain's life (``priv->rememberOwner``)."""
    # libvirt: qemuProcessPrepareDomain
    assert driver.manager is not None
    domain.remember_owner = driver.config.remember_owner
    driver.manager.gen_label(live)


def group_list(ops: HostAccess, uid: int, gid: int) -> tuple[int, ...]:
    """``virGetGroupList``: the user's primary group (``getpwuid_r``) and the groups that list
    it as a member (``getgrouplist``), then ``gid`` if it is not among them; only ``gid`` for
    a uid without a passwd entry."""
    user = accounts.entry_with_id(ops.read_text(accounts.PASSWD_PATH), uid)
    if user is None or len(user.fields) < 4 or not user.fields[3].isdigit():
        return (gid,)
    return _group_list(ops.read_text(accounts.GROUP_PATH), user.name, int(user.fields[3]), gid)


@functools.lru_cache(maxsize=16)
def _group_list(group_text: str, user: str, primary: int, gid: int) -> tuple[int, ...]:
    """``getgrouplist`` of the group database's text (read afresh by every fork, so a
    changed file is a new key), and ``gid``: the same answer until the file changes."""
    groups = [primary]
    groups += (g for g in accounts.groups_with_member(group_text, user) if g not in groups)
    if gid not in groups:
        groups.append(gid)
    return tuple(groups)


def prepare_host(driver: Daemon, live: DomainDef) -> None:
    """Every disk's chain is determined, once, and kept in the live definition; the image
    user must reach every image of it."""
    # libvirt: qemuProcessPrepareHost -> qemuProcessPrepareHostStorage (the disks from the
    # last to the first) -> qemuDomainDetermineDiskChain
    ops = driver.ops()
    user = image_user(driver, live)
    for disk in reversed(live.disks):
        try:
            determine_disk_chain(ops, user, disk)
        except BrokenChain as error:
            if error.as_ids is not None:
                probe = user(disk)
                driver.last_refusal = StorageRefusal(
                    live.name, error.path, probe.uid, probe.gid, probe.groups
                )
            raise


def image_user(driver: Daemon, domain: DomainDef) -> Callable[[Disk], Process]:
    """The daemon as a disk's image ids (``qemuDomainGetImageIds``), in the child
    ``virFileAccessibleAs`` forks for the access check: made when a check needs it, once per
    ids for the whole operation."""
    made: dict[tuple[int, int], Process] = {}

    def user(disk: Disk) -> Process:
        ids = image_ids(driver, domain, disk)
        probe = made.get(ids)
        if probe is None:
            probe = made[ids] = accessible_as(driver, *ids)
        return probe

    return user


def image_ids(driver: Daemon, domain: DomainDef, disk: Disk) -> tuple[int, int]:
    """qemu.conf's ids, then the domain's DAC label, then the disk's own DAC label."""
    # libvirt: qemuDomainGetImageIds (virParseOwnershipIds; a label that does not parse
    # leaves the ids as they were, its error is not checked there)
    assert driver.manager is not None
    ids = driver.manager.qemu_user
    dac = domain.seclabel("dac")
    per_disk = disk.src.seclabel("dac")
    for label in (dac.label if dac is not None else None, per_disk and per_disk.label):
        if label:
            with contextlib.suppress(LibvirtError):
                ids = parse_ids(driver.ops(), label)
    return ids


def accessible_as(driver: Daemon, uid: int, gid: int) -> Process:
    """The daemon's forked child as ``uid``:``gid`` with that user's groups."""
    # libvirt: virFileAccessibleAs (virGetGroupList, virFork, virSetUIDGID)
    probe = process_copy(driver.ops().actor)
    probe.uid, probe.gid, probe.groups = uid, gid, group_list(driver.ops(), uid, gid)
    return probe


def launch(driver: Daemon, domain: Domain, live: DomainDef, job: _Launch) -> None:
    """Fork qemu; the child builds its namespace and waits while the daemon labels
    everything; then it execs qemu, which opens its disks."""
    # libvirt: qemuProcessLaunch
    assert driver.manager is not None
    host = driver.host
    # libvirt: qemuProcessEnableDomainNamespaces (qemu.conf's namespaces)
    domain.namespaces = driver.config.mount_namespace
    # libvirt: virCommandRunAsync (the fork; the child runs qemuProcessHook)
    qemu = host.spawn(
        comm="qemu-kvm",
        argv=command_line(
            live, driver.machine_type, set_process_name=driver.config.set_process_name
        ),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context=driver.ops().actor.context,
        ppid=1,
    )
    job.qemu = qemu
    driver.launched[qemu.pid] = copy_definition(live)
    domain.pid = qemu.pid
    driver.by_pid[qemu.pid] = domain
    domain.id = driver.next_id
    driver.domains.note_id(domain)
    ops = driver.ops()
    if domain.namespaces:
        ops = qemu_namespace.build_namespace(driver, qemu, live)
    driver.step("namespace-built")
    # libvirt: qemuSecuritySetAllLabel (in the parent, while the child waits)
    driver.manager.set_all_label(
        ops, live, lock=domain.remember_owner, after_driver=driver.after_driver
    )
    job.labelled = True
    exec_qemu(driver, qemu, live)
    wait_for_monitor(driver, domain, qemu, live)


def exec_qemu(driver: Daemon, qemu: Process, live: DomainDef) -> None:
    """The child execs qemu with the process label and the DAC label's ids (qemu.conf's
    without one), with that uid's groups."""
    # libvirt: qemuSecuritySetChildProcessLabel (virSecurityDACSetChildProcessLabel:
    # virSecurityDACGetIds, virCommandSetUID/GID; virSecuritySELinuxSetChildProcessLabel),
    # then virExec: virGetGroupList(cmd->uid, cmd->gid), virSetUIDGIDWithCaps, execve
    assert driver.manager is not None
    uid, gid = driver.manager.qemu_user
    dac = live.seclabel("dac")
    if dac is not None and dac.label:
        uid, gid = parse_ids(driver.ops(), dac.label)
    qemu.uid, qemu.gid, qemu.groups = uid, gid, group_list(driver.ops(), uid, gid)
    if driver.config.set_process_name:
        qemu.comm = process_name(live)
    selinux = live.seclabel("selinux")
    if selinux is not None and selinux.label:
        qemu.context = selinux.label


def wait_for_monitor(driver: Daemon, domain: Domain, qemu: Process, live: DomainDef) -> None:
    """qemu opens every disk; one it cannot open makes it exit, and libvirt reports qemu's
    last log line."""
    # libvirt: qemuProcessWaitForMonitor (qemuProcessReportLogError)
    count = len(live.disks)
    for position, disk in enumerate(live.disks):  # (node_index, by position)
        failure, handle = open_disk_for_io(driver.host, qemu, disk, count - position)
        if handle is not None:
            driver.guests.opened(domain, disk.target, handle)
        if failure is not None:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                "process exited while connecting to monitor: "
                + log_line(driver.host, failure.message(), driver.userspace.next_qemu_log_line()),
            )


def finish(driver: Daemon, domain: Domain) -> None:
    """The domain runs: its id is taken, its state is running (booted), its status saved."""
    # libvirt: qemuProcessFinishStartup (virDomainObjSetState, virDomainObjSave)
    driver.next_id += 1
    domain.reason = "booted"
    driver.guests.started(domain)
    write_status(driver, domain)


def write_status(driver: Daemon, domain: Domain) -> None:
    # libvirt: virDomainObjSave
    driver.write(status_path(domain.name), format_status(domain, driver.machine_type))


# -- stop --------------------------------------------------------------------------------------


def stop(driver: Daemon, domain: Domain, *, relabel: bool, reason: str = "unknown") -> None:
    """Kill qemu, restore labels in the host namespace, wipe the remembered xattrs of every
    image of every disk chain, release the MCS pair."""
    # libvirt: qemuProcessStop
    host = driver.host
    live = domain.live
    if domain.pid is not None and domain.pid in host.processes:
        host.exit(domain.pid)
    if domain.pid is not None and domain.pid not in host.audited_pids:
        driver.launched.pop(domain.pid, None)
    if live is not None and driver.manager is not None:
        ops = driver.ops()
        if relabel:
            driver.manager.restore_all_label(ops, live, lock=domain.remember_owner)
            driver.step("before-xattr-wipe")
            if domain.remember_owner:
                remove_image_metadata(driver, ops, live)
        driver.manager.release_label(live)
    driver.guests.stopped(domain)
    domain.live = None
    if domain.pid is not None:
        driver.by_pid.pop(domain.pid, None)
    driver.domains.forget_id(domain.id)
    domain.pid = domain.id = None
    domain.shutdown_at = None
    domain.reason = reason
    domain.paused = False
    with contextlib.suppress(OSError):
        host.unlink(driver.ops().actor, status_path(domain.name))
    if not domain.persistent:
        driver.domains.pop(domain.name, None)


def remove_image_metadata(driver: Daemon, ops: HostAccess, live: DomainDef) -> None:
    """Both drivers, every chain element."""
    # libvirt: qemuBlockRemoveImageMetadata
    drivers = ["selinux", "dac"] if driver.config.dynamic_ownership else ["selinux"]
    for disk in live.disks:
        for src in disk_chain(ops, disk):  # the chain determined at start
            if src.path is None:
                continue
            for name in drivers:
                try:
                    security_util.move_remembered_label(ops, name, src.path, None)
                except LibvirtError:
                    ops.warn(
                        f"Unable to remove disk metadata on vm {live.name} from {src.path} "
                        f"(disk target {disk.target})"
                    )


def handle_monitor_eof(driver: Daemon, domain: Domain) -> None:
    """qemu died (``kill -9``): the monitor's end of file stops the domain as crashed."""
    # libvirt: qemuProcessHandleMonitorEOF -> qemuProcessStop
    stop(driver, domain, relabel=True, reason="crashed")


# -- reconnect ---------------------------------------------------------------------------------


def load_status(driver: Daemon, path: str) -> tuple[Domain, Status] | None:
    """A status file read into the driver's list at daemon start, before the definitions:
    the running domain it names, transient until a definition says otherwise; None (and
    logged) when it does not load."""
    # libvirt: virDomainObjListLoadAllConfigs (liveStatus) -> virDomainObjListLoadStatus
    try:
        status = parse_status(
            driver.host.read_file(driver.ops().actor, path).decode(errors="replace"), path
        )
        live = status.live
        if driver.domains.find_by_uuid(live.uuid) is not None:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR, f"unexpected domain {live.name} already exists"
            )
        if live.name in driver.domains:
            # virDomainObjListAddObjLocked -> virHashAddEntry on objsName
            raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"Duplicate hash table key '{live.name}'")
    except (SeclabError, OSError) as error:
        load_failed(driver, path, error)
        return None
    domain = Domain(copy_definition(live), persistent=False, live=live)
    domain.pid = status.pid
    domain.id = status.id
    driver.domains[live.name] = domain  # (notes the id too)
    # qemuStateInitialize: qemuDomainFindMaxID over what the status files loaded
    driver.next_id = max(driver.next_id, (domain.id or 0) + 1)
    return domain, status


def reconnect(driver: Daemon, domain: Domain, status: Status) -> None:
    """A restarted daemon takes a running domain back (after the definitions loaded): its
    labels are checked and its MCS pair reserved; a domain whose qemu is gone is stopped."""
    # libvirt: qemuProcessReconnectAll -> qemuProcessReconnect
    host = driver.host
    live = status.live
    driver.by_pid[status.pid] = domain
    domain.remember_owner = status.remember_owner
    domain.namespaces = status.namespaces
    # (qemuProcessUpdateState then asks QEMU, which is in the state the file records)
    domain.paused = status.paused
    domain.reason = status.reason
    qemu = host.processes.get(status.pid)
    if qemu is None:
        stop(driver, domain, relabel=True, reason="crashed")  # the process is gone
        return
    driver.guests.started(domain)
    assert driver.manager is not None
    try:
        # libvirt: qemuSecurityCheckAllLabel
        driver.manager.check_all_label(live)
    except LibvirtError as error:
        driver.error(str(error))
    try:
        # libvirt: qemuSecurityReserveLabel
        driver.manager.reserve_label(live, qemu.context)
    except LibvirtError as error:
        driver.error(str(error))
        stop(driver, domain, relabel=True, reason="failed")


# -- errors ------------------------------------------------------------------------------------


def as_libvirt_error(error: Exception, what: str) -> Exception:
    """The error a failed operation reports: libvirt's own, a system error, or the model's
    refusal as an internal error. Anything else is a bug of the lab and is raised as is."""
    if isinstance(error, LibvirtError):
        return error
    if isinstance(error, OSError):
        return system_error(error.errno or 0, what)
    if isinstance(error, SeclabError):
        return LibvirtError(ErrorCode.INTERNAL_ERROR, str(error))
    return error


def load_failed(driver: Daemon, path: str, error: Exception) -> None:
    """A definition or status file that does not load: the error, then the file's domain
    name (the file name without ``.xml``); the daemon goes on with the others."""
    # libvirt: virDomainObjListLoadAllConfigs ("Failed to load config for domain '%s'",
    # after the error its load reported)
    driver.error(log_text(error))
    name = path.rpartition("/")[2].removesuffix(".xml")
    driver.error(f"Failed to load config for domain '{name}'")


def log_text(error: Exception) -> str:
    """An error as the daemon's log line gives it."""
    if isinstance(error, NotModelled):
        return f"seclab: not modelled: {error}"
    return error.strerror or "" if isinstance(error, OSError) else str(error)
