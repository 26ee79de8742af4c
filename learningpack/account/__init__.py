"""The user's own account, invitations, password resets and the two-factor step."""
