"""newsletter: build and email a weekly edtech newsletter for school staff."""

__version__ = "0.1.0"
