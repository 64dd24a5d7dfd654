"""Parsers that misbehave on purpose, run through the real sandbox by the failure tests."""

import ctypes
import os
import time


def crash(data, options):
    ctypes.string_at(0)  # segmentation fault: the child dies by signal


def hang(data, options):
    time.sleep(3600)


def spin(data, options):
    while True:  # burns CPU until RLIMIT_CPU sends SIGXCPU
        pass


def hog(data, options):
    blocks = []
    while True:
        blocks.append(bytearray(64 * 1024 * 1024))


def exit_quietly(data, options):
    os._exit(3)


def echo(data, options):
    return {"status": "ok", "message": "", "text": data.decode(), "pid": os.getpid()}


def burn(data, options):
    """About 0.7 s of CPU, then a normal result: under a 1 s limit only if the limit is per
    input, not per worker life."""
    started = time.process_time()
    while time.process_time() - started < 0.7:
        pass
    return echo(data, options)
