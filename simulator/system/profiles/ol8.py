"""Oracle Linux 8 with libvirt 8.0's monolithic ``libvirtd`` (the virt module's daemon).

Built from the ``ol9`` tables; what differs is below, each with its source:

* libvirt 8.0 runs one daemon, ``/usr/sbin/libvirtd --timeout 120`` in ``virtd_t``
  (``libvirtd.service``: "Virtualization daemon", ``man:libvirtd(8)``,
  ``https://libvirt.org``; sockets ``libvirtd.socket``, ``libvirtd-ro.socket``,
  ``libvirtd-admin.socket``; libvirt: ``src/remote/libvirtd.service.in``). Its range is
  ``s0-s0:c0.c1023`` from ``range_transition init_t virtd_exec_t:process s0 - s0:c0.c1023``
  (selinux-policy ``virt.te``: ``init_ranged_daemon_domain(virtd_t, virtd_exec_t,
  s0 - mcs_systemhigh)``); ``virtd_t`` is an unconfined domain, not a permissive one.
  virsh connects to ``/var/run/libvirt/libvirt-sock`` (libvirt: ``remote_sockets.c``,
  ``LIBVIRTD`` ``"libvirt-sock"``).
* procps-ng 3.3.15: the PID column is ``max(strlen("PID"), digits(pid_max - 1))`` wide
  (procps: ``ps/sortformat.c`` ``do_one_spec`` with ``CF_PIDMAX``, ``proc/sysinfo.c``
  ``get_pid_digits``). RHEL 8's systemd 239 does not raise ``kernel.pid_max`` (the
  ``sysctl.d/50-pid-max.conf`` that sets 4194304 came with systemd 243), so it is the
  kernel's default, ``PID_MAX_DEFAULT`` 32768 (``include/linux/threads.h``), raised to
  1024 per possible CPU only past 32 CPUs (``kernel/pid.c`` ``pid_idr_init``): width 5.
* systemd 239's ``systemctl status``: field names right-aligned to 10 columns
  (``"   Loaded: "``, ``" Main PID: "``), "vendor preset", and no ``TriggeredBy:`` line
  (added in systemd 245).
* coreutils 8.30: ``stat`` reports ``cannot stat`` (``statx`` came in 8.32).
* libselinux 2.9: a failed ``setenforce`` prints ``setenforce:  setenforce() failed`` (the
  ``security_setenforce() failed:  STRERROR`` text came with libselinux 3.4).
* qemu-kvm 6.2 (the virt:rhel module of RHEL 8.6+, with libvirt 8.0.0): ``q35`` is an alias
  of ``pc-q35-rhel8.6.0`` (``qemu-kvm -machine help``), the machine in the domain XML and on
  qemu's command line.
* The kernel is RHEL 8.10's, 4.18.0-553 (Red Hat Enterprise Linux 8.10 release notes,
  "distributed with the kernel version 4.18.0-553"); the walkthrough (written on OL8 hosts,
  its image ``OL8U10``) shows no host name or kernel, so the host is ``ol8-host``.
"""

from __future__ import annotations

import attrs

from simulator.system.profile import (
    HostProfile,
    InstalledFile,
    Package,
    Service,
    SystemctlLayout,
)
from simulator.system.profiles import ol9

HOSTNAME = "ol8-host"
KERNEL_RELEASE = "4.18.0-553.el8_10.x86_64"
PID_WIDTH = 5  # procps: digits(32767); pid_max 32768 on RHEL 8 (see above)

PACKAGES = (
    Package("bash", "4.4"),
    Package("coreutils", "8.30"),
    Package("grep", "3.1"),
    Package("util-linux", "2.32"),
    Package("procps-ng", "3.3.15"),
    Package("libvirt", "8.0.0"),
)

LIBVIRTD = Service(
    "libvirtd",
    "libvirt",
    "Virtualization daemon",
    "/usr/sbin/libvirtd",
    ("/usr/sbin/libvirtd", "--timeout", "120"),
    "system_u:system_r:virtd_t:s0-s0:c0.c1023",
    ol9.DAEMON_PID,
    sockets=("libvirtd.socket", "libvirtd-ro.socket", "libvirtd-admin.socket"),
    docs=("man:libvirtd(8)", "https://libvirt.org"),
)


def _files() -> tuple[InstalledFile, ...]:
    """ol9's files with the monolithic daemon's binary in place of virtqemud's."""
    files = []
    for file in ol9.FILES:
        if file.path == "/usr/sbin/virtqemud":
            file = InstalledFile("/usr/sbin/libvirtd", "0:0", 0o755, "virtd_exec_t", size=628136)
        elif file.path == "/etc/hostname":
            file = attrs.evolve(file, content=HOSTNAME + "\n")
        files.append(file)
    return tuple(files)


# Commands whose RHEL 8 output (policycoreutils 2.9, setroubleshoot and selinux-policy 3.14.3,
# qemu 6.2, util-linux 2.32's mount, audit 3.0's aureport) the lab has not checked: refused.
UNMODELLED_COMMANDS = (
    "restorecon",
    "semanage",
    "semodule",
    "sestatus",
    "audit2why",
    "audit2allow",
    "sealert",
    "qemu-img",
    "mount",
    "umount",
    "aureport",
)

PROFILE = attrs.evolve(
    ol9.PROFILE,
    name="ol8",
    hostname=HOSTNAME,
    kernel_release=KERNEL_RELEASE,
    ps_pid_width=PID_WIDTH,
    ps_memory=False,  # EL8's systemd 239, bash 4.4, qemu-kvm 6.2... were not measured
    pid_max=32768,  # the kernel's PID_MAX_DEFAULT
    packages=PACKAGES,
    files=_files(),
    services=(ol9.SERVICES[0], LIBVIRTD),
    daemon_socket="/var/run/libvirt/libvirt-sock",
    systemctl=SystemctlLayout(label_width=10, preset="vendor preset", triggered_by=False),
    stat_call="stat",
    release="Oracle Linux 8",
    libvirt_version_number=8_000_000,  # the virt:rhel module of RHEL 8.6+: libvirt 8.0.0
    qemu_version_number=6_002_000,  # and qemu-kvm 6.2.0
    machine_type="pc-q35-rhel8.6.0",  # the newest q35 machine of RHEL 8's qemu-kvm 6.2
    rhel="RHEL 8",
    # libselinux 2.9 utils/setenforce.c: fprintf(stderr, "%s:  setenforce() failed\n", ...)
    setenforce_failed="setenforce:  setenforce() failed\n",
    unmodelled_commands=UNMODELLED_COMMANDS,
    # libvirt 8.0's packages also install the modular daemons' units, disabled on RHEL 8.
    unmodelled_units=(
        "virtqemud",
        "virtqemud.service",
        "virtqemud.socket",
        "virtqemud-ro.socket",
        "virtqemud-admin.socket",
    ),
)
assert isinstance(PROFILE, HostProfile)
