"""Render: an issue made into its HTML and text email through the Jinja templates,
the message that carries them, and the rendered email kept on disk."""
