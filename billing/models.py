"""Fee schedules decided yearly by the municipal council (§12a) and course prices (§12b).

Invoices, discounts, free places and payments come with the billing issue.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from enrollment.models import Offer, School
from kulturskole.fields import MoneyField


class FeeSchedule(models.Model):
    """The fees of one school year: one rate per place and term, instrument rental, extras."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="fee_schedules")
    school_year = models.PositiveSmallIntegerField(
        _("school year starting"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The calendar year in which the school year starts, e.g. 2026 for 2026/27."),
    )
    place_fee_per_term = MoneyField(_("fee per place per term (NOK)"))
    instrument_rental_per_term = MoneyField(_("instrument rental per term (NOK)"), default=0)
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the municipal council's decision on municipal fees, with its date."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["school", "-school_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="fee_schedule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}/{(self.school_year + 1) % 100:02d}"


class CoursePrice(models.Model):
    """A course's own price for the whole course (§12b)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="courses")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    price = MoneyField(_("price for the course (NOK)"))

    class Meta:
        verbose_name = _("course price")
        verbose_name_plural = _("course prices")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "offer"], name="course_price_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.price}"
