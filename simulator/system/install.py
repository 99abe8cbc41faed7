"""The installer: turns an empty kernel into a profile's host as it stands after boot.

Inodes are placed straight into filesystems, as an installer writing a disk image would;
nothing goes through system calls. Files carry ``system_u`` and the type the profile's
tables give them.
"""

from __future__ import annotations

from simulator.kernel.base import KernelBase, set_label
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import DeviceNumber, Inode, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.mounts import Location
from simulator.kernel.process import UNSET_ID, Process
from simulator.system.profile import BootProcess, HostProfile, Service, system_context


def _owner(text: str) -> tuple[int, int]:
    uid, gid = text.split(":")
    return int(uid), int(gid)


class Builder:
    """Places inodes straight into filesystems, as an installer would."""

    def __init__(self, kernel: KernelBase, root: Location) -> None:
        self.kernel = kernel
        self.root = root

    def lookup(self, path: str) -> Location:
        loc = self.root
        for part in (p for p in path.split("/") if p):
            inode = self.kernel.inode_at(loc)
            ino = inode.child(part)
            assert ino is not None, f"{path}: {part} missing"
            loc = self.kernel.cross_mounts(Location(loc.mount_id, ino))
        return loc

    def place(self, path: str, kind: Kind, owner: str, mode: int, label: str) -> Inode:
        parent_path, _, name = path.rpartition("/")
        parent_loc = self.lookup(parent_path or "/")
        fs = self.kernel.fs_at(parent_loc)
        directory = fs.inodes[parent_loc.ino]
        inode = fs.allocate(kind, *_owner(owner), mode, self.kernel.clock.boot_time)
        set_label(inode, label)
        inode.nlink = 1
        if kind is Kind.DIRECTORY:
            inode.nlink = 2
            inode.parent = directory.ino
            directory.nlink += 1
        assert directory.entries is not None
        directory.entries[name] = inode.ino
        fs.names_changed()
        return inode


def host_builder(kernel: KernelBase, profile: HostProfile) -> Builder:
    return Builder(kernel, kernel.ns_root(profile.host_ns_id))


def install(kernel: Kernel, profile: HostProfile) -> None:
    """Turn an empty kernel into the profile's host, its boot processes and services up."""
    kernel.security = SelinuxLsm()
    boot = kernel.clock.boot_time
    filesystems: dict[str, Filesystem] = {}
    for spec in profile.mounts:
        fs = kernel.new_filesystem(
            spec.fstype,
            spec.source,
            dev=DeviceNumber.parse(spec.dev),
            audit_dev=spec.audit_dev,
            first_ino=spec.first_ino,
            root_mode=spec.root_mode,
            root_label=system_context(spec.root_type),
        )
        fs.root.mtime = fs.root.ctime = fs.root.atime = boot
        filesystems[spec.path] = fs
    host_ns = kernel.new_namespace(filesystems["/"], ns_id=profile.host_ns_id)
    builder = Builder(kernel, kernel.ns_root(host_ns.ns_id))
    mounted = {"/"}
    for path, owner, mode, label in profile.directories:
        builder.place(path, Kind.DIRECTORY, owner, mode, label)
        if path in filesystems and path not in mounted:
            # The mount point exists on the parent filesystem; mount over it.
            kernel.attach(builder.lookup(path), filesystems[path], filesystems[path].root_ino)
            mounted.add(path)
    make_runtime_dirs(kernel, profile)
    for path, target, type_ in profile.symlinks:
        inode = builder.place(path, Kind.SYMLINK, "0:0", 0o777, system_context(type_))
        inode.target = target
        inode.size = len(target)
    for path, kind, rdev, owner, mode, type_ in profile.devices:
        inode = builder.place(path, kind, owner, mode, system_context(type_))
        inode.rdev = DeviceNumber.parse(rdev)
    for file in profile.files:
        inode = builder.place(
            file.path, Kind.REGULAR, file.owner, file.mode, system_context(file.type)
        )
        inode.data = file.content.encode()
        inode.size = len(inode.data) if file.size is None else file.size
    filesystems["/"].next_ino = profile.root_first_new_ino
    kernel.proc_fs_id = filesystems["/proc"].fs_id
    # kdevtmpfs lives in a namespace of its own whose root is the devtmpfs.
    kernel.new_namespace(filesystems["/dev"], ns_id=profile.kdevtmpfs_ns_id)
    started: list[BootProcess | Service] = [*profile.processes, *profile.services]
    for entry in sorted(started, key=_pid_of):
        if isinstance(entry, BootProcess):
            spawn_boot_process(kernel, profile, entry)
        else:
            start_service(kernel, entry, pid=entry.boot_pid)
    for proc in kernel.processes.values():
        proc.start_time = boot


def _pid_of(entry: BootProcess | Service) -> int:
    return entry.pid if isinstance(entry, BootProcess) else entry.boot_pid


def make_runtime_dirs(kernel: KernelBase, profile: HostProfile) -> None:
    """``systemd-tmpfiles --create`` at boot: the profile's directories on its tmpfs mounts."""
    builder = host_builder(kernel, profile)
    for entry in profile.runtime_dirs:
        builder.place(entry.path, Kind.DIRECTORY, entry.owner, entry.mode, entry.type)


def spawn_boot_process(kernel: Kernel, profile: HostProfile, entry: BootProcess) -> None:
    ns_id = profile.host_ns_id if entry.ns == "host" else profile.kdevtmpfs_ns_id
    proc = kernel.spawn(
        pid=entry.pid,
        ppid=entry.ppid,
        comm=entry.comm,
        argv=entry.argv,
        exe=entry.exe,
        uid=entry.uid,
        gid=entry.uid,
        groups=(0,),
        context=entry.context,
        ns_id=ns_id,
        cwd=entry.cwd,
        auid=0 if entry.login else UNSET_ID,
        ses=1 if entry.login else UNSET_ID,
        tty="pts0" if entry.login else None,
    )
    proc.open_files = entry.open_files


def start_service(kernel: Kernel, service: Service, *, pid: int | None = None) -> Process:
    """systemd starts ``service``'s main process (a child of init, as root, in the unit's
    context); an audit daemon becomes where the kernel sends its records."""
    proc = kernel.spawn(
        pid=pid,
        comm=service.comm,
        argv=service.argv,
        exe=service.exe,
        uid=0,
        gid=0,
        groups=(0,),
        context=service.context,
        ppid=1,
    )
    if service.role == "audit":
        kernel.audit.daemon_pid = proc.pid
    return proc
