"""A throwaway PostgreSQL cluster for the test session, started from the Debian binaries.

``initdb`` refuses to run as root, so as root the cluster is owned by the ``postgres`` user and
every server command runs through ``runuser``. The cluster listens on 127.0.0.1 on a free port
and is removed when the session ends. Under pytest-xdist every worker is its own session with
its own cluster (own directory, own port), so workers never share a database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PgServerError(RuntimeError):
    pass


#: Ports tried before giving up: a port found free can be taken by another process (a parallel
#: test worker starting its own cluster or server) before PostgreSQL binds it.
START_ATTEMPTS = 5


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PgServerError(
            "PostgreSQL saknas: installera Debian-paketet 'postgresql' (se .ci/run)."
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="sif-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PgServerError(f"{' '.join(args[:1])} misslyckades: {result.stderr.strip()}")

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        for attempt in range(START_ATTEMPTS):
            try:
                self._start_server()
                return
            except PgServerError:
                if attempt == START_ATTEMPTS - 1 or not self._port_was_taken():
                    raise
                self.port = _free_port()

    def _start_server(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        (self.root / "log").unlink(missing_ok=True)  # so the log tells of this attempt only
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")  # fmt: skip

    def _port_was_taken(self) -> bool:
        """Whether the last start failed because another process had bound the port."""
        log = self.root / "log"
        return log.exists() and "could not bind" in log.read_text(errors="replace")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
