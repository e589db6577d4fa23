"""Template tags and filters of the Sebaya pages."""
