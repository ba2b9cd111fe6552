"""The client's address as the portal's trusted proxies saw it (login lockout, logs)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost of them received.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with n trusted proxies
    the client is the n-th entry from the right; entries further left are whatever the client wrote
    and are never believed. The same rule as DRF's throttling with NUM_PROXIES.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    candidate = addresses[-min(count, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that writes something else (a port, "unknown"): keep the direct peer
        return remote
