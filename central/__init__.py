"""The central server: receives, orders and hands out the changes of every workstation.

FastAPI over SQLAlchemy Core, stateless between requests: tokens, sign-in failures, cases,
records and the journal all live in the database (SQLite by default, PostgreSQL for a court), so
several instances can serve one PostgreSQL database. Attachments live in a blob directory.

The core (`workstation/`) never imports this package; this package reuses the core's protocol,
record declarations and demo generator, so both sides compute versions and summaries alike.
"""
