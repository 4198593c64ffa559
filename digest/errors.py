"""Errors that describe bad input. The pipeline turns them into Problems naming the file."""


class InputError(Exception):
    """A capture or data file that cannot be used as it is; the message is shown to editors."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
