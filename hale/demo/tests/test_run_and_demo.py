"""`make run` essentials: demo data is idempotent; `serve` answers HTTP and stops on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from conftest import HostClient
from hale.accounts.models import Patient, User
from hale.demo import seed as demo
from hale.tenancy.models import Brand, BrandMembership

PASSWORD_HOSTS = {"localhost", "northside.localhost"}


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_keeps_changes():
    demo.seed()
    counts = (
        User.objects.count(),
        Brand.objects.count(),
        Patient.objects.count(),
        BrandMembership.objects.count(),
    )
    calm = Brand.objects.get(slug="calm")
    calm.name = "Calm Minds Renamed"
    calm.save(update_fields=["name"])
    demo.seed()
    assert (
        User.objects.count(),
        Brand.objects.count(),
        Patient.objects.count(),
        BrandMembership.objects.count(),
    ) == counts
    assert Brand.objects.get(slug="calm").name == "Calm Minds Renamed"


@pytest.mark.django_db
def test_demo_logins_work(client):
    demo.seed()
    for login in demo.LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(demo.DEMO_PASSWORD), login.email
        # Sign-in needs a confirmed address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
        assert EmailAddress.objects.filter(
            user=user, email__iexact=login.email, verified=True, primary=True
        ).exists(), login.email
        if login.host in PASSWORD_HOSTS:
            browser = HostClient(login.host)
            response = browser.post(
                "/accounts/login/", {"login": login.email, "password": demo.DEMO_PASSWORD}
            )
            assert response.status_code == 302, login.email
            assert browser.session.get(SESSION_KEY) == str(user.pk), login.email
    assert {b.slug for b in Brand.objects.all()} == {"calm", "northside"}
    calm, north = Brand.objects.get(slug="calm"), Brand.objects.get(slug="northside")
    assert calm.colour_primary != north.colour_primary
    assert calm.logo and north.logo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shell(manage, code, env) -> str:
    result = subprocess.run(
        [*manage, "shell", "-c", code],
        env=env,  # noqa: S603
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def test_serve_runs_web_and_worker_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"HALE_VAR_DIR": str(tmp_path), "DEBUG": "1", "HALE_TESTING": "0"})
    env.pop("PYTEST_CURRENT_TEST", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "-v0"],
        env=env,
        cwd=settings.BASE_DIR,  # noqa: S603
        check=True,
        timeout=180,
    )
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [*manage, "serve", "--port", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:  # noqa: S310
                    status = r.status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        # A task queued by another process (an email) is run by the worker inside `serve`.
        _shell(
            manage,
            "from hale.accounts.models import User; "
            "from hale.notifications.actions import notify; "
            "u = User.objects.create_user(email='w@example.com', password=None); "
            "notify(user=u, kind='account.welcome', title='Hi', body='Welcome')",
            env,
        )
        sent = "0"
        while time.monotonic() < deadline and sent == "0":
            time.sleep(0.5)
            sent = _shell(
                manage,
                "from hale.notifications.models import OutboxEmail; "
                "print(OutboxEmail.objects.filter(to__icontains="
                "'w@example.com').count())",
                env,
            )
        assert sent == "1"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, (proc.returncode, out[-800:])
    assert "calm.localhost" in out and "Stopped." in out
