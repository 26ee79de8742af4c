"""Rules and writes: decide, change the models, flush. Never the request."""
