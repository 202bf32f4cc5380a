"""/healthz/ answers without touching the database, on the platform host and brand hosts."""

import pytest


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_on_a_brand_host_and_refuses_writes(client, brand_a):
    assert client.get("/healthz/", HTTP_HOST="calm.localhost").status_code == 200
    assert client.post("/healthz/", HTTP_HOST="calm.localhost").status_code == 405
