"""The client's address behind trusted reverse proxies (TRUSTED_PROXY_COUNT), for login lockouts."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the N-th address from the right of X-Forwarded-For.

    Each proxy appends the address it saw, so the right-most N entries were written by our own
    proxies and cannot be forged; anything further left came from the client and is ignored.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
