"""The userland's promises beyond the differential corpus: recursive tools never follow links
inside a tree (issue 19 item 7), tree walks of any depth (item 11), the option front end."""

from __future__ import annotations

import inspect
import sys
import time

import pytest

import simulator


@pytest.fixture
def host() -> simulator.Host:
    return simulator.Host()


def test_chcon_recursive_does_not_relabel_root_through_proc(host: simulator.Host) -> None:
    before = host.run("ls -Zd /").output
    host.run("chcon -R -t etc_t /proc/1")
    assert host.run("ls -Zd /").output == before


@pytest.mark.parametrize(
    ("command", "check"),
    [
        ("chcon -R -t user_home_t /srv/t", "ls -Z /etc/passwd"),
        ("restorecon -RF /srv/t", "ls -Z /etc/passwd"),
        ("chown -R qemu /srv/t", "stat -c %U /etc/passwd"),
        ("chmod -R 600 /srv/t", "stat -c %a /etc/passwd"),
        ("rm -r /srv/t", "ls /etc/passwd"),
        ("cp -r /srv/t /srv/u", "stat -c %F /srv/u/link"),
        ("grep -r root /srv/t", "ls /etc/passwd"),
    ],
)
def test_recursive_tools_do_not_follow_links_in_the_tree(
    host: simulator.Host, command: str, check: str
) -> None:
    host.run("mkdir -p /srv/t/sub && ln -s /etc/passwd /srv/t/link && ln -s /etc /srv/t/sub/etc")
    before = host.run(check).output
    result = host.run(command)
    assert "passwd" not in result.output
    if command.startswith("cp"):
        assert host.run(check).output == "symbolic link\n"
    else:
        assert host.run(check).output == before


def test_tree_walks_are_iterative(host: simulator.Host) -> None:
    """A tree deeper than the Python stack allows is walked (mkdir -p, chcon -R, rm -rf)."""
    host.run("mkdir -p /d/" + "/".join(["a"] * 120))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 90)
    try:
        for line in ("chcon -R -t etc_t /d", "restorecon -R /d", "chmod -R 700 /d", "rm -rf /d"):
            result = host.run(line)
            assert "internal error" not in result.output, line
    finally:
        sys.setrecursionlimit(limit)
    assert host.run("ls /d").status == 2


def test_cut_huge_open_range_allocates_nothing(host: simulator.Host) -> None:
    host.run("echo 'a\tb' > /tmp/f")
    start = time.perf_counter()
    assert host.run("cut -f1-1000000000 /tmp/f").output == "a\tb\n"
    assert time.perf_counter() - start < 5


def test_getfattr_warns_once_per_run(host: simulator.Host) -> None:
    host.run("setfattr -n user.x -v 1 /tmp")
    for _ in range(2):
        assert host.run("getfattr -d /tmp /tmp").stderr == (
            "getfattr: Removing leading '/' from absolute path names\n"
        )


@pytest.mark.parametrize(
    ("line", "stderr", "status"),
    [
        ("ls -k /tmp", "", 0),
        (
            "ls --frob",
            "ls: unrecognized option '--frob'\nTry 'ls --help' for more information.\n",
            2,
        ),
        ("ls --color", "seclab: not modelled: ls --color\n", 3),
        ("ls -x", "seclab: not modelled: ls -x\n", 3),
        ("cat -k", "cat: invalid option -- 'k'\nTry 'cat --help' for more information.\n", 1),
        ("head -n abc /etc/passwd", "head: invalid number of lines: \u2018abc\u2019\n", 1),
        ("tr a ''", "tr: when not truncating set1, string2 must be non-empty\n", 1),
        (
            "chmod 12345 /tmp",
            "chmod: invalid mode: \u201812345\u2019\nTry 'chmod --help' for more information.\n",
            1,
        ),
        (
            "cut -f1-2-3 /etc/passwd",
            "cut: invalid field range\nTry 'cut --help' for more information.\n",
            1,
        ),
        ("grep -A x pat /etc/passwd", "grep: x: invalid context length argument\n", 2),
        (
            "rm -rf /",
            "rm: it is dangerous to operate recursively on '/'\n"
            "rm: use --no-preserve-root to override this failsafe\n",
            1,
        ),
    ],
)
def test_usage_errors_and_refusals(
    host: simulator.Host, line: str, stderr: str, status: int
) -> None:
    result = host.run(line)
    assert (result.stderr, result.status) == (stderr, status)


def test_mkdir_mode_ignores_umask(host: simulator.Host) -> None:
    assert host.run("mkdir -m u=rwx /tmp/m && stat -c %a /tmp/m").output == "777\n"
    assert host.run("mkdir -m 1777 /tmp/s && stat -c %a /tmp/s").output == "1777\n"


