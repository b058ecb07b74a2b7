"""Demo data: the real schools of the seed documents, with invented families, staff and logins.

`seed_demo()` is idempotent: every row is found by its natural key (school slug, offer slug
within a school, term season and year, user e-mail, household name within a school, pupil
first name within a household …) and updated in place, so running it again changes no row
count. Contact details that the seed documents do not give are not invented as real-looking
data: e-mail addresses are in the reserved example.org domain and phone numbers are left empty.

The demo password and the TOTP secret below are PUBLIC. `seed_demo` refuses to run with
DEBUG off unless forced, and `demo_totp_code` refuses outright.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from enrollment import rules
from enrollment.models import (
    AbsenceReport,
    Application,
    Attendance,
    ConferenceSlot,
    Department,
    Discipline,
    GroupMember,
    Guardian,
    Household,
    Leave,
    Lesson,
    Location,
    Notice,
    Offer,
    OfficeHours,
    Placement,
    Pupil,
    School,
    SchoolHoliday,
    SchoolPolicy,
    StaffRole,
    TeachingGroup,
    Term,
)
from enrollment.services import lifecycle
from kulturskole.access import MFA_ROLES, Role

DEMO_PASSWORD = "kulturskole-demo"  # noqa: S105 -- public on purpose, see the docstring
# Base32, 20 bytes. Published in the README so anyone trying the demo can add it to an
# authenticator app, or run `manage.py demo_totp_code` instead.
DEMO_TOTP_SECRET = "KULTURSKOLEDEMOKULTURSKOLEDEMO23"  # noqa: S105 -- public on purpose

OSLO = ZoneInfo("Europe/Oslo")

SANDEFJORD = "sandefjord"
BUGARDEN = "Sandefjord videregående skole, Bugården"
SANDAR_OST = "Sandar Øst"
REGION_SLUG = "gjovikregionen"


# --- Demo logins -------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    first_name: str
    last_name: str
    where: str
    needs_totp: bool

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ")


def _login(role: str, email: str, name: str, where: str, *, superuser: bool = False) -> DemoLogin:
    first_name, last_name = name.rsplit(" ", 1)
    return DemoLogin(
        role=str(role),
        email=email,
        first_name=first_name,
        last_name=last_name,
        where=where,
        needs_totp=superuser or role in MFA_ROLES,
    )


GUARDIAN = _login(Role.GUARDIAN, "foresatt@example.org", "Kari Hansen", "Hansen, Sandefjord")
SECOND_GUARDIAN = _login(Role.GUARDIAN, "foresatt2@example.org", "Ola Hansen", "Hansen, Sandefjord")
# Guardian of Ida Bakken, an in-depth pupil of Kulturløpet; linked to her household by
# regional/demo.py, so the regional family pages have a child registered for a gathering.
GJOVIK_GUARDIAN = _login(
    Role.GUARDIAN, "foresatt.gjovik@example.org", "Hege Bakken", "Bakken, Gjøvik"
)
TEACHER = _login(Role.TEACHER, "laerer@example.org", "Silje Strand", "Sandefjord kulturskole")
OFFICE = _login(Role.OFFICE, "kontor@example.org", "Marte Nilsen", "Sandefjord kulturskole")
PRINCIPAL = _login(Role.PRINCIPAL, "rektor@example.org", "Eirik Solberg", "Sandefjord kulturskole")
GJOVIK_OFFICE = _login(
    Role.OFFICE, "kontor.gjovik@example.org", "Hanne Bakke", "Gjøvik Kunst- og kulturskole"
)
PROJECT_LEADER = _login(
    Role.PROJECT_LEADER, "prosjektleder@example.org", "Kristin Haugen", "Gjøvikregionen"
)
STEERING_GROUP = _login(
    Role.STEERING_GROUP, "styringsgruppe@example.org", "Anders Lund", "Gjøvikregionen"
)
SUPERUSER = _login("superuser", "admin@example.org", "Demo Administrator", "—", superuser=True)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    GUARDIAN,
    SECOND_GUARDIAN,
    GJOVIK_GUARDIAN,
    TEACHER,
    OFFICE,
    PRINCIPAL,
    GJOVIK_OFFICE,
    PROJECT_LEADER,
    STEERING_GROUP,
    SUPERUSER,
)


def logins_table() -> str:
    """The demo logins as a plain-text table, as `seed_demo` prints it."""
    header = ("Role", "E-mail", "Password", "Where", "TOTP code")
    rows = [
        (
            login.role_label,
            login.email,
            DEMO_PASSWORD,
            login.where,
            "yes" if login.needs_totp else "no",
        )
        for login in DEMO_LOGINS
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def current_totp_code(at: float | None = None) -> tuple[str, int]:
    """The code an authenticator app shows for the demo secret, and seconds it stays valid."""
    now = int(time.time() if at is None else at)
    period = mfa_settings.TOTP_PERIOD
    counter, elapsed = divmod(now, period)
    remaining = period - elapsed
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)), remaining


# --- Schools -----------------------------------------------------------------------------

# Office hours as (weekday, opens, closes); weekday 0 is Monday.
WEEKDAYS_9_TO_15 = [(day, dt.time(9), dt.time(15)) for day in range(5)]


@dataclass(frozen=True)
class SchoolSpec:
    slug: str
    name: str
    municipality: str
    email: str
    website: str
    city: str
    introduction: str
    locations: tuple[tuple[str, str, str], ...]  # name, postal town, description
    office_hours: tuple[tuple[int, dt.time, dt.time], ...]
    appeal_body: str
    departments: tuple[tuple[str, bool, str], ...]  # name, performer track, description
    offers: tuple[tuple[str, str, dict[str, Any]], ...]  # catalogue slug, location, overrides
    phone: str = ""
    kind: str = School.Kind.CULTURE_SCHOOL
    rule_book_adopted_by: str = ""


MUSIC = "Musikk"
DANCE = "Dans"
DRAMA = "Teater"
ART = "Visuell kunst"
PERFORMER = "Utøver"

# The offer catalogue the schools draw from. Every school may override any field.
CATALOGUE: dict[str, dict[str, Any]] = {
    "fiolin": {
        "name": "Fiolin",
        "discipline": Discipline.MUSIC,
        "instrument": "Fiolin",
        "department": MUSIC,
        "description": (
            "Enkeltundervisning i fiolin for nybegynnere og viderekomne. Når nivået tillater "
            "det, spiller eleven også i strykeorkesteret. Instrument kan leies det første året."
        ),
        "min_age": 6,
        "max_age": 19,
        "capacity": 24,
        "lesson_minutes": 25,
        "instrument_rental": True,
    },
    "cello": {
        "name": "Cello",
        "discipline": Discipline.MUSIC,
        "instrument": "Cello",
        "department": MUSIC,
        "description": (
            "Enkeltundervisning i cello. Eleven lærer god sittestilling, buestrøk og "
            "notelesing, og spiller i strykeorkesteret etter hvert. Cello kan leies."
        ),
        "min_age": 7,
        "max_age": 19,
        "capacity": 12,
        "lesson_minutes": 25,
        "instrument_rental": True,
    },
    "piano": {
        "name": "Piano",
        "discipline": Discipline.MUSIC,
        "instrument": "Piano",
        "department": MUSIC,
        "description": (
            "Enkeltundervisning i piano, klassisk og populærmusikk. Eleven må ha piano eller "
            "digitalpiano med vektede tangenter hjemme for å øve."
        ),
        "min_age": 7,
        "max_age": 19,
        "capacity": 30,
        "lesson_minutes": 25,
    },
    "gitar": {
        "name": "Gitar",
        "discipline": Discipline.MUSIC,
        "instrument": "Gitar",
        "department": MUSIC,
        "description": (
            "Gitarundervisning i små grupper på tre til fire elever: akkorder, melodispill og "
            "komp til kjente sanger. Akustisk gitar, eget instrument."
        ),
        "min_age": 9,
        "max_age": 19,
        "capacity": 28,
        "lesson_minutes": 45,
    },
    "sang": {
        "name": "Sang",
        "discipline": Discipline.MUSIC,
        "instrument": "Sang",
        "department": MUSIC,
        "description": (
            "Sangundervisning med pust, stemmebruk og repertoar fra pop, musikal og klassisk. "
            "Elevene synger på kulturskolens konserter."
        ),
        "min_age": 10,
        "max_age": 19,
        "capacity": 20,
        "lesson_minutes": 25,
    },
    "strykeorkester": {
        "name": "Strykeorkester",
        "discipline": Discipline.MUSIC,
        "department": MUSIC,
        "description": (
            "Samspill for strykere som har spilt i minst to år. Orkesteret holder to "
            "konserter i semesteret. Foresatte deltar i arbeidsgruppen rundt konsertene."
        ),
        "min_age": 9,
        "max_age": 19,
        "capacity": 35,
        "lesson_minutes": 90,
        "parent_work_group": True,
    },
    "korps": {
        "name": "Aspirantkorps",
        "discipline": Discipline.MUSIC,
        "department": MUSIC,
        "description": (
            "Korps for nybegynnere på blåseinstrumenter og slagverk, i samarbeid med de lokale "
            "skolekorpsene. Instrument lånes. Foresatte deltar i arbeidsgruppen."
        ),
        "min_age": 8,
        "max_age": 14,
        "capacity": 30,
        "lesson_minutes": 60,
        "instrument_rental": True,
        "parent_work_group": True,
    },
    "band": {
        "name": "Band – pop og rock",
        "discipline": Discipline.MUSIC,
        "department": MUSIC,
        "description": (
            "Bandsamspill med trommer, bass, gitar, tangenter og vokal. Bandet øver inn egne "
            "og andres låter og spiller på elevkonserter."
        ),
        "min_age": 12,
        "max_age": 19,
        "capacity": 15,
        "lesson_minutes": 60,
    },
    "hiphop": {
        "name": "Hip hop",
        "discipline": Discipline.DANCE,
        "department": DANCE,
        "description": (
            "Hip hop-dans i gruppe: grunnsteg, koreografi og egen stil. Gruppen danser på "
            "kulturskolens forestillinger."
        ),
        "min_age": 8,
        "max_age": 16,
        "capacity": 20,
        "lesson_minutes": 60,
    },
    "ballett": {
        "name": "Ballett",
        "discipline": Discipline.DANCE,
        "department": DANCE,
        "description": (
            "Klassisk ballett for barn: holdning, koordinasjon og musikalitet. Undervisningen "
            "avsluttes med en forestilling hvert vårsemester."
        ),
        "min_age": 6,
        "max_age": 12,
        "capacity": 16,
        "lesson_minutes": 60,
    },
    "teater": {
        "name": "Teater",
        "discipline": Discipline.DRAMA,
        "department": DRAMA,
        "description": (
            "Drama og teater i gruppe: improvisasjon, scenearbeid og en oppsetning for publikum "
            "hvert år. Foresatte deltar i arbeidsgruppen rundt forestillingene."
        ),
        "min_age": 10,
        "max_age": 16,
        "capacity": 18,
        "lesson_minutes": 90,
        "parent_work_group": True,
    },
    "billedkunst": {
        "name": "Billedkunst",
        "discipline": Discipline.VISUAL_ART,
        "department": ART,
        "description": (
            "Tegning, maling, grafikk og skulptur i små grupper. Elevene stiller ut arbeidene "
            "sine på vårutstillingen."
        ),
        "min_age": 8,
        "max_age": 14,
        "capacity": 12,
        "lesson_minutes": 90,
    },
    "keramikk": {
        "name": "Keramikkurs for barn",
        "kind": Offer.Kind.COURSE,
        "discipline": Discipline.VISUAL_ART,
        "department": ART,
        "description": (
            "Kurs over ti onsdager: dreiing, oppbygging og glasering. Arbeidene brennes i "
            "kulturskolens ovn og tas med hjem etter siste kursdag."
        ),
        "min_age": 8,
        "max_age": 12,
        "capacity": 10,
        "lesson_minutes": 90,
        "course_starts_on": dt.date(2026, 9, 9),
        "course_ends_on": dt.date(2026, 11, 11),
    },
    "film": {
        "name": "Film og animasjon",
        "discipline": Discipline.FILM_MEDIA,
        "department": ART,
        "description": (
            "Manus, filming, animasjon og klipping. Elevene filmer hverandre, så tilbudet "
            "kan ikke ta hensyn til reservasjon mot filming."
        ),
        "min_age": 12,
        "max_age": 16,
        "capacity": 12,
        "lesson_minutes": 90,
        "photo_restrictions_possible": False,
    },
    "utover-klassisk": {
        "name": "Utøver – klassisk musikk",
        "discipline": Discipline.MUSIC,
        "department": PERFORMER,
        "description": (
            "For elever som vil satse: utvidet enkelttime, samspill, teori og gehørtrening, og "
            "konferansetime med hjemmet hvert halvår. Opptak etter opptaksprøve."
        ),
        "min_age": 12,
        "max_age": 19,
        "capacity": 8,
        "lesson_minutes": 45,
        "audition_available": True,
        "audition_required": True,
        "effort_requirements": (
            "Minst 30 minutters daglig øving, deltakelse på to elevkonserter hvert semester og "
            "i kulturskolens samspillsprosjekt. Kravene gjennomgås på konferansetimen."
        ),
    },
    "fordypning": {
        "name": "Fordypning – Kulturløpet",
        "discipline": Discipline.MUSIC,
        "department": PERFORMER,
        "description": (
            "Fordypningstilbud for ungdom som vil satse, med regionale samlinger i "
            "Kulturløpet sammen med de andre kulturskolene i Gjøvikregionen."
        ),
        "min_age": 13,
        "max_age": 19,
        "capacity": 6,
        "lesson_minutes": 45,
        "audition_available": True,
        "audition_required": True,
        "effort_requirements": (
            "Jevnlig øving og deltakelse på Kulturløpets samlinger gjennom året."
        ),
    },
}

STANDARD_DEPARTMENTS = (
    (MUSIC, False, "Instrument- og sangundervisning, samspill og korps."),
    (DANCE, False, "Dans i grupper."),
    (DRAMA, False, "Drama og teater."),
    (ART, False, "Billedkunst, keramikk, film og medier."),
)


def _gjovik_region_school(
    slug: str,
    name: str,
    municipality: str,
    domain: str,
    locations: tuple[tuple[str, str, str], ...],
    offers: tuple[tuple[str, str, dict[str, Any]], ...],
    office_hours: tuple[tuple[int, dt.time, dt.time], ...] = tuple(WEEKDAYS_9_TO_15),
) -> SchoolSpec:
    return SchoolSpec(
        slug=slug,
        name=name,
        municipality=municipality,
        email=f"{slug}@example.org",
        website=f"https://www.{domain}/",
        city=locations[0][1],
        introduction=(
            f"{name} er kulturskolen i {municipality} kommune og med i Kulturløpet, "
            "fordypningsprogrammet for kulturskolene i Gjøvikregionen. "
            "(Kontaktopplysningene i demodataene er eksempler.)"
        ),
        locations=locations,
        office_hours=office_hours,
        appeal_body=f"Kommunedirektøren i {municipality} kommune",
        departments=(
            *STANDARD_DEPARTMENTS,
            (PERFORMER, True, "Fordypning for elever som vil satse, med samlinger i Kulturløpet."),
        ),
        offers=offers,
        rule_book_adopted_by=f"Kommunestyret i {municipality} kommune (eksempel)",
    )


SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec(
        slug=SANDEFJORD,
        name="Sandefjord kulturskole",
        municipality="Sandefjord",
        email="kulturskolen@sandefjord.kommune.no",
        phone="33 48 86 70",
        website="https://www.sandefjord.kommune.no/kulturskolen",
        city="Sandefjord",
        introduction=(
            "Sandefjord kulturskole gir undervisning i musikk, dans, teater og visuell kunst "
            "til barn og unge i Sandefjord. Mesteparten av undervisningen foregår på Sandefjord "
            "videregående skole på Bugården, noe på Sandar Øst."
        ),
        locations=(
            (BUGARDEN, "Sandefjord", "Mesteparten av undervisningen foregår her."),
            (SANDAR_OST, "Sandefjord", "Noe av undervisningen foregår her."),
        ),
        office_hours=(
            *[(day, dt.time(9), dt.time(15)) for day in range(4)],
            (OfficeHours.Weekday.FRIDAY, dt.time(9), dt.time(14)),
        ),
        # The SchoolPolicy defaults are Sandefjord's own values.
        appeal_body="",
        departments=(
            *STANDARD_DEPARTMENTS,
            (
                PERFORMER,
                True,
                "Tilbud med krav til egeninnsats og konferansetime med hjemmet hvert halvår.",
            ),
        ),
        # Fewer places than the catalogue, so the demo families fill some offers and the
        # waiting lists, vacancies and statistics have something to show.
        offers=(
            ("fiolin", BUGARDEN, {"capacity": 6}),
            ("cello", BUGARDEN, {"capacity": 4}),
            ("piano", BUGARDEN, {"capacity": 8}),
            ("gitar", SANDAR_OST, {"capacity": 6}),
            ("sang", BUGARDEN, {"capacity": 8}),
            ("strykeorkester", BUGARDEN, {"capacity": 20}),
            ("band", SANDAR_OST, {"capacity": 8}),
            ("hiphop", SANDAR_OST, {"capacity": 12}),
            ("ballett", BUGARDEN, {"capacity": 10}),
            ("teater", BUGARDEN, {"capacity": 12}),
            ("billedkunst", SANDAR_OST, {"capacity": 10}),
            ("keramikk", SANDAR_OST, {}),
            ("film", BUGARDEN, {"capacity": 8}),
            ("utover-klassisk", BUGARDEN, {"capacity": 4}),
        ),
    ),
    _gjovik_region_school(
        "mjolkefabrikken",
        "Kulturskolen Mjølkefabrikken",
        "Østre Toten",
        "ostre-toten.kommune.no",
        locations=(
            ("Mjølkefabrikken", "Lena", "Kulturskolens hovedsted."),
            ("Skreia", "Skreia", "Noe instrumentundervisning."),
        ),
        offers=(
            ("piano", "Mjølkefabrikken", {}),
            ("gitar", "Skreia", {}),
            ("sang", "Mjølkefabrikken", {}),
            ("korps", "Mjølkefabrikken", {}),
            ("hiphop", "Mjølkefabrikken", {}),
            ("teater", "Mjølkefabrikken", {}),
            ("billedkunst", "Mjølkefabrikken", {}),
            ("fordypning", "Mjølkefabrikken", {}),
        ),
    ),
    _gjovik_region_school(
        "fyrverkeriet",
        "Fyrverkeriet Kulturskole",
        "Vestre Toten",
        "vestre-toten.kommune.no",
        locations=(("Raufoss", "Raufoss", "Kulturskolens hovedsted."),),
        offers=(
            ("fiolin", "Raufoss", {}),
            ("piano", "Raufoss", {}),
            ("gitar", "Raufoss", {}),
            ("band", "Raufoss", {}),
            ("ballett", "Raufoss", {}),
            ("teater", "Raufoss", {}),
            ("fordypning", "Raufoss", {}),
        ),
    ),
    _gjovik_region_school(
        "sondre-land",
        "Søndre Land Kulturskole",
        "Søndre Land",
        "sondre-land.kommune.no",
        locations=(("Hov", "Hov", "Kulturskolens hovedsted."),),
        office_hours=(
            (OfficeHours.Weekday.TUESDAY, dt.time(10), dt.time(15)),
            (OfficeHours.Weekday.THURSDAY, dt.time(10), dt.time(15)),
        ),
        offers=(
            ("piano", "Hov", {}),
            ("gitar", "Hov", {}),
            ("sang", "Hov", {}),
            ("korps", "Hov", {"name": "Korps"}),
            ("hiphop", "Hov", {}),
            ("fordypning", "Hov", {}),
        ),
    ),
    _gjovik_region_school(
        "nordre-land",
        "Nordre Land Kulturskole",
        "Nordre Land",
        "nordre-land.kommune.no",
        locations=(("Dokka", "Dokka", "Kulturskolens hovedsted."),),
        office_hours=(
            (OfficeHours.Weekday.MONDAY, dt.time(9), dt.time(14)),
            (OfficeHours.Weekday.WEDNESDAY, dt.time(9), dt.time(14)),
            (OfficeHours.Weekday.THURSDAY, dt.time(9), dt.time(14)),
        ),
        offers=(
            ("fiolin", "Dokka", {}),
            ("piano", "Dokka", {}),
            ("sang", "Dokka", {}),
            ("teater", "Dokka", {}),
            ("billedkunst", "Dokka", {}),
            ("fordypning", "Dokka", {}),
        ),
    ),
    _gjovik_region_school(
        "gjovik",
        "Gjøvik Kunst- og kulturskole",
        "Gjøvik",
        "gjovik.kommune.no",
        locations=(
            ("Gjøvik sentrum", "Gjøvik", "Kulturskolens hovedsted."),
            ("Biri", "Biri", "Noe undervisning for elevene i nordre del av kommunen."),
        ),
        offers=(
            ("fiolin", "Gjøvik sentrum", {}),
            ("cello", "Gjøvik sentrum", {}),
            ("piano", "Gjøvik sentrum", {}),
            ("gitar", "Biri", {}),
            ("sang", "Gjøvik sentrum", {}),
            ("strykeorkester", "Gjøvik sentrum", {}),
            ("band", "Gjøvik sentrum", {}),
            ("hiphop", "Gjøvik sentrum", {}),
            ("ballett", "Gjøvik sentrum", {}),
            ("teater", "Gjøvik sentrum", {}),
            ("billedkunst", "Gjøvik sentrum", {}),
            (
                "keramikk",
                "Gjøvik sentrum",
                {
                    "name": "Keramikk – vårkurs",
                    "course_starts_on": dt.date(2027, 2, 3),
                    "course_ends_on": dt.date(2027, 4, 21),
                },
            ),
            ("fordypning", "Gjøvik sentrum", {}),
        ),
    ),
    SchoolSpec(
        slug="gjovik-vgs",
        name="Gjøvik videregående skole",
        kind=School.Kind.UPPER_SECONDARY,
        municipality="Gjøvik",
        email="gjovik-vgs@example.org",
        website="",
        city="Gjøvik",
        introduction=(
            "Gjøvik videregående skole er partner i Kulturløpet og vertskap for samlingene, med "
            "programområdene musikk, dans og drama. (Kontaktopplysningene er eksempler.)"
        ),
        locations=(("Gjøvik videregående skole", "Gjøvik", "Black box, øvingsrom og konsertsal."),),
        office_hours=(),
        appeal_body="Innlandet fylkeskommune",
        departments=(),
        offers=(),
    ),
)

REGION_SCHOOL_SLUGS = (
    "mjolkefabrikken",
    "fyrverkeriet",
    "sondre-land",
    "nordre-land",
    "gjovik",
    "gjovik-vgs",
)
REGION_DESCRIPTION = (
    "Kulturløpet er fordypningsprogrammet for kulturskolene i Gjøvikregionen – Kulturskolen "
    "Mjølkefabrikken, Fyrverkeriet Kulturskole, Søndre Land Kulturskole, Nordre Land "
    "Kulturskole og Gjøvik Kunst- og kulturskole – sammen med Gjøvik videregående skole. "
    "Målet er større og mer bærekraftige miljøer for ungdom som vil satse, en sterkere kultur "
    "for «å ville mer» og et sterkere samarbeid i regionen. Prosjektet fikk 665 000 kr fra "
    "Sparebankstiftelsens ordning Inkluderende kulturskoler og har en prosjektleder i 20 % "
    "stilling og en styringsgruppe av rektorene."
)


# --- Terms -------------------------------------------------------------------------------

# (year, season, first teaching day, last teaching day, teaching weeks). Autumn starts in the
# third week of August and ends in mid-December; spring runs from early January to mid-June.
TERMS = (
    (2026, Term.Season.SPRING, dt.date(2026, 1, 5), dt.date(2026, 6, 12), 18),
    (2026, Term.Season.AUTUMN, dt.date(2026, 8, 17), dt.date(2026, 12, 11), 16),
    (2027, Term.Season.SPRING, dt.date(2027, 1, 4), dt.date(2027, 6, 11), 18),
    (2027, Term.Season.AUTUMN, dt.date(2027, 8, 16), dt.date(2027, 12, 10), 16),
)


# --- Households --------------------------------------------------------------------------

GRANTED = Pupil.PhotoConsent.GRANTED
REFUSED = Pupil.PhotoConsent.REFUSED
NOT_ANSWERED = Pupil.PhotoConsent.NOT_ANSWERED


@dataclass(frozen=True)
class HouseholdSpec:
    school: str
    name: str
    street_address: str
    postal_code: str
    city: str
    # (first name, last name, e-mail, demo login or None); the first guardian pays.
    guardians: tuple[tuple[str, str, str, DemoLogin | None], ...]
    # (first name, birth date, photo consent)
    pupils: tuple[tuple[str, dt.date, str], ...]


HOUSEHOLDS: tuple[HouseholdSpec, ...] = (
    HouseholdSpec(
        school=SANDEFJORD,
        name="Hansen",
        street_address="Eksempelveien 1",
        postal_code="3210",
        city="Sandefjord",
        guardians=(
            ("Kari", "Hansen", GUARDIAN.email, GUARDIAN),
            ("Ola", "Hansen", SECOND_GUARDIAN.email, SECOND_GUARDIAN),
        ),
        pupils=(
            ("Emma", dt.date(2014, 4, 12), GRANTED),
            ("Jonas", dt.date(2016, 9, 3), REFUSED),
            ("Sofie", dt.date(2019, 1, 22), NOT_ANSWERED),
        ),
    ),
    HouseholdSpec(
        school=SANDEFJORD,
        name="Berg",
        street_address="Eksempelveien 7",
        postal_code="3216",
        city="Sandefjord",
        guardians=(("Ingrid", "Berg", "ingrid.berg@example.org", None),),
        pupils=(
            ("Nora", dt.date(2012, 6, 30), GRANTED),
            ("Lukas", dt.date(2015, 11, 11), GRANTED),
        ),
    ),
    HouseholdSpec(
        school=SANDEFJORD,
        name="Ali",
        street_address="Eksempelgata 3",
        postal_code="3222",
        city="Sandefjord",
        guardians=(("Fatima", "Ali", "fatima.ali@example.org", None),),
        pupils=(("Amir", dt.date(2010, 2, 17), REFUSED),),
    ),
    HouseholdSpec(
        school="gjovik",
        name="Bakken",
        street_address="Eksempelvegen 12",
        postal_code="2815",
        city="Gjøvik",
        guardians=(("Trond", "Bakken", "trond.bakken@example.org", None),),
        pupils=(
            ("Ida", dt.date(2009, 5, 5), GRANTED),
            ("Magnus", dt.date(2013, 8, 19), NOT_ANSWERED),
        ),
    ),
    HouseholdSpec(
        school="mjolkefabrikken",
        name="Lien",
        street_address="Eksempelvegen 4",
        postal_code="2850",
        city="Lena",
        guardians=(("Siri", "Lien", "siri.lien@example.org", None),),
        pupils=(("Thea", dt.date(2008, 3, 3), GRANTED),),
    ),
)

CONSENT_RECORDED_AT = dt.datetime(2026, 8, 20, 18, 0, tzinfo=OSLO)


def grade_for(birth_date: dt.date, school_year: int) -> int | None:
    """Children start in grade 1 the year they turn six; None once upper secondary is over."""
    grade = school_year - birth_date.year - 5
    if grade > rules.LAST_GRADE:
        return None
    return max(grade, rules.KINDERGARTEN)


# --- Teaching groups ---------------------------------------------------------------------

# (offer slug, group name, weekday, starts, ends) for the demo teacher at Sandefjord, in
# autumn 2026 and spring 2027. Each group meets where its offer is taught.
TEACHER_GROUPS = (
    ("fiolin", "Fiolin tirsdag", OfficeHours.Weekday.TUESDAY, dt.time(17), dt.time(17, 25)),
    ("fiolin", "Fiolin onsdag", OfficeHours.Weekday.WEDNESDAY, dt.time(16), dt.time(16, 25)),
    (
        "strykeorkester",
        "Strykeorkester",
        OfficeHours.Weekday.THURSDAY,
        dt.time(18),
        dt.time(19, 30),
    ),
    ("utover-klassisk", "Utøver fiolin", OfficeHours.Weekday.MONDAY, dt.time(17), dt.time(17, 45)),
)
TEACHER_TERMS = ((2026, Term.Season.AUTUMN), (2027, Term.Season.SPRING))


# --- Applicants, places and fees -----------------------------------------------------------

# Invented families at Sandefjord whose children hold places or wait for one, so the waiting
# lists, the vacancies page and the statistics have something to show.


def _applicant_family(
    name: str, guardian: str, number: int, *pupils: tuple[str, dt.date, str]
) -> HouseholdSpec:
    email = f"{guardian.lower()}.{name.lower()}@example.org"
    return HouseholdSpec(
        school=SANDEFJORD,
        name=name,
        street_address=f"Eksempelveien {number}",
        postal_code="3215",
        city="Sandefjord",
        guardians=((guardian, name, email, None),),
        pupils=pupils,
    )


APPLICANT_HOUSEHOLDS: tuple[HouseholdSpec, ...] = (
    _applicant_family(
        "Johansen",
        "Anne",
        11,
        ("Ingrid", dt.date(2013, 5, 2), GRANTED),
        ("Mia", dt.date(2017, 8, 19), GRANTED),
    ),
    _applicant_family(
        "Olsen",
        "Lars",
        12,
        ("Mathias", dt.date(2012, 1, 30), GRANTED),
        ("Sander", dt.date(2014, 10, 9), REFUSED),
    ),
    _applicant_family(
        "Larsen",
        "Hilde",
        13,
        ("Selma", dt.date(2011, 3, 14), GRANTED),
        ("Theo", dt.date(2015, 6, 1), NOT_ANSWERED),
    ),
    _applicant_family("Kristiansen", "Per", 14, ("Vilde", dt.date(2011, 9, 22), GRANTED)),
    _applicant_family(
        "Pettersen",
        "Camilla",
        15,
        ("Aksel", dt.date(2013, 2, 11), GRANTED),
        ("Liam", dt.date(2016, 12, 5), GRANTED),
    ),
    _applicant_family(
        "Andersen",
        "Thomas",
        16,
        ("Oskar", dt.date(2012, 7, 7), REFUSED),
        ("Emil", dt.date(2015, 4, 18), GRANTED),
    ),
    _applicant_family(
        "Pedersen",
        "Marius",
        17,
        ("Maja", dt.date(2014, 11, 27), GRANTED),
        ("Hedda", dt.date(2016, 2, 3), GRANTED),
    ),
    _applicant_family(
        "Jensen",
        "Ane",
        18,
        ("Filip", dt.date(2010, 8, 8), GRANTED),
        ("Lea", dt.date(2017, 3, 29), NOT_ANSWERED),
    ),
    _applicant_family(
        "Karlsen",
        "Kristoffer",
        19,
        ("Ella", dt.date(2013, 12, 12), GRANTED),
        ("Noah", dt.date(2018, 5, 24), GRANTED),
    ),
    _applicant_family(
        "Eriksen",
        "Ragnhild",
        20,
        ("Henrik", dt.date(2011, 10, 31), GRANTED),
        ("Tuva", dt.date(2018, 7, 16), GRANTED),
    ),
    _applicant_family(
        "Nguyen",
        "Thu",
        21,
        ("Linh", dt.date(2012, 4, 4), GRANTED),
        ("Minh", dt.date(2014, 9, 9), REFUSED),
    ),
    _applicant_family(
        "Moen",
        "Jon",
        22,
        ("Sara", dt.date(2015, 1, 20), GRANTED),
        ("Tobias", dt.date(2010, 6, 6), GRANTED),
    ),
    _applicant_family(
        "Ahmed",
        "Leila",
        23,
        ("Yusuf", dt.date(2012, 2, 29), REFUSED),
        ("Amina", dt.date(2017, 11, 2), REFUSED),
    ),
    _applicant_family(
        "Dahl",
        "Sigrid",
        24,
        ("Elias", dt.date(2013, 7, 3), GRANTED),
        (
            "Ida",
            dt.date(2016, 10, 14),
            NOT_ANSWERED,
        ),
    ),
    _applicant_family(
        "Kowalski",
        "Agnieszka",
        25,
        ("Jakub", dt.date(2011, 1, 8), GRANTED),
        ("Zofia", dt.date(2015, 8, 30), GRANTED),
    ),
)

# Places held since spring 2026: (household, pupil, offer slug).
DEMO_PLACES = (
    ("Johansen", "Ingrid", "fiolin"),
    ("Olsen", "Mathias", "fiolin"),
    ("Larsen", "Selma", "fiolin"),
    ("Kristiansen", "Vilde", "fiolin"),
    ("Pettersen", "Aksel", "fiolin"),
    ("Andersen", "Oskar", "piano"),
    ("Pedersen", "Maja", "piano"),
    ("Jensen", "Filip", "piano"),
    ("Karlsen", "Ella", "piano"),
    ("Eriksen", "Henrik", "piano"),
    ("Nguyen", "Linh", "piano"),
    ("Moen", "Sara", "piano"),
    ("Ahmed", "Yusuf", "gitar"),
    ("Dahl", "Elias", "gitar"),
    ("Kowalski", "Jakub", "gitar"),
    ("Olsen", "Sander", "gitar"),
    ("Moen", "Tobias", "utover-klassisk"),
)
PLACES_FROM = (2026, Term.Season.SPRING)


@dataclass(frozen=True)
class ApplicationSpec:
    household: str
    pupil: str
    offer: str
    # A fixed day, or a number of days before the day the demo is seeded (recent applicants,
    # so the chart of waiting over time moves).
    submitted: dt.date | int
    preference: int = 1
    switch: bool = False  # §11: wants to leave the place held, does not count in §5d
    audition: str = ""  # "passed" or "pending" (§4c–d)
    score: int | None = None


DEMO_APPLICATIONS = (
    # Hansen: Jonas waits for piano, with guitar as his second choice (§3b).
    ApplicationSpec("Hansen", "Jonas", "piano", dt.date(2026, 2, 14)),
    ApplicationSpec("Hansen", "Jonas", "gitar", dt.date(2026, 3, 1), preference=2),
    # Fiolin is full.
    ApplicationSpec("Andersen", "Emil", "fiolin", dt.date(2025, 9, 15)),
    ApplicationSpec("Andersen", "Emil", "gitar", dt.date(2025, 9, 20), preference=2),
    ApplicationSpec("Jensen", "Lea", "fiolin", dt.date(2025, 11, 2)),
    ApplicationSpec("Johansen", "Mia", "fiolin", dt.date(2026, 1, 20)),
    ApplicationSpec("Karlsen", "Noah", "fiolin", dt.date(2026, 8, 25)),  # late (§3a)
    ApplicationSpec("Ahmed", "Amina", "fiolin", 25),
    # Piano has one free place and a list that will take it.
    ApplicationSpec("Pedersen", "Hedda", "piano", dt.date(2025, 6, 10)),
    ApplicationSpec("Pettersen", "Liam", "piano", dt.date(2025, 12, 1)),
    ApplicationSpec("Dahl", "Ida", "piano", dt.date(2026, 6, 12)),  # late (§3a)
    ApplicationSpec("Olsen", "Sander", "piano", dt.date(2026, 3, 10), switch=True),
    # Gitar: two free places, three on the list.
    ApplicationSpec("Larsen", "Theo", "gitar", dt.date(2026, 1, 5)),
    ApplicationSpec("Nguyen", "Minh", "gitar", dt.date(2026, 5, 20)),  # late (§3a)
    # Vacancies elsewhere, with a few recent applicants.
    ApplicationSpec("Kowalski", "Zofia", "hiphop", 40),
    ApplicationSpec("Eriksen", "Tuva", "ballett", 10),
    # Utøver admits by audition only (§4d).
    ApplicationSpec(
        "Kristiansen", "Vilde", "utover-klassisk", dt.date(2026, 2, 2), audition="passed", score=8
    ),
    ApplicationSpec("Pettersen", "Aksel", "utover-klassisk", 30, preference=1, audition="pending"),
)

# The demo guardian's eldest signed the contract for a violin place after main admission.
HANSEN_PLACE = ("Emma", "fiolin", dt.date(2025, 10, 3))
HANSEN_SIGNED_AT = dt.datetime(2026, 6, 10, 20, 15, tzinfo=OSLO)
SNAPSHOT_DAYS = 60

# Fees per place and term and instrument rental, per school year (§12a); course prices (§12b).
# Examples, not the municipalities' decisions.
FEES: dict[str, tuple[int, int]] = {
    SANDEFJORD: (1850, 400),
    "mjolkefabrikken": (1650, 300),
    "fyrverkeriet": (1700, 300),
    "sondre-land": (1600, 250),
    "nordre-land": (1620, 250),
    "gjovik": (1790, 350),
}
FEE_YEARS = (2026, 2027)
COURSE_PRICE = 1200
YEARLY_INCREASE = Decimal("1.03")


# --- The pupil life cycle at Sandefjord (issue 4) -------------------------------------------
# Written as it stood on a fixed day, whatever day the demo is seeded, so two runs give the
# same rows: lessons up to then have their attendance, later ones are still to come.

LIFECYCLE_AS_OF = dt.datetime(2026, 11, 20, 15, 0, tzinfo=OSLO)

# The school's own breaks (§20); the generator skips them and the public holidays.
SCHOOL_HOLIDAYS = (
    ("Høstferie", dt.date(2026, 9, 28), dt.date(2026, 10, 2)),
    ("Juleferie", dt.date(2026, 12, 21), dt.date(2027, 1, 1)),
    ("Vinterferie", dt.date(2027, 2, 22), dt.date(2027, 2, 26)),
    ("Påskeferie", dt.date(2027, 3, 22), dt.date(2027, 3, 26)),
)

# Places from autumn 2026 in offers with a parent work group (§18): (household, pupil, offer).
WORK_GROUP_PLACES = (
    ("Berg", "Nora", "strykeorkester"),
    ("Berg", "Lukas", "teater"),
)

# The demo teacher's groups and who is in them: (group name, household, pupil).
GROUP_MEMBERS = (
    ("Fiolin tirsdag", "Johansen", "Ingrid"),
    ("Fiolin tirsdag", "Olsen", "Mathias"),
    ("Fiolin tirsdag", "Larsen", "Selma"),
    ("Fiolin onsdag", "Kristiansen", "Vilde"),
    ("Fiolin onsdag", "Pettersen", "Aksel"),
    ("Fiolin onsdag", "Hansen", "Emma"),
    ("Strykeorkester", "Berg", "Nora"),
    ("Utøver fiolin", "Moen", "Tobias"),
)

# Absences in autumn 2026; every other registered lesson is attended. (household, pupil,
# day, how the home reported it (§7) or "" when it did not).
ABSENCES = (
    # Three Wednesdays in a row without a word from home: on the office's list (§9d ii).
    ("Pettersen", "Aksel", dt.date(2026, 11, 4), ""),
    ("Pettersen", "Aksel", dt.date(2026, 11, 11), ""),
    ("Pettersen", "Aksel", dt.date(2026, 11, 18), ""),
    ("Larsen", "Selma", dt.date(2026, 10, 13), AbsenceReport.Via.PHONE),
    ("Johansen", "Ingrid", dt.date(2026, 11, 10), AbsenceReport.Via.ONLINE),
    ("Hansen", "Emma", dt.date(2026, 10, 21), AbsenceReport.Via.ONLINE),
    ("Moen", "Tobias", dt.date(2026, 10, 19), AbsenceReport.Via.NOTE),
)
ABSENCE_REASONS = {
    AbsenceReport.Via.PHONE: "Mor ringte: syk.",
    AbsenceReport.Via.ONLINE: "Syk.",
    AbsenceReport.Via.NOTE: "Lapp fra far: tannlege.",
}

# The school cancels one lesson (§8): (group name, day, reason).
CANCELLED_LESSON = (
    "Fiolin tirsdag",
    dt.date(2026, 10, 27),
    "Læreren er syk, og vikar fantes ikke.",
)

# Mathias gave notice by e-mail before 1 December: his place ends after the autumn term (§9b).
NOTICE = ("Olsen", "Mathias", "fiolin", dt.datetime(2026, 10, 20, 19, 30, tzinfo=OSLO))
NOTICE_REASON = "Mathias vil heller begynne på fotball."

# Nora broke her arm: leave for illness longer than four teaching weeks, approved (§14a).
LEAVE = ("Berg", "Nora", "strykeorkester", dt.date(2026, 11, 2), 8)
LEAVE_APPLIED_AT = dt.datetime(2026, 10, 30, 10, 0, tzinfo=OSLO)
LEAVE_DECIDED_AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=OSLO)

# Conference hours the demo teacher offers (§15), and the one Tobias's home booked.
CONFERENCE_FIRST = dt.datetime(2026, 12, 2, 15, 0, tzinfo=OSLO)
CONFERENCE_MINUTES = 20
CONFERENCE_COUNT = 3
CONFERENCE_BOOKED = 1  # the second hour
CONFERENCE_PLACE = "Bugården, rom 2.14"
PERFORMER_PLACE = ("Moen", "Tobias", "utover-klassisk")
EFFORT_ACKNOWLEDGED_AT = dt.datetime(2026, 8, 20, 20, 0, tzinfo=OSLO)


# --- Seeding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    schools: int
    offers: int
    households: int
    pupils: int
    users: int


def seed_demo(*, today: dt.date) -> SeedResult:
    """Create or update all demo data. Safe to run any number of times."""
    with transaction.atomic():
        schools = {spec.slug: _seed_school(spec) for spec in SCHOOLS}
        users = {login.email: _seed_user(login) for login in DEMO_LOGINS}
        _seed_region(schools, users)
        _seed_staff_roles(schools, users)
        pupils = 0
        for spec in (*HOUSEHOLDS, *APPLICANT_HOUSEHOLDS):
            pupils += _seed_household(spec, schools[spec.school], users, today=today)
        _seed_teaching_groups(schools[SANDEFJORD], users[TEACHER.email])
        _seed_fees(schools)
        _seed_places(schools[SANDEFJORD])
        _seed_applications(schools[SANDEFJORD], today=today)
        _seed_hansen_contract(schools[SANDEFJORD], users[GUARDIAN.email], today=today)
        _seed_snapshots(schools[SANDEFJORD], today=today)
        _seed_lifecycle(schools[SANDEFJORD], users)
    return SeedResult(
        schools=len(schools),
        offers=Offer.objects.filter(school__slug__in=schools).count(),
        households=len(HOUSEHOLDS) + len(APPLICANT_HOUSEHOLDS),
        pupils=pupils,
        users=len(users),
    )


def _seed_school(spec: SchoolSpec) -> School:
    school, _ = School.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "municipality": spec.municipality,
            "email": spec.email,
            "phone": spec.phone,
            "website": spec.website,
            "city": spec.city,
            "introduction": spec.introduction,
            "is_public": True,
        },
    )
    policy: dict[str, Any] = {}
    if spec.appeal_body:
        policy["appeal_body"] = spec.appeal_body
    if spec.rule_book_adopted_by:
        policy["rule_book_adopted_by"] = spec.rule_book_adopted_by
    SchoolPolicy.objects.update_or_create(school=school, defaults=policy)

    for weekday, opens_at, closes_at in spec.office_hours:
        OfficeHours.objects.update_or_create(
            school=school, weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at}
        )
    OfficeHours.objects.filter(school=school).exclude(
        weekday__in=[weekday for weekday, _, _ in spec.office_hours]
    ).delete()

    locations = {
        name: Location.objects.update_or_create(
            school=school, name=name, defaults={"city": city, "description": description}
        )[0]
        for name, city, description in spec.locations
    }
    departments = {
        name: Department.objects.update_or_create(
            school=school,
            name=name,
            defaults={"performer_track": performer_track, "description": description},
        )[0]
        for name, performer_track, description in spec.departments
    }
    for slug, location, overrides in spec.offers:
        fields = {**CATALOGUE[slug], **overrides}
        department = fields.pop("department", None)
        Offer.objects.update_or_create(
            school=school,
            slug=slug,
            defaults={
                **fields,
                "department": departments.get(department) if department else None,
                "location": locations[location],
            },
        )
    if spec.kind == School.Kind.CULTURE_SCHOOL:
        for year, season, starts_on, ends_on, weeks in TERMS:
            Term.objects.update_or_create(
                school=school,
                year=year,
                season=season,
                defaults={"starts_on": starts_on, "ends_on": ends_on, "teaching_weeks": weeks},
            )
    return school


def _seed_user(login: DemoLogin) -> Any:
    is_superuser = login is SUPERUSER
    user, _ = get_user_model().objects.update_or_create(
        email=login.email,
        defaults={
            "first_name": login.first_name,
            "last_name": login.last_name,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
            "is_active": True,
        },
    )
    # Reset every run, so a demo password changed while trying things out comes back.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    if (
        login.needs_totp
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _seed_region(schools: dict[str, School], users: dict[str, Any]) -> None:
    # Looked up by name: `regional` depends on `enrollment`, never the other way round.
    region_model = apps.get_model("regional", "Region")
    regional_role = apps.get_model("regional", "RegionalRole")
    region, _ = region_model.objects.update_or_create(
        slug=REGION_SLUG,
        defaults={"name": "Gjøvikregionen", "description": REGION_DESCRIPTION},
    )
    region.schools.set([schools[slug] for slug in REGION_SCHOOL_SLUGS])
    for login in (PROJECT_LEADER, STEERING_GROUP):
        regional_role.objects.get_or_create(user=users[login.email], region=region, role=login.role)


def _seed_staff_roles(schools: dict[str, School], users: dict[str, Any]) -> None:
    for login, slug in (
        (TEACHER, SANDEFJORD),
        (OFFICE, SANDEFJORD),
        (PRINCIPAL, SANDEFJORD),
        (GJOVIK_OFFICE, "gjovik"),
    ):
        StaffRole.objects.get_or_create(
            user=users[login.email], school=schools[slug], role=login.role
        )


def _seed_household(
    spec: HouseholdSpec, school: School, users: dict[str, Any], *, today: dt.date
) -> int:
    household, _ = Household.objects.update_or_create(
        school=school,
        name=spec.name,
        defaults={
            "street_address": spec.street_address,
            "postal_code": spec.postal_code,
            "city": spec.city,
        },
    )
    payer = None
    for first_name, last_name, email, login in spec.guardians:
        guardian, _ = Guardian.objects.update_or_create(
            household=household,
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "user": users[login.email] if login else None,
            },
        )
        payer = payer or guardian
    if household.payer_id != payer.pk:
        household.payer = payer
        household.save(update_fields=["payer"])

    school_year = rules.school_year_start(today)
    for first_name, birth_date, consent in spec.pupils:
        grade = grade_for(birth_date, school_year)
        Pupil.objects.update_or_create(
            household=household,
            first_name=first_name,
            defaults={
                "last_name": spec.name,
                "birth_date": birth_date,
                "school_grade": grade,
                "grade_school_year": school_year if grade is not None else None,
                "photo_consent": consent,
                "photo_consent_recorded_at": (
                    CONSENT_RECORDED_AT if consent != NOT_ANSWERED else None
                ),
            },
        )
    return len(spec.pupils)


def _seed_teaching_groups(school: School, teacher: Any) -> None:
    for year, season in TEACHER_TERMS:
        term = Term.objects.get(school=school, year=year, season=season)
        for offer_slug, name, weekday, starts_at, ends_at in TEACHER_GROUPS:
            offer = Offer.objects.get(school=school, slug=offer_slug)
            TeachingGroup.objects.update_or_create(
                offer=offer,
                term=term,
                name=name,
                defaults={
                    "teacher": teacher,
                    "weekday": weekday,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "location": offer.location,
                    "room": "Musikkrom 2" if offer.location.name == BUGARDEN else "",
                },
            )


# --- Fees, places, applications and the waiting-list history --------------------------------
# The waitlist and billing apps depend on this one, so their models are looked up by name.


def _seed_fees(schools: dict[str, School]) -> None:
    fee_schedule = apps.get_model("billing", "FeeSchedule")
    course_price = apps.get_model("billing", "CoursePrice")
    for slug, (place_fee, rental) in FEES.items():
        school = schools[slug]
        for index, year in enumerate(FEE_YEARS):
            factor = YEARLY_INCREASE**index
            schedule, _ = fee_schedule.objects.update_or_create(
                school=school,
                school_year=year,
                defaults={
                    "place_fee_per_term": _round_to_ten(place_fee * factor),
                    "instrument_rental_per_term": _round_to_ten(rental * factor),
                    "decided_by": (
                        f"Kommunestyret i {school.municipality} kommune, gebyrsatser "
                        f"{year}/{(year + 1) % 100:02d} (eksempel)"
                    ),
                },
            )
            for course in Offer.objects.filter(school=school, kind=Offer.Kind.COURSE):
                course_price.objects.update_or_create(
                    schedule=schedule,
                    offer=course,
                    defaults={"price": _round_to_ten(COURSE_PRICE * factor)},
                )


def _round_to_ten(amount: Decimal | int) -> Decimal:
    return (Decimal(amount) / 10).quantize(Decimal(1)) * 10


def _pupil(school: School, household: str, first_name: str) -> Pupil:
    return Pupil.objects.get(
        household__school=school, household__name=household, first_name=first_name
    )


def _seed_places(school: School) -> None:
    year, season = PLACES_FROM
    term = Term.objects.get(school=school, year=year, season=season)
    for household, first_name, offer_slug in DEMO_PLACES:
        Placement.objects.update_or_create(
            pupil=_pupil(school, household, first_name),
            offer=Offer.objects.get(school=school, slug=offer_slug),
            defaults={"starts_term": term, "starts_on": term.starts_on},
            create_defaults={
                "starts_term": term,
                "starts_on": term.starts_on,
                "status": Placement.Status.ACTIVE,
            },
        )


def _submitted_on(spec: ApplicationSpec, today: dt.date) -> dt.date:
    if isinstance(spec.submitted, int):
        return today - dt.timedelta(days=spec.submitted)
    # Never in the future of the day the demo is seeded for.
    return min(spec.submitted, today - dt.timedelta(days=1))


def _evening(day: dt.date) -> dt.datetime:
    """Families apply in the evening."""
    return dt.datetime.combine(day, dt.time(19, 30), tzinfo=OSLO)


def _seed_applications(school: School, *, today: dt.date) -> None:
    audition_model = apps.get_model("waitlist", "Audition")
    for spec in DEMO_APPLICATIONS:
        pupil = _pupil(school, spec.household, spec.pupil)
        offer = Offer.objects.get(school=school, slug=spec.offer)
        submitted_on = _submitted_on(spec, today)
        switch_from = (
            Placement.objects.filter(pupil=pupil).exclude(offer=offer).first()
            if spec.switch
            else None
        )
        application, _ = Application.objects.update_or_create(
            pupil=pupil,
            offer=offer,
            defaults={
                "kind": Application.Kind.SWITCH if spec.switch else Application.Kind.NEW,
                "submitted_at": _evening(submitted_on),
                "seniority_date": submitted_on,
                "switch_from": switch_from,
                "audition_requested_at": _evening(submitted_on) if spec.audition else None,
            },
            # What happened to it since (offered, withdrawn …) is left as it is.
            create_defaults={
                "kind": Application.Kind.SWITCH if spec.switch else Application.Kind.NEW,
                "status": Application.Status.WAITING,
                "preference": spec.preference,
                "submitted_at": _evening(submitted_on),
                "seniority_date": submitted_on,
                "switch_from": switch_from,
                "audition_requested_at": _evening(submitted_on) if spec.audition else None,
            },
        )
        if not spec.audition:
            continue
        passed = spec.audition == "passed"
        held = _evening(submitted_on + dt.timedelta(days=30)).replace(hour=17, minute=0)
        audition_model.objects.update_or_create(
            pupil=pupil,
            offer=offer,
            defaults={
                "application": application,
                "requested_at": _evening(submitted_on),
                "scheduled_at": held if passed else _evening(today + dt.timedelta(days=12)),
                "place": "Bugården, konsertsalen",
                "result": "passed" if passed else "pending",
                "score": spec.score if passed else None,
                "result_note": "Sikker intonasjon og god musikalsk forming." if passed else "",
                "decided_at": held if passed else None,
            },
        )


def _seed_hansen_contract(school: School, guardian_user: Any, *, today: dt.date) -> None:
    """Emma Hansen's violin place, accepted by signing the contract through the service (§4b)."""
    first_name, offer_slug, applied_on = HANSEN_PLACE
    pupil = _pupil(school, "Hansen", first_name)
    offer = Offer.objects.get(school=school, slug=offer_slug)
    if Placement.objects.filter(pupil=pupil, offer=offer).exists():
        return
    from waitlist.services import place_offer_accept

    place_offer_model = apps.get_model("waitlist", "PlaceOffer")
    term = Term.objects.get(school=school, year=2026, season=Term.Season.AUTUMN)
    application, _ = Application.objects.update_or_create(
        pupil=pupil,
        offer=offer,
        defaults={
            "status": Application.Status.OFFERED,
            "preference": 1,
            "submitted_at": _evening(applied_on),
            "seniority_date": applied_on,
        },
    )
    place_offer, _ = place_offer_model.objects.get_or_create(
        application=application,
        status="pending",
        defaults={
            "offer": offer,
            "pupil": pupil,
            "term": term,
            "offered_at": HANSEN_SIGNED_AT - dt.timedelta(days=3),
            "reply_by": HANSEN_SIGNED_AT + dt.timedelta(days=11),
        },
    )
    contract = place_offer_accept(
        user=guardian_user,
        place_offer=place_offer,
        ip="192.0.2.10",  # an address reserved for documentation
        user_agent="Demo data",
        now=HANSEN_SIGNED_AT,
    )
    placement = contract.placement
    if today >= placement.starts_on + dt.timedelta(weeks=3):  # past the trial lessons (§6)
        placement.status = Placement.Status.ACTIVE
        placement.save(update_fields=["status"])


