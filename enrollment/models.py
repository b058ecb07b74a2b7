"""Schools, their rule-book policy, offers, terms, households, guardians, pupils and staff roles.

Vocabulary follows DESIGN.md: a kulturskole is a `School`, a tilbud an `Offer`, a semester a
`Term`, a husstand a `Household`, a foresatt a `Guardian`, an elev a `Pupil`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as InvalidNumber
from stdnum.no import kontonr, orgnr

from enrollment import rules
from kulturskole.access import Role
from kulturskole.fields import MoneyField, MonthDay, MonthDayField
from kulturskole.storage import private_storage


def validate_orgnr(value: str) -> None:
    if value and not orgnr.is_valid(value):
        raise ValidationError(_("Enter a valid Norwegian organisation number (9 digits)."))


class School(models.Model):
    class Kind(models.TextChoices):
        CULTURE_SCHOOL = "culture_school", _("Culture school")
        UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CULTURE_SCHOOL)
    municipality = models.CharField(_("municipality"), max_length=100)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, blank=True, validators=[validate_orgnr]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    is_public = models.BooleanField(
        _("listed publicly"), default=True, help_text=_("Shown on the front page with its offers.")
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:school", kwargs={"school": self.slug})

    @property
    def accepts_applications(self) -> bool:
        return self.kind == self.Kind.CULTURE_SCHOOL


class SchoolPolicy(models.Model):
    """Every number of the rule book, with Sandefjord kulturskole's values as defaults.

    Another school that decides differently changes a field here, not the code. The section
    of the rule book each field comes from is in its help text.
    """

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="policy"
    )
    rule_book_title = models.CharField(
        _("rule book title"),
        max_length=200,
        default="Reglement og ordninger for elever og kursdeltakere",
    )
    rule_book_adopted_by = models.CharField(
        _("adopted by"), max_length=200, default="Skole- og barnehageutvalget"
    )
    rule_book_adopted_on = models.DateField(_("adopted on"), default=dt.date(2013, 3, 20))
    rule_book_version = models.CharField(
        _("rule book version"),
        max_length=50,
        default="2013-03-20",
        help_text=_("Printed on every contract so it is clear which rules the guardian accepted."),
    )
    # §3 Applications
    application_deadline = MonthDayField(
        _("application deadline"),
        default=MonthDay(5, 1),
        help_text=_("§3a: applications received later rank after those received in time."),
    )
    max_open_place_applications = models.PositiveSmallIntegerField(
        _("open applications for places per pupil"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("§3b: courses have no limit."),
    )
    # §4 Admission
    age_exceptions_allowed = models.BooleanField(
        _("age exceptions allowed"),
        default=True,
        help_text=_("§4a: office staff may admit a pupil outside the age range, with a reason."),
    )
    place_offer_reply_days = models.PositiveSmallIntegerField(
        _("days to answer a place offer"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("§4b: an unanswered offer lapses and passes to the next in line."),
    )
    audition_quota_percent = models.PositiveSmallIntegerField(
        _("share of places by audition (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("§4c: at main admission, at most this share of places (rounded down)."),
    )
    audition_demand_within_days = models.PositiveSmallIntegerField(
        _("audition may be demanded within (days)"),
        default=365,
        help_text=_("§4c: counted from the application."),
    )
    audition_retry_years = models.PositiveSmallIntegerField(
        _("years between auditions after a failed one"),
        default=2,
        help_text=_("§4c: a new audition may be demanded every second year."),
    )
    places_per_pupil = models.PositiveSmallIntegerField(
        _("places per pupil"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("§4e: pupils without a place rank before pupils who hold one."),
    )
    # §6 Right of withdrawal
    trial_lessons = models.PositiveSmallIntegerField(
        _("trial lessons"),
        default=2,
        help_text=_("§6: a withdrawal before the next attendance costs nothing."),
    )
    # §8 Cancelled lessons
    cancellation_threshold = models.PositiveSmallIntegerField(
        _("cancelled lessons before the fee is reduced"),
        default=2,
        help_text=_("§8b: the fee is reduced when the school cancels more than this many."),
    )
    cancellation_reduction_per_week = MoneyField(
        _("reduction per cancelled teaching week (NOK)"), default=Decimal("50.00")
    )
    cancellation_only_weeks_beyond_threshold = models.BooleanField(
        _("reduce only for weeks beyond the threshold"),
        default=False,
        help_text=_("§8b: when off, every cancelled week counts once the threshold is passed."),
    )
    # §9 Notice and termination
    notice_deadline_for_spring = MonthDayField(
        _("notice deadline for the spring term"),
        default=MonthDay(12, 1),
        help_text=_("§9b: notice received by this day ends the place after the autumn term."),
    )
    notice_deadline_for_autumn = MonthDayField(
        _("notice deadline for the autumn term"),
        default=MonthDay(6, 1),
        help_text=_("§9b: notice received by this day ends the place after the spring term."),
    )
    consecutive_unreported_absences = models.PositiveSmallIntegerField(
        _("consecutive unreported absences"),
        default=3,
        help_text=_("§9d ii: the place may be terminated after this many in a row in a term."),
    )
    total_unreported_absences = models.PositiveSmallIntegerField(
        _("unreported absences in a term"),
        default=4,
        help_text=_("§9d iii: the place may be terminated after this many in a term."),
    )
    appeal_body = models.CharField(
        _("appeals go to"),
        max_length=200,
        default="Skole- og barnehagesjefen i Sandefjord kommune",
        help_text=_("§9f: named in termination letters."),
    )
    # §12 Fees
    sibling_discount_percent = models.DecimalField(
        _("sibling discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("§12c: the first sibling pays in full."),
    )
    sibling_discount_places_per_sibling = models.PositiveSmallIntegerField(
        _("discounted places per sibling"), default=1, help_text=_("§12c")
    )
    sibling_discount_on_rental = models.BooleanField(
        _("sibling discount on instrument rental"), default=False
    )
    sibling_discount_on_courses = models.BooleanField(
        _("sibling discount on courses"), default=False
    )
    # §13 Reductions
    reduction_per_week = MoneyField(
        _("reduction per unused teaching week (NOK)"),
        default=Decimal("50.00"),
        help_text=_("§13b"),
    )
    illness_reduction_min_weeks = models.PositiveSmallIntegerField(
        _("illness longer than (weeks)"),
        default=4,
        help_text=_("§13a i: with a doctor's note."),
    )
    moving_reduction_min_weeks_left = models.PositiveSmallIntegerField(
        _("moving away with more than (teaching weeks left)"), default=8, help_text=_("§13a ii")
    )
    late_start_reduction_min_lessons = models.PositiveSmallIntegerField(
        _("place offered after more than (lessons held)"), default=4, help_text=_("§13a iii")
    )
    # Invoices (not in the rule book: how the municipality bills, pays and reminds)
    invoice_due_days = models.PositiveSmallIntegerField(
        _("invoice due after (days)"), default=30, validators=[MaxValueValidator(120)]
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("first reminder after the due date (days)"), default=14
    )
    second_reminder_after_days = models.PositiveSmallIntegerField(
        _("second reminder after the first (days)"), default=14
    )
    termination_flag_after_days = models.PositiveSmallIntegerField(
        _("flag for termination after the second reminder (days)"),
        default=14,
        help_text=_("§9d i: the office decides whether to terminate for non-payment."),
    )
    kid_prefix = models.CharField(
        _("KID prefix"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^[0-9]*$", _("Digits only."))],
        help_text=_("Digits every KID number of this school starts with, agreed with the bank."),
    )
    kid_length = models.PositiveSmallIntegerField(
        _("KID length (digits)"),
        default=10,
        validators=[MinValueValidator(4), MaxValueValidator(25)],
        help_text=_("Including the MOD10 check digit, as agreed with the bank."),
    )
    bank_account = models.CharField(
        _("bank account for payments"),
        max_length=14,
        blank=True,
        help_text=_("Eleven digits, printed on invoices, e.g. 1503.12.34567."),
    )
    # §14 Leave
    leave_min_illness_weeks = models.PositiveSmallIntegerField(
        _("leave for illness longer than (teaching weeks)"), default=4, help_text=_("§14a")
    )
    # §15–16 Performer track
    conferences_per_half_year = models.PositiveSmallIntegerField(
        _("conference hours per half-year"), default=1, help_text=_("§15a")
    )
    low_effort_terms_before_guidance = models.PositiveSmallIntegerField(
        _("terms of low effort before guidance to switch"),
        default=1,
        help_text=_("§16b: guidance follows when effort is assessed low for more terms than this."),
    )
    # §19 Upper age
    upper_age = models.PositiveSmallIntegerField(
        _("upper age"),
        default=19,
        help_text=_("§19: places end at the end of the calendar year the pupil turns this age."),
    )

    class Meta:
        verbose_name = _("school policy")
        verbose_name_plural = _("school policies")

    def __str__(self) -> str:
        return str(_("Rules for %(school)s") % {"school": self.school})

    def clean(self) -> None:
        errors = {}
        if self.bank_account:
            try:
                self.bank_account = kontonr.format(kontonr.validate(self.bank_account))
            except InvalidNumber:
                errors["bank_account"] = _("This is not a valid Norwegian account number.")
        if len(self.kid_prefix or "") > (self.kid_length or 0) - 3:
            errors["kid_prefix"] = _(
                "The prefix leaves too few digits for invoice numbers; "
                "make the KID longer or the prefix shorter."
            )
        if errors:
            raise ValidationError(errors)


class OfficeHours(models.Model):
    """When the office answers the phone and the door (§1c)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["school", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="office_hours_open_before_close"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Location(models.Model):
    """A teaching location (undervisningssted, §20)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="location_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """An avdeling, such as «Utøver», the performer track with conferences and effort rules."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    performer_track = models.BooleanField(
        _("performer track"),
        default=False,
        help_text=_("§15–16: conference hours every half-year and stated effort requirements."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="department_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Discipline(models.TextChoices):
    MUSIC = "music", _("Music")
    DANCE = "dance", _("Dance")
    DRAMA = "drama", _("Drama and theatre")
    VISUAL_ART = "visual_art", _("Visual art")
    CREATIVE_WRITING = "creative_writing", _("Creative writing")
    FILM_MEDIA = "film_media", _("Film and media")
    CIRCUS = "circus", _("Circus")
    OTHER = "other", _("Other")


class OfferQuerySet(models.QuerySet["Offer"]):
    def published(self) -> OfferQuerySet:
        return self.filter(is_published=True, school__is_public=True)

    def for_age(self, age: int) -> OfferQuerySet:
        return self.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=age),
            Q(max_age__isnull=True) | Q(max_age__gte=age),
        )


