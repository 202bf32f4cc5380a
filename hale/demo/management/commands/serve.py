"""Serve every portal — HTTP and WebSocket on one ASGI server — with the task worker in the
same process (the embedded setup: SQLite, in-memory channel layer). Ctrl-C stops both.

Keeping the worker in the web process means notifications created by background tasks reach
open WebSockets through the in-memory channel layer. Production runs the halves separately
(see README: uvicorn on each web node, `manage.py worker`, and Redis for the channel layer).
"""

import logging
import os
import threading

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.crypto import get_random_string

from hale.demo import seed as demo
from hale.demo.management.commands.seed_demo import demo_banner

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the ASGI server (HTTP + WebSocket) and the task worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run the task worker in this process."
        )

    def handle(self, *args, host: str, port: int, no_worker: bool, **options):
        if connection.vendor == "sqlite":
            # Planner statistics for the embedded database, so a grown one keeps using its
            # indexes (PostgreSQL's autovacuum keeps its own). About a second at 200k rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            connection.close()
        worker = None if no_worker else self._start_worker()
        self.stdout.write(demo_banner(demo.LOGINS, port))
        self.stdout.write("Press Ctrl-C to stop.\n")
        self.stdout.flush()
        config = uvicorn.Config(
            "hale.asgi:application",
            host=host,
            port=port,
            lifespan="off",
            proxy_headers=True,
            log_level="info",
        )
        try:
            uvicorn.Server(config).run()  # shuts down gracefully on SIGINT/SIGTERM
        except KeyboardInterrupt:
            pass  # uvicorn re-raises the Ctrl-C it handled; stopping is what was asked
        finally:
            if worker is not None:
                worker.running = False
                self._worker_thread.join(timeout=15)
        self.stdout.write("Stopped.\n")

    def _start_worker(self):
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            self.stdout.write("Tasks use another backend: run its worker separately.\n")
            return None
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=1.0,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        self._worker_thread = threading.Thread(target=worker.run, name="task-worker", daemon=True)
        self._worker_thread.start()
        return worker
