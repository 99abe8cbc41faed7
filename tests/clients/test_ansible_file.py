"""A real client, unmodified: ``ansible.builtin.file`` run in-process through its own entry
point (ansible's ``patch_module_args``), on the lab through ``patch_os`` and
``patch_selinux``. Needs the ``clients`` extra; skipped without it."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any
from unittest import mock

import pytest

from simulator import Host
from simulator.bindings import patch_os, patch_selinux

pytest.importorskip("ansible.module_utils.testing")

IMAGE = "/var/lib/libvirt/images/disk.img"


def _run_module(host: Host, module: Any, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args

    out = io.StringIO()
    status = 0
    with (
        patch_module_args(args),
        patch_selinux(host) as selinux,
        # ansible loads libselinux.so.1 with ctypes (module_utils/compat/selinux.py); the
        # lab's python3-libselinux face has the same calls and return shapes.
        mock.patch.object(basic, "selinux", selinux, create=True),
        mock.patch.object(basic, "HAVE_SELINUX", True),
        patch_os(host),
        contextlib.redirect_stdout(out),
    ):
        try:
            module.main()
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, json.loads(out.getvalue())


def test_file_module_sets_type_owner_and_mode_through_the_lab() -> None:
    import ansible.modules.file as file_module

    host = Host()
    host.write_file(host.shell, IMAGE, b"")
    status, result = _run_module(
        host,
        file_module,
        {"path": IMAGE, "setype": "svirt_image_t", "owner": "qemu", "mode": "0600"},
    )
    assert status == 0, result
    assert result["changed"] is True
    assert result["secontext"] == "unconfined_u:object_r:svirt_image_t:s0"
    assert host.run(f"ls -lZ {IMAGE}").output == (
        f"-rw-------. 1 qemu root unconfined_u:object_r:svirt_image_t:s0 0 Jun  4 09:58 {IMAGE}\n"
    )
    status, again = _run_module(
        host,
        file_module,
        {"path": IMAGE, "setype": "svirt_image_t", "owner": "qemu", "mode": "0600"},
    )
    assert (status, again["changed"]) == (0, False)


def test_file_module_reports_the_kernels_refusal() -> None:
    import ansible.modules.file as file_module

    host = Host()
    host.write_file(host.shell, IMAGE, b"")
    status, result = _run_module(host, file_module, {"path": IMAGE, "setype": "no_such_t"})
    assert status == 1
    assert result["failed"] is True
    # basic.py set_context_if_different: the OSError of lsetfilecon, as libselinux raises it
    assert result["msg"] == "invalid selinux context: [Errno 22] Invalid argument"
    assert host.getfilecon(host.shell, IMAGE) == "unconfined_u:object_r:virt_image_t:s0"
