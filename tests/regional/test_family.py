"""Guardians register their own child (with consent), give feedback and vote; nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from regional.models import ActivitySuggestion, Feedback, Registration, SuggestionVote
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(programme: Any, school: Any, guardian_user: Any, household: Any) -> Any:
    pupil = factories.PupilFactory(household=household, first_name="Ida")
    return factories.InDepthPupilFactory(
        programme=programme, school=school, pupil=pupil, first_name="Ida", discipline="singing"
    )


@pytest.fixture
def other_child(programme: Any, school: Any) -> Any:
    pupil = factories.PupilFactory(first_name="Hemmelig")
    return factories.InDepthPupilFactory(
        programme=programme, school=school, pupil=pupil, first_name="Hemmelig"
    )


def register_url(child: Any, gathering: Any) -> str:
    return reverse(
        "regional:family_register", kwargs={"child": child.pk, "gathering": gathering.pk}
    )


def test_the_family_page_shows_the_gathering_open_for_the_child(
    client, guardian_user, child, gathering, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
    page = login(client, guardian_user).get(reverse("regional:family")).content.decode()
    assert gathering.title in page
    assert register_url(child, gathering) in page


def test_a_guardian_registers_their_child_with_consent(
    client, guardian_user, child, gathering, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
    login(client, guardian_user)
    response = client.post(register_url(child, gathering), {"dietary_needs": "Nøtteallergi"})
    assert response.status_code == 200
    assert "Your consent is needed" in response.content.decode()
    assert not Registration.objects.exists()
    response = client.post(
        register_url(child, gathering), {"dietary_needs": "Nøtteallergi", "consent": "on"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.pupil, registration.dietary_needs) == (child, "Nøtteallergi")
    assert registration.guardian_consent_at is not None
    assert registration.registered_by == guardian_user


def test_a_guardian_cannot_register_another_households_child(
    client, guardian_user, child, other_child, gathering
):
    response = login(client, guardian_user).post(
        register_url(other_child, gathering), {"consent": "on"}
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_a_guardian_gives_feedback_on_the_childs_own_sessions(
    client, guardian_user, child, gathering, time_machine
):
    time_machine.move_to(dt.datetime(2026, 2, 8, 12, tzinfo=dt.UTC))
    everyone = factories.GatheringSessionFactory(gathering=gathering, title="Oppvarming")
    dance = factories.GatheringSessionFactory(
        gathering=gathering,
        title="Koreografi",
        starts_at=dt.time(12),
        ends_at=dt.time(14),
        disciplines=["dance"],
    )
    factories.RegistrationFactory(gathering=gathering, pupil=child, attendance="present")
    address = reverse(
        "regional:family_feedback", kwargs={"child": child.pk, "gathering": gathering.pk}
    )
    login(client, guardian_user)
    page = client.get(address).content.decode()
    assert "Oppvarming" in page
    assert "Koreografi" not in page
    response = client.post(address, {f"rating_{everyone.pk}": "5", f"rating_{dance.pk}": "1"})
    assert response.status_code == 302
    assert list(Feedback.objects.values_list("session__title", "rating", "pupil")) == [
        ("Oppvarming", 5, child.pk)
    ]


def test_no_feedback_for_a_gathering_the_child_was_not_at(client, guardian_user, child, gathering):
    address = reverse(
        "regional:family_feedback", kwargs={"child": child.pk, "gathering": gathering.pk}
    )
    assert login(client, guardian_user).get(address).status_code == 404


def test_a_child_suggests_and_votes_and_takes_the_vote_back(
    client, guardian_user, child, programme
):
    login(client, guardian_user)
    client.post(
        reverse("regional:family_suggest", kwargs={"child": child.pk}), {"title": "Beatmaking"}
    )
    suggestion = ActivitySuggestion.objects.get()
    assert suggestion.suggested_by == child
    assert SuggestionVote.objects.filter(suggestion=suggestion, pupil=child).exists()
    vote = reverse("regional:family_vote", kwargs={"child": child.pk, "suggestion": suggestion.pk})
    client.post(vote)
    assert not SuggestionVote.objects.exists()
    client.post(vote)
    assert SuggestionVote.objects.count() == 1


def test_a_guardian_cannot_vote_for_another_child(
    client, guardian_user, child, other_child, programme
):
    suggestion = ActivitySuggestion.objects.create(
        programme=programme, title="Tur", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    response = login(client, guardian_user).post(
        reverse(
            "regional:family_vote", kwargs={"child": other_child.pk, "suggestion": suggestion.pk}
        )
    )
    assert response.status_code == 404
    assert not SuggestionVote.objects.exists()


def test_staff_and_the_project_leader_have_no_family_page(client, office_user):
    assert login(client, office_user).get(reverse("regional:family")).status_code == 403
