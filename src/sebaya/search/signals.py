"""Signal receivers that keep the search index in step (filled in by indexing work)."""
