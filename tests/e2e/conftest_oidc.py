"""A real OpenID Connect provider for the sign-in journeys, in a second process.

``oidc_provider`` (session-wide) starts ``tests/oidc_provider`` (django-oauth-toolkit with
OIDC and a fresh RS256 key) on 127.0.0.1 and a free port, registers one user and one
confidential client whose redirect URI is the Hale test server's callback for
``PROVIDER_ID`` on calm.localhost, waits for its discovery document and stops it after the
session. Both Chromium and the Hale server thread reach it on loopback; nothing else is
contacted. Load it with ``pytest_plugins = ["tests.e2e.conftest_oidc"]``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "test-id"
START_TIMEOUT = 60


@dataclass(frozen=True)
class OIDCProvider:
    issuer: str
    client_id: str
    client_secret: str
    username: str
    password: str
    email: str
    full_name: str
    provider_id: str = PROVIDER_ID


def _wait_for_discovery(url: str, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + START_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                return json.load(response)
        except OSError as exc:
            last_error = exc
            time.sleep(0.2)
    raise RuntimeError(f"the OpenID provider did not answer {url}: {last_error}")


@pytest.fixture(scope="session")
def oidc_provider(_asgi_server, tmp_path_factory) -> Iterator[OIDCProvider]:
    provider = OIDCProvider(
        issuer="",
        client_id="hale-e2e",
        client_secret="hale-e2e-secret-" + os.urandom(8).hex(),
        username="robin",
        password="robin-" + os.urandom(8).hex(),
        email="robin@idp.example",
        full_name="Robin Idp",
    )
    callback = (
        f"http://calm.localhost:{_asgi_server.port}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.oidc_provider",
                "--fd",
                str(sock.fileno()),
                "--redirect-uri",
                callback,
                "--client-id",
                provider.client_id,
                "--client-secret",
                provider.client_secret,
                "--username",
                provider.username,
                "--password",
                provider.password,
                "--email",
                provider.email,
                "--full-name",
                provider.full_name,
                "--db",
                str(log.with_name("provider.sqlite3")),
            ],
            cwd=ROOT,
            env=env,
            pass_fds=[sock.fileno()],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    sock.close()  # the provider process holds its own copy
    try:
        try:
            config = _wait_for_discovery(
                f"http://127.0.0.1:{port}/o/.well-known/openid-configuration", process
            )
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{log.read_text()}") from exc
        yield OIDCProvider(**{**provider.__dict__, "issuer": config["issuer"]})
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
