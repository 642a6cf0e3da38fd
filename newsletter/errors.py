"""The project's one family of exceptions.

Core code raises these with a message that says what is wrong, where, and how
to fix it; only the CLI turns them into exit codes.
"""


class NewsletterError(Exception):
    """Something failed (exit 1): a feed, a template, the mail server."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} Hint: {self.hint}"
        return self.message


class InputError(NewsletterError):
    """The editor's input is wrong (exit 2): a YAML file, an option, a date."""


class WorkspaceNotFound(InputError):
    """No newsletter.yaml in this folder or any folder above it."""
