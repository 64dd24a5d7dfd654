"""Turns ``config.schedules.SCHEDULES`` into Huey periodic tasks (one place declares them)."""

from __future__ import annotations

import importlib
import logging

from huey import crontab
from huey.contrib.djhuey import periodic_task

from migralex.config.schedules import SCHEDULES, Schedule

logger = logging.getLogger(__name__)


def _resolve(target: str):
    module_name, func_name = target.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def _make_task(schedule: Schedule):
    def run() -> None:
        _resolve(schedule.target)(**dict(schedule.kwargs))

    run.__name__ = f"scheduled_{schedule.name.replace('-', '_')}"
    cron = crontab(minute=schedule.minute, hour=schedule.hour, day_of_week=schedule.day_of_week)
    return periodic_task(cron, name=schedule.name)(run)


PERIODIC_TASKS = [_make_task(schedule) for schedule in SCHEDULES]
