"""What ``init`` and ``serve`` share: bring the database and reference data up to date."""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management import call_command


def ensure_data_dirs() -> None:
    for path in (
        settings.DATA_DIR,
        settings.ORIGINALS_DIR,
        settings.INDEX_DIR,
        settings.STATIC_ROOT,
    ):
        path.mkdir(parents=True, exist_ok=True)


def initialise(
    *,
    interactive: bool,
    demo: bool = True,
    quiet: bool = False,
    admin_email: str | None = None,
    admin_password: str | None = None,
) -> None:
    from migralex.accounts.models import User
    from migralex.accounts.services import user_create_admin
    from migralex.knowledge.reference_data import reference_data_load

    say = (lambda *a: None) if quiet else print
    ensure_data_dirs()
    say(f"Database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    report = reference_data_load()
    say("Reference data: " + ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())))
    # The database is the source of truth: index what is missing (reference data on a first
    # run, anything an interrupted run left behind) and drop what should not be there.
    from migralex.search.services import index_check

    drift = index_check(quick=True)
    if not drift.ok:
        say(f"Search index: {len(drift.missing)} document(s) indexed, {len(drift.extra)} removed")
    if demo:
        from migralex.sources.demo import demo_sources_install

        installed = demo_sources_install()
        say(f"Demo sources: {installed} ready")
    if not User.objects.filter(is_superuser=True).exists():
        if interactive and not admin_email:
            admin_email = input("Administrator e-mail: ").strip()
            admin_password = getpass.getpass("Password (empty to generate one): ") or None
        user, generated = user_create_admin(admin_email or "admin@example.org", admin_password)
        print(
            f"Administrator created: {user.email}"
            + (f"  password: {generated}" if generated else "")
        )
        if generated:
            print("(shown once: change it after signing in)")
