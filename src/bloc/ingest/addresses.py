"""Which network addresses bloc may fetch from: public ones, unless a feed was allowed more.

A feed's items name any URL their author likes; a watcher left running on a
server would otherwise fetch `http://169.254.169.254/` (a cloud's metadata
service), `http://127.0.0.1:8080/admin` or a `10.x` intranet page for whoever
wrote the feed, and store what it found. So every connection is checked at
the moment it is made, on the address actually connected to, not on the name
(a name can resolve to a public address when checked and to a private one a
second later): `GuardedBackend` resolves the host itself, refuses loopback,
private, link-local, multicast, reserved and unspecified addresses (IPv4 and
IPv6, IPv4 inside IPv6 too), and connects to the address it checked. Every
redirect opens its connection through the same check. Webhook deliveries use
the same rule (`check_url`).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """A connection to a forbidden address; the fetcher turns it into a FetchError."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        super().__init__(f"{host} resolves to {address}, {reason}")


def forbidden(address: Address) -> str | None:
    """Why a fetch from `address` is refused (None: a public address, allowed)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or _teredo(address)
        if inner is not None:
            return forbidden(inner)
    checks = (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address (cloud metadata services live there)"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private network address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "an address that is not public (shared or special-purpose)"
    return None


def _teredo(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    found = address.teredo
    return found[1] if found else None


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for (a literal address stands for itself)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)  # OSError if it cannot
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%")[0]  # drop an IPv6 zone
        if address not in seen:
            seen.append(address)
    return seen


def check_host(host: str, port: int) -> list[str]:
    """The host's addresses, or Refused naming the first forbidden one.

    Every address must be public: a name that resolves to one public and one
    private address is refused, as the connection could go to either.
    """
    addresses = resolve(host, port)
    for address in addresses:
        reason = forbidden(ipaddress.ip_address(address))
        if reason is not None:
            raise Refused(host, address, reason)
    return addresses


def check_url(url: str) -> None:
    """Refused when the URL's host resolves to a forbidden address (a check by name,
    for a clear error before anything is sent; connections are checked again)."""
    parts = urlsplit(url)
    if parts.hostname:
        check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting only to public addresses it checked itself."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        try:
            addresses = check_host(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        for address in addresses:
            try:  # TLS still verifies the host name: httpcore passes it as server_hostname
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"cannot connect to {host}:{port}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise Refused(path, path, "a local socket")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport whose connections go through `GuardedBackend` (public addresses)."""

    def __init__(self) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend()
        )
