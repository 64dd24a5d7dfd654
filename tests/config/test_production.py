"""Production settings pass Django's deployment checklist and refuse a missing secret."""

import os
import secrets
import subprocess
import sys


def _manage(*args, env_extra):
    # A production process has no test-only switches (e.g. the browser tests' async override).
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "migralex.config.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "migralex.cli", "manage", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_check_deploy_is_clean(tmp_path):
    proc = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "MIGRALEX_SECRET_KEY": secrets.token_urlsafe(64),
            "MIGRALEX_ALLOWED_HOSTS": "veille.example.org",
            "MIGRALEX_DATA_DIR": str(tmp_path),
        },
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_missing_secret_key_is_refused(tmp_path):
    proc = _manage(
        "check", env_extra={"MIGRALEX_SECRET_KEY": "", "MIGRALEX_DATA_DIR": str(tmp_path)}
    )
    assert proc.returncode != 0
    assert "MIGRALEX_SECRET_KEY" in proc.stderr
