"""Gather, from the blogs: the feeds in feeds.yaml, fetched, cached and cleaned into
the posts an issue may pick."""
