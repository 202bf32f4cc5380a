"""Run every benchmark under bench/ and print a table; write bench/results.json.

`python bench/run.py pages scheduling` runs only bench_pages and bench_scheduling (`make bench
BENCH="pages"`). Each `bench_*.py` module exposes `run() -> list[Result]`. Benchmarks run
against a throwaway database: a temporary SQLite file by default, or a fresh `<name>_bench`
PostgreSQL database when
DATABASE_URL points at PostgreSQL. Figures depend on the machine; results.json is not committed.
"""

import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_all() -> int:
    """Parent: run the suite on SQLite, then on PostgreSQL if DATABASE_URL names one."""
    import subprocess

    targets = [{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        targets.append(dict(os.environ))
    results = []
    for env in targets:
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            env = {**env, "HALE_BENCH_OUT": tmp.name}
            subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--child", *sys.argv[1:]], env=env, check=True
            )
            results += json.loads(Path(tmp.name).read_text())
    out = Path(__file__).parent / "results.json"
    out.write_text(json.dumps(results, indent=2))
    width = max(len(r["name"]) for r in results) if results else 10
    print(f"{'benchmark':<{width}}  {'value':>10}  {'unit':<8} target")
    for r in results:
        print(f"{r['name']:<{width}}  {r['value']:>10.2f}  {r['unit']:<8} {r['target']}")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hale.settings")
    os.environ.setdefault("HALE_VAR_DIR", tempfile.mkdtemp(prefix="hale-bench-"))
    os.environ["HALE_TESTING"] = "1"  # inline tasks, locmem mail
    import django
    from django.conf import settings
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    vendor = connection.vendor
    results = []
    try:
        only = {f"bench_{name}" for name in sys.argv[1:] if not name.startswith("-")}
        for path in sorted(Path(__file__).parent.glob("bench_*.py")):
            if only and path.stem not in only:
                continue
            module = importlib.import_module(f"bench.{path.stem}")
            for result in module.run():
                result["name"] = f"{result['name']} [{vendor}]"
                results.append(result)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    Path(os.environ["HALE_BENCH_OUT"]).write_text(json.dumps(results))
    print(f"ran {len(results)} benchmarks on {settings.DATABASES['default']['ENGINE']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main() if "--child" in sys.argv else run_all())
