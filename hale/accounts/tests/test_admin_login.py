"""Django admin signs in through allauth's rate-limited sign-in."""

from conftest import PASSWORD, HostClient, clear_cache
from hale.accounts.tests.security_helpers import sign_in


def test_admin_login_goes_through_allauth(anonymous, operator):
    client = anonymous("localhost")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    # Posting credentials to the admin's own form does nothing: it only redirects.
    response = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    sign_in(client, operator.email)
    assert client.get("/admin/").status_code == 200


def test_signed_in_non_operators_are_refused_at_the_admin_login(client_for, staff_a):
    assert client_for(staff_a, "localhost").get("/admin/login/").status_code == 403


def test_repeated_failed_sign_ins_are_throttled(operator):
    clear_cache()
    client = HostClient("localhost")
    for _ in range(5):
        response = sign_in(client, operator.email, "wrong-password")
        assert "Too many failed login attempts" not in response.content.decode()
    # The sixth attempt within five minutes is refused, even with the right password.
    response = sign_in(client, operator.email)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    clear_cache()
