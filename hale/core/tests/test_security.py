"""Security headers in the embedded setup, and `check --deploy` with production variables."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_html_carries_strict_csp_with_nonce(brand_a, anonymous):
    response = anonymous("calm.localhost").get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'nonce-" in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    # Every script and style tag carries this response's nonce; no inline handlers.
    tags = re.findall(r"<(?:script|style)\b[^>]*>", body)
    assert tags
    assert all(f'nonce="{nonce}"' in tag for tag in tags), tags
    assert not re.search(r"\son[a-z]+=", body)


def test_common_security_headers(brand_a, anonymous):
    response = anonymous("calm.localhost").get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def _production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hale.example.org,.calm.example.org",
            "PLATFORM_HOSTS": "hale.example.org",
            "HALE_VAR_DIR": str(tmp_path),
            "HALE_TESTING": "0",
        }
    )
    return env


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='hale.settings'; django.setup()",
        env,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_responses_carry_hsts_and_secure_cookies(tmp_path):
    code = """
import os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'hale.settings'
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
call_command('collectstatic', '--noinput', verbosity=0)
from django.test import Client
c = Client(HTTP_HOST='hale.example.org')
r = c.get('/accounts/login/', secure=True)
print('STATUS', r.status_code)
print('HSTS', r.headers.get('Strict-Transport-Security'))
print('CSP', r.headers.get('Content-Security-Policy'))
csrf = r.cookies.get('csrftoken')
print('CSRF', bool(csrf and csrf['secure']), bool(csrf and csrf['httponly']),
      csrf and csrf['samesite'])
r = c.get('/accounts/login/')
print('REDIRECT', r.status_code, r.headers.get('Location'))
"""
    result = _run(code, _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    out = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert out["STATUS"] == "200"
    assert out["HSTS"].startswith("max-age=31536000")
    assert "upgrade-insecure-requests" in out["CSP"]
    assert out["CSRF"] == "True True Lax"
    assert out["REDIRECT"].startswith("301 https://hale.example.org/")
