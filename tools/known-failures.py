"""Regenerate tests/differential/known_failures.py from a replay (keeps reasons already
written; new entries get the reason of the first matching prefix rule)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.differential.replay import ATTR_CORPUS, attr_fixture_host, load, replay  # noqa: E402

RULES = (
    ("wc < ", "the lab's stdin is a byte string, not a file: wc cannot fstat it for the width"),
    (
        "grep -r",
        "grep -r lists files in readdir order of the recording file system; the lab's "
        "directories are in name order",
    ),
    (
        "xargs -n1 < nosuch",
        "the lab's shell prints bash 5.1's interactive message; the "
        "recording bash 5.2 -c adds 'line 1:'",
    ),
    ("xargs", "the echo builtin does not take undecodable bytes"),
    (
        "grep -A",
        "with context options, grep prints the lines before a binary file's first "
        "binary line; the lab prints none of the file",
    ),
    (
        "grep -C",
        "with context options, grep prints the lines before a binary file's first "
        "binary line; the lab prints none of the file",
    ),
    (
        "grep -nA",
        "with context options, grep prints the lines before a binary file's first "
        "binary line; the lab prints none of the file",
    ),
    ("ls -S", "directory sizes: the lab's directories are 0 bytes, ext4's are 4096"),
    ("ls -rS", "directory sizes: the lab's directories are 0 bytes, ext4's are 4096"),
    ("ls -sA", "directory blocks: the lab's directories hold no blocks, ext4's hold 4 KiB"),
    (
        "rm -rv",
        "rm removes in readdir order of the recording file system; the lab's "
        "directories are in name order",
    ),
    (
        "sed 's/x*/-/g' utf8",
        "GNU sed steps over an empty match by one byte, splitting "
        "UTF-8 characters; the lab steps by one character",
    ),
    (
        "xargs -n1 < nosuch",
        "the lab's shell prints bash 5.1's interactive message; the "
        "recording bash 5.2 -c adds 'line 1:'",
    ),
    (
        "find",
        "find walks in readdir order of the recording file system; the lab's "
        "directories are in name order",
    ),
    (
        "getfattr -n system.posix_acl",
        "the lab does not model POSIX ACLs: its system.* handler refuses every name "
        "(EOPNOTSUPP) where ext4 answers ENODATA for a file without an ACL",
    ),
    (
        "setfattr --re=",
        "options.parse names an ambiguous long option without its '=value'; glibc's "
        "getopt prints the whole argument",
    ),
    (
        "getfattr -m 'l**'",
        "posix_regex.translate refuses a repetition of a repetition (also grep -E 'o**')",
    ),
    (
        "getfattr -m 'x{1}{2}'",
        "posix_regex.translate refuses a repetition of a repetition (also grep -E 'o{1}{2}')",
    ),
    ("", "not exact yet"),
)


def reason_for(cmd: str, old: dict[str, str]) -> str:
    if cmd in old:
        return old[cmd]
    return next(reason for prefix, reason in RULES if cmd.startswith(prefix))


def main() -> None:
    try:
        from tests.differential.known_failures import KNOWN as old
    except ImportError:
        old = {}
    outcomes = [*replay(load()), *replay(load(ATTR_CORPUS), attr_fixture_host)]
    failing = [o for o in outcomes if not o.equal and not o.loud]
    lines = [
        '"""Cases of the differential corpus the lab does not reproduce yet, each with why',
        '(regenerate with tools/known-failures.py after a fix)."""',
        "",
        "KNOWN: dict[str, str] = {",
    ]
    lines += [f"    {o.case.cmd!r}: {reason_for(o.case.cmd, old)!r}," for o in failing]
    lines.append("}")
    (ROOT / "tests" / "differential" / "known_failures.py").write_text("\n".join(lines) + "\n")
    print(f"{len(failing)} known failures")


if __name__ == "__main__":
    main()
