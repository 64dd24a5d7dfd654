"""``migralex bench poll``: full polling cycles over simulated sources.

The simulated web (``benchserver``) runs in its own process, so the CPU time measured here is
the poller's alone. The cycles run in a fresh process on a throw-away data dir (the user's
database is never touched), on SQLite by default or PostgreSQL when DATABASE_URL says so.
Items are handed to a counting sink unless ``--ingest`` asks for the real pipeline: the figure
is the watch cycle, not ingestion (which has its own ``bench ingest``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time


def add_arguments(parser) -> None:
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=10, help="cycles after the first one")
    parser.add_argument("--hosts", type=int, default=50, help="simulated hosts (local ports)")
    parser.add_argument("--workers", type=int, default=32, help="polling threads")
    parser.add_argument("--changed", type=float, default=0.05, help="share changed per cycle")
    parser.add_argument("--slow", type=float, default=0.02, help="share answering after 2 s")
    parser.add_argument("--failing", type=float, default=0.03, help="share always failing")
    parser.add_argument(
        "--host-delay",
        type=float,
        default=0.05,
        help="politeness: seconds between two requests to one host",
    )
    parser.add_argument("--ingest", action="store_true", help="hand items to real ingestion")


def run(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="migralex-bench-poll-") as tmp:
        env = {
            **os.environ,
            "MIGRALEX_DATA_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "migralex.config.settings.test",
            "MIGRALEX_LOG_LEVEL": "WARNING",
        }
        if os.environ.get("DATABASE_URL", "").startswith("sqlite") or not os.environ.get(
            "DATABASE_URL"
        ):
            env.pop("DATABASE_URL", None)
        proc = subprocess.run(
            [sys.executable, "-m", "migralex.sources.bench", json.dumps(vars(args), default=str)],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if proc.returncode != 0:
            from migralex.cli import CommandError

            raise CommandError(f"benchmark failed: {proc.stderr.strip()[-2000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _inner(opts: dict) -> dict:
    import django

    django.setup()
    import httpx
    from django.conf import settings
    from django.core.management import call_command

    from migralex.sources import benchserver
    from migralex.sources.models import PollRecord, Source
    from migralex.sources.polling import HandOff
    from migralex.sources.services import sources_poll

    call_command("migrate", verbosity=0)
    settings.FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
    settings.FETCH_TIMEOUT_SECONDS = 3.0
    settings.SOURCE_HOST_DELAY_SECONDS = opts["host_delay"]
    n, shares = opts["sources"], (opts["changed"], opts["slow"], opts["failing"])
    ports = _free_ports(opts["hosts"])
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migralex.sources.benchserver",
            ",".join(map(str, ports)),
            *map(str, shares),
            "2.0",
            "10.0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().strip() == "ready"
        from migralex.accounts.services import organisation_default

        owner = organisation_default()
        Source.objects.bulk_create(
            Source(
                name=f"bench {i}",
                kind=Source.Kind.FEED,
                owner=owner,
                interval_minutes=1,
                url=f"http://127.0.0.1:{ports[i % len(ports)]}/s/{i}.xml",
            )
            for i in range(n)
        )
        index = {s.pk: int(s.name.split()[1]) for s in Source.objects.all()}
        handed = []
        sink = None
        if not opts["ingest"]:

            def sink(source, item, fetched_at):  # noqa: ARG001 - counting stand-in
                handed.append(source.pk)
                return HandOff(documents=1)

        cycles = []
        for cycle in range(1, opts["cycles"] + 2):
            httpx.get(f"http://127.0.0.1:{ports[0]}/_cycle/{cycle}", trust_env=False)
            expected_changed = set()
            expected_failing = set()
            for pk, i in index.items():
                (role, _), changed = benchserver.behaviour(i, cycle, *shares)
                if role == "fail":
                    expected_failing.add(pk)
                elif changed:
                    expected_changed.add(pk)
            since = PollRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
            sources = list(Source.objects.all())
            cpu0, t0 = time.process_time(), time.monotonic()
            counts = sources_poll(sources, workers=opts["workers"], sink=sink)
            wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
            records = PollRecord.objects.filter(id__gt=since)
            found = set(records.filter(status="changed").values_list("source_id", flat=True))
            failed = set(records.filter(status="error").values_list("source_id", flat=True))
            cycles.append(
                {
                    "cycle": cycle,
                    "cycle_s": round(wall, 2),
                    "cpu_ms_per_source": round(cpu * 1000 / n, 2),
                    "unchanged": counts["unchanged"],
                    "changed_expected": len(expected_changed),
                    "changed_found": len(found & expected_changed),
                    "missed_changes": len(expected_changed - found),
                    "false_changes": len(found - expected_changed),
                    "errors": counts["error"],
                    "failures_unrecorded": len(expected_failing - failed),
                    "unexpected_errors": sorted(
                        {
                            e[:80]
                            for e in Source.objects.filter(
                                pk__in=failed - expected_failing
                            ).values_list("last_error", flat=True)
                        }
                    ),
                    "rss_mb": _rss_mb(),
                }
            )
        # One more poll at the same cycle: nothing changed since, so this measures the cost
        # of an unchanged source (failing ones included: an upper bound).
        sources = list(Source.objects.all())
        cpu0 = time.process_time()
        counts_quiet = sources_poll(sources, workers=opts["workers"], sink=sink)
        cpu_quiet = time.process_time() - cpu0
    finally:
        server.terminate()
        server.wait()
    steady = cycles[1:] or cycles
    return {
        "sources": n,
        "cycle_s": max(c["cycle_s"] for c in steady),
        "first_cycle_s": cycles[0]["cycle_s"],
        "cpu_ms_per_unchanged": round(cpu_quiet * 1000 / max(counts_quiet["unchanged"], 1), 2),
        "changed_found": sum(c["changed_found"] for c in steady),
        "missed_changes": sum(c["missed_changes"] for c in cycles),
        "false_changes": sum(c["false_changes"] for c in steady),
        "errors": steady[-1]["errors"],
        "failures_unrecorded": sum(c["failures_unrecorded"] for c in cycles),
        "unexpected_errors": sorted({e for c in cycles for e in c["unexpected_errors"]}),
        "rss_mb": steady[-1]["rss_mb"],
        "rss_mb_per_cycle": [c["rss_mb"] for c in cycles],
        "cycles": len(cycles),
        "workers": opts["workers"],
        "hosts": opts["hosts"],
        "host_delay_s": opts["host_delay"],
        "sink": "ingestion" if opts["ingest"] else "counting (ingestion excluded)",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


if __name__ == "__main__":
    print(json.dumps(_inner(json.loads(sys.argv[1]))))