class Offer(models.Model):
    """A tilbud: a long-term place (elevplass) or a shorter course (kurs), §2."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place")
        COURSE = "course", _("Course")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="offers")
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("department"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("location"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PLACE)
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline)
    instrument = models.CharField(
        _("instrument"), max_length=100, blank=True, help_text=_("For instrument tuition.")
    )
    description = models.TextField(_("description"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=0)
    lesson_minutes = models.PositiveSmallIntegerField(
        _("minutes per lesson"), null=True, blank=True
    )
    audition_available = models.BooleanField(
        _("audition available"),
        default=False,
        help_text=_("§4c: applicants may be admitted by audition ahead of the waiting list."),
    )
    audition_required = models.BooleanField(
        _("audition required"),
        default=False,
        help_text=_("§4d: skill requirements; only applicants who pass an audition are admitted."),
    )
    instrument_rental = models.BooleanField(_("instrument for rent"), default=False)
    parent_work_group = models.BooleanField(
        _("parent work group"),
        default=False,
        help_text=_("§18: a place enrols the guardians in the parent work group."),
    )
    photo_restrictions_possible = models.BooleanField(
        _("can respect photo/film refusal"),
        default=True,
        help_text=_("§10b: untick for offers, such as film, that cannot avoid filming pupils."),
    )
    upper_age = models.PositiveSmallIntegerField(
        _("upper age"),
        null=True,
        blank=True,
        help_text=_("§19: leave empty to use the school's rule."),
    )
    no_upper_age = models.BooleanField(
        _("no upper age"), default=False, help_text=_("§19: for offers open to adults.")
    )
    effort_requirements = models.TextField(
        _("effort requirements"), blank=True, help_text=_("§16a: shown to the home at the start.")
    )
    application_deadline = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the school's yearly deadline (§3a)."),
    )
    accepting_applications = models.BooleanField(_("open for applications"), default=True)
    is_published = models.BooleanField(_("published"), default=True)
    course_starts_on = models.DateField(_("course starts"), null=True, blank=True)
    course_ends_on = models.DateField(_("course ends"), null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="offer_slug_unique"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="offer_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(course_starts_on__isnull=True)
                | Q(course_ends_on__isnull=True)
                | Q(course_starts_on__lte=F("course_ends_on")),
                name="offer_course_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.location_id:
            return f"{self.name}, {self.location}"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:offer", kwargs={"school": self.school.slug, "offer": self.slug})

    @property
    def age_range(self) -> rules.AgeRange:
        return rules.AgeRange(self.min_age, self.max_age)

    @property
    def requires_parent_work_group(self) -> bool:
        return self.parent_work_group


class Term(models.Model):
    """A semester: spring or autumn, with its teaching weeks."""

    class Season(models.TextChoices):
        SPRING = "spring", _("Spring")
        AUTUMN = "autumn", _("Autumn")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    season = models.CharField(_("season"), max_length=6, choices=Season)
    starts_on = models.DateField(_("first teaching day"))
    ends_on = models.DateField(_("last teaching day"))
    teaching_weeks = models.PositiveSmallIntegerField(_("teaching weeks"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["school", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "season"], name="term_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")), name="term_starts_before_it_ends"
            ),
        ]

    def __str__(self) -> str:
        return rules.term_label(self.season, self.year)


class Household(models.Model):
    """A husstand: the pupils who are siblings and the guardian who pays."""

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("school"),
        help_text=_("The culture school of the municipality the household lives in."),
    )
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    payer = models.ForeignKey(
        "Guardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payer"),
        help_text=_("Receives the invoices."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Guardian(models.Model):
    """A foresatt, who may sign in. One person may be a guardian in two households."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardianships",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "user"],
                condition=Q(user__isnull=False),
                name="guardian_once_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Pupil(models.Model):
    """An elev. No national identity number is stored: birth date and name are enough."""

    class PhotoConsent(models.TextChoices):
        NOT_ANSWERED = "not_answered", _("Not answered")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pupils")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    school_grade = models.PositiveSmallIntegerField(
        _("school grade"), choices=rules.GRADE_CHOICES, null=True, blank=True
    )
    grade_school_year = models.PositiveSmallIntegerField(
        _("grade recorded for the school year starting"),
        null=True,
        blank=True,
        help_text=_("The grade moves up by itself each August."),
    )
    photo_consent = models.CharField(
        _("photo and film consent"),
        max_length=20,
        choices=PhotoConsent,
        default=PhotoConsent.NOT_ANSWERED,
        help_text=_("§10a"),
    )
    photo_consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_grade__isnull=True) | Q(grade_school_year__isnull=False),
                name="pupil_grade_has_school_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, day: dt.date) -> int:
        return rules.age_on(self.birth_date, day)

    def grade_on(self, day: dt.date) -> int | None:
        if self.school_grade is None or self.grade_school_year is None:
            return None
        return rules.grade_on(self.school_grade, self.grade_school_year, day)


