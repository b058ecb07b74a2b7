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
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from enrollment import rules
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
        offers=(
            ("fiolin", BUGARDEN, {}),
            ("cello", BUGARDEN, {}),
            ("piano", BUGARDEN, {}),
            ("gitar", SANDAR_OST, {}),
            ("sang", BUGARDEN, {}),
            ("strykeorkester", BUGARDEN, {}),
            ("band", SANDAR_OST, {}),
            ("hiphop", SANDAR_OST, {}),
            ("ballett", BUGARDEN, {}),
            ("teater", BUGARDEN, {}),
            ("billedkunst", SANDAR_OST, {}),
            ("keramikk", SANDAR_OST, {}),
            ("film", BUGARDEN, {}),
            ("utover-klassisk", BUGARDEN, {}),
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
        for spec in HOUSEHOLDS:
            pupils += _seed_household(spec, schools[spec.school], users, today=today)
        _seed_teaching_groups(schools[SANDEFJORD], users[TEACHER.email])
    return SeedResult(
        schools=len(schools),
        offers=Offer.objects.filter(school__slug__in=schools).count(),
        households=len(HOUSEHOLDS),
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
