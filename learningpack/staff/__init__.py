"""A leader manages the school's staff and teams."""
