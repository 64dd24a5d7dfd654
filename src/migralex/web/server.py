"""The waitress server of each web process of ``migralex serve``, with least-connections accepting.

The web processes accept on one shared listening socket, and a keep-alive connection stays with
the process that accepted it. Left to the kernel, whichever process wakes first accepts: 20
clients connecting at once were split 14 and 6 between two processes, so one process queued
requests while the other had time to spare. Here each process publishes how many connections it
holds in a slot of a shared memory map, and listens for new connections only while no live
sibling holds fewer (ties all listen; the kernel gives each connection to one of them).
"""

from __future__ import annotations

import mmap
import socket
import time

from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

# A process that has not updated its slot for this long (stopped, or stuck without its event loop
# running) is left out of the comparison, so it never stops the others accepting.
STALE_AFTER_MS = 5000
# waitress asks at every turn of its event loop, hundreds of times per request under load: the
# answer is reused this long unless this process's own count changed.
RECHECK_AFTER_S = 0.02


class ConnectionBalance:
    """Connection counts of ``processes`` web processes, shared across ``fork``: create it before
    forking, then each process calls :meth:`use_slot` with its own number."""

    def __init__(self, processes: int):
        self.processes = processes
        self.slot = 0
        # Anonymous shared memory: per process, open connections and the monotonic time (ms) of
        # the last update.
        self._slots = memoryview(mmap.mmap(-1, 16 * processes)).cast("q")
        self._answer = (-1, 0.0, True)  # (connections, valid until, may accept)

    def use_slot(self, slot: int) -> None:
        self.slot = slot

    def may_accept(self, connections: int) -> bool:
        """Publish ``connections`` for this process; True when no live sibling holds fewer."""
        now = time.monotonic()
        published, valid_until, answer = self._answer
        if connections == published and now < valid_until:
            return answer
        now_ms = int(now * 1000)
        slots, mine = self._slots, 2 * self.slot
        slots[mine] = connections
        slots[mine + 1] = now_ms
        answer = not any(
            slots[other] < connections and now_ms - slots[other + 1] < STALE_AFTER_MS
            for other in range(0, len(slots), 2)
            if other != mine
        )
        self._answer = (connections, now + RECHECK_AFTER_S, answer)
        return answer


class _BalancedServer(TcpWSGIServer):
    balance: ConnectionBalance | None = None

    def readable(self) -> bool:
        # waitress asks before each wait for events; the count includes the server's own socket
        # and its trigger, the same in every process.
        listening = super().readable()
        if listening and self.balance is not None:
            return self.balance.may_accept(len(self._map))
        return listening


def web_server(
    application, sock: socket.socket, threads: int, balance: ConnectionBalance | None = None
):
    """A waitress server accepting on the already listening ``sock``."""
    server = _BalancedServer(
        application,
        map={},
        _sock=sock,
        adj=Adjustments(sockets=[sock], threads=threads, ident="Migralex"),
        sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()),
        bind_socket=False,
    )
    server.balance = balance
    return server
