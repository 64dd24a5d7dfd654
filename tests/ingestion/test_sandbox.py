"""The sandbox with real child processes: crashes, hangs, CPU and memory exhaustion each end
as one outcome for that input, and the next parse still works."""

import os
import time

import pytest

from migralex.ingestion.sandbox import Limits, SandboxFailure, run_parser

HOSTILE = "tests.ingestion.hostile"


@pytest.fixture
def blob(tmp_path):
    path = tmp_path / "input.bin"
    path.write_bytes(b"bonjour")
    return path


def test_a_parser_runs_in_another_process_and_returns_its_result(blob):
    out = run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))
    assert out["text"] == "bonjour"
    assert out["pid"] != os.getpid()


def test_a_crashing_parser_is_an_error_and_the_next_parse_works(blob):
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:crash", blob, limits=Limits(5, 512, 10))
    assert failure.value.outcome == "error"
    assert "SIGSEGV" in failure.value.reason
    assert run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["text"] == "bonjour"


def test_a_hanging_parser_is_stopped_at_the_wall_clock_limit(blob):
    started = time.monotonic()
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:hang", blob, limits=Limits(5, 512, 2))
    assert failure.value.outcome == "rejected"
    assert "still running after 2 s" in failure.value.reason
    assert time.monotonic() - started < 6


def test_a_spinning_parser_is_stopped_by_the_cpu_limit(blob):
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:spin", blob, limits=Limits(1, 512, 20))
    assert failure.value.outcome == "rejected"
    assert "CPU time (1 s)" in failure.value.reason


def test_a_memory_hog_is_stopped_by_the_memory_limit(blob):
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:hog", blob, limits=Limits(20, 768, 30))
    assert failure.value.outcome == "rejected"
    assert "memory" in failure.value.reason


def test_a_parser_exiting_without_result_is_an_error(blob):
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:exit_quietly", blob, limits=Limits(5, 512, 10))
    assert failure.value.outcome == "error"
    assert "exit code 3" in failure.value.reason


def test_an_unknown_kind_is_rejected(blob):
    with pytest.raises(SandboxFailure) as failure:
        run_parser("spreadsheet", blob, limits=Limits(5, 512, 10))
    assert failure.value.outcome == "rejected"
    assert "type not supported" in failure.value.reason
