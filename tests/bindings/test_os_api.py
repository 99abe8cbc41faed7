"""``os``, ``open()``, ``pathlib`` and ``shutil`` on the lab through pyfakefs: the lab kernel
decides, and nothing reaches the real host."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import stat

import pytest

from simulator import Host
from simulator.bindings import patch_os

pytest.importorskip("pyfakefs")

IMAGES = "/var/lib/libvirt/images"


def _vm(name: str) -> str:
    return f"""<domain type='kvm'><name>{name}</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/>
<source file='{IMAGES}/{name}.img'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>"""


def test_files_written_through_os_are_lab_files(tmp_path: pathlib.Path) -> None:
    host = Host()
    with patch_os(host):
        with open("/root/notes.txt", "w") as handle:
            handle.write("hello\n")
        assert pathlib.Path("/root/notes.txt").read_text() == "hello\n"
        shutil.copy("/root/notes.txt", "/root/copy.txt")
        assert sorted(os.listdir("/root")) == ["copy.txt", "notes.txt"]
        info = os.stat("/root/notes.txt")
        assert stat.S_ISREG(info.st_mode) and info.st_size == 6
        assert os.getxattr("/root/notes.txt", "security.selinux") == (
            b"unconfined_u:object_r:admin_home_t:s0\0"
        )
        os.makedirs("/root/a/b", exist_ok=True)
        assert list(os.walk("/root/a")) == [("/root/a", ["b"], []), ("/root/a/b", [], [])]
    assert host.read_file(host.shell, "/root/copy.txt") == b"hello\n"
    assert not os.path.exists("/root/notes.txt")  # the real host is untouched


def test_errors_are_the_kernels_with_the_path() -> None:
    host = Host()
    with patch_os(host):
        with pytest.raises(FileNotFoundError) as caught:
            open("/nonexistent/file")
        assert str(caught.value) == "[Errno 2] No such file or directory: '/nonexistent/file'"
        with pytest.raises(IsADirectoryError):
            open("/root", "w")
        with pytest.raises(NotImplementedError, match=r"seclab: not modelled: os\.utime"):
            os.utime("/root", None)


def test_a_tool_running_as_qemu_is_confined() -> None:
    host = Host()
    for name in ("a", "b"):
        host.write_file(host.shell, f"{IMAGES}/{name}.img", b"")
        host.write_file(host.shell, f"/root/{name}.xml", _vm(name).encode())
        assert host.run(f"virsh define /root/{name}.xml && virsh start {name}").status == 0
    qemu_a = host.libvirt.lookup("a").pid
    assert qemu_a is not None
    with patch_os(host, pid=qemu_a):
        assert os.getuid() == 107
        with open(f"{IMAGES}/a.img", "rb") as own:
            assert own.read() == b""
        with pytest.raises(PermissionError):
            open(f"{IMAGES}/b.img", "rb")  # the other guest's MCS pair: SELinux says no
    denial = host.run("ausearch -m AVC -ts recent").output
    assert "avc:  denied  { read } for  pid=" in denial
    assert 'comm="qemu-kvm" name="b.img"' in denial
    assert "scontext=system_u:system_r:svirt_t:s0:" in denial


def _client_that_would_pass_on_a_real_host() -> None:
    """Only libvirt, selinux and os: nothing of the lab inside."""
    import libvirt
    import selinux

    image = f"{IMAGES}/web.img"
    conn = libvirt.open("qemu:///system")
    with open("/root/web.xml") as xml:
        dom = conn.defineXML(xml.read())
    dom.create()
    label = selinux.getfilecon(image)[1]
    assert re.fullmatch(r"system_u:object_r:svirt_image_t:s0:c\d+,c\d+", label), label
    names = set(os.listxattr(image))
    assert {"trusted.libvirt.security.selinux", "trusted.libvirt.security.dac"} <= names
    assert os.stat(image).st_uid == 107
    dom.destroy()
    dom.undefine()
    assert selinux.getfilecon(image)[1] == "unconfined_u:object_r:virt_image_t:s0"
    assert not [n for n in os.listxattr(image) if n.startswith("trusted.libvirt.")]
    assert os.stat(image).st_uid == 0


def test_scenarios_as_python() -> None:
    from simulator.bindings import patch_libvirt, patch_selinux

    host = Host()
    host.write_file(host.shell, f"{IMAGES}/web.img", b"")
    host.write_file(host.shell, "/root/web.xml", _vm("web").encode())
    with patch_libvirt(host), patch_selinux(host), patch_os(host):
        _client_that_would_pass_on_a_real_host()
