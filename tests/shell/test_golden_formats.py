"""Golden outputs for the format rules of commands.md, one case per rule at least."""

from __future__ import annotations

import pytest

import simulator

IMG = "/var/lib/libvirt/images"
DOMAIN = (
    "<domain type='kvm'><name>vm1</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'>"
    f"<source file='{IMG}/vm1.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk></devices></domain>"
)


@pytest.fixture
def host() -> simulator.Host:
    host = simulator.Host()
    shell = host.shell
    host.write_file(shell, f"{IMG}/vm1.qcow2", b"")
    host.setfilecon(shell, f"{IMG}/vm1.qcow2", "system_u:object_r:svirt_image_t:s0:c392,c662")
    host.write_file(shell, f"{IMG}/vm2.qcow2", b"")
    host.setfilecon(shell, f"{IMG}/vm2.qcow2", "system_u:object_r:virt_image_t:s0")
    host.write_file(shell, "/root/vm1.xml", DOMAIN.encode())
    return host


CASES = [
    # 2.2: ls -Z right-aligns contexts to the widest
    (
        f"cd {IMG}; ls -Z vm1.qcow2 vm2.qcow2",
        "system_u:object_r:svirt_image_t:s0:c392,c662 vm1.qcow2\n"
        "           system_u:object_r:virt_image_t:s0 vm2.qcow2\n",
        0,
    ),
    # 2.2: a single file has no padding; -d lists the directory itself
    (f"ls -dZ {IMG}", f"system_u:object_r:virt_image_t:s0 {IMG}\n", 0),
    # 2.3: ls -lZ left-aligns the context and adds '.' after the mode
    (
        f"cd {IMG}; ls -lZ vm2.qcow2",
        "-rw-r--r--. 1 root root system_u:object_r:virt_image_t:s0 0 Jun  4 09:58 vm2.qcow2\n",
        0,
    ),
    # 2.3: a missing operand is exit 2 with quoteaf quoting
    ("ls nosuch", "ls: cannot access 'nosuch': No such file or directory\n", 2),
    # 3.1: stat -c %C prints the context
    (f"stat -c %C {IMG}/vm2.qcow2", "system_u:object_r:virt_image_t:s0\n", 0),
    # 3.1: stat on a missing file says statx
    ("stat -c '%C %n' nosuch", "stat: cannot statx 'nosuch': No such file or directory\n", 1),
    # 3.2: id -Z and id -Z USER
    ("id -Z", "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\n", 0),
    ("id -Z qemu", "id: cannot print security context when user specified\n", 1),
    # 3.3: chcon -v prints before the change; errors quote contexts with curly quotes
    (
        f"chcon -v -t svirt_image_t {IMG}/vm2.qcow2",
        f"changing security context of '{IMG}/vm2.qcow2'\n",
        0,
    ),
    (
        f"chcon -t bogus_t {IMG}/vm2.qcow2",
        f"chcon: failed to change context of '{IMG}/vm2.qcow2' to \u2018system_u:object_r:bogus_t:s0\u2019: Invalid argument\n",
        1,
    ),
    ("chcon bogus /tmp", "chcon: invalid context: \u2018bogus\u2019: Invalid argument\n", 1),
    # 4.2: the default pattern shows only user.*; a file with none prints nothing
    (f"getfattr -d {IMG}/vm2.qcow2", "", 0),
    # 4.3: leading '/' stripped with one warning, then a blank line after the block
    (
        f"getfattr -n security.selinux {IMG}/vm2.qcow2",
        "getfattr: Removing leading '/' from absolute path names\n"
        "# file: var/lib/libvirt/images/vm2.qcow2\n"
        'security.selinux="system_u:object_r:virt_image_t:s0"\n\n',
        0,
    ),
    # 4.4: hex keeps the trailing NUL
    (
        f"cd {IMG}; getfattr -n security.selinux -e hex vm2.qcow2",
        "# file: vm2.qcow2\nsecurity.selinux=0x73797374656d5f753a6f626a6563745f723a766972745f696d6167655f743a733000\n\n",
        0,
    ),
    # 4.4: base64
    (
        f"cd {IMG}; getfattr -n security.selinux -e base64 vm2.qcow2",
        "# file: vm2.qcow2\nsecurity.selinux=0sc3lzdGVtX3U6b2JqZWN0X3I6dmlydF9pbWFnZV90OnMwAA==\n\n",
        0,
    ),
    # 4.5: a missing attribute has no program prefix
    (
        f"cd {IMG}; getfattr -n user.missing vm2.qcow2",
        "vm2.qcow2: user.missing: No such attribute\n",
        1,
    ),
    (
        "getfattr",
        "Usage: getfattr [-hRLP] [-n name|-d] [-e en] [-m pattern] path...\n"
        "Try `getfattr --help' for more information.\n",
        2,
    ),
    # 4.6: setfattr errors
    (f"cd {IMG}; setfattr -x user.none vm2.qcow2", "setfattr: vm2.qcow2: No such attribute\n", 1),
    (
        f"cd {IMG}; setfattr -n bogusns.a -v 1 vm2.qcow2",
        "setfattr: vm2.qcow2: Operation not supported\n",
        1,
    ),
    # 5.1: restorecon changes the type only, prints the realpath
    (
        f"chcon -t admin_home_t {IMG}/vm2.qcow2; cd {IMG}; restorecon -v vm2.qcow2",
        f"Relabeled {IMG}/vm2.qcow2 from system_u:object_r:admin_home_t:s0 to system_u:object_r:virt_image_t:s0\n",
        0,
    ),
    # 5.1: customizable types are kept without -F
    (
        f"restorecon -v {IMG}/vm1.qcow2",
        f"{IMG}/vm1.qcow2 not reset as customized by admin to system_u:object_r:virt_image_t:s0\n",
        0,
    ),
    (
        "restorecon -v /nosuch",
        "restorecon: lstat(/nosuch) failed: No such file or directory\n",
        255,
    ),
    # 5.2: semanage list layout with its trailing space
    (
        "semanage fcontext -a -t virt_image_t '/srv/vm(/.*)?'; semanage fcontext -l -C",
        f"{'SELinux fcontext':<50} {'type':<18} Context\n\n"
        f"{'/srv/vm(/.*)?':<50} {'all files':<18} system_u:object_r:virt_image_t:s0 \n",
        0,
    ),
    # 5.3, 5.4
    ("getenforce", "Enforcing\n", 0),
    ("setenforce maybe", "usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n", 1),
    ("setenforce Permissive; getenforce", "Permissive\n", 0),
    # 6.2: ps layout with a 7-wide PID and the overflowing label
    (
        "ps -eZ | head -n 2",
        "LABEL                               PID TTY          TIME CMD\n"
        "system_u:system_r:init_t:s0           1 ?        00:00:00 systemd\n",
        0,
    ),
    ("ps -u qemu", "    PID TTY          TIME CMD\n", 1),
    # 7: lsns widths
    (
        "lsns -t mnt -p 62",
        "        NS TYPE NPROCS PID USER COMMAND\n4026531862 mnt       1  62 root kdevtmpfs\n",
        0,
    ),
    ("lsns -t bogus", "lsns: unknown namespace type: bogus\n", 1),
    # 8.0: virsh's closing blank line, lookup failure, option errors
    ("virsh define vm1.xml", "Domain 'vm1' defined from vm1.xml\n\n", 0),
    ("virsh start nosuch", "error: failed to get domain 'nosuch'\n\n", 1),
    ("virsh start", "error: command 'start' requires <domain> option\n", 1),
    ("virsh frobnicate", "error: unknown command: 'frobnicate'\n", 1),
    ("virsh start vm1 --bogus", "error: command 'start' doesn't support option --bogus\n", 1),
    # 8.2: destroy of an inactive domain
    (
        "virsh define vm1.xml > /dev/null; virsh destroy vm1",
        "error: Failed to destroy domain 'vm1'\nerror: Requested operation is not valid: domain is not running\n\n",
        1,
    ),
    # 8.3: tables
    (
        "virsh define vm1.xml > /dev/null; virsh list --inactive",
        " Id   Name   State\n-----------------------\n -    vm1    shut off\n\n",
        0,
    ),
    ("virsh list", " Id   Name   State\n--------------------\n\n", 0),
    (
        "virsh define vm1.xml > /dev/null; virsh domblklist vm1 --details",
        " Type   Device   Target   Source\n" + "-" * 61 + "\n"
        f" file   disk     vda      {IMG}/vm1.qcow2\n"
        " file   cdrom    sda      -\n\n",
        0,
    ),
    # 8.4: detach of an unknown disk is a single line
    (
        "virsh define vm1.xml > /dev/null; virsh detach-disk vm1 vdb",
        "error: No disk found whose source path or target is vdb\n\n",
        1,
    ),
]


@pytest.mark.parametrize(("line", "output", "status"), CASES, ids=[c[0][:40] for c in CASES])
def test_golden(host: simulator.Host, line: str, output: str, status: int) -> None:
    result = host.run(line)
    assert (result.output, result.status) == (output, status)