def _seed_snapshots(school: School, *, today: dt.date) -> None:
    """Children waiting each day of the last 60 (§5d), for the chart of waiting over time.

    Counted from the demo applications' dates, plus a few children who waited earlier in the
    period and have since been given places.
    """
    snapshot = apps.get_model("waitlist", "WaitingListSnapshot")
    counted = [
        (spec.household, spec.pupil, _submitted_on(spec, today))
        for spec in DEMO_APPLICATIONS
        if not spec.switch
    ]
    for days_ago in range(SNAPSHOT_DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        waiting = {(household, pupil) for household, pupil, on in counted if on <= day}
        # Children who waited at the start of the period and got places as the term began.
        since_admitted = max(0, (6 * (days_ago - 30) + 14) // 29)
        snapshot.objects.update_or_create(
            school=school,
            offer=None,
            day=day,
            defaults={"children": len(waiting) + since_admitted},
        )


# --- The pupil life cycle -----------------------------------------------------------------
# Through the services, as the pages would do it; each step is skipped when already done, so
# a second run changes no row (the services themselves keep attendance and absence reports
# to one row each).


def _seed_lifecycle(school: School, users: dict[str, Any]) -> None:
    teacher, office = users[TEACHER.email], users[OFFICE.email]
    for name, starts_on, ends_on in SCHOOL_HOLIDAYS:
        SchoolHoliday.objects.update_or_create(
            school=school, name=name, starts_on=starts_on, defaults={"ends_on": ends_on}
        )
    _seed_work_group_places(school)
    # Before the groups are filled, so a place that ends with the autumn term is left out of
    # the spring groups.
    _seed_notice(school, office)
    groups = _seed_group_members(school, teacher, office)
    for group in groups:
        lifecycle.lessons_generate(actor=office, group=group)
    autumn = [g for g in groups if (g.term.year, g.term.season) == TEACHER_TERMS[0]]
    _seed_cancelled_lesson(autumn, office)
    _seed_attendance(school, autumn, teacher, users)
    _seed_leave(school, office)
    _seed_performer_track(school, teacher, office)


def _seed_work_group_places(school: School) -> None:
    term = Term.objects.get(school=school, year=2026, season=Term.Season.AUTUMN)
    for household, first_name, offer_slug in WORK_GROUP_PLACES:
        placement, _ = Placement.objects.get_or_create(
            pupil=_pupil(school, household, first_name),
            offer=Offer.objects.get(school=school, slug=offer_slug),
            defaults={
                "starts_term": term,
                "starts_on": term.starts_on,
                # The trial lessons (§6) are over once the attendance below is registered.
                "status": Placement.Status.TRIAL,
            },
        )
        lifecycle.work_group_enrol(placement, now=_evening(term.starts_on - dt.timedelta(days=7)))


def _seed_group_members(school: School, teacher: Any, office: Any) -> list[TeachingGroup]:
    groups = list(
        TeachingGroup.objects.filter(offer__school=school, teacher=teacher)
        .select_related("offer", "term")
        .order_by("term__starts_on", "weekday", "pk")
    )
    for group_name, household, first_name in GROUP_MEMBERS:
        for group in (g for g in groups if g.name == group_name):
            placement = Placement.objects.get(
                pupil=_pupil(school, household, first_name), offer=group.offer
            )
            # A place that ends before the group's term starts is not in the group.
            if placement.ends_on is None or placement.ends_on >= group.term.starts_on:
                lifecycle.group_member_add(actor=office, group=group, placement=placement)
    return groups


def _seed_cancelled_lesson(groups: list[TeachingGroup], office: Any) -> None:
    group_name, day, reason = CANCELLED_LESSON
    lesson = Lesson.objects.get(group__in=groups, group__name=group_name, date=day)
    if not lesson.is_cancelled:
        lifecycle.lesson_cancel(
            actor=office,
            lesson=lesson,
            reason=reason,
            now=dt.datetime.combine(day, dt.time(12), tzinfo=OSLO),
        )


def _seed_attendance(
    school: School, groups: list[TeachingGroup], teacher: Any, users: dict[str, Any]
) -> None:
    """Every lesson of autumn 2026 before LIFECYCLE_AS_OF is registered: present, except the
    ABSENCES and the lessons after a pupil's leave began."""
    absent = {(household, first_name, day): via for household, first_name, day, via in ABSENCES}
    on_leave_from = {(LEAVE[0], LEAVE[1]): LEAVE[3]}
    members = list(
        GroupMember.objects.filter(group__in=groups).select_related(
            "placement__pupil__household", "group"
        )
    )
    lessons = Lesson.objects.filter(
        group__in=groups, date__lt=LIFECYCLE_AS_OF.date(), status=Lesson.Status.SCHEDULED
    ).order_by("date", "starts_at")
    for lesson in lessons:
        taught_at = dt.datetime.combine(lesson.date, lesson.ends_at, tzinfo=OSLO)
        for member in (m for m in members if m.group_id == lesson.group_id):
            pupil = member.placement.pupil
            key = (pupil.household.name, pupil.first_name)
            if lesson.date >= on_leave_from.get(key, dt.date.max):
                continue
            via = absent.get((*key, lesson.date))
            status = Attendance.Status.PRESENT if via is None else Attendance.Status.ABSENT
            lifecycle.attendance_set(
                actor=teacher,
                lesson=lesson,
                placement=member.placement,
                status=status,
                now=taught_at,
            )
            if via:
                _seed_absence_report(lesson, pupil, via, teacher, users)


def _seed_absence_report(
    lesson: Lesson, pupil: Pupil, via: str, teacher: Any, users: dict[str, Any]
) -> None:
    lesson_day = dt.datetime.combine(lesson.date, lesson.starts_at, tzinfo=OSLO)
    if via == AbsenceReport.Via.ONLINE:
        # The home reported it the evening before.
        guardian = pupil.household.guardians.filter(user__isnull=False).first()
        actor = guardian.user if guardian else None
        reported_at = _evening(lesson.date - dt.timedelta(days=1))
    elif via == AbsenceReport.Via.NOTE:
        # The note came to the next lesson, a week later.
        actor, reported_at = teacher, lesson_day + dt.timedelta(days=7)
    else:
        actor = users[OFFICE.email]
        reported_at = lesson_day - dt.timedelta(hours=6)
    lifecycle.absence_report(
        actor=actor,
        pupil=pupil,
        lessons=[lesson],
        via=via,
        reason=ABSENCE_REASONS.get(via, ""),
        now=reported_at,
    )


def _seed_notice(school: School, office: Any) -> None:
    household, first_name, offer_slug, given_at = NOTICE
    placement = Placement.objects.get(
        pupil=_pupil(school, household, first_name), offer__school=school, offer__slug=offer_slug
    )
    if not Notice.objects.filter(placement=placement).exists():
        # Received by e-mail; the office registers it as written notice (§9a–b).
        lifecycle.notice_give(actor=office, placement=placement, reason=NOTICE_REASON, now=given_at)


def _seed_leave(school: School, office: Any) -> None:
    household, first_name, offer_slug, starts_on, weeks = LEAVE
    placement = Placement.objects.get(
        pupil=_pupil(school, household, first_name), offer__school=school, offer__slug=offer_slug
    )
    if Leave.objects.filter(placement=placement).exists():
        return
    leave = lifecycle.leave_apply(
        actor=office,
        placement=placement,
        reason=Leave.Reason.ILLNESS,
        starts_on=starts_on,
        expected_weeks=weeks,
        description="Brukket arm; kan ikke spille før gipsen er av.",
        doctor_note=ContentFile(
            _example_pdf("Legeerklæring (eksempel)"), name="legeerklaering.pdf"
        ),
        now=LEAVE_APPLIED_AT,
    )
    lifecycle.leave_decide(
        actor=office,
        leave=leave,
        approve=True,
        note="Legeerklæring mottatt: permisjon ut høstsemesteret.",
        now=LEAVE_DECIDED_AT,
    )


def _seed_performer_track(school: School, teacher: Any, office: Any) -> None:
    """Conference hours (§15) and the effort requirements acknowledged by the home (§16a)."""
    household, first_name, offer_slug = PERFORMER_PLACE
    placement = Placement.objects.get(
        pupil=_pupil(school, household, first_name), offer__school=school, offer__slug=offer_slug
    )
    slots = lifecycle.conference_slots_publish(
        teacher=teacher,
        school=school,
        first_start=CONFERENCE_FIRST,
        minutes=CONFERENCE_MINUTES,
        count=CONFERENCE_COUNT,
        place=CONFERENCE_PLACE,
    )
    if not ConferenceSlot.objects.filter(placement=placement).exists():
        # The home phoned; the office booked the hour for them.
        lifecycle.conference_book(
            user=office, slot=slots[CONFERENCE_BOOKED], placement=placement, now=LIFECYCLE_AS_OF
        )
    if lifecycle.effort_pending(placement):
        lifecycle.effort_acknowledge(user=None, placement=placement, now=EFFORT_ACKNOWLEDGED_AT)


def _example_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`, standing in for a scanned document in the demo."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)
