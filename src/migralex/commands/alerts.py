"""``migralex alerts run``: match new versions against saved searches and send now.

Does what the periodic ``alerts-tick`` job does: match recent versions nothing matched yet,
send pending real-time e-mails and webhooks, and the digests whose hour has come."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "alerts",
        help="match saved searches and send alerts",
        description="Alerts: match new texts against saved searches and send what is due.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run_parser = actions.add_parser(
        "run",
        help="match and send now",
        description="Match the recent versions not matched yet, then send pending real-time "
        "e-mails, webhooks and the digests that are due.",
    )
    run_parser.add_argument("--json", action="store_true", help="print one JSON object")
    run_parser.add_argument(
        "--days", type=int, default=2, help="how far back unmatched versions are matched"
    )
    run_parser.set_defaults(func=run)


def run(args) -> int:
    from migralex.alerts.delivery import digests_send_due, realtime_send_pending
    from migralex.alerts.services import versions_percolate_pending
    from migralex.alerts.webhooks import webhooks_send_pending

    report = {
        "matched": versions_percolate_pending(within_days=max(0, args.days)),
        "realtime": realtime_send_pending(),
        "webhooks": webhooks_send_pending(),
        "digests": digests_send_due(),
    }
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    failed = sum(v.get("failed", 0) for v in report.values() if isinstance(v, dict))
    if failed:
        print(
            f"migralex alerts: {failed} deliveries failed; they stay pending and are retried",
            file=sys.stderr,
        )
        return 1
    return 0
