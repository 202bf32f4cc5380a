"""Foundation: the cost of serving a brand page (host → brand resolution, shell render)."""

from django.test import Client

from bench.common import count_queries, median_ms, result


def run() -> list[dict]:
    from hale.demo import seed as demo

    demo.seed()
    client = Client(HTTP_HOST="calm.localhost")

    def home():
        assert client.get("/").status_code == 200

    def help_index():
        assert client.get("/help/").status_code == 200

    return [
        result("patient home (guest), median", median_ms(home), "ms", "< 50 ms"),
        result("patient home (guest), queries", count_queries(home), "queries", "constant"),
        result("help center index, median", median_ms(help_index), "ms", "< 50 ms"),
    ]
