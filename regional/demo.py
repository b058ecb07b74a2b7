"""Demo data of this app, added by `manage.py seed_demo` after enrollment's (safe to re-run).

Kulturløpet in the Gjøvik region as the seed presentation tells it: the grant of 665 000 kr,
the gathering of Saturday 4 February 2023 at Gjøvik videregående skole (budget 16 000 kr) with
its joint drama warm-up and the parallel sessions for musicians, singers, dancers and drama
pupils, its evaluation ("the last session could have lasted much longer"), plus one gathering a
few weeks after `today`, open for registration. Every row is found by a natural key and updated
in place, so a second run changes nothing. Pupils' names are invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import translation

from enrollment.demo import (
    GJOVIK_GUARDIAN,
    GJOVIK_OFFICE,
    PROJECT_LEADER,
    REGION_SLUG,
    STEERING_GROUP,
)
from enrollment.models import Guardian, Household, Pupil, School
from regional import rules, services
from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Feedback,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    InDepthDiscipline,
    InDepthPupil,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    Programme,
    ProgressNote,
    Region,
    Registration,
    SuggestionVote,
)

OSLO = ZoneInfo("Europe/Oslo")
D = InDepthDiscipline
AS_OF = dt.datetime(2023, 2, 6, 9, 0, tzinfo=OSLO)  # when the seed gathering was written up

GOALS = "\n".join(
    (
        "Lage større og mer bærekraftige miljøer for ungdom som vil satse, med faglige "
        "utfordringer og sosialt miljø.",
        "Få en sterkere kultur i kulturskolene for «å ville mer».",
        "Styrke samarbeidskulturen i regionen.",
        "Bidra til at flere kulturskoleelever kvalifiserer til videre utdanning.",
    )
)

DESCRIPTION = (
    "Fordypning i kulturskolene i Gjøvikregionen: et samarbeid mellom regionens fem "
    "kulturskoler og Gjøvik videregående skole. Styringsgruppen og prosjektlederen lager "
    "sammen et årshjul med workshops, sosiale aktiviteter, studieturer og forberedelse til "
    "felles forestillinger og konserter."
)

CULTURE_SCHOOLS = ("gjovik", "mjolkefabrikken", "fyrverkeriet", "sondre-land", "nordre-land")
FAR_AWAY = ("sondre-land", "nordre-land", "fyrverkeriet")  # they travel by minibus

# (school, first name, last name, birth date, discipline, instrument, started, e-mail, pupil in
# the school's register: household name)
PUPILS = (
    ("gjovik", "Ida", "Bakken", dt.date(2009, 5, 5), D.INSTRUMENT, "Fiolin", 2015, "", "Bakken"),
    ("gjovik", "Oda", "Kristiansen", dt.date(2009, 9, 12), D.SINGING, "Sang", 2016, "", ""),
    ("gjovik", "Vetle", "Moen", dt.date(2010, 1, 23), D.DRAMA, "", 2017, "", ""),
    ("mjolkefabrikken", "Thea", "Lien", dt.date(2008, 3, 3), D.SINGING, "Sang", 2014, "", "Lien"),
    (
        "mjolkefabrikken",
        "Lars",
        "Nygård",
        dt.date(2009, 11, 2),
        D.INSTRUMENT,
        "Piano",
        2015,
        "",
        "",
    ),
    ("fyrverkeriet", "Selma", "Haug", dt.date(2010, 6, 18), D.DANCE, "Moderne", 2016, "", ""),
    ("fyrverkeriet", "Eirik", "Bråten", dt.date(2009, 2, 27), D.INSTRUMENT, "Gitar", 2016, "", ""),
    ("sondre-land", "Maja", "Engen", dt.date(2010, 4, 9), D.DRAMA, "", 2017, "", ""),
    ("sondre-land", "Tobias", "Lunde", dt.date(2011, 8, 30), D.INSTRUMENT, "Trompet", 2017, "", ""),
    ("nordre-land", "Ingrid", "Dokken", dt.date(2009, 7, 14), D.SINGING, "Sang", 2015, "", ""),
    ("nordre-land", "Johannes", "Brenna", dt.date(2010, 10, 5), D.DANCE, "Hiphop", 2016, "", ""),
    (
        "gjovik-vgs",
        "Emma",
        "Sveen",
        dt.date(2008, 1, 20),
        D.SINGING,
        "Sang",
        2013,
        "emma.sveen@example.org",
        "",
    ),
    (
        "gjovik-vgs",
        "Sander",
        "Holm",
        dt.date(2008, 12, 1),
        D.INSTRUMENT,
        "Trommer",
        2014,
        "sander.holm@example.org",
        "",
    ),
)

INSTRUCTORS = (
    ("Anethe Alfsvåg", "Teaterpedagog", Decimal("3000.00")),
    ("Erik Wang", "Samspillsinstruksjon", Decimal("2500.00")),
    ("Marita Røstad", "Sangpedagog", Decimal("2500.00")),
    ("Mai Elin Løkken", "Koreograf", Decimal("2500.00")),
)

SEED_TITLE = "Samling med fordypningselever"
SEED_DAY = dt.date(2023, 2, 4)
# (start, end, title, description, disciplines, room, instructor)
SEED_SESSIONS = (
    (
        dt.time(10, 0),
        dt.time(11, 30),
        "Felles teateroppvarming",
        "Alle elevene samlet i black box: teaterøvelser for å lære navn og bli tryggere på "
        "hverandre.",
        (),
        "Black box",
        "Anethe Alfsvåg",
    ),
    (dt.time(11, 30), dt.time(12, 15), "Lunsj", "", (), "Kantina", None),
    (
        dt.time(12, 15),
        dt.time(14, 0),
        "Samspillsinstruksjon",
        "Musikerne spiller sammen i band og ensemble.",
        (D.INSTRUMENT,),
        "Musikkrom 1",
        "Erik Wang",
    ),
    (
        dt.time(12, 15),
        dt.time(14, 0),
        "Sangveiledning",
        "",
        (D.SINGING,),
        "Musikkrom 2",
        "Marita Røstad",
    ),
    (dt.time(12, 15), dt.time(14, 0), "Koreografi", "", (D.DANCE,), "Dansesal", "Mai Elin Løkken"),
    (
        dt.time(12, 15),
        dt.time(14, 0),
        "Overvære øvelse til forestilling med MDD-elever",
        "Dramaelevene ser en øvelse på forestillingen til elevene på musikk, dans og drama.",
        (D.DRAMA,),
        "Scenen",
        None,
    ),
)
EVALUATION = (
    "Første økt med teaterpedagog Anethe Alfsvåg samlet alle elevene i black box og ble en "
    "kjempefin økt; elevene har gitt uttrykk for at den var veldig gøy. Den siste økta, viet "
    "elevenes interessefelt, kunne vart mye lengre, og vi tar med oss dette i videre arbeid: "
    "neste samling får lengre faggrupper."
)
# On the programme as a whole, after its first school year.
PROGRAMME_EVALUATED_AT = dt.datetime(2023, 6, 20, 14, 0, tzinfo=OSLO)
PROGRAMME_EVALUATION = (
    "Første år: elevene fra de fem kulturskolene og videregående har blitt kjent på tvers, og "
    "nettverksmøtene har gitt lærerne et felles språk for hva en fordypningselev er. Neste år "
    "vil vi ha lengre økter i faggruppene, flere mentorpar og en samling før jul."
)

# The school year of the seed gathering, as the steering group planned it.
PLAN_2022 = (
    (AnnualPlanItem.Kind.WORKSHOP, "Workshop: låtskriving og improvisasjon", (2022, 10, 15), None),
    (AnnualPlanItem.Kind.SOCIAL, "Pizza og jam for alle fordypningselevene", (2022, 11, 25), None),
    (
        AnnualPlanItem.Kind.COURSE,
        "Gehør og musikkteori – forberedelse til videregående",
        (2023, 1, 10),
        (2023, 3, 28),
    ),
    (
        AnnualPlanItem.Kind.STUDY_TRIP,
        "Studietur til Den Norske Opera & Ballett",
        (2023, 3, 18),
        None,
    ),
    (AnnualPlanItem.Kind.PERFORMANCE, "Forberedelse til felleskonsert", (2023, 4, 22), None),
    (AnnualPlanItem.Kind.PERFORMANCE, "Felleskonsert i Gjøvik", (2023, 5, 31), None),
)

# (activity title or None for the programme, category, description, planned, actual, paid on)
BUDGET = (
    (
        None,
        BudgetLine.Category.PROJECT_LEADER,
        "Prosjektleder 20 % stilling, skoleåret 2022/23",
        Decimal("175000.00"),
        Decimal("175000.00"),
        dt.date(2023, 6, 30),
    ),
    (
        None,
        BudgetLine.Category.PROJECT_LEADER,
        "Prosjektleder 20 % stilling, skoleåret 2023/24",
        Decimal("180000.00"),
        None,
        None,
    ),
    (
        SEED_TITLE,
        BudgetLine.Category.FOOD,
        "Lunsj til elever og lærere",
        Decimal("3000.00"),
        Decimal("2985.50"),
        dt.date(2023, 2, 10),
    ),
    (
        SEED_TITLE,
        BudgetLine.Category.TRANSPORT,
        "Minibuss fra Søndre Land, Nordre Land og Raufoss",
        Decimal("2500.00"),
        Decimal("2380.00"),
        dt.date(2023, 2, 15),
    ),
    (
        "Studietur til Den Norske Opera & Ballett",
        BudgetLine.Category.TRANSPORT,
        "Tog Gjøvik–Oslo t/r",
        Decimal("14500.00"),
        Decimal("14212.00"),
        dt.date(2023, 3, 20),
    ),
    (
        "Studietur til Den Norske Opera & Ballett",
        BudgetLine.Category.OTHER,
        "Billetter og omvisning",
        Decimal("9800.00"),
        Decimal("9800.00"),
        dt.date(2023, 3, 1),
    ),
    (
        "Gehør og musikkteori – forberedelse til videregående",
        BudgetLine.Category.INSTRUCTOR_FEES,
        "Kurslærer, 10 kvelder",
        Decimal("12000.00"),
        Decimal("12000.00"),
        dt.date(2023, 4, 1),
    ),
    (
        "Felleskonsert i Gjøvik",
        BudgetLine.Category.RENT,
        "Leie av konsertsal",
        Decimal("8000.00"),
        None,
        None,
    ),
)

SUGGESTIONS = (
    ("Workshop i beatmaking og produksjon", "Lage musikk på datamaskin sammen.", 4),
    ("Improteater-kveld på tvers av skolene", "", 3),
    ("Felles tur til en festival om sommeren", "", 2),
)

MATERIALS = (
    (
        "Gehørtrening – øvingsoppgaver på nett",
        "Intervaller, akkorder og rytme; brukt i kurset før opptak til videregående.",
        D.INSTRUMENT,
        "https://www.musictheory.net/exercises",
        "",
    ),
    (
        "Mal for samlingsprogram",
        "Tidsplan og fordeling i faggrupper, til neste samling.",
        "",
        "",
        "samlingsprogram-mal.txt",
    ),
)


def seed_demo(*, today: dt.date) -> Iterator[str]:
    """Create or update the regional demo data; yields one line of summary for the console."""
    # Texts the services write into the data (e.g. a planned network meeting's title) are in
    # Bokmål, like the rest of the demo; management commands otherwise run in English.
    with translation.override("nb"), transaction.atomic():
        programme = _seed(today)
    yield (
        f"Regional programme: {programme.name} with {programme.pupils.count()} in-depth pupils, "
        f"{programme.gatherings.count()} gatherings and {programme.budget_lines.count()} budget "
        "lines."
    )


def _user(email: str) -> Any:
    return get_user_model().objects.get(email=email)


def _seed(today: dt.date) -> Programme:
    region = Region.objects.get(slug=REGION_SLUG)
    schools = {school.slug: school for school in region.schools.all()}
    leader = _user(PROJECT_LEADER.email)
    # The programme runs from the school year of the seed gathering until the end of the
    # school year after the upcoming gathering.
    upcoming_day = _upcoming_day(today)
    ends_on = dt.date(rules.school_year_of(upcoming_day) + 1, 7, 31)
    programme, _ = Programme.objects.update_or_create(
        region=region,
        slug="kulturlopet",
        defaults={
            "name": "Kulturløpet",
            "description": DESCRIPTION,
            "goals": GOALS,
            "grant_funder": "Sparebankstiftelsen DNB – Inkluderende kulturskoler",
            "grant_amount": Decimal("665000.00"),
            "starts_on": dt.date(2022, 8, 1),
            "ends_on": ends_on,
            "project_leader": leader,
            "network_meetings_per_year": 4,
        },
    )
    programme.schools.set(list(schools.values()))
    programme.steering_group.set([_user(STEERING_GROUP.email)])

    _seed_criteria(programme)
    pupils = _seed_pupils(programme, schools, leader)
    instructors = {
        name: Instructor.objects.update_or_create(
            programme=programme,
            name=name,
            defaults={"speciality": speciality, "default_fee": fee},
        )[0]
        for name, speciality, fee in INSTRUCTORS
    }
    seed = _seed_gathering(programme, schools, instructors, pupils)
    _seed_upcoming(programme, schools, instructors, pupils, upcoming_day)
    _seed_guardian_login(pupils["Ida"])
    items = _seed_plan(programme)
    _seed_budget(programme, items)
    _seed_suggestions(programme, pupils)
    _seed_mentoring(programme, pupils, leader)
    _seed_network(programme, leader)
    # Found by their time of writing too, so notes the project leader adds while trying the
    # demo are left alone (and do not make the lookup ambiguous).
    EvaluationNote.objects.update_or_create(
        programme=programme,
        gathering=seed,
        created_at=AS_OF,
        defaults={"text": EVALUATION, "author": leader},
    )
    EvaluationNote.objects.update_or_create(
        programme=programme,
        gathering=None,
        created_at=PROGRAMME_EVALUATED_AT,
        defaults={"text": PROGRAMME_EVALUATION, "author": leader},
    )
    return programme


def _upcoming_day(today: dt.date) -> dt.date:
    """A Saturday three to four weeks ahead."""
    day = today + dt.timedelta(days=21)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def _seed_criteria(programme: Programme) -> None:
    for discipline, min_age, max_age, min_years, commitment in (
        (
            "",
            12,
            19,
            None,
            "Vil satse: øver jevnlig, deltar på samlinger og konserter, og ønsker faglige "
            "utfordringer sammen med elever fra de andre skolene.",
        ),
        (D.INSTRUMENT, None, None, 3, "Spiller i samspill eller ensemble ved egen skole."),
        (D.SINGING, None, None, 2, ""),
    ):
        InDepthCriterion.objects.update_or_create(
            programme=programme,
            discipline=discipline,
            defaults={
                "min_age": min_age,
                "max_age": max_age,
                "min_years": min_years,
                "commitment": commitment,
            },
        )


def _seed_pupils(
    programme: Programme, schools: dict[str, School], leader: Any
) -> dict[str, InDepthPupil]:
    pupils = {}
    for slug, first, last, born, discipline, instrument, started, email, household in PUPILS:
        register = None
        if household:
            register = Pupil.objects.filter(
                household__school=schools[slug], household__name=household, first_name=first
            ).first()
        pupil, _ = InDepthPupil.objects.update_or_create(
            programme=programme,
            first_name=first,
            last_name=last,
            defaults={
                "school": schools[slug],
                "pupil": register,
                "birth_date": register.birth_date if register else born,
                "email": email,
                "discipline": discipline,
                "instrument": instrument,
                "started_year": started,
                "is_active": True,
                "nominated_by": leader,
                "nominated_at": dt.datetime(2022, 9, 1, 12, 0, tzinfo=OSLO),
            },
        )
        pupils[first] = pupil
    return pupils


def _sessions(
    gathering: Gathering, specs: Any, instructors: dict[str, Instructor]
) -> dict[str, GatheringSession]:
    sessions = {}
    for starts_at, ends_at, title, description, disciplines, room, instructor in specs:
        who = instructors.get(instructor) if instructor else None
        session, _ = GatheringSession.objects.update_or_create(
            gathering=gathering,
            title=title,
            defaults={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "description": description,
                "disciplines": list(disciplines),
                "room": room,
                "instructor": who,
                "instructor_fee": who.default_fee if who else Decimal("0.00"),
            },
        )
        services._sync_fee_line(session)
        sessions[title] = session
    return sessions


def _seed_gathering(
    programme: Programme,
    schools: dict[str, School],
    instructors: dict[str, Instructor],
    pupils: dict[str, InDepthPupil],
) -> Gathering:
    gathering = services.gathering_save(
        programme=programme,
        values={
            "date": SEED_DAY,
            "starts_at": dt.time(10),
            "ends_at": dt.time(14),
            "venue": "Gjøvik videregående skole",
            "host_school": schools["gjovik-vgs"],
            "description": "Første samling for fordypningselevene i Kulturløpet.",
            "budget": Decimal("16000.00"),
            "status": Gathering.Status.EVALUATED,
            "registration_deadline": dt.date(2023, 1, 27),
            "opened_at": dt.datetime(2023, 1, 9, 9, 0, tzinfo=OSLO),
            "target_disciplines": [],
        },
        target_schools=[schools[slug] for slug in CULTURE_SCHOOLS],
        gathering=Gathering.objects.filter(programme=programme, title=SEED_TITLE).first()
        or Gathering(programme=programme, title=SEED_TITLE),
    )
    sessions = _sessions(gathering, SEED_SESSIONS, instructors)
    # The instructors were paid what was agreed.
    BudgetLine.objects.filter(session__gathering=gathering).update(
        actual=F("planned"), paid_on=dt.date(2023, 2, 20)
    )
    registrations = {}
    for name, pupil in pupils.items():
        if pupil.school.slug not in CULTURE_SCHOOLS:
            continue
        far = pupil.school.slug in FAR_AWAY
        registrations[name], _ = Registration.objects.update_or_create(
            gathering=gathering,
            pupil=pupil,
            defaults={
                "dietary_needs": {"Selma": "Vegetar", "Lars": "Glutenfri"}.get(name, ""),
                "needs_transport": far,
                "travels_from": pupil.school if far else None,
                "registered_at": dt.datetime(2023, 1, 20, 12, 0, tzinfo=OSLO),
                "attendance": Registration.Attendance.ABSENT
                if name == "Tobias"
                else Registration.Attendance.PRESENT,
            },
        )
    warm_up = sessions["Felles teateroppvarming"]
    group_session = {
        D.INSTRUMENT: sessions["Samspillsinstruksjon"],
        D.SINGING: sessions["Sangveiledning"],
        D.DANCE: sessions["Koreografi"],
        D.DRAMA: sessions["Overvære øvelse til forestilling med MDD-elever"],
    }
    for index, (_name, registration) in enumerate(sorted(registrations.items())):
        if registration.attendance != Registration.Attendance.PRESENT:
            continue
        pupil = registration.pupil
        _feedback(warm_up, pupil=pupil, rating=5 if index % 3 else 4, comment="")
        comment = "Altfor kort – vi ville holdt på mye lenger!" if index % 2 == 0 else ""
        _feedback(group_session[pupil.discipline], pupil=pupil, rating=4, comment=comment)
    teacher = _user(GJOVIK_OFFICE.email)
    _feedback(warm_up, teacher=teacher, rating=5, comment="Flott start: elevene ble trygge.")
    _feedback(
        group_session[D.INSTRUMENT],
        teacher=teacher,
        rating=4,
        comment="Den siste økta kunne vart mye lengre.",
    )
    return gathering


def _feedback(
    session: GatheringSession, *, rating: int, comment: str, pupil: Any = None, teacher: Any = None
) -> None:
    who = {"pupil": pupil} if pupil is not None else {"teacher": teacher}
    Feedback.objects.update_or_create(
        session=session,
        **who,
        defaults={"rating": rating, "comment": comment, "created_at": AS_OF},
    )


def _seed_upcoming(
    programme: Programme,
    schools: dict[str, School],
    instructors: dict[str, Instructor],
    pupils: dict[str, InDepthPupil],
    day: dt.date,
) -> Gathering:
    title = "Samling: samspill, sang, dans og drama"
    gathering = services.gathering_save(
        programme=programme,
        values={
            "date": day,
            "starts_at": dt.time(10),
            "ends_at": dt.time(15),
            "venue": "Gjøvik videregående skole",
            "host_school": schools["gjovik-vgs"],
            "description": "Etter forrige samling: lengre økter i faggruppene.",
            "budget": Decimal("18000.00"),
            "status": Gathering.Status.OPEN,
            "registration_deadline": day - dt.timedelta(days=7),
            "target_disciplines": [],
        },
        target_schools=[],
        gathering=Gathering.objects.filter(programme=programme, title=title).first()
        or Gathering(programme=programme, title=title),
    )
    if gathering.opened_at is None:
        gathering.opened_at = dt.datetime.combine(
            day - dt.timedelta(days=28), dt.time(9), tzinfo=OSLO
        )
        gathering.save(update_fields=["opened_at"])
    _sessions(
        gathering,
        (
            (
                dt.time(10),
                dt.time(10, 45),
                "Felles oppvarming",
                "",
                (),
                "Black box",
                "Anethe Alfsvåg",
            ),
            (dt.time(10, 45), dt.time(11, 30), "Lunsj", "", (), "Kantina", None),
            (
                dt.time(11, 30),
                dt.time(15),
                "Samspill i band",
                "",
                (D.INSTRUMENT,),
                "Musikkrom 1",
                "Erik Wang",
            ),
            (
                dt.time(11, 30),
                dt.time(15),
                "Sang og stemmebruk",
                "",
                (D.SINGING,),
                "Musikkrom 2",
                "Marita Røstad",
            ),
            (
                dt.time(11, 30),
                dt.time(15),
                "Koreografi",
                "",
                (D.DANCE,),
                "Dansesal",
                "Mai Elin Løkken",
            ),
            (dt.time(11, 30), dt.time(15), "Scenetrening", "", (D.DRAMA,), "Scenen", None),
        ),
        instructors,
    )
    for name in ("Ida", "Thea", "Selma", "Maja", "Emma"):
        pupil = pupils[name]
        far = pupil.school.slug in FAR_AWAY
        Registration.objects.update_or_create(
            gathering=gathering,
            pupil=pupil,
            defaults={
                "needs_transport": far,
                "travels_from": pupil.school if far else None,
                "registered_at": gathering.opened_at + dt.timedelta(days=2),
                "dietary_needs": "Vegetar" if name == "Selma" else "",
            },
        )
    return gathering


def _seed_guardian_login(in_depth: InDepthPupil) -> Guardian:
    """The demo guardian login `foresatt.gjovik@example.org` joins the household of Ida
    Bakken, who is an in-depth pupil registered for the coming gathering, so the family
    pages of the programme can be tried."""
    household = Household.objects.get(pk=in_depth.pupil.household_id)
    guardian, _ = Guardian.objects.update_or_create(
        household=household,
        email=GJOVIK_GUARDIAN.email,
        defaults={
            "first_name": GJOVIK_GUARDIAN.first_name,
            "last_name": GJOVIK_GUARDIAN.last_name,
            "user": _user(GJOVIK_GUARDIAN.email),
        },
    )
    return guardian


def _seed_plan(programme: Programme) -> dict[str, AnnualPlanItem]:
    items = {}
    for kind, title, start, end in PLAN_2022:
        items[title], _ = AnnualPlanItem.objects.update_or_create(
            programme=programme,
            title=title,
            gathering=None,
            network_meeting=None,
            defaults={
                "kind": kind,
                "starts_on": dt.date(*start),
                "ends_on": dt.date(*end) if end else None,
            },
        )
    for item in AnnualPlanItem.objects.filter(programme=programme, gathering__isnull=False):
        items[item.title] = item
    return items


def _seed_budget(programme: Programme, items: dict[str, AnnualPlanItem]) -> None:
    for activity, category, description, planned, actual, paid_on in BUDGET:
        BudgetLine.objects.update_or_create(
            programme=programme,
            description=description,
            session=None,
            defaults={
                "activity": items[activity] if activity else None,
                "category": category,
                "planned": planned,
                "actual": actual,
                "paid_on": paid_on,
            },
        )


def _seed_suggestions(programme: Programme, pupils: dict[str, InDepthPupil]) -> None:
    voters = sorted(pupils.values(), key=lambda p: p.first_name)
    for index, (title, description, votes) in enumerate(SUGGESTIONS):
        suggestion, _ = ActivitySuggestion.objects.update_or_create(
            programme=programme,
            title=title,
            defaults={
                "description": description,
                "suggested_by": voters[index],
                "created_at": dt.datetime(2022, 9, 20 + index, 18, 0, tzinfo=OSLO),
            },
        )
        for voter in voters[index : index + votes]:
            SuggestionVote.objects.get_or_create(
                suggestion=suggestion,
                pupil=voter,
                defaults={"created_at": suggestion.created_at},
            )


def _seed_mentoring(programme: Programme, pupils: dict[str, InDepthPupil], leader: Any) -> None:
    for mentor, mentee, note in (
        ("Emma", "Oda", "Sang: forberedelse til opptak på musikk, dans og drama."),
        ("Sander", "Tobias", "Samspill og øving."),
    ):
        MentorPair.objects.update_or_create(
            programme=programme,
            mentor=pupils[mentor],
            mentee=pupils[mentee],
            defaults={"starts_on": dt.date(2023, 2, 4), "note": note},
        )
    ProgressNote.objects.update_or_create(
        pupil=pupils["Ida"],
        written_on=dt.date(2023, 2, 20),
        defaults={
            "goals": "Spille første sats av Vivaldis a-moll-konsert på felleskonserten i mai.",
            "feedback": "God intonasjon; jobber videre med buedeling. Trivdes i samspillet.",
            "author": leader,
            "created_at": dt.datetime(2023, 2, 20, 15, 0, tzinfo=OSLO),
        },
    )


def _seed_network(programme: Programme, leader: Any) -> None:
    services.network_meetings_plan(programme=programme)
    first = NetworkMeeting.objects.filter(programme=programme).order_by("date").first()
    if first is not None:
        NetworkMeeting.objects.filter(pk=first.pk).update(
            venue="Gjøvik videregående skole",
            agenda="1. Hva er en fordypningselev hos oss?\n2. Felles kriterier\n3. Årshjulet",
            minutes=(
                "Skolene definerer fordypningselever ulikt. Vi ble enige om felles kriterier "
                "(alder 12–19, egen satsing) og et årshjul med samlinger, kurs og studietur."
            ),
        )
    for title, description, discipline, url, filename in MATERIALS:
        if Material.objects.filter(programme=programme, title=title).exists():
            continue
        material = Material(
            programme=programme,
            title=title,
            description=description,
            discipline=discipline,
            url=url,
            shared_by=leader,
            shared_at=AS_OF,
        )
        if filename:
            material.file.save(
                filename,
                ContentFile(
                    b"10.00 Felles oppvarming (alle)\n11.30 Lunsj\n12.15 Faggrupper\n"
                    b"15.00 Avslutning\n"
                ),
                save=False,
            )
        material.save()
