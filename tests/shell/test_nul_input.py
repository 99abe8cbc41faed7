"""bash drops NUL bytes from the lines it reads (parse.y ``shell_getc``); recorded with
``printf 'echo \\x00a\\n/\\x00\\necho $?\\n' | bash`` on bash 5.2: ``a``, then
``bash: line 2: /: Is a directory`` and ``126``."""

from __future__ import annotations

import simulator


def test_nul_bytes_in_a_line_are_dropped_as_bash_drops_them() -> None:
    host = simulator.Host()
    assert host.run("echo \0a").output == "a\n"
    result = host.run("/\0")
    assert (result.status, result.output) == (126, "-bash: /: Is a directory\n")
    assert host.run("\0/").output == "-bash: /: Is a directory\n"
    assert host.run("cat <<E\na\0b\nE").output == "ab\n"
