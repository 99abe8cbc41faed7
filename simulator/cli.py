"""The ``seclab`` command: one face of the lab for users and CI."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from simulator.__about__ import __version__

if TYPE_CHECKING:
    from simulator.host import Host

USAGE_ERROR = 2
PROMPT = "[root@ol9-host ~]# "

DESCRIPTION = "seclab: a deterministic, in-memory lab of libvirt's SELinux and DAC labelling."


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"seclab: {message}\n")


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
    render = commands.add_parser("render", help="turn scenarios into workshop handouts")
    render.add_argument("paths", nargs="+", metavar="SCENARIO")
    render.add_argument("--format", choices=("md", "html"), default="md")
    render.add_argument("-o", dest="out", metavar="DIR", help="write one file per scenario here")
    shell = commands.add_parser("shell", help="an interactive session on a lab host")
    shell.add_argument("scenario", nargs="?", help="start from the host a scenario leaves")
    shell.add_argument(
        "--setup-only",
        action="store_true",
        help="only put the scenario's files and settings in place; type the transcript yourself",
    )
    state = commands.add_parser(
        "state", help="print the host's state as JSON (fresh, or as a scenario leaves it)"
    )
    state.add_argument("--seed", type=int, default=0, help="the seed of the random source")
    state.add_argument("scenario", nargs="?", metavar="SCENARIO")
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: RET503 - parser.error exits
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command is None:
            parser.print_help()
            return 0
        if args.command == "run":
            return _run(args)
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
            traceback.print_exc()
        else:
            sys.stderr.write(f"seclab: internal error: {error!r} (use --debug for details)\n")
        return 70
    parser.error(f"unknown command {args.command!r}")


def _run(args: argparse.Namespace) -> int:
    from simulator.scenario.suite import discover, junit_xml, run_all, summary

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        sys.stderr.write(f"seclab: no such file or directory: {missing[0]}\n")
        return USAGE_ERROR
    if args.jobs < 1:
        sys.stderr.write("seclab: -j needs a number of at least 1\n")
        return USAGE_ERROR
    state = None
    if args.from_state:
        try:
            state = Path(args.from_state).read_text(encoding="utf-8")
        except OSError as error:
            sys.stderr.write(f"seclab: cannot read {args.from_state}: {error.strerror}\n")
            return USAGE_ERROR
    paths = discover(args.paths)
    reports = run_all(paths, seed=args.seed, keyword=args.keyword, jobs=args.jobs, state=state)
    out = sys.stdout
    for report in reports:
        if report.verdict == "ERROR":
            out.write(f"ERROR {report.error}\n")
            continue
        out.write(f"{report.verdict} {report.path}\n")
        if report.verdict == "FAIL":
            out.write(report.diff)
            if args.update and report.updated is not None:
                Path(report.path).write_text(report.updated, encoding="utf-8")
                out.write(f"updated {report.path}\n")
    out.write(summary(reports) + "\n")
    if args.junit_xml:
        Path(args.junit_xml).write_text(junit_xml(reports), encoding="utf-8")
    if any(r.verdict == "ERROR" for r in reports):
        return USAGE_ERROR if all(r.verdict == "ERROR" for r in reports) else 1
    return 0 if all(r.verdict == "PASS" for r in reports) else 1


def _render(args: argparse.Namespace) -> int:
    from simulator.scenario.render import to_html, to_markdown
    from simulator.scenario.runner import run_path
    from simulator.scenario.suite import discover

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        sys.stderr.write(f"seclab: no such file or directory: {missing[0]}\n")
        return USAGE_ERROR
    status = 0
    for path in discover(args.paths):
        result = run_path(path)
        if result.scenario is None:
            sys.stderr.write(f"seclab: {result.error}\n")
            status = 1
            continue
        text = to_html(result) if args.format == "html" else to_markdown(result)
        if args.out:
            target = Path(args.out) / (Path(path).stem + "." + args.format)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return status


def _host_after(path: str | None, seed: int = 0, *, setup_only: bool = False) -> Host | str:
    """A fresh host, or the host as the scenario at ``path`` leaves it (or, with
    ``setup_only``, as it is before the transcript's first command); else the error."""
    from simulator.host import Host
    from simulator.scenario.config import ScenarioError
    from simulator.scenario.runner import build_host, load, run

    if not path:
        return Host(seed=seed)
    try:
        if setup_only:
            return build_host(load(path))
        scenario_result = run(load(path))
    except ScenarioError as error:
        return str(error)
    if scenario_result.host is None:
        return str(scenario_result.error)
    return scenario_result.host


def _state(args: argparse.Namespace) -> int:
    host = _host_after(args.scenario, args.seed)
    if isinstance(host, str):
        sys.stderr.write(f"seclab: {host}\n")
        return USAGE_ERROR
    sys.stdout.write(host.snapshot().to_json() + "\n")
    return 0


def _shell(args: argparse.Namespace) -> int:
    host = _host_after(args.scenario, setup_only=args.setup_only)
    if isinstance(host, str):
        sys.stderr.write(f"seclab: {host}\n")
        return USAGE_ERROR
    try:
        import readline  # line editing and history where the platform has it

        from simulator.shell.registry import COMMANDS

        names = sorted(COMMANDS)

        def complete(text: str, state: int) -> str | None:
            matches = [n for n in names if n.startswith(text)]
            return matches[state] if state < len(matches) else None

        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")
    except ImportError:
        pass
    host.session  # noqa: B018 - registers the commands before "help"
    while True:
        try:
            line = input(PROMPT)
        except EOFError:
            sys.stdout.write("\n")
            return 0
        if line.strip() == "exit":
            return 0
        if line.strip() == "help":
            from simulator.shell.commands.lab import HELP
            from simulator.shell.registry import COMMANDS

            sys.stdout.write(HELP + "Commands: " + " ".join(sorted(COMMANDS)) + "\n")
            continue
        result = host.run(line)
        sys.stdout.write(result.output)
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
