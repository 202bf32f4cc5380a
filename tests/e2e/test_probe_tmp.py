def test_probe(page, server, brand_a, assert_accessible):
    resp = page.goto(server.url("calm.localhost", "/"))
    print(resp.status, page.content()[:3000])
    print(
        page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')"
        )
    )
    assert_accessible(page)
