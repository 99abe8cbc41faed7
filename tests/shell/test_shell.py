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
        ("nosuch arg", "-bash: nosuch: command not found\n", 127),
        ("echo )", "-bash: syntax error near unexpected token `)'\n", 2),
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
        ("cd /nosuch", "-bash: cd: /nosuch: No such file or directory\n", 1),
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
    assert result.output.startswith("-bash: /proc/nope: ")


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
        (
            "virsh migrate vm qemu+ssh://other/system",
            "virsh migrate on a single host (scenario.toml: hosts = [...])",
        ),
        ("virsh snapshot-create-as vm s1", "virsh snapshot-create-as"),
        ("virsh define net.xml", "disk type 'network'"),
    ],
)
def test_what_is_not_modelled_says_so(host: simulator.Host, line: str, message: str) -> None:
    host.write_file(
        host.shell,
        "/root/net.xml",
        b"<domain type='kvm'><name>n</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='network'>"
        b"<source protocol='rbd' name='pool/image'/><target dev='vda'/></disk>"
        b"</devices></domain>",
    )
    before = host.run("virsh list --all --name").output
    result = host.run(line)
    assert (result.status, result.output) == (3, f"seclab: not modelled: {message}\n")
    assert host.run("virsh list --all --name").output == before  # nothing was defined


@pytest.mark.parametrize(
    "line", ["echo err >&2", "echo x 1>&2", "sleep 1 &", "echo a & echo b", "echo a&b", "&"]
)
def test_a_lone_ampersand_terminates(host: simulator.Host, line: str) -> None:
    """issue 11: the lexer looped forever on a character no rule consumed."""
    host.run(line)


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [  # what coreutils 8.32 / grep 3.6 print (checked against the real tools)
        ("head -n abc /etc/passwd", "head: invalid number of lines: \u2018abc\u2019\n", 1),
        ("tail -n abc /etc/passwd", "tail: invalid number of lines: \u2018abc\u2019\n", 1),
        (
            "head -n",
            "head: option requires an argument -- 'n'\nTry 'head --help' for more information.\n",
            1,
        ),
        ("echo a | tr a ''", "tr: when not truncating set1, string2 must be non-empty\n", 1),
        ("echo abc | tr abc x", "xxx\n", 0),
        (
            "touch /tmp/f; chmod 12345 /tmp/f",
            "chmod: invalid mode: \u201812345\u2019\nTry 'chmod --help' for more information.\n",
            1,
        ),
        ("mkdir -m u=rwx /tmp/d && stat -c %a /tmp/d", "777\n", 0),
        ("mkdir -m abc /tmp/d2", "mkdir: invalid mode \u2018abc\u2019\n", 1),
        (
            "cut -f1-2-3 /etc/passwd",
            "cut: invalid field range\nTry 'cut --help' for more information.\n",
            1,
        ),
        ("grep -A x pat /etc/passwd", "grep: x: invalid context length argument\n", 2),
        ("printf '%d' abc", "-bash: printf: abc: invalid number\n0", 1),
        ("echo -e 'x\\'", "x\\\n", 0),
    ],
)
def test_argument_errors_are_the_tools_own(
    host: simulator.Host, line: str, output: str, status: int
) -> None:
    result = host.run(line)
    assert (result.output, result.status) == (output, status)


def test_stderr_to_a_file_writes_the_file(host: simulator.Host) -> None:
    result = host.run("ls /nosuch 2>/tmp/err; echo $?")
    assert result.output == "2\n"
    assert host.read_file(host.shell, "/tmp/err") == (
        b"ls: cannot access '/nosuch': No such file or directory\n"
    )
    host.run("echo out >/tmp/both; ls /nosuch &>>/tmp/both")
    assert host.read_file(host.shell, "/tmp/both").startswith(b"out\nls: cannot access")


def test_globs_sort_as_en_us_utf8_and_match_directories_with_a_slash(
    host: simulator.Host,
) -> None:
    host.run("mkdir /tmp/g; cd /tmp/g; touch b B a.b ab A_b a-c _x 10 9; mkdir dir")
    # LC_ALL=en_US.UTF-8 sort of the same names (glibc's ISO 14651 order)
    assert host.run("echo *").output == "10 9 a.b ab A_b a-c b B dir _x\n"
    assert host.run("echo */").output == "dir/\n"
    assert host.run("p='a*'; echo $p \"$p\"").output == "a.b ab a-c a*\n"
    assert host.run("echo .*").output == ". ..\n"  # bash 5.1: no globskipdots


def test_background_jobs_are_refused_before_anything_runs(host: simulator.Host) -> None:
    result = host.run("touch /tmp/bg; sleep 1 &")
    assert (result.output, result.status) == (
        "seclab: not modelled: background jobs (&)\n",
        3,
    )
    assert host.run("ls /tmp/bg").status == 2


def test_subshells_keep_their_state_inside(host: simulator.Host) -> None:
    assert host.run("(cd /tmp; x=1; exit 4); echo $? $x; pwd").output == "4\n/root\n"
    assert host.run("echo $(cd /tmp; pwd; exit 3) $?; pwd").output == "/tmp 3\n/root\n"
    assert not host.session.exited


def test_an_endless_loop_is_refused_not_hung(host: simulator.Host) -> None:
    result = host.run("while true; do :; done")
    assert result.status == 3
    assert result.output.startswith("seclab: not modelled: a command line running more than")


def test_exit_ends_the_session(host: simulator.Host) -> None:
    result = host.run("exit 3")
    assert (result.output, result.status, host.session.exited) == ("logout\n", 3, True)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("a=(1 2)", "arrays"),
        ("echo ${!x}", "indirect expansion ${!name}"),
        ("ls +(a|b)", "extended glob patterns (extglob)"),
        ("echo a!b", "history expansion (!)"),
        ("cat <(echo)", "process substitution"),
        ("echo ${x:1:2}", "substring expansion ${name:offset:length}"),
        ("exec 3>f", "file descriptors other than 0, 1 and 2"),
        ("set -e", "set -e (shell options)"),
        ("alias", "the bash builtin alias"),
        ("[[ a =~ b ]]", "the [[ =~ ]] operator"),
        ("echo a |& cat", "the |& pipe"),
        ("./run.sh", "running programs from files (./run.sh)"),
    ],
)
def test_unmodelled_bash_says_so(host: simulator.Host, line: str, what: str) -> None:
    host.run("touch run.sh")
    result = host.run(line)
    assert (result.output, result.status) == (f"seclab: not modelled: {what}\n", 3)


@pytest.mark.parametrize(
    "line", ['echo "hi!"', "echo 'a!b'", "[ 1 != 2 ] && echo ne", "echo !", "echo \\!b"]
)
def test_a_bang_bash_does_not_expand_is_text(host: simulator.Host, line: str) -> None:
    assert host.run(line).status == 0


def test_a_scenario_step_the_lab_does_not_model_runs_and_says_so(tmp_path: object) -> None:
    from pathlib import Path

    from simulator.scenario.runner import run_path

    path = Path(str(tmp_path)) / "s.txtar"
    path.write_text(
        "t\n-- transcript --\n  $ echo a!b\n  seclab: not modelled: history expansion (!)\n  [3]\n",
        encoding="utf-8",
    )
    result = run_path(str(path))
    assert result.verdict == "PASS", result.error or result.diff