def test_cp_labels(host: simulator.Host) -> None:
    host.run("touch /root/f && chcon -t etc_t /root/f")
    host.run("cp /root/f /tmp/plain && cp -a /root/f /tmp/kept")
    assert "user_tmp_t" in host.run("ls -Z /tmp/plain").output
    assert "etc_t" in host.run("ls -Z /tmp/kept").output


@pytest.mark.parametrize(
    ("setup", "line", "output", "status"),
    [
        (
            "",
            "chown -c qemu /tmp/f",
            "changed ownership of '/tmp/f' from root to qemu\n",
            0,
        ),
        ("", "chown -f qemu /tmp/nosuch", "", 1),
        ("", "chown --quiet qemu /tmp/nosuch", "", 1),
        ("ln -s /tmp/f /tmp/l", "chown -h qemu /tmp/l; stat -c %U /tmp/f", "root\n", 0),
        ("", "chown --dereference qemu /tmp/f; stat -c %U /tmp/f", "qemu\n", 0),
        ("", "chown --preserve-root -R qemu /tmp/f; stat -c %U /tmp/f", "qemu\n", 0),
        ("", "chgrp -v qemu /tmp/f", "changed group of '/tmp/f' from root to qemu\n", 0),
        ("", "chgrp -c root /tmp/f", "", 0),
        ("", "chgrp -f qemu /tmp/nosuch", "", 1),
        ("", "chgrp --silent --quiet qemu /tmp/nosuch", "", 1),
        ("mkdir /tmp/d; touch /tmp/d/g", "chgrp -R qemu /tmp/d; stat -c %G /tmp/d/g", "qemu\n", 0),
        ("ln -s /tmp/f /tmp/l", "chgrp -h qemu /tmp/l; stat -c %G /tmp/f", "root\n", 0),
        ("", "chgrp --dereference --preserve-root qemu /tmp/f; stat -c %G /tmp/f", "qemu\n", 0),
        (
            "",
            "chmod -c 600 /tmp/f",
            "mode of '/tmp/f' changed from 0644 (rw-r--r--) to 0600 (rw-------)\n",
            0,
        ),
        ("", "chmod -c 644 /tmp/f", "", 0),
        ("", "chmod -f 600 /tmp/nosuch", "", 1),
        ("", "chmod --quiet --preserve-root 600 /tmp/nosuch", "", 1),
        ("ln -s /tmp/f /tmp/l", "readlink -n /tmp/l", "/tmp/f", 0),
        ("", "readlink -v /tmp/f", "readlink: /tmp/f: Invalid argument\n", 1),
        ("", "readlink -q /tmp/f", "", 1),
        ("", "readlink -s -v /tmp/f", "readlink: /tmp/f: Invalid argument\n", 1),
        ("", "readlink -v -s /tmp/f", "", 1),
        ("", "realpath -q /tmp/nosuch/x", "", 1),
        ("", "uname -n", "ol9-host\n", 0),
        (
            "",
            "uname -srvmpio",
            "Linux 5.15.0-300.el9uek.x86_64 #2 SMP x86_64 x86_64 x86_64 GNU/Linux\n",
            0,
        ),
        ("", "grep -G 'x\\+' /tmp/f", "xxy\n", 0),
        ("", "grep -i --no-ignore-case X /tmp/f", "", 1),
        ("", "awk -v n=3 'BEGIN {print n + 1}'", "4\n", 0),
        ("", "awk --assign=n=2 'BEGIN {print n}'", "2\n", 0),
        ("touch /tmp/a", "touch /tmp/b; ls -t /tmp/a /tmp/b", "/tmp/b\n/tmp/a\n", 0),
        ("touch /tmp/b /tmp/a", "ls -U /tmp/b /tmp/a", "/tmp/b\n/tmp/a\n", 0),
        ("", "ls -1sh /tmp/f", "4.0K /tmp/f\n", 0),
        ("", "rm --preserve-root /tmp/f; ls /tmp", "", 0),
        ("touch /tmp/g", "cp -f /tmp/f /tmp/g; cat /tmp/g", "xxy\n", 0),
        ("chown qemu /tmp/f", "cp -p /tmp/f /tmp/g; stat -c %U /tmp/g", "qemu\n", 0),
        (
            "chcon -t etc_t /tmp/f",
            "cp --preserve=context /tmp/f /tmp/g; ls -Z /tmp/g",
            "unconfined_u:object_r:etc_t:s0 /tmp/g\n",
            0,
        ),
        ("touch /tmp/g", "mv -f /tmp/f /tmp/g; cat /tmp/g", "xxy\n", 0),
        ("touch /tmp/g", "ln -sf /tmp/f /tmp/g; readlink /tmp/g", "/tmp/f\n", 0),
        ("", "cat -e /tmp/f", "xxy$\n", 0),
        ("echo 'a\tb' > /tmp/t", "cat -t /tmp/t", "a^Ib\n", 0),
        ("", "cat -u /tmp/f", "xxy\n", 0),
        ("", "tail -v /tmp/f", "==> /tmp/f <==\nxxy\n", 0),
        ("", "tr -t xy ab < /tmp/f", "aab\n", 0),
        ("", "tr '\\n' '\\0' < /tmp/f | xargs -0 echo", "xxy\n", 0),
        ("", "tr '\\n' '\\0' < /tmp/f | xargs --null echo", "xxy\n", 0),
    ],
)
def test_options_beyond_the_corpus(
    host: simulator.Host, setup: str, line: str, output: str, status: int
) -> None:
    """Expected text checked against coreutils/grep/gawk on a real host."""
    host.run("echo xxy > /tmp/f")
    if setup:
        host.run(setup)
    result = host.run(line)
    assert (result.output, result.status) == (output, status)


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [
        ("id -un", "root\n", 0),
        ("id -Gn qemu", "qemu kvm\n", 0),
        ("id -g -r", "0\n", 0),
        ("id -a -u", "0\n", 0),
        ("id --context --user", 'id: cannot print "only" of more than one choice\n', 1),
        ("id -n", "id: cannot print only names or real IDs in default format\n", 1),
        ("id nosuch", "id: \u2018nosuch\u2019: no such user\n", 1),
        (
            "mknod /tmp/x x",
            "mknod: missing operand after \u2018x\u2019\nSpecial files require major and minor "
            "device numbers.\nTry 'mknod --help' for more information.\n",
            1,
        ),
        (
            "mknod /tmp/p p 1 2",
            "mknod: extra operand \u20181\u2019\nFifos do not have major and minor device "
            "numbers.\nTry 'mknod --help' for more information.\n",
            1,
        ),
        (
            "mknod /tmp/b b 99999999999 1",
            "mknod: invalid major device number \u201899999999999\u2019\n",
            1,
        ),
        ("mknod -m 600 /tmp/c c 1 3 && stat -c %a /tmp/c", "600\n", 0),
    ],
)
def test_id_and_mknod(host: simulator.Host, line: str, output: str, status: int) -> None:
    """Expected text checked against coreutils on a real host."""
    result = host.run(line)
    assert (result.output, result.status) == (output, status)


