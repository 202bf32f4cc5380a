"""A real ClamAV daemon for tests, with a signature database made here from the EICAR string.

No freshclam and no downloaded signatures: ``sigtool`` turns an EICAR file into a hash
signature (``.hdb``, matches the file exactly) and a body signature (``.ndb``, matches the
string anywhere in a file), and ``clamd`` runs in the foreground on a unix socket and on a
loopback TCP port in a temporary folder. Debian: ``apt-get install clamav-daemon clamav``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# The industry-standard anti-virus test file (harmless; every scanner flags it).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Hale-Test-EICAR"
CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else "")
SIGTOOL = shutil.which("sigtool") or ""


def missing() -> str:
    """Why the daemon cannot run here ('' when it can)."""
    absent = [name for name, path in (("clamd", CLAMD), ("sigtool", SIGTOOL)) if not path]
    if absent:
        names = " and ".join(absent)
        return f"{names} not installed (Debian: apt-get install clamav-daemon clamav)"
    return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClamdDaemon:
    """``clamd`` on ``self.socket_path`` and ``127.0.0.1:self.port`` until ``stop()``."""

    def __init__(self) -> None:
        # Short path: a unix socket path must stay under 108 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="hale-clamd-"))
        self.socket_path = str(self.dir / "clamd.sock")
        self.port = _free_port()
        self.log = self.dir / "clamd.log"
        self.process: subprocess.Popen | None = None

    def build_database(self) -> None:
        db = self.dir / "db"
        db.mkdir()
        sample = self.dir / "eicar.com"
        sample.write_bytes(EICAR)
        md5 = subprocess.run(
            [SIGTOOL, "--md5", str(sample)], check=True, capture_output=True, text=True
        ).stdout.strip()
        digest, size, _name = md5.split(":", 2)
        (db / "hale-test.hdb").write_text(f"{digest}:{size}:{SIGNATURE}\n")
        hexed = (
            subprocess.run([SIGTOOL, "--hex-dump"], input=EICAR, check=True, capture_output=True)
            .stdout.decode()
            .strip()
        )
        (db / "hale-test.ndb").write_text(f"{SIGNATURE}-Body:0:*:{hexed}\n")

    def start(self, timeout: float = 30) -> ClamdDaemon:
        self.build_database()
        config = self.dir / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket_path}",
                    f"TCPSocket {self.port}",
                    "TCPAddr 127.0.0.1",
                    f"DatabaseDirectory {self.dir / 'db'}",
                    f"LogFile {self.log}",
                    "StreamMaxLength 60M",
                    "MaxThreads 2",
                    "SelfCheck 3600",
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 (our own binary and config)
            [CLAMD, "--config-file", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited ({self.process.returncode}): {self.log_text()}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"clamd did not answer PING within {timeout}s: {self.log_text()}")

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(2)
                conn.connect(self.socket_path)
                conn.sendall(b"nPING\n")
                return conn.recv(16).strip() == b"PONG"
        except OSError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
