"""The ``seclab`` command: one face of the lab for users and CI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from simulator.__about__ import __version__

USAGE_ERROR = 2

DESCRIPTION = "seclab: a deterministic, in-memory lab of libvirt's SELinux and DAC labelling."


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"seclab: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="seclab", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"seclab {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    state = commands.add_parser("state", help="print the default host's state as JSON")
    state.add_argument("--seed", type=int, default=0, help="the seed of the random source")
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: RET503 - parser.error exits
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "state":
        from simulator.host import Host  # keep --help fast

        sys.stdout.write(Host(seed=args.seed).snapshot().to_json() + "\n")
        return 0
    parser.error(f"unknown command {args.command!r}")


if __name__ == "__main__":
    sys.exit(main())
