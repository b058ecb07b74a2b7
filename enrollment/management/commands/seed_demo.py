"""`manage.py seed_demo`: load the demo schools, families and logins (safe to run again)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from enrollment import demo

# Apps that build on enrollment add their own demo data after it, each in `<app>/demo.py`
# with `seed_demo(*, today)`; enrollment itself never imports them.
EXTENSIONS = ("billing", "regional")


class Command(BaseCommand):
    help = (
        "Create or update the demo data: the schools of Sandefjord and the Gjøvik region, "
        "families, teaching groups and one login per role. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Run even with DEBUG off. The demo password and TOTP secret are public: "
                "only for a private test server, never one that holds real data."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off. The demo logins use a published password and TOTP secret, so "
                "seed_demo refuses to run on what looks like a production server. Use --force "
                "on a private test server."
            )
        today = timezone.localdate()
        result = demo.seed_demo(today=today)
        for app in EXTENSIONS:
            extension = import_module(f"{app}.demo")
            for line in extension.seed_demo(today=today):
                self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {result.schools} schools, {result.offers} offers, "
                f"{result.households} households, {result.pupils} pupils, "
                f"{result.users} logins."
            )
        )
        self.stdout.write("")
        self.stdout.write(demo.logins_table())
        self.stdout.write("")
        self.stdout.write(
            "Roles marked 'yes' sign in with two factors. The current 6-digit code is printed by\n"
            "    python manage.py demo_totp_code\n"
            f"or add the demo secret {demo.DEMO_TOTP_SECRET} to any authenticator app\n"
            "(time-based, 6 digits, 30 seconds)."
        )
