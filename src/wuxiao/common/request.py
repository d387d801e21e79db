"""What the platform reads of a request beyond its form."""

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, for the login throttle and the audit log.

    REMOTE_ADDR only: X-Forwarded-For is forgeable by clients, so a reverse proxy in front must
    set REMOTE_ADDR itself (README, Running in production).
    """
    return request.META.get("REMOTE_ADDR") or None
