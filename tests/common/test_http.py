"""The safe fetcher against real local servers. SSRF regression tests are named after what
they guard; each would succeed (reach the local server) if the guard were missing."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time

import brotli
import pytest
from werkzeug import Response

from migralex.common import http
from migralex.common.http import (
    BlockedAddress,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    UnsafeURL,
    fetch,
)
from tests.sources.rawserver import RawServer


@pytest.fixture
def server(httpserver):
    return httpserver


def _port_url(server, host: str, path: str = "/") -> str:
    return f"http://{host}:{server.port}{path}"


# --- ordinary fetching -------------------------------------------------------------------------


def test_fetch_sends_product_user_agent_and_returns_body(server, settings):
    server.expect_request(
        "/a", headers={"User-Agent": settings.FETCH_USER_AGENT}
    ).respond_with_data("bonjour", content_type="text/plain; charset=utf-8")
    result = fetch(server.url_for("/a"))
    assert result.status == 200 and result.content == b"bonjour"
    assert result.content_type == "text/plain" and result.charset == "utf-8"
    assert (
        "Migralex" in settings.FETCH_USER_AGENT
        and settings.FETCH_CONTACT in settings.FETCH_USER_AGENT
    )


def test_conditional_get_with_etag_gives_304_then_changed_etag_gives_body(server):
    server.expect_request("/f", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    server.expect_request("/f", headers={"If-None-Match": '"v0"'}).respond_with_data(
        "new", headers={"ETag": '"v1"'}
    )
    unchanged = fetch(server.url_for("/f"), etag='"v1"')
    assert unchanged.not_modified and unchanged.content == b""
    changed = fetch(server.url_for("/f"), etag='"v0"')
    assert not changed.not_modified and changed.content == b"new" and changed.etag == '"v1"'


def test_conditional_get_with_last_modified(server):
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    server.expect_request("/f", headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304
    )
    assert fetch(server.url_for("/f"), last_modified=stamp).not_modified


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_bodies_are_decoded(server, encoding):
    text = "قانون رقم 02.03 المتعلق بدخول وإقامة الأجانب".encode() * 50
    body = gzip.compress(text) if encoding == "gzip" else brotli.compress(text)
    server.expect_request("/z").respond_with_data(body, headers={"Content-Encoding": encoding})
    assert fetch(server.url_for("/z")).content == text


def test_http_error_status_is_raised_with_status(server):
    server.expect_request("/gone").respond_with_data("no", status=410)
    with pytest.raises(HTTPStatusError) as info:
        fetch(server.url_for("/gone"))
    assert info.value.status == 410
    assert fetch(server.url_for("/gone"), raise_for_status=False).status == 410


def test_redirects_are_followed_by_hand(server):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/mid"})
    server.expect_request("/mid").respond_with_data("", status=302, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("here")
    result = fetch(server.url_for("/old"))
    assert result.content == b"here" and result.url.endswith("/new") and len(result.redirects) == 2


def test_redirect_loop_stops(server):
    server.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects):
        fetch(server.url_for("/loop"))


# --- size and time limits ----------------------------------------------------------------------


def test_size_cap_refuses_declared_huge_body(server):
    server.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(TooLarge):
        fetch(server.url_for("/big"), max_bytes=1000)


def test_size_cap_stops_undeclared_endless_body():
    def endless(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        for _ in range(10_000):
            conn.sendall(b"y" * 4096)

    with RawServer(endless) as srv:
        started = time.monotonic()
        with pytest.raises(TooLarge):
            fetch(srv.url("/"), max_bytes=100_000, timeout=10)
        assert time.monotonic() - started < 5


def test_size_cap_counts_decoded_bytes_of_a_compression_bomb(server):
    bomb = gzip.compress(b"\0" * 20_000_000)  # ~20 kB on the wire, 20 MB decoded
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(TooLarge):
        fetch(server.url_for("/bomb"), max_bytes=1_000_000)


def test_server_that_never_answers_times_out():
    def silent(conn):
        time.sleep(5)

    with RawServer(silent) as srv:
        started = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetch(srv.url("/"), timeout=0.5)
        assert time.monotonic() - started < 2


def test_body_dripping_forever_is_cut_at_the_deadline():
    def drip(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"d")
            time.sleep(0.1)

    with RawServer(drip) as srv:
        started = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetch(srv.url("/"), timeout=1.0)
        assert time.monotonic() - started < 2.5


# --- SSRF guard ---------------------------------------------------------------------------------


@pytest.fixture
def strict(settings):
    """Only the literal 127.0.0.1 is allowed: every other way to loopback must be refused."""
    settings.FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
    return settings


def test_ssrf_dns_name_resolving_to_loopback_is_refused(server, strict):
    server.expect_request("/").respond_with_data("secret")
    with pytest.raises(BlockedAddress):
        fetch(_port_url(server, "localhost"))


@pytest.mark.parametrize("host", ["2130706433", "0x7f.0.0.1", "127.1", "0177.0.0.1", "127.0.0.2"])
def test_ssrf_numeric_forms_of_loopback_are_refused(host, strict):
    with (
        RawServer(
            lambda c: c.sendall(b"HTTP/1.0 200 OK\r\n\r\nsecret"),
            host="127.0.0.2" if host == "127.0.0.2" else "127.0.0.1",
        ) as srv,
        pytest.raises((BlockedAddress, UnsafeURL)),
    ):
        fetch(f"http://{host}:{srv.port}/")


def test_ssrf_ipv4_mapped_ipv6_loopback_is_refused(strict):
    with pytest.raises(BlockedAddress):
        fetch("http://[::ffff:127.0.0.1]:9/")


def test_ssrf_redirect_to_private_address_is_refused(server, strict):
    with RawServer(
        lambda c: c.sendall(b"HTTP/1.0 200 OK\r\n\r\nsecret"), host="127.0.0.2"
    ) as inner:
        server.expect_request("/hop").respond_with_data(
            "", status=302, headers={"Location": inner.url("/admin")}
        )
        with pytest.raises(BlockedAddress):
            fetch(_port_url(server, "127.0.0.1", "/hop"))


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_ssrf_redirect_to_cloud_metadata_and_private_ranges_is_refused(server, strict, location):
    server.expect_request("/hop").respond_with_data("", status=302, headers={"Location": location})
    with pytest.raises(BlockedAddress):
        fetch(_port_url(server, "127.0.0.1", "/hop"), timeout=3)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:25/", "ftp://x/"])
def test_ssrf_redirect_to_other_scheme_is_refused(server, location):
    server.expect_request("/hop").respond_with_data("", status=302, headers={"Location": location})
    with pytest.raises(UnsafeURL):
        fetch(server.url_for("/hop"))


@pytest.mark.parametrize(
    "url",
    [
        " http://127.0.0.1/",
        "\thttp://127.0.0.1/",
        "http://127.0.0.1/\n",
        "ht\ntp://127.0.0.1/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http:\\\\127.0.0.1\\",
        "http://user:pass@127.0.0.1/",
        "http://user@127.0.0.1/",
        "http:///nohost",
    ],
)
def test_ssrf_padded_schemes_credentials_and_odd_urls_are_refused(url):
    with pytest.raises(UnsafeURL):
        fetch(url)


def test_ssrf_dns_rebinding_answer_with_one_private_address_is_refused(server, strict, monkeypatch):
    # A name whose DNS answer mixes a public and a private address: refused as a whole, so the
    # attacker cannot make us use the private one by letting the public one fail.
    monkeypatch.setattr(http, "resolve", lambda host, port: ["93.184.216.34", "127.0.0.1"])
    with pytest.raises(BlockedAddress):
        fetch(_port_url(server, "rebind.example"))


def test_ssrf_guard_connects_to_the_address_it_checked(server, strict, monkeypatch):
    # The resolver is asked exactly once per connection: no second lookup an attacker's DNS
    # could answer differently between the check and the connect.
    server.expect_request("/").respond_with_data("ok")
    calls = []

    def once(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(http, "resolve", once)
    monkeypatch.setattr(http.settings, "FETCH_ALLOW_PRIVATE", ["127.0.0.0/8"])
    assert fetch(_port_url(server, "docs.example")).content == b"ok"
    assert calls == ["docs.example"]


def test_ssrf_environment_proxy_is_not_used_to_bypass_the_guard(server, strict, monkeypatch):
    contacted = threading.Event()

    def proxy(conn):
        contacted.set()
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nproxied secret")

    with RawServer(proxy) as fake_proxy:
        for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(var, fake_proxy.url())
        http.clients_close()
        with pytest.raises(BlockedAddress):
            fetch(_port_url(server, "localhost"))
        server.expect_request("/").respond_with_data("direct")
        assert fetch(_port_url(server, "127.0.0.1")).content == b"direct"
    assert not contacted.is_set()


def test_allow_list_cidr_entry_admits_resolved_address(server, settings):
    settings.FETCH_ALLOW_PRIVATE = ["127.0.0.0/8"]
    server.expect_request("/").respond_with_data("ok")
    assert fetch(_port_url(server, "localhost")).content == b"ok"


def test_allow_private_argument_overrides_the_guard(server, strict):
    server.expect_request("/").respond_with_data("ok")
    assert fetch(_port_url(server, "localhost"), allow_private=True).content == b"ok"


@pytest.mark.parametrize(
    "address,public",
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.100.100.200", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("255.255.255.255", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:8.8.8.8", False),
        ("2002:7f00:1::", False),
        ("64:ff9b::7f00:1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ],
)
def test_address_policy_table(address, public):
    assert http.address_is_public(ipaddress.ip_address(address)) is public


def test_loopback_server_really_answers_on_127_0_0_2():
    # Guards the guard tests: 127.0.0.2 is reachable here, so refusing it is meaningful.
    with RawServer(lambda c: c.sendall(b"HTTP/1.0 200 OK\r\n\r\nx"), host="127.0.0.2") as srv:
        sock = socket.create_connection(("127.0.0.2", srv.port), timeout=2)
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.0 200")
        sock.close()


def test_numeric_loopback_forms_really_resolve_to_loopback():
    for host in ("2130706433", "0x7f.0.0.1", "127.1"):
        assert http.resolve(host, 80) == ["127.0.0.1"]


def test_werkzeug_response_type_available():
    assert Response  # pytest-httpserver's handlers use werkzeug responses
