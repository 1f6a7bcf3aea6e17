"""Errors of the ``sen`` command line, and how each becomes one line and an exit code.

::

    CliError(message, exit_code)     raised by commands for what they check themselves
    └── UsageProblem                 a bad option or argument value (exit 2)

Every other error is translated once, in :func:`exit_code_for`:

* usage (typer's usage errors, sen.sdk InvalidInput, UsageProblem) -> 2
* node unreachable (sen.sdk Unreachable)                           -> 3
* anything invalid or rejected (everything else)                   -> 1
"""

from __future__ import annotations

import typer

from sen.sdk.errors import InvalidInput, SenError, Unreachable

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_INVALID) -> None:
        self.message = message
        self.exit_code = exit_code
        super().__init__(message)


class UsageProblem(CliError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, CliError):
        return error.exit_code
    if isinstance(error, typer.TyperException):
        code = getattr(error, "exit_code", EXIT_INVALID)
        return code if isinstance(code, int) else EXIT_INVALID
    if isinstance(error, InvalidInput):
        return EXIT_USAGE
    if isinstance(error, Unreachable):
        return EXIT_UNREACHABLE
    if isinstance(error, SenError):
        return EXIT_INVALID
    return EXIT_INVALID


def message_for(error: BaseException) -> str:
    if isinstance(error, CliError):
        return error.message
    if isinstance(error, typer.TyperException):
        format_message = getattr(error, "format_message", None)
        text = str(format_message() if callable(format_message) else error)
        context = getattr(error, "ctx", None)
        path = getattr(context, "command_path", None)
        return f"{text} (see: {path} --help)" if path and exit_code_for(error) == 2 else text
    text = str(error) or type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__
