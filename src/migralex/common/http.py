"""The one safe HTTP fetcher. Every byte Migralex downloads goes through :func:`fetch`.

What it guarantees, and why:

* **SSRF guard on every hop, on the resolved address, at connect time.** A URL naming a public
  host can resolve to ``127.0.0.1`` (a DNS name pointing at loopback, or DNS rebinding between
  a check and the connect). So the check lives inside the connection itself: our network
  backend resolves the name, refuses the connection unless *every* address is allowed, and
  connects to the address it checked — never resolving twice. Redirects are followed by hand,
  each hop going through the same check.
* Refused: loopback, private, link-local (incl. the cloud metadata address 169.254.169.254),
  shared (CGNAT, incl. 100.100.100.200), multicast, reserved and unspecified addresses,
  IPv4-mapped / 6to4 / Teredo / NAT64 IPv6 forms that wrap an IPv4 address, schemes other than
  http(s), padded or control-character URLs, backslashes, and credentials in URLs.
* Proxies from the environment are ignored (``trust_env=False``): a proxy would make the
  connection for us and the guard would only ever see the proxy's address.
* The administrator allow-list ``settings.FETCH_ALLOW_PRIVATE`` lets named hosts through: a plain
  entry (``127.0.0.1``, ``intranet.example``) matches the host *as written in the URL*; an entry
  with a ``/`` (``10.1.0.0/16``) matches the resolved address. So allowing ``127.0.0.1`` does not
  allow a DNS name that happens to resolve to it.
* Conditional GET (ETag, Last-Modified), gzip/deflate/brotli decoding, a size cap counted on the
  *decoded* bytes (a compression bomb stops at the cap), and one wall-clock deadline for the
  whole fetch (a server dripping one byte a second cannot hold a worker forever).
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that did not produce a usable response; ``code`` is a stable short label."""

    code = "fetch-error"

    def __init__(self, message: str, *, url: str = "", status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class UnsafeURL(FetchError):
    code = "unsafe-url"


class BlockedAddress(FetchError):
    code = "blocked-address"


class TooLarge(FetchError):
    code = "too-large"


class FetchTimeout(FetchError):
    code = "timeout"


class TooManyRedirects(FetchError):
    code = "too-many-redirects"


class HTTPStatusError(FetchError):
    code = "http-status"


class ConnectFailed(FetchError):
    code = "connect-failed"


@dataclass
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    content: bytes
    headers: httpx.Headers
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters (``text/html``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip('"').lower()
        return ""


# --- the address policy ----------------------------------------------------------------------

# 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64) embed an IPv4 address a gateway would connect to.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def address_is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address on the public Internet that wraps no other address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # Any IPv6 form that carries an IPv4 address is refused outright rather than unwrapped:
        # some stacks route ::ffff:127.0.0.1 to loopback, and nobody publishes laws on them.
        if ip.ipv4_mapped or ip.sixtofour or ip.teredo or any(ip in net for net in _NAT64):
            return False
        if ip.scope_id:
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
    )


@dataclass(frozen=True)
class Policy:
    allow_private: bool
    hosts: frozenset[str]  # plain allow-list entries, matched against the URL host
    networks: tuple  # CIDR allow-list entries, matched against resolved addresses

    @classmethod
    def from_settings(cls, allow_private: bool | None) -> Policy:
        entries = [str(e).strip().lower() for e in getattr(settings, "FETCH_ALLOW_PRIVATE", [])]
        hosts = frozenset(e.strip("[]") for e in entries if e and "/" not in e)
        networks = tuple(ipaddress.ip_network(e, strict=False) for e in entries if "/" in e)
        return cls(bool(allow_private), hosts, networks)

    def check(self, host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
        if self.allow_private or address_is_public(ip):
            return
        if host.lower().strip("[]") in self.hosts:
            return
        if any(ip in net for net in self.networks if net.version == ip.version):
            return
        raise BlockedAddress(f"address {ip} of host {host!r} is not public; refused")


_policy: contextvars.ContextVar[Policy] = contextvars.ContextVar("fetch_policy")


def resolve(host: str, port: int) -> list[str]:
    """All addresses of ``host`` (the guard checks every one). Tests may replace this."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """httpcore network backend that resolves, checks and connects to the checked address."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        policy = _policy.get()
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host!r}")
        # Refuse if any address is forbidden: a name with one public and one private address
        # would otherwise let the attacker pick the private one by failing the public one.
        for address in addresses:
            policy.check(host, ipaddress.ip_address(address.split("%")[0]))
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options or []
                )
            except httpcore.ConnectError as exc:  # try the next address, like browsers do
                last_error = exc
        raise last_error or httpcore.ConnectError(f"cannot connect to {host!r}")


_ssl_lock = threading.Lock()
_ssl: list = []


def _ssl_context():
    """One verifying TLS context for the process: loading the CA bundle costs tens of
    milliseconds of CPU, too much to pay per thread or per poll. Contexts are thread-safe."""
    with _ssl_lock:
        if not _ssl:
            _ssl.append(httpx.create_ssl_context(trust_env=False))
        return _ssl[0]


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False, retries=0)
        # httpx does not expose the network backend, so we build its pool with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=20,
            max_keepalive_connections=50,
            keepalive_expiry=30.0,
            network_backend=GuardedBackend(),
        )


