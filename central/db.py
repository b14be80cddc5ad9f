"""The central database: one SQLAlchemy engine, and write transactions serialised across instances.

Every write takes one global lock for its transaction (PostgreSQL: a transaction-level advisory
lock; SQLite: BEGIN IMMEDIATE), and the journal's server_seq is assigned under it. So sequence
order equals commit order, and a puller that has seen seq N can never later miss a seq below N.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from .errors import DatabaseUnavailable

# pg_advisory_xact_lock key of the write lock: "ZXGW" (as the case file's application id) + 1.
WRITE_LOCK_KEY = 0x5A584757_0001
SQLITE_BUSY_TIMEOUT_S = 60


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL from what an administrator types: a URL, or the path of a SQLite file."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, else None."""
    u = make_url(normalise_url(url) if isinstance(url, str) else url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


class Database:
    """The engine and the two kinds of transaction the server uses."""

    def __init__(self, url: str) -> None:
        try:
            self.url = make_url(normalise_url(url))
        except ArgumentError as exc:
            raise DatabaseUnavailable(
                f"数据库地址“{url}”无法识别。应为 SQLite 文件路径，或 "
                "postgresql://用户@主机:端口/数据库名 这样的地址。",
                str(exc),
            ) from None
        self.backend = self.url.get_backend_name()
        if self.backend not in ("sqlite", "postgresql"):
            raise DatabaseUnavailable(
                f"不支持的数据库类型“{self.backend}”：只支持 SQLite 和 PostgreSQL。"
            )
        self.engine = self._make_engine()

    @property
    def is_postgresql(self) -> bool:
        return self.backend == "postgresql"

    def _make_engine(self) -> Engine:
        if self.is_postgresql:
            return create_engine(
                self.url, pool_size=10, max_overflow=30, pool_pre_ping=True, pool_timeout=60
            )
        path = sqlite_path(self.url)
        if path is not None and not path.parent.is_dir():
            raise DatabaseUnavailable(
                f"数据库文件所在的目录不存在：{path.parent}。请先创建该目录。"
            )
        engine = create_engine(
            self.url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            pool_size=10,
            max_overflow=30,
            pool_timeout=60,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # the "begin" hook below says BEGIN itself
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=FULL",  # an accepted change survives a power cut
                f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}",
            ):
                dbapi_conn.execute(pragma)

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("central_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @contextmanager
    def write(self, *, ordered: bool = True) -> Iterator[Connection]:
        """A write transaction. `ordered`: hold the global write lock (pushes, migrations) so that
        sequence numbers are committed in order. SQLite serialises every write anyway."""
        with self._connect() as conn:
            conn.execution_options(central_write=True)
            with conn.begin():
                if ordered and self.is_postgresql:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"无法连接数据库（{self.describe()}）。请检查数据库地址和数据库服务是否已启动。",
                str(exc.orig or exc),
            ) from None
        with conn:
            yield conn

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
