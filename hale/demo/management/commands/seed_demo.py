from django.core.management.base import BaseCommand

from hale.demo import seed as demo


class Command(BaseCommand):
    help = "Load the demo brands, people and content (idempotent: existing data is kept)."

    def handle(self, *args, **options):
        logins = demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(demo_banner(logins))


def demo_banner(logins, port: int = 8000) -> str:
    lines = [
        "",
        "Portals:",
        f"  Calm Minds (patients)        http://calm.localhost:{port}/",
        f"  Northside Clinic (patients)  http://northside.localhost:{port}/",
        f"  Specialists & back office    http://localhost:{port}/",
        f"  Django admin (operators)     http://localhost:{port}/admin/",
        f"  Dev outbox (emails sent)     http://localhost:{port}/dev/outbox/",
        "",
        f"Demo logins (password for all: {demo.DEMO_PASSWORD}):",
    ]
    role_width = max(len(login.role) for login in logins)
    email_width = max(len(login.email) for login in logins)
    lines += [
        f"  {login.role:<{role_width}}  {login.email:<{email_width}}  on {login.host}"
        for login in logins
    ]
    return "\n".join(lines) + "\n"
