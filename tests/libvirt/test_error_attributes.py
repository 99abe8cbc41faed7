"""libvirt errors carry ``virError.code`` and the domain the call was about."""

from __future__ import annotations

import pytest

import simulator
from simulator.libvirt.virerror import ErrorCode, LibvirtError

XML = "<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices/></domain>"


def test_an_unknown_domain_names_the_key_it_was_asked_for() -> None:
    daemon = simulator.Host().libvirt
    with pytest.raises(LibvirtError) as info:
        daemon.destroy("nosuch")
    assert (info.value.code, info.value.domain) == (ErrorCode.NO_DOMAIN, "nosuch")


def test_a_refused_call_names_its_domain() -> None:
    daemon = simulator.Host().libvirt
    domain = daemon.define(XML)
    with pytest.raises(LibvirtError) as info:
        daemon.destroy("vm")
    assert (info.value.code, info.value.domain) == (ErrorCode.OPERATION_INVALID, "vm")
    daemon.start(domain)
    with pytest.raises(LibvirtError) as info:
        daemon.start(domain)
    assert (info.value.code, info.value.domain) == (ErrorCode.OPERATION_INVALID, "vm")


def test_errors_about_no_domain_name_none() -> None:
    daemon = simulator.Host().libvirt
    with pytest.raises(LibvirtError) as info:
        daemon.define("<domain type='kvm'><devices/></domain>")
    assert info.value.domain is None
