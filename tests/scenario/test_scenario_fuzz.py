"""Any scenario file is PASS, FAIL, ERROR with one line naming file and line, or TIMEOUT:
never an exception out of ``simulator.run_scenario`` (issue 19 item 10)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import simulator

PYTHON_TEXT = (
    "Traceback",
    "Error",
    "Exception",
    "object has no attribute",
    "NoneType",
    "internal error",
)

DEEP_TOML = "a = " + "[" * 3000 + "]" * 3000
DEEP_COMMAND = "  $ " + "if true; then " * 200 + "echo x" + "; fi" * 200
TOP_LINES = [
    "seed = 3",
    "seed = -1",
    "seed = 'x'",
    'tags = ["a"]',
    "tags = [1]",
    'clock = "2025-06-04T09:58:00Z"',
    'clock = "yesterday"',
    "clock = 99999999999999",
    "boot_time = 0",
    "enforcing = false",
    'from = "other.txtar"',
    'from = "s.txtar"',
    'from = "nosuch.txtar"',
    DEEP_TOML,
    "= =",
]
BOOLEAN_LINES = ["virt_use_nfs = true", "nosuch_bool = true", "virt_use_usb = 1"]
FILE_HEADERS = ['[files."/srv/a"]', '[files."b"]', '[files."/proc/1/x"]', '[files."/"]']
FILE_LINES = [
    'owner = "qemu:qemu"',
    'owner = "nobodyx:nobodyx"',
    'owner = "4294967296:0"',
    'mode = "0600"',
    'mode = "9"',
    'label = "system_u:object_r:virt_image_t:s0:c1,c2"',
    'label = "bad"',
    'kind = "dir"',
    'kind = "block"',
    'rdev = "8:16"',
    'rdev = "x"',
    'kind = "symlink"',
    'target = "/etc/passwd"',
    "size = 4096",
    'image = { format = "qcow2", backing = "/srv/a" }',
]
COMMANDS = [
    "  $ echo a",
    "  $ ls -Z /srv",
    "  $ false",
    "  $ virsh list --all",
    "  $ echo (",
    "  $ echo a\n  > continued",
    DEEP_COMMAND,
]
OUTPUT_LINES = [
    "  a",
    "  \\x1b (esc)",
    "  \\N{bogus} (esc)",
    "  x\\ (esc)",
    "  [a-z (re)",
    "  * (glob)",
    "  [1]",
    "  [999]",
    "",
]
BAD_LINES = [" $ one space", "\t$ tab", "note", "-- transcript --", "-- scenario.toml --"]
FILE_SECTIONS = ["-- /srv/a --", "-- b --", "-- ../x --", "-- /etc/passwd --", "-- transcript --"]


@st.composite
def scenario_files(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["title", "", "-- --", "x\n-- a --"]))]
    if draw(st.booleans()):
        parts.append("-- scenario.toml --")
        parts += draw(st.lists(st.sampled_from(TOP_LINES), max_size=3, unique=True))
        if draw(st.booleans()):
            parts += ["[booleans]", *draw(st.lists(st.sampled_from(BOOLEAN_LINES), max_size=2))]
        for header in draw(st.lists(st.sampled_from(FILE_HEADERS), max_size=2, unique=True)):
            keys = st.sampled_from(FILE_LINES)
            parts += [header, *draw(st.lists(keys, max_size=3, unique_by=lambda k: k[:4]))]
    if draw(st.integers(0, 9)):
        parts.append("-- transcript --")
        for _ in range(draw(st.integers(0, 3))):
            parts.append(draw(st.sampled_from(COMMANDS)))
            parts += draw(st.lists(st.sampled_from(OUTPUT_LINES), max_size=2))
        if draw(st.integers(0, 4)) == 0:
            parts.insert(draw(st.integers(1, len(parts))), draw(st.sampled_from(BAD_LINES)))
    for _ in range(draw(st.integers(0, 2))):
        parts.append(draw(st.sampled_from(FILE_SECTIONS)))
        parts.append(draw(st.sampled_from(["data", "", "\x00", "é"])))
    return "\n".join(parts) + draw(st.sampled_from(["\n", ""]))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=scenario_files(), other=scenario_files())
# issue 19 item 10's reproducers, always tried
@example(
    text='t\n-- scenario.toml --\n[files."/srv/a"]\nowner = "nobodyx:nobodyx"\n'
    "-- transcript --\n  $ true\n",
    other="",
)
@example(text=f"t\n-- scenario.toml --\n{DEEP_TOML}\n-- transcript --\n  $ true\n", other="")
@example(text=f"t\n-- transcript --\n{DEEP_COMMAND}\n  x\n", other="")
@example(text="t\n-- transcript --\n  $ echo\n  \\N{bogus} (esc)\n", other="")
@example(
    text='t\n-- scenario.toml --\nfrom = "other.txtar"\n-- transcript --\n  $ true\n',
    other='t\n-- scenario.toml --\nfrom = "s.txtar"\n-- transcript --\n  $ true\n',
)
def test_any_scenario_file_gets_a_verdict(tmp_path: Path, text: str, other: str) -> None:
    (tmp_path / "other.txtar").write_text(other, encoding="utf-8")
    path = tmp_path / "s.txtar"
    path.write_text(text, encoding="utf-8")
    result = simulator.run_scenario(str(path))
    assert result.verdict in ("PASS", "FAIL", "ERROR")
    if result.verdict == "ERROR":
        assert result.error is not None
        assert "\n" not in result.error
        assert result.error.startswith(str(tmp_path))
        assert not any(text in result.error for text in PYTHON_TEXT), result.error
    if result.verdict == "FAIL":
        assert result.diff.startswith(f"--- {path} (expected)\n")
        assert result.updated_text()
