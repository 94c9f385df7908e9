"""Command line: ``python -m docparse FILE`` and ``python -m docparse diff OLD NEW``.

    python -m docparse FILE [--format json|text] [--no-entities]
    python -m docparse diff OLD NEW [--format json|text]

Exit status 0 on success; 2 when a document cannot be read (the reason, one line in
Chinese and English, on stderr) or the arguments are wrong.  Never a traceback for bad
input: an unexpected internal failure is also reported on one line (status 1), unless
``DOCPARSE_DEBUG=1`` asks for the traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from . import parse_file
from .errors import ParseError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # one line instead of argparse's usage + message
        sys.stderr.write(f"{self.prog}: 参数错误 / bad arguments: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    if argv[:1] == ["diff"]:
        parser = _Parser(prog="python -m docparse diff", description="Compare two plans item by item.")
        parser.add_argument("old")
        parser.add_argument("new")
        parser.add_argument("--format", choices=("json", "text"), default="json")
        args = parser.parse_args(argv[1:])
        args.command = "diff"
        return args
    parser = _Parser(prog="python -m docparse", description="Parse a work-plan document into JSON.")
    parser.add_argument("file", help="a .txt (UTF-8/GB18030), .docx or text PDF file")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.add_argument(
        "--no-entities", action="store_true", help="structure only: no entities, measures, suggestions"
    )
    args = parser.parse_args(argv)
    args.command = "parse"
    return args


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def run(argv: list[str]) -> str:
    """The output for ``argv``; raises ParseError."""
    args = _parse_args(argv)
    if args.command == "diff":
        from .diff import diff_plans, format_diff_text

        old = parse_file(args.old).to_dict()
        new = parse_file(args.new).to_dict()
        result = diff_plans(old, new)
        return format_diff_text(result) if args.format == "text" else _dump(result)
    document = parse_file(args.file, entities=not args.no_entities)
    if args.format == "text":
        from .textfmt import format_text

        return format_text(document)
    return _dump(document.to_dict())


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        output = run(argv)
    except ParseError as error:
        sys.stderr.write(f"docparse: {error}\n")
        return EXIT_BAD_INPUT
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as error:  # never a traceback on the terminal of a clerk
        if os.environ.get("DOCPARSE_DEBUG"):
            raise
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        sys.stderr.write(f"docparse: 内部错误 / internal error: {reason}\n")
        return EXIT_INTERNAL
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # `python -m docparse plan.txt | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
