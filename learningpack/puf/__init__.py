"""PUF: the central office's view of every school."""
