"""Running a real central server for tests: in a thread of this process, or as a subprocess.

    with run_server(db_url, blob_dir) as base_url: ...
    proc, base_url = start_server_process(db_url, blob_dir)   # stop: proc.terminate() / kill()

Both serve on a free port of 127.0.0.1. `add_account` prepares a database (migrating it first).
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import uvicorn

from . import admin
from .app import create_app
from .db import Database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_server(db_url: str, blob_dir: Path, *, token_days: float = 30) -> Iterator[str]:
    """Serve the app in a background thread; yields its base URL, stops it on exit."""
    app = create_app(db_url, Path(blob_dir), token_days=token_days)
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every keep-alive response waits 40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"central-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the central server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def wait_until_up(base_url: str, proc: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base_url + "/openapi.json", timeout=2).status_code == 200:
                return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the central server exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the central server at {base_url} did not answer")
        time.sleep(0.05)


def start_server_process(
    db_url: str,
    blob_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> tuple[subprocess.Popen, str]:
    """`python -m central.cli serve` in a subprocess, answering; (process, base URL)."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "central.cli",
        "serve",
        "--db",
        db_url,
        "--port",
        str(port),
        "--blobs",
        str(blob_dir),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent.parent,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, proc)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, base_url


def add_account(
    db_url: str,
    username: str,
    password: str,
    *,
    role: str = "officer",
    court: str = "豫0302",
    name: str | None = None,
) -> int:
    """A new account in the database at db_url (migrated and given courts first if needed)."""
    db = Database(db_url)
    try:
        admin.ensure_ready(db)
        return admin.add_account(
            db, username, password, role=role, court=court, name=name or username
        )
    finally:
        db.close()


# -- a private PostgreSQL cluster (tests and benchmarks) -------------------------------------------
PG_URL_ENV = "WORKSTATION_TEST_PG_URL"


def postgres_bin() -> Path:
    """The directory of PostgreSQL's server programs: $PG_BIN, else the newest installed."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL server programs not found (no /usr/lib/postgresql/*/bin/initdb): "
            "apt-get install postgresql, or set PG_BIN"
        )
    return found[-1].parent


@contextlib.contextmanager
def private_postgres(*, durable: bool = False) -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a free port of 127.0.0.1; yields its URL.

    Run as root, the server runs as the user postgres. `durable=False` turns fsync off (tests);
    benchmarks pass True to measure what a real server does."""
    import pwd
    import shutil
    import tempfile

    bindir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="central-pg-"))
    data, sockets, logfile = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    os.chmod(root, 0o700)
    port = free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=root)
        if done.returncode != 0:
            log = logfile.read_text() if logfile.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}{log}")

    settings = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(logfile),
            "-o",
            settings,
            "-w",
            "start",
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
