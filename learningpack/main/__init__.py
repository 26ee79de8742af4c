"""Pages for everyone: the front door and the accessibility statement."""
