"""The public site: the archive and the catalog as pages, planned so that only what
changed is made again, with its search index."""