@pytest.mark.parametrize(
    ("line", "first_line", "status"),
    [
        ("sed -k", "sed: invalid option -- 'k'", 1),
        ("sed --frob", "sed: unrecognized option '--frob'", 1),
        ("awk -k", "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...", 1),
        ("awk -v", "awk: option requires an argument -- v", 1),
    ],
)
def test_sed_and_gawk_print_their_whole_usage(
    host: simulator.Host, line: str, first_line: str, status: int
) -> None:
    """sed and gawk print their usage text after a bad option (checked on a real host)."""
    result = host.run(line)
    assert result.stderr.split("\n")[0] == first_line
    assert result.stderr.count("Usage: ") >= 1
    assert "--help' for more information" not in result.stderr
    assert result.status == status


def test_ls_long_classify_marks_the_link_target(host: simulator.Host) -> None:
    """ls -lF: 'l -> dd/' (the target's indicator), checked with coreutils on a real host."""
    host.run("mkdir /tmp/dd && ln -s /tmp/dd /tmp/l")
    assert host.run("ls -lF /tmp/l").output.endswith(" /tmp/l -> /tmp/dd/\n")


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [
        ("awk 'BEGIN{print 1e400, 2^100000, -2^100001}'", "+inf +inf -inf\n", 0),
        (
            "echo abc | sed 's/\\(a\\)/\\2/'",
            "sed: -e expression #1, char 11: invalid reference \\2 on `s' command's RHS\n",
            1,
        ),
    ],
)
def test_sed_awk_edges(host: simulator.Host, line: str, output: str, status: int) -> None:
    """Found by fuzzing sed and awk programs; expected text from sed 4.9 and gawk 5.2."""
    result = host.run(line)
    assert (result.output, result.status) == (output, status)


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        (
            "head -c 99999999999999999999 /etc/hostname",
            "head: invalid number of bytes: \u201899999999999999999999\u2019: "
            "Value too large for defined data type\n",
        ),
        (
            "tail -n 99999999999999999999 /etc/hostname",
            "tail: invalid number of lines: \u201899999999999999999999\u2019: "
            "Value too large for defined data type\n",
        ),
        (
            "cut -c 99999999999999999999 /etc/hostname",
            "cut: byte/character offset \u201899999999999999999999\u2019 is too large\n"
            "Try 'cut --help' for more information.\n",
        ),
    ],
)
def test_numbers_too_large(host: simulator.Host, line: str, stderr: str) -> None:
    """coreutils' overflow messages (checked on a real host)."""
    result = host.run(line)
    assert (result.stderr, result.status) == (stderr, 1)
