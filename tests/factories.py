"""factory_boy factories for the core models. Every test builds its data from these."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model

from enrollment.models import (
    Department,
    Discipline,
    Guardian,
    Household,
    Location,
    Offer,
    OfficeHours,
    Pupil,
    School,
    SchoolPolicy,
    StaffRole,
    TeachingGroup,
    Term,
)
from kulturskole.access import Role
from regional.models import Region, RegionalRole

PASSWORD = "correct horse battery staple"
# A fixed TOTP secret so tests can compute valid codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A verified primary address, as allauth needs for login. `verified=False` skips it."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
        if create:
            self.save()

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """`totp=True` gives the user an authenticator with TOTP_SECRET."""
        if create and extracted:
            give_totp(self)


def give_totp(user: object) -> Authenticator:
    return TOTP.activate(user, TOTP_SECRET).instance


def totp_code() -> str:
    """The code an authenticator app would show now for TOTP_SECRET."""
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kulturskole {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    municipality = factory.Sequence(lambda n: f"Kommune {n}")
    email = "post@example.org"
    phone = "33 48 86 70"
    policy = factory.RelatedFactory("tests.factories.SchoolPolicyFactory", "school")


class SchoolPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolPolicy
        django_get_or_create = ("school",)

    school = factory.SubFactory(SchoolFactory, policy=None)


class OfficeHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeHours

    school = factory.SubFactory(SchoolFactory)
    weekday = OfficeHours.Weekday.MONDAY
    opens_at = dt.time(9, 0)
    closes_at = dt.time(15, 0)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Location {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    school = factory.SubFactory(SchoolFactory)
    location = factory.SubFactory(LocationFactory, school=factory.SelfAttribute("..school"))
    name = factory.Sequence(lambda n: f"Offer {n}")
    slug = factory.Sequence(lambda n: f"offer-{n}")
    discipline = Discipline.MUSIC
    min_age = 6
    max_age = 19
    capacity = 10


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("school", "year", "season")

    school = factory.SubFactory(SchoolFactory)
    year = 2026
    season = Term.Season.AUTUMN
    starts_on = factory.LazyAttribute(
        lambda term: (
            dt.date(term.year, 8, 24) if term.season == "autumn" else dt.date(term.year, 1, 5)
        )
    )
    ends_on = factory.LazyAttribute(
        lambda term: (
            dt.date(term.year, 12, 18) if term.season == "autumn" else dt.date(term.year, 6, 19)
        )
    )
    teaching_weeks = 16


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    school = factory.SubFactory(SchoolFactory)
    name = factory.Faker("last_name", locale="no_NO")
    street_address = "Storgata 1"
    postal_code = "3210"
    city = "Sandefjord"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    household = factory.SubFactory(HouseholdFactory)
    user = factory.SubFactory(UserFactory)
    first_name = factory.SelfAttribute("user.first_name")
    last_name = factory.SelfAttribute("user.last_name")
    email = factory.SelfAttribute("user.email")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.SelfAttribute("household.name")
    birth_date = dt.date(2016, 3, 14)
    school_grade = 5
    grade_school_year = 2026


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.OFFICE


class TeachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingGroup

    offer = factory.SubFactory(OfferFactory)
    term = factory.SubFactory(TermFactory, school=factory.SelfAttribute("..offer.school"))
    teacher = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    weekday = OfficeHours.Weekday.TUESDAY
    starts_at = dt.time(17, 0)
    ends_at = dt.time(17, 45)
    location = factory.SelfAttribute("offer.location")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")

    @factory.post_generation
    def schools(self, create: bool, extracted: list[School] | None, **kwargs: object) -> None:
        if create and extracted:
            self.schools.add(*extracted)


class RegionalRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalRole

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)
    role = Role.PROJECT_LEADER


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "billing.FeeSchedule"
        django_get_or_create = ("school", "school_year")

    school = factory.SubFactory(SchoolFactory)
    school_year = 2026
    place_fee_per_term = Decimal("1850.00")
    instrument_rental_per_term = Decimal("400.00")
    decided_by = "Bystyret 11.12.2025"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.Application"

    pupil = factory.SubFactory(PupilFactory)
    offer = factory.SubFactory(
        OfferFactory, school=factory.SelfAttribute("..pupil.household.school")
    )
    submitted_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
    seniority_date = factory.LazyAttribute(lambda a: a.submitted_at.date())
    preference = 1


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.Placement"

    pupil = factory.SubFactory(PupilFactory)
    offer = factory.SubFactory(
        OfferFactory, school=factory.SelfAttribute("..pupil.household.school")
    )
    starts_term = factory.SubFactory(
        TermFactory, school=factory.SelfAttribute("..offer.school"), year=2025
    )
    starts_on = factory.SelfAttribute("starts_term.starts_on")
    status = "active"


# --- Regional programme (issue 6) ------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.Programme"
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    name = "Kulturløpet"
    slug = factory.Sequence(lambda n: f"programme-{n}")
    grant_funder = "Sparebankstiftelsen DNB"
    grant_amount = Decimal("665000.00")
    starts_on = dt.date(2025, 8, 1)
    ends_on = dt.date(2028, 7, 31)

    @factory.post_generation
    def schools(self, create: bool, extracted: list[School] | None, **kwargs: object) -> None:
        """Partner schools; they are added to the region too."""
        if create and extracted:
            self.region.schools.add(*extracted)
            self.schools.add(*extracted)


class InDepthPupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.InDepthPupil"

    programme = factory.SubFactory(ProgrammeFactory)
    school = factory.SubFactory(SchoolFactory)
    pupil = None
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    birth_date = dt.date(2010, 5, 5)
    discipline = "instrument"
    nominated_at = factory.LazyFunction(lambda: dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC))


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.Instructor"

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Faker("name", locale="no_NO")
    default_fee = Decimal("2500.00")


class GatheringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.Gathering"

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Samling {n}")
    date = dt.date(2026, 2, 7)
    starts_at = dt.time(10)
    ends_at = dt.time(14)
    venue = "Gjøvik videregående skole"
    budget = Decimal("16000.00")
    status = "planned"


class GatheringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.GatheringSession"

    gathering = factory.SubFactory(GatheringFactory)
    starts_at = dt.time(10)
    ends_at = dt.time(11)
    title = factory.Sequence(lambda n: f"Økt {n}")
    disciplines = factory.LazyFunction(list)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "regional.Registration"

    gathering = factory.SubFactory(GatheringFactory)
    pupil = factory.SubFactory(
        InDepthPupilFactory, programme=factory.SelfAttribute("..gathering.programme")
    )
    registered_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
