"""Failures of the tool or of a file (STYLE 7): problems in the data are findings, not exceptions."""


class ShenbaoError(Exception):
    """Base of every error the tool reports to a user; the message is Chinese and complete."""


class PolicyError(ShenbaoError):
    """The policy file is missing, malformed or inconsistent."""


class UnusableFileError(ShenbaoError):
    """A submitted file cannot be read at all (not a workbook, encrypted, corrupt, too large...)."""


class UsageError(ShenbaoError):
    """The command line asks for something that cannot be done (file exists without --force, ...)."""
