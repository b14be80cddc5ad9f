"""Sync with the central server: the protocol (shared with the server) and the client."""
