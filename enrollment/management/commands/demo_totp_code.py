"""`manage.py demo_totp_code`: the current two-factor code for the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enrollment import demo


class Command(BaseCommand):
    help = (
        "Print the current 6-digit TOTP code for the published demo secret, so the demo staff "
        "logins work without an authenticator app. Only with DEBUG on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG is off. demo_totp_code is a convenience for the local demo only."
            )
        code, remaining = demo.current_totp_code()
        self.stdout.write(code)
        self.stderr.write(
            f"Valid for {remaining} more seconds (each code is accepted once). The same codes "
            f"come from any authenticator app given the secret {demo.DEMO_TOTP_SECRET}."
        )
