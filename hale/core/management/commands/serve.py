"""Serve every portal (HTTP + WebSocket on one ASGI server) together with the task worker.

The embedded setup for a newcomer's laptop: one command, Ctrl-C stops both processes.
Production runs the two halves separately (see README: `uvicorn hale.asgi:application` on
each web node and `manage.py worker` for background tasks).
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from hale.core import demo
from hale.core.management.commands.seed_demo import demo_banner


class Command(BaseCommand):
    help = "Run the ASGI server (HTTP + WebSocket) and the task worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--reload", action="store_true",
                            help="Restart the web server when code changes.")

    def handle(self, *args, host: str, port: int, reload: bool, **options):
        python = sys.executable
        web_cmd = [python, "-m", "uvicorn", "hale.asgi:application", "--host", host,
                   "--port", str(port), "--proxy-headers", "--lifespan", "off"]
        if reload:
            web_cmd += ["--reload", "--reload-dir", str(settings.BASE_DIR / "hale")]
        worker_cmd = [python, "manage.py", "worker"]

        self.stdout.write(demo_banner(demo.LOGINS, port))
        self.stdout.write("Press Ctrl-C to stop.\n")
        procs = {
            "web": subprocess.Popen(web_cmd, cwd=settings.BASE_DIR),  # noqa: S603
            "worker": subprocess.Popen(worker_cmd, cwd=settings.BASE_DIR),  # noqa: S603
        }
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"The {name} process exited ({proc.returncode}); "
                                          "stopping.")
                        exit_code = proc.returncode or 1
                        stopping = True
                time.sleep(0.3)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.stdout.write("Stopped.\n")
        if exit_code:
            sys.exit(exit_code)
