"""The SQLite index of the archive: every tool, event and request ever published,
for search, tools, requests and the site."""
