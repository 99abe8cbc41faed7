"""The ``seclab`` command: one face of the lab for users and CI."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from simulator.__about__ import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING: --help and --version do not import typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, NoReturn

    from simulator.host import Host

USAGE_ERROR = 2
NOTHING_COLLECTED = 5  # as pytest: no scenario found, or none selected by -k
DEFAULT_TIMEOUT = 60.0  # simulator.scenario.deadline.DEFAULT_TIMEOUT, without importing it
# sorted(simulator.system.profiles.PROFILES), without importing the host model (and the kernel
# under it) to build the parser: ``--help``, ``--version`` and usage errors load none of it
# (tests/scenario/test_cli_start.py keeps the two equal)
PROFILE_NAMES = ("ol8", "ol9")

DESCRIPTION = "seclab: a deterministic, in-memory lab of libvirt's SELinux and DAC labelling."


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing shutil (and the compression
    modules it loads) on every start: COLUMNS if a positive number, else the terminal of
    ``sys.__stdout__``, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, its width found as argparse finds it (the terminal's
    columns less 2), but without shutil: argparse makes a formatter for every argument
    it adds, so its lazy ``import shutil`` would run on every start."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr and exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"seclab: {message}\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: '{text}'") from None
    if not 0 <= value < 1e9:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"invalid number of seconds: '{text}'")
    return value


def _add_profile(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--profile", choices=PROFILE_NAMES, help=f"the host profile {what}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="seclab", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"seclab {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", help="run scenario files (*.txtar) and report")
    run.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    run.add_argument("-k", dest="keyword", help="only scenarios whose path or tag matches")
    run.add_argument("--update", action="store_true", help="rewrite expected output in place")
    run.add_argument("--seed", type=int, help="override every scenario's seed")
    run.add_argument("--junit-xml", metavar="FILE", help="write a JUnit XML report")
    run.add_argument("-j", dest="jobs", type=int, default=1, help="run on N processes")
    run.add_argument(
        "--from-state", metavar="FILE", help="start from a saved host (lab state --json)"
    )
    run.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a scenario after SECONDS (default {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    _add_profile(run, "every scenario runs on (overrides scenario.toml)")
    render = commands.add_parser("render", help="turn scenarios into workshop handouts")
    render.add_argument("paths", nargs="+", metavar="SCENARIO")
    render.add_argument("--format", choices=("md", "html"), default="md")
    render.add_argument("-o", dest="out", metavar="DIR", help="write one file per scenario here")
    shell = commands.add_parser("shell", help="an interactive session on a lab host")
    shell.add_argument("scenario", nargs="?", help="start from the host a scenario leaves")
    shell.add_argument("--seed", type=int, default=0, help="the seed of a fresh host")
    shell.add_argument(
        "--setup-only",
        action="store_true",
        help="only put the scenario's files and settings in place; type the transcript yourself",
    )
    _add_profile(shell, "of the host (default: the scenario's, or ol9)")
    state = commands.add_parser(
        "state", help="print the host's state as JSON (fresh, or as a scenario leaves it)"
    )
    state.add_argument("--seed", type=int, default=0, help="the seed of the random source")
    state.add_argument("scenario", nargs="?", metavar="SCENARIO")
    _add_profile(state, "of the host (default: the scenario's, or ol9)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    program = argv is None  # this process is seclab: it may tune its garbage collector
    if program:
        gc.disable()  # while the lab's modules load; see _settle
    try:
        parser = build_parser()
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        if program and args.command != "run":
            _settle()
        return _dispatch(parser, args, settle=program)
    finally:
        if program and not gc.isenabled():
            gc.enable()


def _dispatch(  # noqa: RET503 - parser.error exits
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, settle: bool
) -> int:
    try:
        if args.command is None:
            parser.print_help()
            return 0
        if args.command == "run":
            return _run(args, settle=settle)
        if args.command == "shell":
            return _shell(args)
        if args.command == "render":
            return _render(args)
        if args.command == "state":
            return _state(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: one line, unless --debug
        if args.debug:
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write(f"seclab: internal error: {error!r} (use --debug for details)\n")
        return 70
    parser.error(f"unknown command {args.command!r}")


def _inaccessible(paths: list[str]) -> str | None:
    """Why one of the given scenario paths cannot be used, or None."""
    from simulator.scenario.paths import pure_path

    for path in paths:
        try:
            os.stat(pure_path(path))  # noqa: PTH116 - Path(path).stat() without pathlib
        except FileNotFoundError:
            return f"no such file or directory: {path}"
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else "embedded null byte"
            return f"cannot access {path}: {reason}"
    return None


def _unwritable(path: str) -> str | None:
    """Why a report cannot be written to ``path`` (checked before running), or None."""
    from pathlib import Path

    try:
        return _why_unwritable(Path(path))
    except OSError as error:
        return error.strerror or "cannot access"


def _why_unwritable(target: Path) -> str | None:
    if target.is_dir():
        return "Is a directory"
    parent = target.parent
    if not parent.exists():
        return "No such file or directory"
    if not parent.is_dir():
        return "Not a directory"
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        return "Permission denied"
    return None


def _read_state(path: str) -> str:
    """A saved state's text; raises ``ValueError`` with one line saying why not."""
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"cannot read {path}: not UTF-8") from None


