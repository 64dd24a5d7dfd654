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


def test_a_warm_worker_is_reused_for_the_next_input(blob):
    first = run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"]
    assert run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"] == first


def test_a_worker_that_failed_is_replaced(blob):
    first = run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"]
    with pytest.raises(SandboxFailure):
        run_parser(f"{HOSTILE}:exit_quietly", blob, limits=Limits(5, 512, 10))
    with pytest.raises(SandboxFailure):
        run_parser("spreadsheet", blob, limits=Limits(5, 512, 10))
    after = run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"]
    assert after != first
    assert run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"] == after


def test_the_cpu_limit_is_per_input_in_a_reused_worker(blob):
    pids = {run_parser(f"{HOSTILE}:burn", blob, limits=Limits(1, 512, 10))["pid"] for _ in "abc"}
    assert len(pids) == 1  # 2.1 s of CPU in one worker, each input under its 1 s allowance
    with pytest.raises(SandboxFailure) as failure:
        run_parser(f"{HOSTILE}:spin", blob, limits=Limits(1, 512, 20))
    assert "CPU time (1 s)" in failure.value.reason


def test_a_worker_killed_while_idle_is_replaced(blob):
    first = run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["pid"]
    os.kill(first, 9)
    time.sleep(0.2)
    assert run_parser(f"{HOSTILE}:echo", blob, limits=Limits(5, 512, 10))["text"] == "bonjour"
