"""remember/recall sequences keep ``ref_*`` equal to the unmatched remembers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.libvirt import security_util
from tests.libvirt.conftest import IMAGES, Lab


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["remember", "recall"]), max_size=20))
def test_refcount_tracks_unmatched_remembers(ops_list: list[str]) -> None:
    lab = Lab.make()
    path = lab.file(f"{IMAGES}/img")
    original = lab.label(path)
    depth = 0
    for op in ops_list:
        if op == "remember":
            rc = security_util.remember_label(lab.ops, "selinux", path, f"label-{depth}")
            depth += 1
            assert rc == depth
        else:
            rc, label = security_util.recall_label(lab.ops, "selinux", path)
            if depth == 0:
                assert (rc, label) == (-2, None)
                continue
            depth -= 1
            assert rc == 0
            assert label == ("label-0" if depth == 0 else None)
        names = lab.libvirt_xattrs(path)
        if depth == 0:
            assert names == []
        else:
            value = lab.host.getxattr(lab.host.shell, path, security_util.ref_name("selinux"))
            assert int(value) == depth
            assert (
                lab.host.getxattr(lab.host.shell, path, security_util.attr_name("selinux"))
                == b"label-0"
            )
    assert lab.label(path) == original
