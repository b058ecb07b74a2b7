"""The admission records in the administration: listed, searchable, and read-only evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Application, Contract, GuardianInvitation, Placement
from kulturskole.models import OutboundMessage
from tests import factories
from waitlist.models import AdmissionRound, Audition, PlaceOffer, WaitingListSnapshot

pytestmark = pytest.mark.django_db

MODELS = [
    Application,
    Placement,
    Contract,
    GuardianInvitation,
    Audition,
    AdmissionRound,
    PlaceOffer,
    WaitingListSnapshot,
    OutboundMessage,
]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def records(school, guardian_user, household):
    application = factories.ApplicationFactory(pupil=factories.PupilFactory(household=household))
    term = factories.TermFactory(school=school)
    placement = factories.PlacementFactory(pupil=application.pupil, offer=application.offer)
    round_ = AdmissionRound.objects.create(
        school=school, term=term, kind="main", seed=1, run_at=timezone.now()
    )
    PlaceOffer.objects.create(
        application=application,
        offer=application.offer,
        pupil=application.pupil,
        term=term,
        round=round_,
        offered_at=timezone.now(),
        reply_by=timezone.now() + dt.timedelta(days=14),
    )
    Audition.objects.create(
        pupil=application.pupil, offer=application.offer, requested_at=timezone.now()
    )
    WaitingListSnapshot.objects.create(school=school, day=dt.date(2026, 3, 1), children=3)
    GuardianInvitation.objects.create(
        household=household, email="to@example.org", first_name="To", last_name="Foresatt"
    )
    OutboundMessage.objects.create(
        key="k", template="place_offered", to_email="a@example.org", language="nb"
    )
    return placement


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admission_records_are_listed_for_a_superuser(admin_client, records, model):
    assert admin.site.is_registered(model)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "x"}).status_code == 200


@pytest.mark.parametrize("model", [AdmissionRound, PlaceOffer, Contract, OutboundMessage])
def test_decisions_and_sent_mail_cannot_be_added_or_changed_in_the_admin(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert admin_client.get(url).status_code == 403
