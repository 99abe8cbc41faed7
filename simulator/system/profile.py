"""A host profile: one target system (``ol9``, ...) as data.

Everything that differs between targets lives here, not in the modules that print it: the
identity and tool versions, the layout and labels of the installed files, the users, the
services with their units, sockets, contexts and start order, and the processes the kernel
and the lab's login session bring up at each boot. The installer
(:mod:`simulator.system.install`) and boot (:mod:`simulator.system.boot`) read these tables;
nothing there knows a path or a pid of its own.
"""

from __future__ import annotations

import attrs

from simulator.kernel.inode import Kind


def system_context(type_: str) -> str:
    """``system_u:object_r:TYPE:s0``: how the installer's files and directories are labelled."""
    return f"system_u:object_r:{type_}:s0"


@attrs.frozen(repr=False, eq=False)
class Package:
    """An installed package and its version (``rpm -q --qf '%{VERSION}'``)."""

    name: str
    version: str


@attrs.frozen(repr=False, eq=False)
class Mountpoint:
    """A filesystem mounted at boot (``/etc/fstab`` and systemd's API filesystems)."""

    path: str
    fstype: str
    source: str
    dev: str
    audit_dev: str
    first_ino: int
    root_mode: int
    root_type: str


@attrs.frozen(repr=False, eq=False)
class User:
    """A line of ``/etc/passwd``."""

    name: str
    uid: int
    gid: int
    gecos: str
    home: str
    shell: str

    def line(self) -> str:
        return f"{self.name}:x:{self.uid}:{self.gid}:{self.gecos}:{self.home}:{self.shell}\n"


@attrs.frozen(repr=False, eq=False)
class Group:
    """A line of ``/etc/group``."""

    name: str
    gid: int
    members: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.name}:x:{self.gid}:{','.join(self.members)}\n"


@attrs.frozen(repr=False, eq=False)
class InstalledFile:
    """A regular file as its package installed it: ``size`` None means ``len(content)``."""

    path: str
    owner: str
    mode: int
    type: str
    content: str = ""
    size: int | None = None


@attrs.frozen(repr=False, eq=False)
class RuntimeDir:
    """A directory created on a tmpfs at every boot (``tmpfiles.d``'s ``d`` lines), labelled
    from the file contexts as ``systemd-tmpfiles`` does."""

    path: str
    owner: str
    mode: int
    type: str


@attrs.frozen(repr=False, eq=False)
class BootProcess:
    """A process the kernel or the lab brings up at each boot with a fixed pid: init,
    kernel threads, and the lab's login shell (which the lab keeps across a reboot)."""

    pid: int
    ppid: int
    uid: int
    context: str
    comm: str
    argv: tuple[str, ...]
    exe: str
    ns: str  # "host", or "kdevtmpfs" for the namespace rooted at the devtmpfs
    cwd: str = "/"
    login: bool = False
    open_files: tuple[str, ...] = ()  # files it keeps open (umount of their mount is EBUSY)


@attrs.frozen(repr=False, eq=False)
class Service:
    """A systemd service started at boot, in the order of :attr:`HostProfile.services`.

    ``role`` says which part of the lab runs it ("audit": the kernel's audit daemon pid;
    "libvirt": the QEMU driver's daemon). ``boot_pid`` is its pid on the host as the lab
    first finds it; later starts take pids from the kernel's counter.
    """

    name: str
    role: str
    description: str
    exe: str
    argv: tuple[str, ...]
    context: str
    boot_pid: int
    sockets: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        return f"{self.name}.service"

    @property
    def comm(self) -> str:
        return self.exe.rpartition("/")[2][:15]


@attrs.frozen(repr=False, eq=False)
class SystemctlLayout:
    """How ``systemctl status`` lays out a unit (systemd's ``print_status_info``)."""

    label_width: int  # the field names are right-aligned to this width
    preset: str  # "preset" (systemd >= 252) or "vendor preset" (older)
    triggered_by: bool  # the TriggeredBy: line (systemd >= 245)


@attrs.frozen(repr=False, eq=False)
class HostProfile:
    """One target: identity, versions, the installed system and its services."""

    name: str
    hostname: str
    kernel_release: str
    host_ns_id: int
    kdevtmpfs_ns_id: int
    root_first_new_ino: int
    ps_pid_width: int  # procps get_pid_digits: the digits of pid_max - 1
    ps_memory: bool  # whether procps.PROGRAMS' VSZ/RSS figures were measured on this target
    pid_max: int  # /proc/sys/kernel/pid_max
    packages: tuple[Package, ...]
    mounts: tuple[Mountpoint, ...]
    directories: tuple[tuple[str, str, int, str], ...]
    devices: tuple[tuple[str, Kind, str, str, int, str], ...]
    symlinks: tuple[tuple[str, str, str], ...]
    users: tuple[User, ...]
    groups: tuple[Group, ...]
    files: tuple[InstalledFile, ...]
    runtime_dirs: tuple[RuntimeDir, ...]
    processes: tuple[BootProcess, ...]
    services: tuple[Service, ...]
    daemon_socket: str  # the socket virsh connects to (its error names it)
    systemctl: SystemctlLayout
    stat_call: str  # coreutils' stat error names the call: "statx" (8.32+) or "stat"
    setenforce_failed: str  # libselinux setenforce.c's message; {error} is strerror(errno)
    release: str  # "Oracle Linux 9": what the lab's help says it is
    # virGetVersion / virConnectGetVersion: major * 1,000,000 + minor * 1,000 + micro
    libvirt_version_number: int
    qemu_version_number: int
    machine_type: str  # what libvirt resolves ``q35`` to with this qemu-kvm
    rhel: str  # "RHEL 9": whose tools' output it follows
    # Commands whose output on this target differs from what the lab prints and is not
    # modelled: they are refused (``seclab: not modelled: ... on NAME``), never guessed.
    unmodelled_commands: tuple[str, ...] = ()
    # Units installed but not run by the lab (their status is not modelled): refused.
    unmodelled_units: tuple[str, ...] = ()

    def version(self, package: str) -> str:
        return next(p.version for p in self.packages if p.name == package)

    def service(self, name: str) -> Service | None:
        """The service a unit name reaches (its own name or an alias), if any."""
        name = name.removesuffix(".service")
        return next((s for s in self.services if name == s.name or name in s.aliases), None)

    def service_for(self, role: str) -> Service:
        return next(s for s in self.services if s.role == role)

    @property
    def login(self) -> BootProcess:
        return next(p for p in self.processes if p.login)

    @property
    def passwd(self) -> str:
        return "".join(user.line() for user in self.users)

    @property
    def group(self) -> str:
        return "".join(group.line() for group in self.groups)
