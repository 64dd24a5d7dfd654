"""The web processes of ``serve`` share new connections: least connections first."""

import os

import pytest

from migralex.web import server
from migralex.web.server import ConnectionBalance


@pytest.fixture(autouse=True)
def _answer_afresh_each_time(monkeypatch):
    monkeypatch.setattr(server, "RECHECK_AFTER_S", 0)


def _sibling_holds(balance: ConnectionBalance, connections: int) -> None:
    balance.use_slot(1)
    balance.may_accept(connections)
    balance.use_slot(0)


def test_a_process_accepts_only_while_no_sibling_holds_fewer_connections():
    balance = ConnectionBalance(2)
    _sibling_holds(balance, 3)
    assert balance.may_accept(3)  # a tie: both listen, the kernel picks one
    assert not balance.may_accept(4)  # the sibling holds fewer: it takes the next one
    _sibling_holds(balance, 5)
    assert balance.may_accept(4)


def test_a_sibling_that_stopped_updating_is_ignored(monkeypatch):
    balance = ConnectionBalance(2)
    _sibling_holds(balance, 0)
    assert not balance.may_accept(8)
    later = server.time.monotonic() + server.STALE_AFTER_MS / 1000 + 1
    monkeypatch.setattr(server.time, "monotonic", lambda: later)
    assert balance.may_accept(8)


def test_the_counts_are_shared_with_a_forked_process():
    balance = ConnectionBalance(2)
    pid = os.fork()
    if pid == 0:  # the child publishes one connection in its slot, then leaves
        balance.use_slot(1)
        balance.may_accept(1)
        os._exit(0)
    os.waitpid(pid, 0)
    assert not balance.may_accept(2)
    assert balance.may_accept(1)


def test_without_siblings_a_process_always_accepts():
    assert ConnectionBalance(1).may_accept(100)
