"""Docker health check for the web container: GET /healthz/ must answer 200 "ok".

Sends a Host header that ALLOWED_HOSTS accepts (its first entry), over plain HTTP inside the
container: SECURE_SSL_REDIRECT exempts /healthz/, so no TLS proxy is needed for the check.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    if host == "*":
        return "localhost"
    # ".example.org" allows example.org and its subdomains.
    return host.lstrip(".")


def main() -> int:
    # A fixed http URL on this container.
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz/", headers={"Host": host_header()}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            ok = response.status == 200 and response.read().strip() == b"ok"
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
