"""The mini-shell's language (scenarios.md 3)."""

from __future__ import annotations

import pytest

import simulator


@pytest.fixture
def host() -> simulator.Host:
    return simulator.Host()


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [
        ("echo hi", "hi\n", 0),
        ("echo 'a  b' \"c  d\" e\\ f", "a  b c  d e f\n", 0),
        ("X=1; echo $X ${X}y", "1 1y\n", 0),
        ("echo $(echo one; echo two)", "one two\n", 0),
        ("echo \"$(printf 'a\\nb\\n\\n')\"", "a\nb\n", 0),
        ("false; echo $?", "1\n", 0),
        ("false || echo no && echo yes", "no\nyes\n", 0),
        ("true && false", "", 1),
        ("echo a | grep b", "", 1),
        ("! echo a | grep b", "", 0),
        ("for x in 1 2 3; do echo $x; done | tail -n 1", "3\n", 0),
        ("if false; then echo a; elif true; then echo b; else echo c; fi", "b\n", 0),
        ("nosuch arg", "bash: nosuch: command not found\n", 127),
        ("echo )", "bash: syntax error near unexpected token ')'\n", 2),
        ("ls /nosuch 2>/dev/null", "", 2),
        ("ls /nosuch 2>&1 | wc -l", "1\n", 0),
        ("echo $$", "2000\n", 0),
        ("echo /dev/sd[ab]", "/dev/sda /dev/sdb\n", 0),
        ("echo /nosuch/*", "/nosuch/*\n", 0),
        ("V='x y'; for w in $V; do echo $w; done", "x\ny\n", 0),
        ("V='x y'; for w in \"$V\"; do echo $w; done", "x y\n", 0),
        ("echo -n a; echo b", "ab\n", 0),
        ("printf '%s=%d\\n' a 1 b 2", "a=1\nb=2\n", 0),
        ("cd /var/lib; pwd; cd libvirt; pwd", "/var/lib\n/var/lib/libvirt\n", 0),
        ("cd /nosuch", "bash: cd: /nosuch: No such file or directory\n", 1),
    ],
)
def test_language(host: simulator.Host, line: str, output: str, status: int) -> None:
    result = host.run(line)
    assert (result.output, result.status) == (output, status)


def test_redirections_write_the_simulated_filesystem(host: simulator.Host) -> None:
    host.run("echo one > /tmp/f; echo two >> /tmp/f")
    assert host.read_file(host.shell, "/tmp/f") == b"one\ntwo\n"
    assert host.run("cat < /tmp/f").output == "one\ntwo\n"
    result = host.run("echo x > /proc/nope")
    assert result.status == 1
    assert result.output.startswith("bash: /proc/nope: ")


def test_stderr_and_stdout_keep_write_order(host: simulator.Host) -> None:
    result = host.run("getfattr -n security.selinux /etc/passwd")
    assert (
        result.output.splitlines()[0] == "getfattr: Removing leading '/' from absolute path names"
    )
    assert result.stderr.count("\n") == 1


def test_every_command_moves_the_clock(host: simulator.Host) -> None:
    start = host.clock.now
    host.run("true")
    host.run("sleep 10")
    assert host.clock.now == start + 12


def test_text_tools(host: simulator.Host) -> None:
    run = host.run
    assert run("printf 'b\\na\\nb\\n' | sort | uniq -c").output == "      1 a\n      2 b\n"
    assert run("printf 'a:b:c\\n' | cut -d: -f2-").output == "b:c\n"
    assert run("printf 'x1\\nx2\\ny\\n' | grep -E '^x[0-9]$' | wc -l").output == "2\n"
    assert run("printf 'ab\\n' | grep -o b").output == "b\n"
    assert run("printf 'a\\nb\\nc\\n' | grep -n -A1 a").output == "1:a\n2-b\n"
    assert run("echo abc | tr a-c A-C").output == "ABC\n"
    assert run("echo a b c | xargs echo x").output == "x a b c\n"
    assert run("echo hi | tee /tmp/t").output == "hi\n"
    assert run("grep -q root /etc/passwd").status == 0
    assert run("grep -z x /etc/passwd").status == 3  # real option, not modelled
    assert run("grep -k x /etc/passwd").status == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("virsh migrate vm qemu+ssh://other/system", "virsh migrate"),
        ("virsh snapshot-create-as vm s1", "virsh snapshot-create-as"),
        ("echo x 2>/tmp/err", "redirecting stderr to a file"),
        ("virsh define net.xml", "disk type 'network'"),
    ],
)
def test_what_is_not_modelled_says_so(host: simulator.Host, line: str, message: str) -> None:
    host.write_file(
        host.shell,
        "/root/net.xml",
        b"<domain type='kvm'><name>n</name><devices><disk type='network'>"
        b"<source protocol='rbd' name='pool/image'/><target dev='vda'/></disk>"
        b"</devices></domain>",
    )
    before = host.run("virsh list --all --name").output
    result = host.run(line)
    assert (result.status, result.output) == (3, f"seclab: not modelled: {message}\n")
    assert host.run("virsh list --all --name").output == before  # nothing was defined
