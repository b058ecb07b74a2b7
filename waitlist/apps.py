from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "waitlist"
    verbose_name = _("Waiting lists and admission")

    def ready(self) -> None:
        from enrollment.signals import place_freed

        place_freed.connect(offer_freed_place, dispatch_uid="waitlist-admit-next-in-line")


def offer_freed_place(sender: Any, offer_id: int, **kwargs: Any) -> None:
    """A place freed up in the life cycle (sent after commit): the next in line gets it."""
    from waitlist.tasks import admit_next_in_line

    admit_next_in_line.delay(offer_id)
