"""The regional app's pages in the page-access matrix (see tests/pages/__init__.py).

The matrix's region «Vestfold» runs the programme, with the matrix school (where the teacher,
office and principal work) as its partner; the other region runs another programme with the
other school, whose office is «office_elsewhere» and sees nothing of the first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    InDepthPupil,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    Programme,
    ProgressNote,
    Registration,
)
from tests.pages import PUBLIC, REGIONAL, Page

EDITORS = ("project_leader", "superuser")
OVERVIEW = REGIONAL
PARTNER_STAFF = ("teacher", "office", "principal")
VIEWERS = (*REGIONAL, *PARTNER_STAFF)
REGISTRARS = (*EDITORS, "office", "principal")
CONTRIBUTORS = (*EDITORS, *PARTNER_STAFF)
GUARDIAN = ("guardian",)
# Partner-school staff change only what they wrote or shared themselves.
MATERIAL_SHARER = (*EDITORS, "office")
NOTE_AUTHOR = (*EDITORS, "teacher")


def _programme(region: Any, school: Any, slug: str, leader: Any = None) -> Programme:
    programme = Programme.objects.create(
        region=region,
        name=f"Kulturløpet {slug}",
        slug=slug,
        grant_funder="Sparebankstiftelsen",
        grant_amount=Decimal("665000.00"),
        starts_on=dt.date(2025, 8, 1),
        ends_on=dt.date(2028, 7, 31),
        project_leader=leader,
    )
    programme.schools.set([school])
    return programme


def _pupil(programme: Programme, school: Any, pupil: Any, placement: Any = None) -> InDepthPupil:
    return InDepthPupil.objects.create(
        programme=programme,
        school=school,
        pupil=pupil,
        placement=placement,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        birth_date=pupil.birth_date,
        discipline="instrument",
        nominated_at=timezone.now(),
    )


def world(objects: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Objects the regional pages below need, added to the matrix's shared world."""
    today = timezone.localdate()
    now = timezone.now()
    school, elsewhere = objects["school"], objects["elsewhere"]
    programme = _programme(objects["region"], school, "kulturlopet", users["project_leader"])
    other = _programme(objects["other_region"], elsewhere, "annet")
    child = _pupil(programme, school, objects["pupil"], objects["in_group"])
    entered = InDepthPupil.objects.create(
        programme=programme,
        school=school,
        first_name="Emma",
        last_name="Sveen",
        birth_date=dt.date(2008, 1, 20),
        discipline="singing",
        nominated_at=now,
    )
    other_child = _pupil(other, elsewhere, objects["other_pupil"])
    instructor = Instructor.objects.create(programme=programme, name="Anethe Alfsvåg")
    open_gathering = Gathering.objects.create(
        programme=programme,
        title="Samling",
        date=today + dt.timedelta(days=14),
        starts_at=dt.time(10),
        ends_at=dt.time(14),
        venue="Gjøvik videregående skole",
        budget=Decimal("16000.00"),
        status=Gathering.Status.OPEN,
        registration_deadline=today + dt.timedelta(days=7),
    )
    session = GatheringSession.objects.create(
        gathering=open_gathering,
        starts_at=dt.time(10),
        ends_at=dt.time(11),
        title="Oppvarming",
        instructor=instructor,
        instructor_fee=Decimal("3000.00"),
    )
    held = Gathering.objects.create(
        programme=programme,
        title="Forrige samling",
        date=today - dt.timedelta(days=3),
        starts_at=dt.time(10),
        ends_at=dt.time(14),
        venue="Gjøvik videregående skole",
        status=Gathering.Status.HELD,
    )
    GatheringSession.objects.create(
        gathering=held, starts_at=dt.time(10), ends_at=dt.time(11), title="Samspill"
    )
    Registration.objects.create(gathering=held, pupil=child, registered_at=now)
    registration = Registration.objects.create(
        gathering=open_gathering, pupil=entered, registered_at=now
    )
    other_gathering = Gathering.objects.create(
        programme=other,
        title="Hemmelig samling",
        date=today,
        starts_at=dt.time(10),
        ends_at=dt.time(12),
        venue="Hov",
    )
    plan_item = AnnualPlanItem.objects.create(
        programme=programme, kind=AnnualPlanItem.Kind.WORKSHOP, title="Workshop", starts_on=today
    )
    material = Material(
        programme=programme, title="Noter", shared_at=now, shared_by=users["office"]
    )
    material.file.save("noter.txt", ContentFile(b"noter"), save=False)
    material.save()
    return {
        "programme": programme,
        "other_programme": other,
        "in_depth": child,
        "in_depth_entered": entered,
        "other_in_depth": other_child,
        "criterion": InDepthCriterion.objects.create(programme=programme, min_age=12),
        "instructor": instructor,
        "open_gathering": open_gathering,
        "held_gathering": held,
        "other_gathering": other_gathering,
        "session": session,
        "registration": registration,
        "plan_item": plan_item,
        "budget_line": BudgetLine.objects.create(
            programme=programme,
            activity=plan_item,
            category=BudgetLine.Category.FOOD,
            description="Lunsj",
            planned=Decimal("3000.00"),
        ),
        "meeting": NetworkMeeting.objects.create(programme=programme, date=today),
        "material": material,
        "suggestion": ActivitySuggestion.objects.create(
            programme=programme, title="Beatmaking", created_at=now
        ),
        "progress_note": ProgressNote.objects.create(
            pupil=child,
            written_on=today,
            goals="Spille Vivaldi",
            author=users["teacher"],
            created_at=now,
        ),
        "mentor_pair": MentorPair.objects.create(
            programme=programme, mentor=entered, mentee=child, starts_on=today
        ),
        "evaluation_note": EvaluationNote.objects.create(
            programme=programme,
            text="Året har vist at faggruppene trenger mer tid.",
            author=users["project_leader"],
            created_at=now,
        ),
    }


