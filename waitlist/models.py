"""Auditions, admission rounds, place offers and waiting-list snapshots.

The waiting list itself is not stored: it is the ranking (waitlist/rules.py) of the open
applications, computed when asked, so staff and guardians always see the same order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.models import Application, Offer, Pupil, School, Term


class Audition(models.Model):
    """An opptaksprøve: requested by the home (§4c) or required by the offer (§4d)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not held yet")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="auditions")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="auditions")
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auditions",
        verbose_name=_("application"),
    )
    requested_at = models.DateTimeField(_("requested"))
    scheduled_at = models.DateTimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=Result, default=Result.PENDING, db_index=True
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        help_text=_("Orders the passed auditions at admission: higher first."),
    )
    result_note = models.TextField(_("assessment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("audition")
        verbose_name_plural = _("auditions")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "offer"],
                condition=Q(result="pending"),
                name="audition_one_pending_per_pupil_and_offer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.offer}"


class AdmissionRound(models.Model):
    """One run of admission for a school and term, with the seed of its tie-break lottery.

    `decisions` records, for every applicant considered, what they got and why, so a run can
    be explained afterwards and reproduced from the same seed.
    """

    class Kind(models.TextChoices):
        MAIN = "main", _("Main admission")
        CONTINUOUS = "continuous", _("Continuous admission")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="admission_rounds")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="admission_rounds")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    seed = models.BigIntegerField(_("lottery seed"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    run_at = models.DateTimeField(_("run"))
    offers_made = models.PositiveIntegerField(_("place offers made"), default=0)
    applicants = models.PositiveIntegerField(_("applicants considered"), default=0)
    decisions = models.JSONField(_("decisions"), default=list)

    class Meta:
        verbose_name = _("admission round")
        verbose_name_plural = _("admission rounds")
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.term} ({self.school})"


class PlaceOfferQuerySet(models.QuerySet["PlaceOffer"]):
    def pending(self) -> PlaceOfferQuerySet:
        return self.filter(status=PlaceOffer.Status.PENDING)


class PlaceOffer(models.Model):
    """A tilbud om plass with a reply deadline (§4b)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("Not answered in time")
        WITHDRAWN = "withdrawn", _("Withdrawn by the school")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="place_offers"
    )
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="place_offers")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="place_offers")
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="place_offers", verbose_name=_("first term")
    )
    round = models.ForeignKey(
        AdmissionRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="place_offers",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    offered_at = models.DateTimeField(_("offered"))
    reply_by = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = PlaceOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("place offer")
        verbose_name_plural = _("place offers")
        ordering = ["-offered_at"]
        constraints = [
            # One application is offered a place once at a time, and never twice the same place.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "accepted"]),
                name="place_offer_one_live_per_application",
            ),
            models.UniqueConstraint(
                fields=["pupil", "offer"],
                condition=Q(status="pending"),
                name="place_offer_one_pending_per_pupil_and_offer",
            ),
        ]
        indexes = [models.Index(fields=["status", "reply_by"])]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.offer}"


class WaitingListSnapshot(models.Model):
    """Distinct children waiting (§5d), counted once a day for the chart of waiting over time.

    `offer` empty means the whole school.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, null=True, blank=True)
    day = models.DateField(_("day"))
    children = models.PositiveIntegerField(_("children waiting"))

    class Meta:
        verbose_name = _("waiting-list count")
        verbose_name_plural = _("waiting-list counts")
        ordering = ["day"]
        # Two partial constraints rather than NULLS NOT DISTINCT, which SQLite lacks.
        constraints = [
            models.UniqueConstraint(
                fields=["school", "offer", "day"],
                condition=Q(offer__isnull=False),
                name="snapshot_once_a_day_per_offer",
            ),
            models.UniqueConstraint(
                fields=["school", "day"],
                condition=Q(offer__isnull=True),
                name="snapshot_once_a_day_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.children}"
