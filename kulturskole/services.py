"""Cross-cutting services."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone


def housekeeping_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired sessions and unverified accounts older than the retention period.

    An account counts as unverified when none of its e-mail addresses is verified and it has no
    role, household or usable login through ID-porten. Running it twice deletes nothing more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
        cutoff = now - dt.timedelta(days=settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS)
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        stale = (
            get_user_model()
            .objects.filter(
                date_joined__lt=cutoff,
                is_staff=False,
                is_superuser=False,
                last_login__isnull=True,
                staff_roles__isnull=True,
                regional_roles__isnull=True,
                guardianships__isnull=True,
                socialaccount__isnull=True,
            )
            .exclude(Exists(verified))
        )
        # Delete by primary key: a DELETE with joins is not portable.
        stale_ids = list(stale.values_list("pk", flat=True))
        get_user_model().objects.filter(pk__in=stale_ids).delete()
    return {"expired_sessions": sessions, "unverified_accounts": len(stale_ids)}
