"""The newcomer's first run, above every other app: demo data from each app in order
(``hale.demo.seed``), the ``seed_demo`` command, and ``serve`` (every portal with its worker
in one process, as ``make run`` starts it)."""
