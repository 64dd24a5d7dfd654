from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "migralex.alerts"
    label = "alerts"
    verbose_name = "Alerts and dissemination"

    def ready(self) -> None:
        # The ingestion pipeline calls every hook of AFTER_VERSION once a new version is saved
        # and indexed; matching it against saved searches is ours. Registered once even if
        # ready() runs twice (tests, autoreload).
        try:
            from migralex.ingestion import hooks
        except ImportError:  # the pipeline is not there yet: `alerts run` still matches
            return
        from migralex.alerts.services import after_version_hook

        if after_version_hook not in hooks.AFTER_VERSION:
            hooks.AFTER_VERSION.append(after_version_hook)
