"""qemu.conf parsing always terminates with libvirt's own error (issue 19, item 1)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.libvirt.qemu_conf import load_config, parse_conf
from simulator.libvirt.virerror import LibvirtError

SYNTAX = "configuration file syntax error: /etc/libvirt/qemu.conf:"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("user", f"{SYNTAX}1: expecting an assignment"),
        ("user_", f"{SYNTAX}1: expecting an assignment"),
        ("a.b = 1", f"{SYNTAX}1: expecting an assignment"),
        ("_user = 1", f"{SYNTAX}1: expecting a name"),
        ("\u00e9t\u00e9 = 1", f"{SYNTAX}1: expecting a name"),
        ("remember_owner = +", f"{SYNTAX}1: unterminated number"),
        ("remember_owner = -", f"{SYNTAX}1: unterminated number"),
        ("remember_owner = \u0663", f"{SYNTAX}1: expecting a value"),
    ],
)
def test_conf_syntax_errors_at_the_end_of_the_text(text: str, message: str) -> None:
    with pytest.raises(LibvirtError) as info:
        load_config(text)
    assert str(info.value) == message


def test_a_huge_number_wraps_like_a_c_long_long() -> None:
    # libvirt: virConfParseLong accumulates in a long long; 2**64 + 1 reads back as 1.
    assert parse_conf(f"x = {2**64 + 1}") == {"x": 1}
    assert parse_conf("x = -1") == {"x": -1}
    with pytest.raises(LibvirtError, match="must be 0 or 1"):
        load_config("remember_owner = " + "9" * 5000)


def test_a_name_alone_in_qemu_conf_fails_the_daemon_restart() -> None:
    host = simulator.Host()
    result = host.run("printf user > /etc/libvirt/qemu.conf; systemctl restart virtqemud")
    assert result.status != 70, result.output
    assert "Traceback" not in result.output


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_=1+- \t\n#'\"[],;.\u00e9")), max_size=40))
def test_any_text_parses_or_fails_with_a_conf_error(text: str) -> None:
    with contextlib.suppress(LibvirtError):
        load_config(text)
