"""Boot and reboot from the profile's tables (issue 14, "boot and configuration")."""

from __future__ import annotations

import pytest

import simulator
from simulator.errors import NotModelled
from simulator.kernel import Kernel
from simulator.system.profiles import get_profile


def _mode_lines(host: simulator.Host) -> list[str]:
    lines = host.run("sestatus").output.splitlines()
    return [line for line in lines if "mode" in line.lower()]


def test_setenforce_does_not_survive_a_reboot() -> None:
    host = simulator.Host()
    host.run("setenforce 0")
    assert _mode_lines(host) == [
        "Current mode:                   permissive",
        "Mode from config file:          enforcing",
    ]
    host.run("reboot")
    assert host.run("getenforce").output == "Enforcing\n"


def test_the_config_file_decides_the_mode_after_reboot() -> None:
    host = simulator.Host()
    host.run("echo SELINUX=permissive > /etc/selinux/config")
    assert _mode_lines(host)[1] == "Mode from config file:          permissive"
    assert host.run("getenforce").output == "Enforcing\n"
    host.run("reboot")
    assert host.run("getenforce").output == "Permissive\n"


def test_an_unreadable_config_is_an_error_line() -> None:
    host = simulator.Host()
    host.run("rm /etc/selinux/config")
    assert (
        _mode_lines(host)[1] == "Mode from config file:          error (No such file or directory)"
    )


@pytest.mark.parametrize(
    "setup",
    [
        "echo SELINUX=disabled > /etc/selinux/config",
        "echo SELINUX=nonsense > /etc/selinux/config",
        "echo SELINUXTYPE=mls >> /etc/selinux/config",
        "touch /.autorelabel",
        "mkdir /run/x && mount -t tmpfs tmpfs /run/x",
    ],
)
def test_what_the_lab_cannot_boot_is_refused_before_anything_changes(setup: str) -> None:
    host = simulator.Host()
    assert host.run(setup).status == 0
    before = host.snapshot()
    with pytest.raises(NotModelled):
        host.reboot()
    assert host.snapshot() == before
    result = host.run("reboot")
    assert result.status == 3
    assert result.output.startswith("seclab: not modelled: ")


def test_every_tmpfs_comes_back_empty_with_its_runtime_dirs() -> None:
    host = simulator.Host()
    host.run("touch /dev/shm/leftover /run/leftover /run/libvirt/qemu/stale.xml")
    listing = host.run("ls -di /run/libvirt/qemu").output
    host.run("reboot")
    assert host.run("ls /dev/shm").output == ""
    assert host.run("ls /run").output == "libvirt\n"
    assert host.run("ls /run/libvirt/qemu").output == ""
    assert host.run("ls -di /run/libvirt/qemu").output == listing  # numbered afresh
    assert host.run("ls -dZ /run/libvirt/qemu").output == (
        "system_u:object_r:qemu_var_run_t:s0 /run/libvirt/qemu\n"
    )


def test_services_start_from_the_table_in_its_order() -> None:
    host = simulator.Host()
    profile = get_profile("ol9")
    kept = {entry.pid for entry in profile.processes}
    host.libvirt.define(
        "<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices/></domain>"
    )
    host.reboot()
    started = [p for pid, p in sorted(host.processes.items()) if pid not in kept]
    assert [(p.comm, p.ppid, p.context) for p in started] == [
        (s.comm, 1, s.context) for s in profile.services
    ]
    assert host.audit.daemon_pid == started[0].pid
    assert host.libvirt.pid == started[1].pid
    assert [d.name for d in host.libvirt.sorted_domains()] == ["vm"]


def test_the_host_has_a_kernel_and_is_not_one() -> None:
    host = simulator.Host()
    assert not isinstance(host, Kernel)
    assert isinstance(host.kernel, Kernel)
    assert host.processes is host.kernel.processes  # kernel attributes are delegated
    assert host.getfilecon(host.shell, "/root") == "system_u:object_r:admin_home_t:s0"


def test_every_public_kernel_name_is_reachable_from_the_host() -> None:
    host = simulator.Host()
    kernel_names = {n for n in dir(host.kernel) if not n.startswith("_")}
    missing = [n for n in sorted(kernel_names) if not hasattr(host, n)]
    assert missing == []
    assert host.snapshot() == simulator.Host.from_json(host.snapshot().to_json()).snapshot()


def test_a_host_copies_and_its_copy_is_independent() -> None:
    import copy

    host = simulator.Host()
    twin = copy.deepcopy(host)
    twin.run("touch /root/only-in-the-twin")
    assert host.run("ls /root").output == ""
    assert twin.run("ls /root").output == "only-in-the-twin\n"


def test_the_kernel_package_holds_no_installed_system() -> None:
    """The default host is the ol9 profile of simulator/system; the kernel names none of it
    (its old re-export, kernel/default_host.py, reached upward by importlib)."""
    import pathlib

    import simulator.kernel

    kernel_dir = pathlib.Path(simulator.kernel.__file__).parent
    reaching_up = ("from simulator.system", "import simulator.system", '"simulator.system')
    for path in sorted(kernel_dir.glob("*.py")):
        text = path.read_text()
        assert not any(reach in text for reach in reaching_up), path.name


def test_only_persistent_booleans_survive_a_reboot() -> None:
    host = simulator.Host()
    host.run("setsebool virt_use_nfs 1")
    host.run("setsebool -P virt_use_samba 1")
    host.run("setsebool -P virt_use_usb 0")
    host.run("reboot")
    assert host.run("getsebool virt_use_nfs virt_use_samba virt_use_usb").output == (
        "virt_use_nfs --> off\nvirt_use_samba --> on\nvirt_use_usb --> off\n"
    )
    again = simulator.Host.from_json(host.snapshot().to_json())
    assert again.userspace.persistent_booleans == {"virt_use_samba": True, "virt_use_usb": False}
