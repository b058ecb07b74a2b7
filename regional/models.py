"""Regions of cooperating schools and the people who run their joint programme."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kulturskole.access import REGIONAL_ROLES, Role
from kulturskole.fields import MoneyField
from kulturskole.storage import private_storage


class Region(models.Model):
    """Schools that run a joint in-depth programme, such as the Gjøvik region (Kulturløpet)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    schools = models.ManyToManyField(
        "enrollment.School", related_name="regions", verbose_name=_("partner schools")
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regional:home", kwargs={"region": self.slug})


class RegionalRole(models.Model):
    """Project leader or steering-group member of a region's programme."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_roles"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(role.value, role.label) for role in sorted(REGIONAL_ROLES)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("regional role")
        verbose_name_plural = _("regional roles")
        ordering = ["region", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="regional_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {Role(self.role).label}, {self.region}"


# --- The in-depth programme (Kulturløpet) ---------------------------------------------------


class InDepthDiscipline(models.TextChoices):
    """What an in-depth pupil works on; sessions at a gathering are split by these groups."""

    INSTRUMENT = "instrument", _("Music – instrument")
    SINGING = "singing", _("Singing")
    DANCE = "dance", _("Dance")
    DRAMA = "drama", _("Drama and theatre")
    VISUAL_ART = "visual_art", _("Visual art")
    CREATIVE_WRITING = "creative_writing", _("Creative writing")
    FILM_MEDIA = "film_media", _("Film and media")
    OTHER = "other", _("Other")


class Programme(models.Model):
    """A joint in-depth programme of a region's schools, paid for by a grant."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(
        _("goals"), blank=True, help_text=_("One goal per line; they are shown as a list.")
    )
    schools = models.ManyToManyField(
        "enrollment.School",
        related_name="programmes",
        verbose_name=_("partner schools"),
        help_text=_("The region's schools that take part, including an upper secondary school."),
    )
    grant_funder = models.CharField(_("grant from"), max_length=200, blank=True)
    grant_amount = MoneyField(_("grant (kr)"), default=Decimal("0.00"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    project_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_programmes",
        verbose_name=_("project leader"),
    )
    steering_group = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="steered_programmes",
        verbose_name=_("steering group"),
    )
    network_meetings_per_year = models.PositiveSmallIntegerField(
        _("network meetings a year"), default=4
    )
    # Lets a calendar app subscribe to the gatherings without signing in. Holds only what the
    # programme's own page shows every partner: titles, times and places, never pupils.
    calendar_token = models.UUIDField(_("calendar address key"), default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="programme_slug_per_region"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "regional:programme", kwargs={"region": self.region.slug, "programme": self.slug}
        )

    @property
    def goal_list(self) -> list[str]:
        return [line.strip(" •-\t") for line in self.goals.splitlines() if line.strip(" •-\t")]


