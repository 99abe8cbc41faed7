"""scenario.toml ``[guests.NAME]``: how a guest answers virsh shutdown (issue 13.6)."""

from __future__ import annotations

import pytest

from simulator.scenario.config import ScenarioError, parse_config


def test_guests_give_a_delay_or_none_for_a_guest_that_ignores_acpi() -> None:
    config = parse_config(
        "[guests.a]\nshutdown_delay = 10\n[guests.b]\nacpi = false\n[guests.c]\n", "s", 1
    )
    assert config.guests == (("a", 10), ("b", None), ("c", 3))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[guests.a]\ndelay = 1\n", "unknown key 'delay' in guests.a"),
        ("[guests.a]\nshutdown_delay = true\n", "'shutdown_delay' has the wrong type"),
        ("[guests.a]\nshutdown_delay = -1\n", "'shutdown_delay' must be 0 to 86400"),
        ("guests = 1\n", "'guests' has the wrong type"),
        ("[guests]\na = 1\n", 'guests."a" must be a table'),
    ],
)
def test_bad_guest_settings_are_refused(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_config(text, "s", 1)
    assert message in info.value.reason


def test_an_integer_too_long_for_python_is_named_with_its_line() -> None:
    """Python reads no integer of more than 4300 digits (sys.int_max_str_digits): that is
    a scenario error on the integer's line, not an internal error."""
    for value in ("9" * 5000, f"[1, {'9' * 5000}]"):
        with pytest.raises(ScenarioError) as info:
            parse_config(f"tags = []\nseed = {value}\n", "s", 3)
        assert (info.value.line, info.value.reason) == (4, "scenario.toml: an integer is too long")