class StaffRole(models.Model):
    """A user's role at one school. A person may hold several, at several schools."""

    SCHOOL_ROLES = (Role.OFFICE, Role.TEACHER, Role.PRINCIPAL)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(role.value, role.label) for role in SCHOOL_ROLES],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["school", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="staff_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.school}"


class TeachingGroup(models.Model):
    """A group or one-to-one slot a teacher teaches in a term (undervisningsgruppe)."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="groups", verbose_name=_("offer")
    )
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="groups", verbose_name=_("term")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teaching_groups",
        verbose_name=_("teacher"),
    )
    name = models.CharField(_("name"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=OfficeHours.Weekday)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("location"),
    )
    room = models.CharField(_("room"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("teaching group")
        verbose_name_plural = _("teaching groups")
        ordering = ["term", "weekday", "starts_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="group_starts_before_it_ends"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def school(self) -> School:
        return self.offer.school


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=Application.OPEN_STATUSES)

    def for_places(self) -> ApplicationQuerySet:
        return self.filter(offer__kind=Offer.Kind.PLACE)


class Application(models.Model):
    """A søknad: one pupil, one offer. Its seniority date orders the waiting list (§4a)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered")
        ADMITTED = "admitted", _("Admitted")
        DECLINED = "declined", _("Place declined")
        LAPSED = "lapsed", _("Offer not answered in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        NEW = "new", _("Application")
        SWITCH = "switch", _("Switch from a current place")
        VACANCY = "vacancy", _("Advertised vacancy")
        RETURN = "return", _("Return from leave")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="applications", verbose_name=_("pupil")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="applications", verbose_name=_("offer")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NEW)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.WAITING, db_index=True
    )
    preference = models.PositiveSmallIntegerField(
        _("preference"),
        null=True,
        blank=True,
        help_text=_("1 for the first choice among the pupil's applications for places."),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    seniority_date = models.DateField(
        _("seniority date"),
        help_text=_("§4a: the waiting list is ordered by this date, earliest first."),
    )
    switch_from = models.ForeignKey(
        "Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="switch_requests",
        verbose_name=_("switch from"),
        help_text=_("§11: the place the pupil leaves when the new one starts."),
    )
    audition_requested_at = models.DateTimeField(_("audition requested"), null=True, blank=True)
    age_exception_reason = models.TextField(
        _("reason for the age exception"), blank=True, help_text=_("§4a")
    )
    age_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("age exception granted by"),
    )
    note = models.TextField(_("message to the school"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["seniority_date", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "offer"],
                condition=Q(status__in=["waiting", "offered"]),
                name="application_one_open_per_pupil_and_offer",
            ),
            models.CheckConstraint(
                condition=Q(preference__isnull=True) | Q(preference__gte=1),
                name="application_preference_positive",
            ),
        ]
        indexes = [models.Index(fields=["offer", "status"])]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.offer}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Placement(models.Model):
    """An elevplass or kursplass held by a pupil, from a starting term until it ends."""

    class Status(models.TextChoices):
        TRIAL = "trial", _("Trial lessons")
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        ENDED = "ended", _("Ended")

    # Statuses that take up one of the offer's places; a pupil on leave frees it (§14a).
    OCCUPYING = (Status.TRIAL, Status.ACTIVE)

    class EndReason(models.TextChoices):
        TRIAL_WITHDRAWAL = "trial_withdrawal", _("Withdrawn during the trial (§6)")
        NOTICE = "notice", _("Notice from the home (§9b)")
        TERMINATION = "termination", _("Terminated by the school (§9d)")
        UPPER_AGE = "upper_age", _("Upper age reached (§19)")
        SWITCH = "switch", _("Switched to another offer (§11)")
        COURSE_ENDED = "course_ended", _("The course ended")
        RETURNED_FROM_LEAVE = "returned_from_leave", _("Replaced by the place after leave (§14a)")
        OTHER = "other", _("Other")

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="placements", verbose_name=_("pupil")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("offer")
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement",
        verbose_name=_("application"),
    )
    starts_term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("first term")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.TRIAL, db_index=True
    )
    end_reason = models.CharField(_("why it ends"), max_length=20, choices=EndReason, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "offer"],
                condition=~Q(status="ended"),
                name="placement_one_current_per_pupil_and_offer",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="placement_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.offer}"