def _settle() -> None:
    """Take every object alive now, mostly the modules just loaded (with the collector off:
    none of them is garbage), out of the cyclic garbage collector's generations
    (``gc.freeze``), then turn it on: they live as long as the process, and each collection
    while scenarios run would walk them again (about a tenth of a one-scenario run). The lab
    has no finalizers, so when the collector runs changes no output."""
    gc.freeze()
    gc.enable()


def _run(args: argparse.Namespace, *, settle: bool = False) -> int:
    """``seclab run``; ``settle``: this process is seclab itself (``main()`` without
    arguments), so it may tune the process's garbage collector (:func:`_settle`)."""
    from simulator.scenario.suite import discover, junit_xml, run_all, summary

    if settle:
        # What scenarios run on: the shell, and virsh with libvirt's daemon (nearly every
        # scenario talks to it), loaded before the collector is settled.
        import simulator.shell.commands.virsh
        import simulator.shell.interpreter  # noqa: F401

        _settle()

    if problem := _inaccessible(args.paths):
        sys.stderr.write(f"seclab: {problem}\n")
        return USAGE_ERROR
    if args.jobs < 1:
        sys.stderr.write("seclab: -j needs a number of at least 1\n")
        return USAGE_ERROR
    if args.junit_xml and (problem := _unwritable(args.junit_xml)):
        sys.stderr.write(f"seclab: cannot write JUnit report {args.junit_xml}: {problem}\n")
        return USAGE_ERROR
    state = None
    if args.from_state:
        try:
            state = _read_state(args.from_state)
        except ValueError as error:
            sys.stderr.write(f"seclab: {error}\n")
            return USAGE_ERROR
    try:
        paths = discover(args.paths)
    except OSError as error:
        sys.stderr.write(f"seclab: cannot list {error.filename}: {error.strerror}\n")
        return USAGE_ERROR
    reports = run_all(
        paths,
        seed=args.seed,
        keyword=args.keyword,
        jobs=args.jobs,
        state=state,
        timeout=args.timeout or None,
        profile=args.profile,
    )
    out = sys.stdout
    unwritten = written = 0
    for report in reports:
        if report.verdict in ("ERROR", "TIMEOUT"):
            out.write(f"{report.verdict} {report.error}\n")
            continue
        out.write(f"{report.verdict} {report.path}\n")
        if report.verdict == "FAIL":
            out.write(report.diff)
            if args.update and report.updated is not None:
                done = _update(report.path, report.updated, report.changed_lines)
                written, unwritten = written + done, unwritten + (not done)
    if reports:
        out.write(summary(reports) + (f", {written} updated" if written else "") + "\n")
    elif not paths:
        sys.stderr.write("seclab: no scenarios (*.txtar) found in " + " ".join(args.paths) + "\n")
    else:
        sys.stderr.write(
            f"seclab: no scenario matches -k {args.keyword!r} ({len(paths)} deselected)\n"
        )
    out.flush()
    if args.junit_xml:
        from pathlib import Path

        try:
            Path(args.junit_xml).write_text(junit_xml(reports), encoding="utf-8")
        except OSError as error:
            sys.stderr.write(
                f"seclab: cannot write JUnit report {args.junit_xml}: {error.strerror}\n"
            )
            return USAGE_ERROR
    if not reports:
        return NOTHING_COLLECTED
    verdicts = {r.verdict for r in reports}
    if verdicts == {"ERROR"}:
        return USAGE_ERROR
    if args.update and verdicts <= {"PASS", "FAIL"} and not unwritten:
        return 0  # every difference is now in its file
    return 0 if verdicts == {"PASS"} else 1


