"""The local case file: the one place that opens SQLite, the schema, the change journal."""
