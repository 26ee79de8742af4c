"""Page-shaped queries, each a fixed number of SQL statements."""