def prog(**extra: str) -> Any:
    """kwargs of a programme page, with more object pks by name."""
    return lambda o: {
        "region": o["region"].slug,
        "programme": o["programme"].slug,
        **{key: o[name].pk for key, name in extra.items()},
    }


def prog_school(school: str = "school", **extra: str) -> Any:
    return lambda o: {**prog(**extra)(o), "school": o[school].slug}


PAGES: dict[str, Page] = {
    "regional:programme_create": Page(lambda o: {"region": o["region"].slug}, EDITORS),
    "regional:programme": Page(prog(), VIEWERS),
    "regional:programme_edit": Page(prog(), EDITORS),
    "regional:criteria": Page(prog(), VIEWERS),
    "regional:criterion_create": Page(prog(), EDITORS),
    "regional:criterion_edit": Page(prog(pk="criterion"), EDITORS),
    "regional:criterion_delete": Page(prog(pk="criterion"), EDITORS),
    "regional:pupils": Page(prog(), VIEWERS),
    "regional:pupil": Page(prog(pk="in_depth"), VIEWERS),
    "regional:pupil_edit": Page(prog(pk="in_depth"), REGISTRARS),
    "regional:progress_note": Page(prog(pk="in_depth"), CONTRIBUTORS),
    "regional:progress_note_edit": Page(prog(pk="in_depth", note="progress_note"), NOTE_AUTHOR),
    "regional:progress_note_delete": Page(prog(pk="in_depth", note="progress_note"), NOTE_AUTHOR),
    "regional:school": Page(prog_school(), VIEWERS),
    "regional:nominate": Page(prog_school(), REGISTRARS),
    "regional:pupil_enter": Page(prog_school(), REGISTRARS),
    "regional:mentors": Page(prog(), VIEWERS),
    "regional:mentor_create": Page(prog(), EDITORS),
    "regional:mentor_edit": Page(prog(pk="mentor_pair"), EDITORS),
    "regional:mentor_delete": Page(prog(pk="mentor_pair"), EDITORS),
    "regional:gatherings": Page(prog(), VIEWERS),
    "regional:gathering_create": Page(prog(), EDITORS),
    "regional:gathering": Page(prog(pk="open_gathering"), VIEWERS),
    "regional:gathering_edit": Page(prog(pk="open_gathering"), EDITORS),
    "regional:gathering_delete": Page(prog(pk="open_gathering"), EDITORS),
    "regional:session_create": Page(prog(pk="open_gathering"), EDITORS),
    "regional:session_edit": Page(prog(pk="open_gathering", session="session"), EDITORS),
    "regional:session_delete": Page(prog(pk="open_gathering", session="session"), EDITORS),
    "regional:register": Page(prog_school(pk="open_gathering"), REGISTRARS),
    "regional:participants": Page(prog(pk="open_gathering"), VIEWERS),
    "regional:feedback": Page(prog(pk="held_gathering"), PARTNER_STAFF),
    "regional:evaluation": Page(prog(pk="held_gathering"), EDITORS),
    "regional:gathering_pdf": Page(prog(pk="open_gathering"), VIEWERS),
    "regional:transport_pdf": Page(prog_school(pk="open_gathering"), VIEWERS),
    "regional:gathering_ics": Page(prog(pk="open_gathering"), VIEWERS),
    "regional:programme_ics": Page(prog(), VIEWERS),
    # The calendar app's address: anyone holding the secret key may subscribe.
    "regional:calendar_feed": Page(lambda o: {"token": o["programme"].calendar_token}, PUBLIC),
    "regional:instructors": Page(prog(), OVERVIEW),
    "regional:instructor_create": Page(prog(), EDITORS),
    "regional:instructor_edit": Page(prog(pk="instructor"), EDITORS),
    "regional:instructor_delete": Page(prog(pk="instructor"), EDITORS),
    "regional:budget": Page(prog(), OVERVIEW),
    "regional:budget_line_create": Page(prog(), EDITORS),
    "regional:budget_line_edit": Page(prog(pk="budget_line"), EDITORS),
    "regional:budget_line_delete": Page(prog(pk="budget_line"), EDITORS),
    "regional:budget_chart": Page(lambda o: {**prog()(o), "fmt": "svg"}, OVERVIEW),
    "regional:budget_csv": Page(prog(), OVERVIEW),
    "regional:budget_xlsx": Page(prog(), OVERVIEW),
    "regional:plan": Page(prog(), VIEWERS),
    "regional:plan_item_create": Page(prog(), EDITORS),
    "regional:plan_item_edit": Page(prog(pk="plan_item"), EDITORS),
    "regional:plan_item_delete": Page(prog(pk="plan_item"), EDITORS),
    "regional:suggestions": Page(prog(), VIEWERS),
    "regional:meetings": Page(prog(), VIEWERS),
    "regional:meeting": Page(prog(pk="meeting"), VIEWERS),
    "regional:meeting_create": Page(prog(), EDITORS),
    "regional:meeting_edit": Page(prog(pk="meeting"), EDITORS),
    "regional:meeting_delete": Page(prog(pk="meeting"), EDITORS),
    "regional:materials": Page(prog(), VIEWERS),
    "regional:material_create": Page(prog(), CONTRIBUTORS),
    "regional:material_edit": Page(prog(pk="material"), MATERIAL_SHARER),
    "regional:material_delete": Page(prog(pk="material"), MATERIAL_SHARER),
    "regional:material_download": Page(prog(pk="material"), VIEWERS),
    "regional:programme_evaluation": Page(prog(), EDITORS),
    "regional:evaluation_note_edit": Page(prog(pk="evaluation_note"), EDITORS),
    "regional:evaluation_note_delete": Page(prog(pk="evaluation_note"), EDITORS),
    "regional:calendar_address": Page(prog(), EDITORS),
    "regional:report": Page(prog(), OVERVIEW),
    "regional:report_pdf": Page(prog(), OVERVIEW),
    "regional:family": Page(lambda o: {}, GUARDIAN),
    "regional:family_register": Page(
        lambda o: {"child": o["in_depth"].pk, "gathering": o["open_gathering"].pk}, GUARDIAN
    ),
    "regional:family_feedback": Page(
        lambda o: {"child": o["in_depth"].pk, "gathering": o["held_gathering"].pk}, GUARDIAN
    ),
    "regional:family_suggest": Page(lambda o: {"child": o["in_depth"].pk}, GUARDIAN),
}
NOT_PAGES: dict[str, str] = {
    "regional:gathering_status": "a POST-only action; tested in tests/regional/test_views.py",
    "regional:registration_cancel": "a POST-only action; tested in tests/regional/test_views.py",
    "regional:suggestion_status": "a POST-only action; tested in tests/regional/test_views.py",
    "regional:meetings_plan": "a POST-only action; tested in tests/regional/test_views.py",
    "regional:family_vote": "a POST-only action; tested in tests/regional/test_family.py",
}
# (who, url name, kwargs from objects) — each must be a 404.
PROBES: list[tuple[str, str, Any]] = [
    ("office_elsewhere", "regional:programme", prog()),
    ("office_elsewhere", "regional:pupils", prog()),
    ("guardian", "regional:programme", prog()),
    ("stranger", "regional:gathering", prog(pk="open_gathering")),
    (
        "office",
        "regional:programme",
        lambda o: {"region": o["other_region"].slug, "programme": o["other_programme"].slug},
    ),
    (
        "project_leader",
        "regional:pupils",
        lambda o: {"region": o["other_region"].slug, "programme": o["other_programme"].slug},
    ),
    ("office", "regional:pupil", prog(pk="other_in_depth")),
    ("office_elsewhere", "regional:material_edit", prog(pk="material")),
    ("office_elsewhere", "regional:progress_note_edit", prog(pk="in_depth", note="progress_note")),
    (
        "project_leader",
        "regional:gathering_delete",
        lambda o: {
            "region": o["other_region"].slug,
            "programme": o["other_programme"].slug,
            "pk": o["other_gathering"].pk,
        },
    ),
    ("project_leader", "regional:gathering_delete", prog(pk="other_gathering")),
    ("steering_group", "regional:gathering", prog(pk="other_gathering")),
    ("teacher", "regional:school", prog_school("elsewhere")),
    ("office", "regional:register", prog_school("elsewhere", pk="open_gathering")),
    ("office", "regional:transport_pdf", prog_school("elsewhere", pk="open_gathering")),
    (
        "guardian",
        "regional:family_register",
        lambda o: {"child": o["other_in_depth"].pk, "gathering": o["other_gathering"].pk},
    ),
    (
        "guardian",
        "regional:family_feedback",
        lambda o: {"child": o["other_in_depth"].pk, "gathering": o["other_gathering"].pk},
    ),
    ("guardian", "regional:family_suggest", lambda o: {"child": o["other_in_depth"].pk}),
]