class Contract(models.Model):
    """The contract a guardian signs to accept a place (§4b); the signed PDF is kept."""

    placement = models.OneToOneField(
        Placement, on_delete=models.PROTECT, related_name="contract", verbose_name=_("placement")
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("guardian")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"))
    signed_from_ip = models.GenericIPAddressField(_("signed from IP address"))
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    rule_book_version = models.CharField(_("rule book version"), max_length=50)
    document = models.FileField(
        _("signed contract (PDF)"), storage=private_storage, upload_to="contracts/%Y/"
    )
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return str(_("Contract for %(placement)s") % {"placement": self.placement})


class GuardianInvitation(models.Model):
    """A guardian invites a second guardian of the household by e-mail."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardian invitation")
        verbose_name_plural = _("guardian invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email


# --- Teaching: groups, lessons, attendance (§7, §8, §17) ---------------------------------------


class GroupMember(models.Model):
    """A pupil's place in a teaching group."""

    group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, related_name="members")
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="group_memberships"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "placement"], name="group_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.placement.pupil} – {self.group}"


class SchoolHoliday(models.Model):
    """A break the school enters (autumn break, Christmas…); no lessons are generated in it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")
        ordering = ["school", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="holiday_starts_before_it_ends"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    """One lesson of a group on a day. The school may cancel it or send a substitute (§8a)."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary lesson")
        REHEARSAL = "rehearsal", _("Rehearsal")
        PERFORMANCE = "performance", _("Concert or performance")
        VISIT = "visit", _("Visit")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled by the school")

    group = models.ForeignKey(TeachingGroup, on_delete=models.CASCADE, related_name="lessons")
    date = models.DateField(_("date"), db_index=True)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    kind = models.CharField(_("content"), max_length=12, choices=Kind, default=Kind.ORDINARY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    cancellation_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitute_lessons",
        verbose_name=_("substitute teacher"),
    )
    moved_from = models.DateField(
        _("moved from"), null=True, blank=True, help_text=_("§8a: the original day, if moved.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "date", "starts_at"], name="lesson_once_per_group_and_time"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="lesson_starts_before_it_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.date:%Y-%m-%d}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class AbsenceReport(models.Model):
    """An absence reported by the home (§7): online ahead, by phone or e-mail, or a note after."""

    class Via(models.TextChoices):
        ONLINE = "online", _("Reported online by the home")
        PHONE = "phone", _("Reported by phone")
        EMAIL = "email", _("Reported by e-mail")
        TEACHER = "teacher", _("Reported to the teacher")
        NOTE = "note", _("Note brought to the next lesson")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="absence_reports")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absence_reports")
    via = models.CharField(_("reported"), max_length=10, choices=Via)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("absence report")
        verbose_name_plural = _("absence reports")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "pupil"], name="absence_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.lesson}"


