"""Errors the shells turn into clean Indonesian messages and exit codes (never tracebacks)."""

from __future__ import annotations

#: Exit codes of the ``lkj`` command.
EXIT_OK = 0
EXIT_DATA = 1  # problems in the data the user typed
EXIT_UNUSABLE = 2  # the file cannot be used (missing, not a workbook, locked, encrypted...)


class LkjError(Exception):
    """Base error; ``message`` is Indonesian and shown to the user as is."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, *, sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.message = message
        self.sheet = sheet
        self.cell = cell


class UnusableFileError(LkjError):
    """The workbook cannot be opened or used at all (exit code 2)."""

    exit_code = EXIT_UNUSABLE


class FileLockedError(UnusableFileError):
    """Someone else has the workbook open, or another ``lkj`` process is writing it."""


class DataError(LkjError):
    """The data in the workbook prevents the action (exit code 1)."""

    exit_code = EXIT_DATA


class ParseError(ValueError):
    """A value typed by a person could not be read; ``message`` is Indonesian and names the text."""

    def __init__(self, message: str, text: object = None):
        super().__init__(message)
        self.message = message
        self.text = text
