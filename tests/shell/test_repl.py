"""``seclab shell``: prompts, continuation, Ctrl-C, completion, non-terminal input."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import simulator
from simulator.shell_repl import Completer, prompt, run_session

ROOT = Path(__file__).resolve().parents[2]


def typist(lines: list[object], prompts: list[str]) -> Callable[[str], str]:
    """Types ``lines`` (a KeyboardInterrupt instance is Ctrl-C), recording each prompt."""
    queue = list(lines)

    def read(shown: str) -> str:
        prompts.append(shown)
        if not queue:
            raise EOFError
        item = queue.pop(0)
        if isinstance(item, BaseException):
            raise item
        return str(item)

    return read


def test_the_prompt_shows_the_last_component_of_the_working_directory() -> None:
    host = simulator.Host()
    assert prompt(host) == "[root@ol9-host ~]# "
    host.run("cd /var/lib/libvirt/images")
    assert prompt(host) == "[root@ol9-host images]# "
    host.run("cd /")
    assert prompt(host) == "[root@ol9-host /]# "


def test_a_session_prompts_continues_and_survives_ctrl_c() -> None:
    host = simulator.Host()
    prompts: list[str] = []
    out, err = io.StringIO(), io.StringIO()
    typed = [
        "cd /tmp",
        "if true",
        "then echo yes",
        "fi",
        "echo 'open",
        KeyboardInterrupt(),
        "echo after",
        "exit 4",
    ]
    status = run_session(host, stdout=out, stderr=err, read=typist(typed, prompts))
    assert status == 4
    tmp = "[root@ol9-host tmp]# "
    assert prompts == ["[root@ol9-host ~]# ", tmp, "> ", "> ", tmp, "> ", tmp, tmp]
    assert out.getvalue() == "yes\n^C\nafter\n"
    assert err.getvalue() == "logout\n"


def test_end_of_input_inside_a_construct_is_bashs_error() -> None:
    host = simulator.Host()
    out, err = io.StringIO(), io.StringIO()
    status = run_session(host, stdout=out, stderr=err, read=typist(["echo a &&"], []))
    assert status == 2
    assert err.getvalue() == "-bash: syntax error: unexpected end of file\nlogout\n"


def test_completion_comes_from_the_lab_not_the_real_host() -> None:
    host = simulator.Host()
    completer = Completer(host)
    assert completer.candidates("vir", 0, "vir") == ["virsh "]
    assert completer.candidates("ls /var/lib/libvirt/im", 3, "/var/lib/libvirt/im") == [
        "/var/lib/libvirt/images/"
    ]
    host.run("touch /root/lab-only-file")
    assert completer.candidates("cat lab-", 4, "lab-") == ["lab-only-file "]
    assert completer.candidates("echo a | ge", 9, "ge") == [
        "getenforce ",
        "getfattr ",
        "getopts ",  # a bash builtin: bash completes it too
        "getsebool ",
    ]


def test_without_a_terminal_nothing_is_prompted() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "shell", "--seed", "3"],
        input="for x in a b\ndo echo $x\ndone\nnosuch\nexit 5\necho never\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (done.stdout, done.stderr, done.returncode) == (
        "a\nb\n",
        "-bash: nosuch: command not found\n",
        5,
    )


def test_on_a_terminal_ctrl_c_cancels_the_line_and_tab_completes() -> None:
    import fcntl
    import os
    import pty
    import select
    import termios
    import time

    master, slave = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "shell"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env={**os.environ, "TERM": "dumb"},
        preexec_fn=controlling_terminal,
    )
    os.close(slave)
    seen = b""

    def expect(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                seen += os.read(master, 4096)
        assert marker in seen, seen
        seen = seen[seen.index(marker) + len(marker) :]

    try:
        expect(b"[root@ol9-host ~]# ")
        os.write(master, b"cd /var/lib/libvirt/im\t\n")
        expect(b"[root@ol9-host images]# ")
        os.write(master, b"echo partial")
        expect(b"partial")
        # CPython's readline checks for a signal only when select() is interrupted: a ^C
        # that lands between a key's echo and the next select() waits for the next key.
        # A typist's second ^C is what reaches it then; one ^C still prints one "^C".
        for _ in range(10):
            os.write(master, b"\x03")
            deadline = time.monotonic() + 3
            while b"^C" not in seen and time.monotonic() < deadline:
                if select.select([master], [], [], 0.2)[0]:
                    seen += os.read(master, 4096)
            if b"^C" in seen:
                break
        expect(b"^C\r\n[root@ol9-host images]# ")
        os.write(master, b"if true\n")
        expect(b"> ")
        os.write(master, b"then echo yes; fi\n")
        expect(b"yes\r\n[root@ol9-host images]# ")
        os.write(master, b"exit 6\n")
        expect(b"logout")
        assert process.wait(30) == 6
    finally:
        process.kill()
        os.close(master)


def test_here_documents_and_backslashes_continue_the_line() -> None:
    host = simulator.Host()
    prompts: list[str] = []
    out = io.StringIO()
    typed = ["cat <<EOF", "one $HOME", "EOF", "echo a \\", "b", "exit"]
    run_session(host, stdout=out, stderr=io.StringIO(), read=typist(typed, prompts))
    assert prompts == [
        "[root@ol9-host ~]# ",
        "> ",
        "> ",
        "[root@ol9-host ~]# ",
        "> ",
        "[root@ol9-host ~]# ",
    ]
    assert out.getvalue() == "one /root\na b\n"