class Attendance(models.Model):
    """Present or absent at one lesson, as the teacher registered it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attendance")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=Status)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "placement"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.placement.pupil} – {self.lesson}: {self.status}"


# --- Ending a place: notice (§9a–c), termination (§9d–f), leave (§14) -------------------------


class Notice(models.Model):
    """Written notice from the home (§9b). The place ends after the term the deadlines give."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="notice")
    given_at = models.DateTimeField(_("received"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ends_on = models.DateField(_("the place ends"))
    last_term = models.ForeignKey(
        Term,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last term paid"),
    )
    reason = models.TextField(_("reason (optional)"), blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return str(self.placement)


class Termination(models.Model):
    """The school ends a place (§9d), with a written justification and a dated letter (§9f)."""

    class Reason(models.TextChoices):
        NON_PAYMENT = "non_payment", _("i. Non-payment")
        CONSECUTIVE_ABSENCES = "consecutive", _("ii. Consecutive unreported absences")
        TOTAL_ABSENCES = "total", _("iii. Unreported absences in a term")
        INTEREST_DISCIPLINE = "interest", _("iv. Lack of interest or discipline")

    class Appeal(models.TextChoices):
        NONE = "", _("No appeal")
        PENDING = "pending", _("Appeal received")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    # §9f: decisions under ii–iv may be appealed.
    APPEALABLE = (Reason.CONSECUTIVE_ABSENCES, Reason.TOTAL_ABSENCES, Reason.INTEREST_DISCIPLINE)

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="terminations")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))
    effective_on = models.DateField(_("the place ends"))
    letter = models.FileField(
        _("decision letter (PDF)"), storage=private_storage, upload_to="letters/%Y/", blank=True
    )
    letter_sha256 = models.CharField(max_length=64, blank=True)
    # How the place stood before the decision, so an overturned decision can give it back.
    previous_state = models.JSONField(default=dict, blank=True)
    appeal = models.CharField(_("appeal"), max_length=10, choices=Appeal, blank=True)
    appeal_received_on = models.DateField(_("appeal received"), null=True, blank=True)
    appeal_text = models.TextField(_("the appeal"), blank=True)
    appeal_resolved_at = models.DateTimeField(_("appeal decided"), null=True, blank=True)
    appeal_resolution = models.TextField(_("decision on the appeal"), blank=True)
    appeal_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.placement} ({self.get_reason_display()})"

    @property
    def appealable(self) -> bool:
        return self.reason in self.APPEALABLE


