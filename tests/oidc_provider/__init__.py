"""A tiny, real OpenID Connect provider (django-oauth-toolkit) for Hale's sign-in tests.

It runs as its own Django project in a second process, on loopback only:

    python -m tests.oidc_provider --port 9000 \\
        --redirect-uri http://calm.localhost:8000/accounts/oidc/calm-demo/login/callback/

Each start generates a fresh RS256 signing key, a fresh SQLite database, one user and one
confidential client (see ``__main__``). The browser tests start it through the
``oidc_provider`` fixture in ``tests/e2e/conftest_oidc.py``.
"""