def _update(path: str, text: str, lines: tuple[int, ...]) -> bool:
    """``--update``: write the new expected output and say what was written."""
    from pathlib import Path

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        sys.stderr.write(f"seclab: cannot update {path}: {error.strerror}\n")
        return False
    where = ", ".join(str(n) for n in lines)
    plural = "s" if len(lines) != 1 else ""
    sys.stdout.write(
        f"updated {path}: output of {len(lines)} command{plural} (line{plural} {where})\n"
    )
    return True


def _render(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.scenario.render import to_html, to_markdown
    from simulator.scenario.runner import run_path
    from simulator.scenario.suite import discover

    if problem := _inaccessible(args.paths):
        sys.stderr.write(f"seclab: {problem}\n")
        return USAGE_ERROR
    if args.out:
        try:
            Path(args.out).mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            sys.stderr.write(f"seclab: -o {args.out}: Not a directory\n")
            return USAGE_ERROR
        except OSError as error:
            sys.stderr.write(f"seclab: -o {args.out}: {error.strerror}\n")
            return USAGE_ERROR
    try:
        paths = discover(args.paths)
    except OSError as error:
        sys.stderr.write(f"seclab: cannot list {error.filename}: {error.strerror}\n")
        return USAGE_ERROR
    if not paths:
        sys.stderr.write("seclab: no scenarios (*.txtar) found in " + " ".join(args.paths) + "\n")
        return NOTHING_COLLECTED
    status = 0
    for path in paths:
        result = run_path(path, timeout=DEFAULT_TIMEOUT)
        if result.scenario is None or result.verdict in ("ERROR", "TIMEOUT"):
            sys.stderr.write(f"seclab: {result.error or result.timeout}\n")
            status = 1
            continue
        text = to_html(result) if args.format == "html" else to_markdown(result)
        if args.out:
            target = Path(args.out) / (Path(path).stem + "." + args.format)
            try:
                target.write_text(text, encoding="utf-8")
            except OSError as error:
                sys.stderr.write(f"seclab: cannot write {target}: {error.strerror}\n")
                return USAGE_ERROR
        else:
            sys.stdout.write(text)
    return status


def _host_after(
    path: str | None, seed: int = 0, *, setup_only: bool = False, profile: str | None = None
) -> Host | str:
    """A fresh host, or the host as the scenario at ``path`` leaves it (or, with
    ``setup_only``, as it is before the transcript's first command); else the error."""
    from simulator.host import Host
    from simulator.scenario.config import ScenarioError
    from simulator.scenario.deadline import ScenarioTimeout
    from simulator.scenario.runner import load, run, setup

    if not path:
        return Host(seed=seed) if profile is None else Host(seed=seed, profile=profile)
    try:
        if setup_only:
            return setup(load(path, profile=profile))
        scenario_result = run(load(path, profile=profile), timeout=DEFAULT_TIMEOUT)
    except ScenarioError as error:
        return str(error)
    except ScenarioTimeout:
        return f"{path}: timed out after {DEFAULT_TIMEOUT:g} s"
    if scenario_result.host is None:
        return str(scenario_result.error or scenario_result.timeout)
    return scenario_result.host


def _state(args: argparse.Namespace) -> int:
    host = _host_after(args.scenario, args.seed, profile=args.profile)
    if isinstance(host, str):
        sys.stderr.write(f"seclab: {host}\n")
        return USAGE_ERROR
    sys.stdout.write(host.snapshot().to_json() + "\n")
    return 0


def _shell(args: argparse.Namespace) -> int:
    from simulator.shell_repl import run_session

    host = _host_after(args.scenario, args.seed, setup_only=args.setup_only, profile=args.profile)
    if isinstance(host, str):
        sys.stderr.write(f"seclab: {host}\n")
        return USAGE_ERROR
    return run_session(host)


if __name__ == "__main__":
    sys.exit(main())
