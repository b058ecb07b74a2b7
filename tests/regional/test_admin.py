"""The regional models in the administration: every list, search, add page and change page
renders for a superuser (a private material file too), and lists make a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Feedback,
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
    SuggestionVote,
)
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC)

MODELS = [
    Programme,
    InDepthCriterion,
    InDepthPupil,
    Instructor,
    AnnualPlanItem,
    Gathering,
    GatheringSession,
    Registration,
    BudgetLine,
    ActivitySuggestion,
    SuggestionVote,
    Feedback,
    EvaluationNote,
    ProgressNote,
    MentorPair,
    NetworkMeeting,
    Material,
]


@pytest.fixture
def admin_client(client: Client, db: Any) -> Client:
    user = factories.UserFactory(is_staff=True, is_superuser=True, totp=True)
    return login(client, user)


@pytest.fixture
def data(programme: Any, school: Any, teacher_user: Any) -> dict[Any, Any]:
    """One of everything, linked together."""
    instructor = factories.InstructorFactory(programme=programme)
    gathering = factories.GatheringFactory(programme=programme)
    session = factories.GatheringSessionFactory(gathering=gathering, instructor=instructor)
    older = factories.InDepthPupilFactory(
        programme=programme, school=school, birth_date=dt.date(2008, 1, 1)
    )
    younger = factories.InDepthPupilFactory(programme=programme, school=school)
    registration = factories.RegistrationFactory(gathering=gathering, pupil=younger)
    item = AnnualPlanItem.objects.create(
        programme=programme, kind="workshop", title="Workshop", starts_on=dt.date(2026, 3, 1)
    )
    suggestion = ActivitySuggestion.objects.create(
        programme=programme, title="Beatmaking", created_at=NOW
    )
    material = Material(programme=programme, title="Noter", shared_at=NOW)
    material.file.save("noter.txt", ContentFile(b"noter"), save=False)
    material.save()
    return {
        Programme: programme,
        InDepthCriterion: InDepthCriterion.objects.create(programme=programme, min_age=12),
        InDepthPupil: younger,
        Instructor: instructor,
        AnnualPlanItem: item,
        Gathering: gathering,
        GatheringSession: session,
        Registration: registration,
        BudgetLine: BudgetLine.objects.create(
            programme=programme,
            activity=item,
            category="food",
            description="Lunsj",
            planned=Decimal("3000.00"),
        ),
        ActivitySuggestion: suggestion,
        SuggestionVote: SuggestionVote.objects.create(
            suggestion=suggestion, pupil=younger, created_at=NOW
        ),
        Feedback: Feedback.objects.create(
            session=session, pupil=younger, rating=5, comment="Gøy", created_at=NOW
        ),
        EvaluationNote: EvaluationNote.objects.create(
            programme=programme, text="Lengre økter", created_at=NOW
        ),
        ProgressNote: ProgressNote.objects.create(
            pupil=younger,
            written_on=dt.date(2026, 1, 20),
            goals="Skalaer",
            author=teacher_user,
            created_at=NOW,
        ),
        MentorPair: MentorPair.objects.create(
            programme=programme, mentor=older, mentee=younger, starts_on=dt.date(2026, 1, 1)
        ),
        NetworkMeeting: NetworkMeeting.objects.create(
            programme=programme, date=dt.date(2026, 3, 10), minutes="Referat"
        ),
        Material: material,
    }


def admin_url(model: type[Any], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_is_registered(model: type[Any]) -> None:
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_list_and_its_search_render(admin_client, data, model) -> None:
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert admin_client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_add_and_change_pages_render(admin_client, data, model) -> None:
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(model, "change", data[model].pk)).status_code == 200


def test_a_private_material_file_is_shown_by_name_in_the_admin(admin_client, data) -> None:
    page = admin_client.get(admin_url(Material, "change", data[Material].pk)).content.decode()
    assert "noter" in page
    assert "/media/" not in page


def test_the_gathering_page_has_its_sessions_inline(admin_client, data) -> None:
    response = admin_client.get(admin_url(Gathering, "change", data[Gathering].pk))
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"sessions"}


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (InDepthPupil, lambda p, s: factories.InDepthPupilFactory(programme=p, school=s)),
        (
            Registration,
            lambda p, s: factories.RegistrationFactory(
                gathering=factories.GatheringFactory(programme=p),
                pupil=factories.InDepthPupilFactory(programme=p, school=s),
            ),
        ),
        (
            GatheringSession,
            lambda p, s: factories.GatheringSessionFactory(
                gathering=factories.GatheringFactory(programme=p),
                instructor=factories.InstructorFactory(programme=p),
            ),
        ),
        (
            BudgetLine,
            lambda p, s: BudgetLine.objects.create(
                programme=p,
                activity=AnnualPlanItem.objects.create(
                    programme=p, kind="workshop", title="x", starts_on=dt.date(2026, 3, 1)
                ),
                category="food",
                description="x",
            ),
        ),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_lists_make_the_same_number_of_queries_for_3_and_30_rows(
    admin_client, programme, school, django_assert_num_queries, model, make
) -> None:
    for _ in range(3):
        make(programme, school)
    path = admin_url(model, "changelist")
    admin_client.get(path)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(path)
    for _ in range(27):
        make(programme, school)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(path)
