"""The command line: the only place that prints or asks. `app` is the table of
contents; each other module holds the bodies of a few commands."""

from newsletter.cli.app import cli, main

__all__ = ["cli", "main"]
