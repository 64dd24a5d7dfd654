"""Imports every app's ``tasks`` module so the consumer knows all tasks."""

from __future__ import annotations

import importlib

from django.apps import apps


def import_all_tasks() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("migralex."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