class Leave(models.Model):
    """Leave for illness longer than four teaching weeks (§14a); other leave is refused (§14b)."""

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        OTHER = "other", _("Other reason")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        ENDED = "ended", _("Back from leave")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="leaves")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    expected_weeks = models.PositiveSmallIntegerField(_("expected teaching weeks away"))
    doctor_note = models.FileField(
        _("doctor's note"), storage=private_storage, upload_to="doctor-notes/%Y/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.APPLIED, db_index=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    recovered_on = models.DateField(_("well again from"), null=True, blank=True)
    return_application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leave",
        help_text=_("§14a: the place back, ahead of the waiting list."),
    )

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.placement} ({self.get_status_display()})"


# --- Performer track (§15–16) and parent work group (§18) ----------------------------------------


class ConferenceSlot(models.Model):
    """A conference hour a teacher offers; a home books it (§15)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conference_slots"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conferences",
        verbose_name=_("booked for"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)

    class Meta:
        verbose_name = _("conference hour")
        verbose_name_plural = _("conference hours")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="conference_starts_before_it_ends"
            ),
            models.UniqueConstraint(
                fields=["teacher", "starts_at"], name="conference_slot_once_per_teacher"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} {self.starts_at:%Y-%m-%d %H:%M}"


class EffortAcknowledgement(models.Model):
    """The home has read the offer's effort requirements as they stood then (§16a)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="effort_acknowledgements"
    )
    requirements = models.TextField(_("requirements as read"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        verbose_name = _("effort acknowledgement")
        verbose_name_plural = _("effort acknowledgements")
        ordering = ["-acknowledged_at"]

    def __str__(self) -> str:
        return str(self.placement)


class EffortAssessment(models.Model):
    """A teacher's assessment of a pupil's own effort in a term (§16b)."""

    class Level(models.TextChoices):
        GOOD = "good", _("Good")
        ADEQUATE = "adequate", _("Adequate")
        LOW = "low", _("Too low")

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="effort_assessments"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("effort"), max_length=10, choices=Level)
    note = models.TextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"))

    class Meta:
        verbose_name = _("effort assessment")
        verbose_name_plural = _("effort assessments")
        ordering = ["term__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "term"], name="effort_once_per_term")
        ]

    def __str__(self) -> str:
        return f"{self.placement} {self.term}: {self.level}"


class ParentWorkGroupMember(models.Model):
    """A guardian in the parent work group of a drama or orchestra offer (§18)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="work_group")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="work_groups")
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="work_group_members"
    )
    joined_at = models.DateTimeField(_("joined"))

    class Meta:
        verbose_name = _("parent work group member")
        verbose_name_plural = _("parent work group members")
        ordering = ["offer", "guardian__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "guardian"], name="work_group_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} – {self.offer}"
