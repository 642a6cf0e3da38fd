"""Text helpers with no idea of the newsletter: markdown as the email shows it, what
text may carry, addresses, and names compared loosely."""
