"""PUF manages schools and leader accounts."""
