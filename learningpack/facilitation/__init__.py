"""The leader's facilitation of the learning package at their school."""
