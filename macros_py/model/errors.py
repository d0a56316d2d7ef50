"""Failures of the tool or of a file (STYLE 7): problems in the data are findings, not exceptions."""


class ShenbaoError(Exception):
    """Base of every error the tool reports to a user; the message is Chinese and complete."""

    exit_code = 2
    label = "错误"


class PolicyError(ShenbaoError):
    """The policy file is missing, malformed or inconsistent."""


class UnusableFileError(ShenbaoError):
    """A submitted file cannot be read at all (not a workbook, encrypted, corrupt, too large...)."""


class UsageError(ShenbaoError):
    """The command line asks for something that cannot be done (file exists without --force, ...)."""


class OutputError(UsageError):
    """An output cannot or may not be written (it exists and is not ours, its folder is a file, ...)."""


class NothingToDo(ShenbaoError):
    """The run found nothing to work on (an inbox without a workbook): a warning, not a success."""

    exit_code = 3
    label = "警告"
