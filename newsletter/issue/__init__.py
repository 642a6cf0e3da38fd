"""Issue: the notes, the posts and the settings assembled into one issue, built into
the archive and its email; the editions of it."""
