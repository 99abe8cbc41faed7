"""Scenario files: txtar, transcripts, configuration errors, --update, the runner."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.scenario import txtar
from simulator.scenario.runner import load, run, run_path
from simulator.scenario.transcript import Expected, parse_transcript


def test_txtar_markers_and_final_newline() -> None:
    archive = txtar.parse("title\n-- a --\nx\n-- b --\ny")
    assert archive.comment == "title\n"
    assert [(e.name, e.data, e.line) for e in archive.entries] == [("a", "x\n", 2), ("b", "y\n", 4)]
    assert txtar.format_archive(archive) == "title\n-- a --\nx\n-- b --\ny\n"


def test_transcript_parsing() -> None:
    steps = parse_transcript("  $ echo a\n  > b\n  a b\n\n\n  $ false\n  [1]\n  \n", first_line=10)
    assert [(s.command, s.line, s.status) for s in steps] == [
        ("echo a\nb", 10, 0),
        ("false", 15, 1),
    ]
    assert steps[0].expected == (Expected("a b", "literal", 12),)


@pytest.mark.parametrize(
    ("text", "kind", "actual", "ok"),
    [
        ("a.*b", "re", "axxb", True),
        ("a.*b", "re", "axxbc", False),
        ("*.qcow2", "glob", "/x/y.qcow2", True),
        ("\\*", "glob", "*", True),
        ("\\*", "glob", "x", False),
        ("a\\tb", "esc", "a\tb", True),
        ("a", "literal", "a ", False),
    ],
)
def test_matchers(text: str, kind: str, actual: str, ok: bool) -> None:
    assert Expected(text, kind, 1).matches(actual) is ok


def _write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "s.txtar"
    path.write_text(body)
    return str(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "t\n-- scenario.toml --\nbogus = 1\n-- transcript --\n",
            ":3: scenario.toml: unknown key 'bogus'",
        ),
        (
            "t\n-- scenario.toml --\nseed = 'x'\n-- transcript --\n",
            ":3: scenario.toml: 'seed' has the wrong type",
        ),
        ("t\n-- scenario.toml --\nseed = \n-- transcript --\n", ":3: scenario.toml: Invalid value"),
        (
            't\n-- scenario.toml --\n[files."/a"]\nlabel = "u:r:t:s0:c1024"\n-- transcript --\n',
            ":4: scenario.toml: bad label for /a: category c1024 is beyond c1023",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nowner = "root"\n-- transcript --\n',
            ":4: scenario.toml: bad owner 'root' for /a",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nkind = "block"\nrdev = "8"\n-- transcript --\n',
            ":5: scenario.toml: bad rdev '8' for /a",
        ),
        (
            "t\n-- transcript --\n  $ echo (\n",
            ":3: bash: syntax error near unexpected token `newline'",
        ),
        ("t\n-- transcript --\n  $ echo\n  x (re)\n  [(bad (re)\n", ":5: bad (re) pattern"),
        ("t\n-- transcript --\n  orphan\n", ":3: output line before any command"),
        (
            "t\n-- ../etc/x --\n-- transcript --\n  $ true\n",
            ":2: '..' is not allowed in file name ../etc/x",
        ),
        ("t\n-- transcript --\n\n  \n", ":2: the transcript has no command"),
        ("t\n-- transcript --\n  $ true\n  $  \n", ":4: an empty command"),
        ("t\n-- a\0b --\n-- transcript --\n  $ true\n", ":2: a file name cannot hold a NUL byte"),
        ("t\n-- transcript --\n $ echo a\n", ":3: not a transcript line: ' $ echo a'"),
        ("t\n-- transcript --\n  $ true\n\t$ echo a\n", ":4: not a transcript line: '\\t$ echo a'"),
        ("t\n-- transcript --\n  $ true\nnote\n", ":4: not a transcript line: 'note'"),
        (
            "t\n-- a --\nx\n-- transcript --\n  $ true\n-- a --\ny\n",
            ":6: duplicate section '-- a --'",
        ),
        (
            "t\n-- transcript --\n  $ true\n-- transcript --\n  $ false\n",
            ":4: duplicate section '-- transcript --'",
        ),
        ("t\n-- transcript --\n  $ echo\n  \\N{bogus} (esc)\n", ":4: bad (esc) line"),
        ("t\n-- transcript --\n  $ echo\n  x\\ (esc)\n", ":4: bad (esc) line"),
        ("t\n-- transcript --\n  $ false\n  [256]\n", ":4: an exit status is 0 to 255"),
        (
            't\n-- scenario.toml --\n[files."/a"]\nowner = "nobodyx:nobodyx"\n'
            "-- transcript --\n  $ true\n",
            ":3: scenario.toml: /a: no user 'nobodyx' in /etc/passwd",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nowner = "root:nogroupx"\n'
            "-- transcript --\n  $ true\n",
            ":3: scenario.toml: /a: no group 'nogroupx' in /etc/group",
        ),
        (
            "t\n-- scenario.toml --\nseed = -1\n-- transcript --\n",
            ":3: scenario.toml: 'seed' must be",
        ),
        (
            "t\n-- scenario.toml --\nclock = -1\n-- transcript --\n",
            ":3: scenario.toml: 'clock' must",
        ),
        (
            "t\n-- scenario.toml --\nboot_time = 1749031081\n-- transcript --\n",
            ":3: scenario.toml: 'boot_time' must be from 1970 up to 'clock'",
        ),
        (
            "t\n-- scenario.toml --\na = " + "[" * 3000 + "]" * 3000 + "\n-- transcript --\n",
            ":3: scenario.toml: nested too deeply",
        ),
        (
            "t\n-- scenario.toml --\n[booleans]\nvirt_use_nfs = true\nbogus_b = true\n"
            "-- transcript --\n  $ true\n",
            ":5: scenario.toml: unknown boolean 'bogus_b'",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nsize = -1\n-- transcript --\n',
            ":4: scenario.toml: bad size -1 for /a",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nkind = "char"\nrdev = "4096:0"\n'
            "-- transcript --\n",
            ":5: scenario.toml: bad rdev '4096:0' for /a",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nimage = {format = 3}\n-- transcript --\n',
            ":4: scenario.toml: image format of /a must be a string",
        ),
        (
            't\n-- scenario.toml --\n[files."/a"]\nkind = "symlink"\ntarget = ""\n'
            "-- transcript --\n  $ true\n",
            ":3: cannot create /a: No such file or directory",
        ),
        ("t\n", ":1: missing '-- transcript --' entry"),
    ],
)
def test_bad_scenarios_are_one_line_errors(tmp_path: Path, body: str, message: str) -> None:
    result = run_path(_write(tmp_path, body))
    assert result.verdict == "ERROR"
    assert result.error is not None
    assert message in result.error
    assert "\n" not in result.error


def test_update_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    body = (
        "title\n-- transcript --\n  $ ls -Z /etc/passwd\n  wrong\n"
        "\n  $ echo $((x))\n  $ date\n  Wed Jun  4 * (glob)\n  $ false\n"
        "-- /root/f --\nkeep me\n"
    )
    path = _write(tmp_path, body)
    first = run_path(path)
    assert first.verdict == "FAIL"
    updated = first.updated_text()
    assert "  Wed Jun  4 * (glob)" in updated
    assert updated.endswith("-- /root/f --\nkeep me\n")
    Path(path).write_text(updated)
    second = run_path(path)
    assert second.verdict == "PASS", second.diff
    assert second.updated_text() == updated


def test_the_diff_points_into_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "t\n-- transcript --\n  $ echo a\n  b\n")
    diff = run_path(path).diff
    assert "@@ -1,4 +1,4 @@" in diff
    assert "-  b\n+  a\n" in diff


def test_embedded_files_and_settings(tmp_path: Path) -> None:
    body = (
        "t\n-- scenario.toml --\nseed = 5\nenforcing = false\n[booleans]\nvirt_use_nfs = true\n"
        '[files."/srv/disk"]\nkind = "block"\nrdev = "8:64"\nowner = "qemu:disk"\nmode = "0600"\n'
        '[files."img.qcow2"]\nimage = { format = "qcow2", backing = "/srv/base" }\nsize = 4096\n'
        "-- transcript --\n  $ true\n-- img.qcow2 --\nQFI\n"
    )
    scenario = load(_write(tmp_path, body))
    result = run(scenario)
    host = result.host
    assert host is not None
    st = host.stat(host.shell, "/srv/disk")
    assert (str(st.st_rdev), st.st_uid, st.st_gid, st.mode) == ("8:64", 107, 6, 0o600)
    image = host.stat(host.shell, "/root/img.qcow2")
    assert image.st_size == 4096
    assert image.image is not None
    assert image.image.backing == "/srv/base"
    assert host.random.getstate() == simulator.Host(seed=5).random.getstate()


def test_run_scenario_api(tmp_path: Path) -> None:
    result = simulator.run_scenario(_write(tmp_path, "t\n-- transcript --\n  $ echo a\n  a\n"))
    assert result.passed
    assert result.diff == ""


def test_from_state_continues_a_saved_host(tmp_path: Path) -> None:
    first = _write(
        tmp_path,
        "t\n-- transcript --\n  $ touch /srv/kept\n  $ virsh define vm.xml\n"
        "-- vm.xml --\n<domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><os><type>hvm</type></os></domain>\n",
    )
    result = run_path(first)
    assert result.host is not None
    state = result.host.snapshot().to_json()
    second = tmp_path / "second.txtar"
    second.write_text(
        "t\n-- transcript --\n  $ ls /srv/kept\n  /srv/kept\n  $ virsh list --all --name\n  vm\n"
    )
    assert run_path(str(second), state=state).passed
    assert not run_path(str(second)).passed


def test_lines_split_at_newlines_only(tmp_path: Path) -> None:
    """A form feed or U+2028 in output is part of the line (written as an (esc) line), and
    a marker-like text after one in an embedded file is not a section."""
    body = "t\n-- transcript --\n  $ printf 'a\\fb\\n'\n  $ cat f\n-- f --\nx\f-- g --\n\u2028y\n"
    path = _write(tmp_path, body)
    first = run_path(path)
    assert [e.name for e in first.scenario.files] == ["f"] if first.scenario else False
    updated = first.updated_text()
    assert "  a\\x0cb (esc)\n" in updated
    assert "  x\\x0c-- g -- (esc)\n" in updated
    Path(path).write_text(updated)
    assert run_path(path).passed


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.txtar"
    path.write_bytes(b"t\n-- transcript --\n  $ echo \xff\n")
    assert run_path(str(path)).error == f"{path}:3: not UTF-8: byte 0xff"


def test_deep_nesting_is_refused_loudly(tmp_path: Path) -> None:
    """200 nested ``if``s once overflowed the recursive parser (an internal error); bash runs
    them, the lab's bounded parser says plainly that it does not."""
    nested = "if true; then " * 200 + "echo x" + "; fi" * 200
    expected = "  seclab: not modelled: constructs nested more than 100 deep\n  [3]\n"
    result = run_path(_write(tmp_path, f"t\n-- transcript --\n  $ {nested}\n{expected}"))
    assert result.verdict == "PASS", result.error or result.diff