class InDepthCriterion(models.Model):
    """Part of the programme's shared definition of who an in-depth pupil is."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    discipline = models.CharField(
        _("discipline"),
        max_length=20,
        choices=InDepthDiscipline,
        blank=True,
        help_text=_("Leave empty for a criterion that applies to every discipline."),
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    min_years = models.PositiveSmallIntegerField(
        _("years of tuition at least"), null=True, blank=True
    )
    commitment = models.TextField(
        _("commitment expected"),
        blank=True,
        help_text=_("For example: practises most days, takes part in concerts and gatherings."),
    )

    class Meta:
        verbose_name = _("in-depth pupil criterion")
        verbose_name_plural = _("in-depth pupil criteria")
        ordering = ["programme", "discipline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="criterion_age_range",
            )
        ]

    def __str__(self) -> str:
        return self.get_discipline_display() or str(_("All disciplines"))


class InDepthPupil(models.Model):
    """A fordypningselev, nominated by a partner school.

    A culture school nominates one of its own pupils (from a placement); an upper secondary
    school, whose pupils are not in this system, enters the pupil by name.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="pupils", verbose_name=_("programme")
    )
    school = models.ForeignKey(
        "enrollment.School",
        on_delete=models.PROTECT,
        related_name="in_depth_pupils",
        verbose_name=_("nominated by"),
    )
    pupil = models.ForeignKey(
        "enrollment.Pupil",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="in_depth",
        verbose_name=_("pupil"),
    )
    placement = models.ForeignKey(
        "enrollment.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(
        _("pupil's e-mail"),
        blank=True,
        help_text=_("For upper secondary pupils, who receive invitations themselves."),
    )
    discipline = models.CharField(_("discipline"), max_length=20, choices=InDepthDiscipline)
    instrument = models.CharField(_("instrument or speciality"), max_length=100, blank=True)
    started_year = models.PositiveSmallIntegerField(
        _("started tuition (year)"), null=True, blank=True
    )
    criteria_exception = models.TextField(
        _("why nominated although a criterion is not met"), blank=True
    )
    is_active = models.BooleanField(_("taking part"), default=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nominated_at = models.DateTimeField(_("nominated"))

    class Meta:
        verbose_name = _("in-depth pupil")
        verbose_name_plural = _("in-depth pupils")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "pupil"],
                condition=Q(pupil__isnull=False),
                name="in_depth_pupil_once_per_programme",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Instructor(models.Model):
    """A hired resource (teaching artist, choreographer …) whose fee feeds the budget."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="instructors")
    name = models.CharField(_("name"), max_length=200)
    speciality = models.CharField(_("speciality"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    default_fee = MoneyField(
        _("usual fee per session (kr)"),
        default=Decimal("0.00"),
        help_text=_("Suggested per session."),
    )

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AnnualPlanItem(models.Model):
    """An activity in the programme's annual plan (årshjul); a gathering is one kind."""

    class Kind(models.TextChoices):
        GATHERING = "gathering", _("Gathering")
        WORKSHOP = "workshop", _("Workshop")
        SOCIAL = "social", _("Social activity")
        STUDY_TRIP = "study_trip", _("Study trip")
        PERFORMANCE = "performance", _("Performance or concert preparation")
        NETWORK_MEETING = "network_meeting", _("Network meeting")
        COURSE = "course", _("Course (ear training, music theory …)")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plan_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Set for the plan entry that mirrors a gathering or network meeting; kept in step by the
    # services that change those.
    gathering = models.OneToOneField(
        "Gathering", on_delete=models.CASCADE, null=True, blank=True, related_name="plan_item"
    )
    network_meeting = models.OneToOneField(
        "NetworkMeeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_item",
    )

    class Meta:
        verbose_name = _("annual plan activity")
        verbose_name_plural = _("annual plan activities")
        ordering = ["starts_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_item_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Gathering(models.Model):
    """A samling: a day where the in-depth pupils of the partner schools meet."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for registration")
        HELD = "held", _("Held")
        EVALUATED = "evaluated", _("Evaluated")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gatherings")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200)
    host_school = models.ForeignKey(
        "enrollment.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host school"),
    )
    description = models.TextField(_("description"), blank=True)
    target_schools = models.ManyToManyField(
        "enrollment.School",
        blank=True,
        related_name="+",
        verbose_name=_("for pupils of"),
        help_text=_("Leave empty for every partner school."),
    )
    target_disciplines = models.JSONField(
        _("for disciplines"), default=list, blank=True, help_text=_("Empty: every discipline.")
    )
    budget = MoneyField(_("budget (kr)"), default=Decimal("0.00"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PLANNED, db_index=True
    )
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened for registration"), null=True, blank=True)

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="gathering_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("date")),
                name="gathering_deadline_not_after_the_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def discipline_labels(self) -> list[str]:
        labels = dict(InDepthDiscipline.choices)
        return [str(labels.get(value, value)) for value in self.target_disciplines]


class GatheringSession(models.Model):
    """An økt: one time slot for everyone, or for some discipline groups in parallel."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    disciplines = models.JSONField(
        _("for discipline groups"), default=list, blank=True, help_text=_("Empty: for everyone.")
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("instructor"),
    )
    instructor_fee = MoneyField(_("instructor's fee (kr)"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def for_everyone(self) -> bool:
        return not self.disciplines

    def discipline_labels(self) -> list[str]:
        labels = dict(InDepthDiscipline.choices)
        return [str(labels.get(value, value)) for value in self.disciplines]


class Registration(models.Model):
    """A pupil registered for a gathering, by the school or by a guardian (with consent)."""

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="registrations")
    pupil = models.ForeignKey(
        InDepthPupil,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("pupil"),
    )
    dietary_needs = models.CharField(_("dietary needs and allergies"), max_length=300, blank=True)
    needs_transport = models.BooleanField(_("needs transport"), default=False)
    travels_from = models.ForeignKey(
        "enrollment.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("travels from"),
        help_text=_("The school the pupil is picked up at."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"))
    # Self-registration: the guardian who consented, and when.
    guardian_consent_at = models.DateTimeField(_("guardian consent given"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance, default=Attendance.UNKNOWN
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["gathering", "pupil__last_name", "pupil__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "pupil"], name="registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.gathering}"


class BudgetLine(models.Model):
    """A planned expense, and what it cost once paid; against the programme's grant."""

    class Category(models.TextChoices):
        INSTRUCTOR_FEES = "instructor_fees", _("Instructor fees")
        TRANSPORT = "transport", _("Transport")
        FOOD = "food", _("Food")
        RENT = "rent", _("Rent of rooms")
        MATERIALS = "materials", _("Materials")
        PROJECT_LEADER = "project_leader", _("Project leader")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    activity = models.ForeignKey(
        AnnualPlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("activity"),
        help_text=_("Leave empty for the programme as a whole."),
    )
    # Set on the line that carries a session's instructor fee, kept in step with the session.
    session = models.OneToOneField(
        GatheringSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_line",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.CharField(_("description"), max_length=200)
    planned = MoneyField(_("planned (kr)"), default=Decimal("0.00"))
    actual = MoneyField(
        _("actual (kr)"), null=True, blank=True, help_text=_("Leave empty until it is paid.")
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["activity__starts_on", "category", "pk"]

    def __str__(self) -> str:
        return self.description


class ActivitySuggestion(models.Model):
    """A pupil's idea for an activity, before the year is planned (pupil participation)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for votes")
        PLANNED = "planned", _("Taken into the plan")
        DECLINED = "declined", _("Not this time")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="suggestions")
    title = models.CharField(_("suggestion"), max_length=200)
    description = models.TextField(_("more about it"), blank=True)
    suggested_by = models.ForeignKey(
        InDepthPupil,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("suggested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("activity suggestion")
        verbose_name_plural = _("activity suggestions")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class SuggestionVote(models.Model):
    suggestion = models.ForeignKey(
        ActivitySuggestion, on_delete=models.CASCADE, related_name="votes"
    )
    pupil = models.ForeignKey(InDepthPupil, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(_("voted"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "pupil"], name="one_vote_per_pupil")
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} → {self.suggestion_id}"


class Feedback(models.Model):
    """A rating (1–5) and a comment on one session, by a pupil or by a teacher."""

    session = models.ForeignKey(GatheringSession, on_delete=models.CASCADE, related_name="feedback")
    pupil = models.ForeignKey(
        InDepthPupil, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=(Q(pupil__isnull=False) & Q(teacher__isnull=True))
                | (Q(pupil__isnull=True) & Q(teacher__isnull=False)),
                name="feedback_by_pupil_or_teacher",
            ),
            models.UniqueConstraint(
                fields=["session", "pupil"],
                condition=Q(pupil__isnull=False),
                name="feedback_once_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["session", "teacher"],
                condition=Q(teacher__isnull=False),
                name="feedback_once_per_teacher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.rating}"

    @property
    def by_pupil(self) -> bool:
        return self.pupil_id is not None


class EvaluationNote(models.Model):
    """What the project leader learnt, for the next gathering and the report."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="evaluation_notes"
    )
    gathering = models.ForeignKey(
        Gathering,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_notes",
        verbose_name=_("gathering"),
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("evaluation note")
        verbose_name_plural = _("evaluation notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ProgressNote(models.Model):
    """Goals and feedback from teachers on one in-depth pupil."""

    pupil = models.ForeignKey(InDepthPupil, on_delete=models.CASCADE, related_name="progress_notes")
    written_on = models.DateField(_("date"))
    goals = models.TextField(_("goals"), blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pupil} – {self.written_on}"


class MentorPair(models.Model):
    """An older pupil (often from upper secondary) mentoring a younger one."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentor_pairs")
    mentor = models.ForeignKey(
        InDepthPupil, on_delete=models.CASCADE, related_name="mentoring", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        InDepthPupil,
        on_delete=models.CASCADE,
        related_name="mentored_by",
        verbose_name=_("younger pupil"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("mentor pair")
        verbose_name_plural = _("mentor pairs")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="mentor_is_not_own_mentee"
            ),
            models.UniqueConstraint(fields=["mentor", "mentee"], name="mentor_pair_once"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"


class NetworkMeeting(models.Model):
    """A meeting of the partner schools' teachers, four a year by default."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="network_meetings"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    venue = models.CharField(_("where"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "date"], name="network_meeting_per_day")
        ]

    def __str__(self) -> str:
        return str(_("Network meeting"))


def material_path(instance: Material, filename: str) -> str:
    return f"regional/materials/{instance.programme_id}/{uuid.uuid4().hex}/{filename}"


class Material(models.Model):
    """A shared file (kept privately, served through a view) or a link."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    discipline = models.CharField(
        _("discipline"), max_length=20, choices=InDepthDiscipline, blank=True
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=material_path, blank=True, max_length=300
    )
    url = models.URLField(_("link"), blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared"))

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-shared_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(file="") & Q(url="")) | (Q(file="") & ~Q(url="")),
                name="material_is_a_file_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
