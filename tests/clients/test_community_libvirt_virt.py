"""A real libvirt-python consumer, unmodified: ``community.libvirt.virt`` (shipped in the
``ansible`` package) run in-process through its entry point against the lab's daemon, with
the labels it causes checked through the lab. Needs the ``clients`` extra."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import re
import sys
from typing import Any
from unittest import mock

import pytest

from simulator import Host
from simulator.bindings import patch_libvirt

pytest.importorskip("ansible.module_utils.testing")
pytest.importorskip("ansible_collections.community.libvirt")
pytest.importorskip("lxml")

IMAGE = "/var/lib/libvirt/images/web.qcow2"
XML = f"""<domain type='kvm'>
  <name>web</name>
  <memory unit='GiB'>1</memory>
  <os>
    <type>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='{IMAGE}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""
MODULE = "ansible_collections.community.libvirt.plugins.modules.virt"


def _virt(host: Host, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args

    def run_command(self: Any, args: Any, **kwargs: Any) -> tuple[int, str, str]:
        # Commands a module runs go to the lab's shell, never to the real host.
        line = args if isinstance(args, str) else " ".join(args)
        result = host.run(line)
        return result.status, result.output, ""

    out = io.StringIO()
    status = 0
    with (
        patch_module_args(args),
        patch_libvirt(host),
        mock.patch.object(basic.AnsibleModule, "run_command", run_command),
        contextlib.redirect_stdout(out),
    ):
        sys.modules.pop(MODULE, None)  # imported under the patch: its `import libvirt` is ours
        module = importlib.import_module(MODULE)
        try:
            module.main()
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    sys.modules.pop(MODULE, None)
    return status, json.loads(out.getvalue())


def test_define_start_status_destroy_undefine() -> None:
    host = Host()
    host.write_file(host.shell, IMAGE, b"")

    status, result = _virt(host, {"command": "define", "xml": XML})
    assert (status, result["changed"]) == (0, True), result

    status, result = _virt(host, {"name": "web", "state": "running"})
    assert (status, result["changed"]) == (0, True), result
    label = host.getfilecon(host.shell, IMAGE)
    assert re.fullmatch(r"system_u:object_r:svirt_image_t:s0:c\d+,c\d+", label), label
    assert host.stat(host.shell, IMAGE).st_uid == 107

    status, result = _virt(host, {"name": "web", "command": "status"})
    assert (status, result["status"]) == (0, "running"), result
    status, result = _virt(host, {"command": "list_vms", "state": "running"})
    assert result["list_vms"] == ["web"], result

    status, result = _virt(host, {"name": "web", "state": "destroyed"})
    assert (status, result["changed"]) == (0, True), result
    assert host.getfilecon(host.shell, IMAGE) == "unconfined_u:object_r:virt_image_t:s0"
    assert host.stat(host.shell, IMAGE).st_uid == 0

    status, result = _virt(host, {"name": "web", "command": "undefine"})
    assert status == 0, result
    assert host.run("virsh list --all --name").output == "\n"
