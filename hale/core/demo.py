"""What every app's demo data shares: the one demo password and how a demo login is printed.

Each app seeds its own demo rows (``<app>/demo.py``); ``hale.demo`` runs them in order.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "hale-demo-2026"  # noqa: S105 (printed demo login)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    host: str
