"""Start the test OpenID provider: a fresh database, one user, one client, then serve.

    python -m tests.oidc_provider --port 9000 --redirect-uri <callback> [--redirect-uri ...]

or ``--fd N`` to serve on an already bound, listening socket (the test fixture passes one,
so there is no race for a free port). The issuer is ``http://127.0.0.1:<port>/o``.
"""

import argparse
import os
import socket
import sys
import tempfile


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--port", type=int, help="listen on 127.0.0.1:PORT")
    where.add_argument("--fd", type=int, help="serve on this listening socket")
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--client-id", default="hale-test-client")
    parser.add_argument("--client-secret", default="hale-test-secret")
    parser.add_argument("--client-name", default="Hale")
    parser.add_argument("--username", default="robin")
    parser.add_argument("--password", default="robin-test-password")
    parser.add_argument("--email", default="robin@idp.example")
    parser.add_argument("--full-name", default="Robin Idp")
    parser.add_argument("--db", default="", help="SQLite file (default: a new temporary one)")
    args = parser.parse_args(argv)

    if not args.db:
        handle, args.db = tempfile.mkstemp(prefix="oidc-provider-", suffix=".sqlite3")
        os.close(handle)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DB"] = args.db

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.asgi import get_asgi_application
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0, interactive=False)
    first, _, last = args.full_name.partition(" ")
    user_model = get_user_model()
    if not user_model.objects.filter(username=args.username).exists():
        user_model.objects.create_user(
            username=args.username,
            email=args.email,
            password=args.password,
            first_name=first,
            last_name=last,
        )
    application = get_application_model()
    application.objects.filter(client_id=args.client_id).delete()
    application.objects.create(
        name=args.client_name,
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(args.redirect_uri),
        algorithm=application.RS256_ALGORITHM,
        skip_authorization=False,
    )

    import uvicorn

    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    print(f"OpenID provider: issuer http://127.0.0.1:{port}/o", file=sys.stderr, flush=True)
    config = uvicorn.Config(
        get_asgi_application(), lifespan="off", log_level="warning", access_log=False
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
