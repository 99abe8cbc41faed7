"""The Python faces touch nothing of the real host: a client using libvirt, selinux, os,
open(), pathlib and shutil on the lab runs under an audit hook that refuses real writes,
xattrs, owners, processes and sockets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = r"""
import os, pathlib, shutil, sys
from simulator import Host
from simulator.bindings import patch_libvirt, patch_os, patch_selinux
host = Host()
host.write_file(host.shell, "/var/lib/libvirt/images/vm.qcow2", b"")
host.write_file(host.shell, "/root/vm.xml", b'''<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='/var/lib/libvirt/images/vm.qcow2'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>''')
armed = []
def hook(event, args):
    if not armed:
        return
    if event == "open":
        mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if any(c in mode for c in "wax+") or flags & 3:
            raise RuntimeError(f"real write: {args[0]}")
    if event in ("os.setxattr", "os.chown", "os.chmod", "os.removexattr", "os.mkdir",
                 "os.remove", "os.rename", "subprocess.Popen", "socket.connect",
                 "socket.bind", "os.system", "os.exec", "os.posix_spawn"):
        raise RuntimeError(f"real {event}: {args!r}")
sys.addaudithook(hook)
armed.append(True)
with patch_libvirt(host), patch_selinux(host), patch_os(host):
    import libvirt, selinux
    dom = libvirt.open().defineXML(open("/root/vm.xml").read())
    dom.create()
    label = selinux.getfilecon("/var/lib/libvirt/images/vm.qcow2")[1]
    os.setxattr("/root/vm.xml", "user.note", b"x")
    os.chown("/root/vm.xml", 107, 107)
    os.chmod("/root/vm.xml", 0o600)
    os.mkdir("/root/d")
    pathlib.Path("/root/d/f").write_text("x")
    shutil.copy("/root/d/f", "/root/d/g")
    os.rename("/root/d/g", "/root/d/h")
    os.remove("/root/d/h")
    dom.destroy()
armed.clear()
print(label.split(":")[2])
"""


def test_clients_on_the_lab_do_no_real_io() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.stdout.strip() == "svirt_image_t", done.stderr
