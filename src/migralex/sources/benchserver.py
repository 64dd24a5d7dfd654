"""The simulated web of ``migralex bench poll``: one asyncio process answering for N feed
sources spread over H local ports (each port is a distinct host for the politeness gate).

Source ``i`` lives at ``http://127.0.0.1:<port(i)>/s/<i>.xml``. Its behaviour is a pure
function of ``(i, cycle)``, so the benchmark knows exactly which changes and failures to expect:
most answer 304 to the ETag they gave, some change (new ETag, new entry), some are slow, some
fail (HTTP 500, broken XML, reset connection, wrong content type, no answer in time). The
benchmark moves to the next cycle with ``GET /_cycle/<n>``. Standard library only.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys

FAIL_KINDS = ("http500", "broken", "reset", "wrong-type", "hang")


def _frac(*parts) -> float:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def behaviour(i: int, cycle: int, changed_share: float, slow_share: float, fail_share: float):
    """``("fail", kind) | ("slow", None) | ("ok", None)`` and whether it changed this cycle."""
    r = _frac("role", i)
    if r < fail_share:
        return ("fail", FAIL_KINDS[i % len(FAIL_KINDS)]), False
    role = ("slow", None) if r < fail_share + slow_share else ("ok", None)
    changed = cycle == 1 or (cycle > 1 and _frac("change", i, cycle) < changed_share)
    return role, changed


def version_of(i: int, cycle: int, changed_share: float) -> int:
    """The cycle of the source's last change (its content version)."""
    for c in range(cycle, 1, -1):
        if _frac("change", i, c) < changed_share:
            return c
    return 1


def feed_body(i: int, version: int) -> bytes:
    items = "".join(
        f"<item><title>Source {i} texte {v}</title><link>http://example.org/{i}/{v}</link>"
        f"<guid>urn:s{i}:{v}</guid><description>Version {v} du texte {i}.</description></item>"
        for v in range(max(1, version - 2), version + 1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Source {i}</title><link>http://example.org/{i}</link>{items}</channel></rss>"
    ).encode()


class Simulator:
    def __init__(self, changed_share, slow_share, fail_share, slow_seconds, hang_seconds):
        self.cycle = 1
        self.shares = (changed_share, slow_share, fail_share)
        self.slow_seconds = slow_seconds
        self.hang_seconds = hang_seconds

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if not await self.respond(path, headers, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def respond(self, path, headers, writer) -> bool:
        def send(status, body=b"", ctype="application/rss+xml", extra=""):
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                f"{extra}\r\n".encode()
                + body
            )

        if path.startswith("/_cycle/"):
            self.cycle = int(path.rsplit("/", 1)[1])
            send("200 OK", b"ok", "text/plain")
        elif path == "/robots.txt":
            send("404 Not Found", b"", "text/plain")
        elif path.startswith("/s/"):
            i = int(path[3:].split(".")[0])
            changed_share, slow_share, fail_share = self.shares
            (role, kind), _ = behaviour(i, self.cycle, changed_share, slow_share, fail_share)
            if role == "fail":
                if kind == "reset":
                    return False
                if kind == "hang":
                    await asyncio.sleep(self.hang_seconds)
                    return False
                if kind == "http500":
                    send("500 Internal Server Error", b"oops", "text/plain")
                elif kind == "broken":
                    send("200 OK", b"<rss><channel><item><title>cut")
                else:
                    send("200 OK", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
            else:
                if role == "slow":
                    await asyncio.sleep(self.slow_seconds)
                version = version_of(i, self.cycle, changed_share)
                etag = f'"s{i}v{version}"'
                if headers.get("if-none-match") == etag:
                    send("304 Not Modified", extra=f"ETag: {etag}\r\n")
                else:
                    send("200 OK", feed_body(i, version), extra=f"ETag: {etag}\r\n")
        else:
            send("404 Not Found", b"", "text/plain")
        await writer.drain()
        return True


async def main(ports: list[int], args: list[float]) -> None:
    sim = Simulator(*args)
    servers = [await asyncio.start_server(sim.handle, "127.0.0.1", p) for p in ports]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    port_list = [int(p) for p in sys.argv[1].split(",")]
    asyncio.run(main(port_list, [float(x) for x in sys.argv[2:7]]))