_clients = threading.local()


def _client(policy: Policy) -> httpx.Client:
    """One pooled client per thread and policy: a keep-alive connection opened under a
    lenient policy must never serve a request made under a stricter one."""
    cache = getattr(_clients, "by_policy", None)
    if cache is None:
        cache = _clients.by_policy = {}
    client = cache.get(policy)
    if client is None:
        client = httpx.Client(
            transport=_GuardedTransport(),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.FETCH_USER_AGENT, "Accept": "*/*"},
        )
        cache[policy] = client
    return client


def clients_close() -> None:
    """Close this thread's pooled connections (thread pools call it before a thread ends)."""
    for client in getattr(_clients, "by_policy", {}).values():
        client.close()
    _clients.by_policy = {}


# --- URLs -------------------------------------------------------------------------------------


def url_check(url: str) -> str:
    """Return ``url`` if it is a plain http(s) URL we may try, else raise :class:`UnsafeURL`."""
    if not isinstance(url, str) or not url:
        raise UnsafeURL("empty URL", url=str(url))
    if url != url.strip() or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        raise UnsafeURL("URL contains spaces or control characters", url=url)
    if "\\" in url:
        raise UnsafeURL("URL contains a backslash", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"malformed URL: {exc}", url=url) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURL(f"scheme {parts.scheme!r} is not http or https", url=url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL("credentials in URLs are refused", url=url)
    if not parts.hostname:
        raise UnsafeURL("URL has no host", url=url)
    if port == 0:
        raise UnsafeURL("port 0 is not valid", url=url)
    return url


# --- fetching ---------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    allow_private: bool | None = None,
    raise_for_status: bool = True,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` safely (see module docstring).

    ``etag``/``last_modified`` make the request conditional; a 304 answer comes back as
    ``FetchResult(not_modified=True, content=b"")``. ``timeout`` is the wall-clock budget of the
    whole fetch, redirects and body included. Raises a :class:`FetchError` subclass on anything
    unusable; with ``raise_for_status=False`` HTTP error statuses are returned instead.
    """
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    timeout = settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    policy = Policy.from_settings(allow_private)
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    deadline = started + timeout
    token = _policy.set(policy)
    try:
        client = _client(policy)
        redirects: list[str] = []
        current = url
        while True:
            url_check(current)
            result = _get_once(client, current, request_headers, deadline, max_bytes)
            location = result.headers.get("location")
            if result.status in REDIRECT_STATUSES and location:
                if len(redirects) >= MAX_REDIRECTS:
                    raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", url=url)
                redirects.append(current)
                current = urljoin(current, location.strip())
                continue
            break
    finally:
        _policy.reset(token)
    result.redirects = redirects
    result.elapsed = time.monotonic() - started
    if raise_for_status and result.status >= 400:
        raise HTTPStatusError(
            f"HTTP {result.status} from {result.url}", url=result.url, status=result.status
        )
    return result


def post(
    url: str,
    *,
    content: bytes,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    allow_private: bool | None = None,
) -> int:
    """POST ``content`` to ``url`` through the same guard as :func:`fetch` (address checked at
    connect time, no environment proxies); redirects are not followed. Returns the status."""
    url_check(url)
    policy = Policy.from_settings(allow_private)
    token = _policy.set(policy)
    try:
        response = _client(policy).post(
            url,
            content=content,
            headers=headers or {},
            timeout=settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout,
        )
    finally:
        _policy.reset(token)
    return response.status_code


def _get_once(client, url, headers, deadline, max_bytes) -> FetchResult:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchTimeout("time budget spent before the request", url=url)
    try:
        with client.stream("GET", url, headers=headers, timeout=remaining) as response:
            status = response.status_code
            if status == 304 or status in REDIRECT_STATUSES:
                return FetchResult(str(response.url), status, b"", response.headers, status == 304)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(f"body of {declared} bytes exceeds {max_bytes}", url=url)
            chunks: list[bytes] = []
            size = 0
            # No chunk size: each network read is checked against the deadline as it arrives.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"body exceeds {max_bytes} bytes", url=url)
                if time.monotonic() > deadline:
                    raise FetchTimeout("body not received within the time budget", url=url)
                chunks.append(chunk)
            return FetchResult(str(response.url), status, b"".join(chunks), response.headers)
    except FetchError as exc:
        exc.url = exc.url or url
        raise
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise UnsafeURL(f"invalid URL: {exc}", url=url) from exc
    except httpx.TimeoutException as exc:
        raise FetchTimeout(f"timed out: {exc or type(exc).__name__}", url=url) from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"cannot decode the body: {exc}", url=url) from exc
    except httpx.TransportError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, FetchError):  # our guard, raised inside the connection
            raise type(cause)(str(cause), url=url) from exc
        raise ConnectFailed(f"{type(exc).__name__}: {exc}", url=url) from exc
