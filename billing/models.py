"""Fees (§12), free places (§12d), reductions (§13), invoices with KID, and payments.

What a household owes for a term is computed by `billing.rules.invoice_lines` from plain facts;
these models keep the decisions that feed it and the invoices and payments that follow.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from enrollment.models import Household, Offer, Placement, School, Term
from kulturskole.fields import MoneyField
from kulturskole.storage import private_storage


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


class FeeExtra(models.Model):
    """An extra charged per term for places in some offers (tilleggstjenester, §12a)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="extras")
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. materials."))
    amount = MoneyField(_("amount per term (NOK)"))
    offers = models.ManyToManyField(Offer, related_name="+", verbose_name=_("offers"))

    class Meta:
        verbose_name = _("extra")
        verbose_name_plural = _("extras")
        ordering = ["schedule", "name"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "name"], name="fee_extra_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class InstrumentRental(models.Model):
    """A pupil rents an instrument from the school; billed per term while it runs (§12a)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="rentals", verbose_name=_("place")
    )
    instrument = models.CharField(_("instrument"), max_length=100)
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("returned"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("instrument rental")
        verbose_name_plural = _("instrument rentals")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="rental_returned_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} – {self.placement}"


class FreePlaceApplication(models.Model):
    """A written application for a free place on low household income (friplass, §12d)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="free_place_applications"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year starting"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    household_income = MoneyField(_("household income last year (NOK)"))
    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    explanation = models.TextField(_("why you apply"), blank=True)
    attachment = models.FileField(
        _("documentation (tax statement or similar)"),
        storage=private_storage,
        upload_to="free-place/%Y/",
        blank=True,
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.APPLIED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("justification"), blank=True)

    class Meta:
        verbose_name = _("free place application")
        verbose_name_plural = _("free place applications")
        ordering = ["-applied_at", "pk"]
        constraints = [
            # One open or granted application per household and school year.
            models.UniqueConstraint(
                fields=["household", "school_year"],
                condition=~Q(status="refused"),
                name="free_place_one_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.school_year}"


class FeeReduction(models.Model):
    """A §13 reduction decided by the office for one place and term, with who, when and why."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("Illness over 4 weeks, with a doctor's note (§13a i)")
        MOVING = "moving", _("Moving from the municipality (§13a ii)")

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="reductions", verbose_name=_("place")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("reason"), max_length=10, choices=Kind)
    weeks = models.PositiveSmallIntegerField(
        _("unused teaching weeks"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    doctors_note = models.FileField(
        _("doctor's note"), storage=private_storage, upload_to="reductions/%Y/", blank=True
    )
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("fee reduction")
        verbose_name_plural = _("fee reductions")
        ordering = ["-decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "term", "kind"], name="fee_reduction_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.placement}"


class InvoiceCounter(models.Model):
    """The last invoice number a school used; locked while numbers are handed out."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.school_id}: {self.last_number}"


class Invoice(models.Model):
    """An invoice, credit note or additional invoice to one household's payer for one term.

    Never edited once issued: a change in circumstances produces a credit note (negative) or
    an additional invoice that refers to the original.
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        ADDITIONAL = "additional", _("Additional invoice")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        NO_ADDRESS = "no_address", _("No e-mail address")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="invoices")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="invoices")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INVOICE)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    number = models.PositiveBigIntegerField(_("invoice number"))
    kid = models.CharField(_("KID"), max_length=25)
    issued_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"))
    total = MoneyField(_("total (NOK)"), validators=[])
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_email = models.EmailField(_("e-mail"), blank=True)
    payer_address = models.CharField(_("address"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, default="nb")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivery = models.CharField(
        _("sending"), max_length=12, choices=Delivery, default=Delivery.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    first_reminder_on = models.DateField(_("first reminder"), null=True, blank=True)
    second_reminder_on = models.DateField(_("second reminder"), null=True, blank=True)
    termination_flag_on = models.DateField(
        _("flagged for termination (§9d i)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-number"]
        constraints = [
            # Running the invoices twice for a term creates no second invoice (issue 5).
            models.UniqueConstraint(
                fields=["household", "term"],
                condition=Q(kind="invoice"),
                name="invoice_one_per_household_and_term",
            ),
            models.UniqueConstraint(fields=["school", "number"], name="invoice_number_unique"),
            models.UniqueConstraint(fields=["school", "kid"], name="invoice_kid_unique"),
            models.CheckConstraint(
                condition=Q(kind="invoice", corrects__isnull=True)
                | (~Q(kind="invoice") & Q(corrects__isnull=False)),
                name="invoice_corrections_name_the_original",
            ),
        ]
        indexes = [models.Index(fields=["school", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class InvoiceLine(models.Model):
    """A line with the rule it applies; its words are written from `kind` and `params`."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    amount = MoneyField(_("amount (NOK)"), validators=[])
    correction = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class PaymentImport(models.Model):
    """A bank file read once: importing the same file again registers nothing."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="payment_imports")
    filename = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    fingerprint = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"))
    registered = models.PositiveIntegerField(_("payments registered"), default=0)
    already_known = models.PositiveIntegerField(_("already registered"), default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("payment import")
        verbose_name_plural = _("payment imports")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fingerprint"], name="payment_import_once_per_file"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class Payment(models.Model):
    """Money received. Kept even when it matches no invoice: listed for the office to handle."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Registered by hand")
        OCR = "ocr", _("Bank file (OCR giro)")
        CSV = "csv", _("Bank file (CSV)")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        UNKNOWN_KID = "unknown_kid", _("Unknown KID")
        AMOUNT_MISMATCH = "mismatch", _("Amount does not match")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("invoice"),
    )
    kid = models.CharField(_("KID"), max_length=25, blank=True)
    amount = MoneyField(_("amount (NOK)"), validators=[])
    paid_on = models.DateField(_("paid"))
    source = models.CharField(_("source"), max_length=10, choices=Source)
    external_id = models.CharField(_("bank reference"), max_length=120)
    payment_import = models.ForeignKey(
        PaymentImport, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    problem = models.CharField(
        _("needs handling"), max_length=12, choices=Problem, blank=True, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handling_note = models.TextField(_("how it was handled"), blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"], name="payment_registered_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kid} {self.amount}"
