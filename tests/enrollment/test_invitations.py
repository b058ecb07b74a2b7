"""A second guardian, invited by e-mail: sending, accepting, expiry and cancelling."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from enrollment.models import Guardian, GuardianInvitation
from enrollment.services import family as services
from kulturskole.models import AuditEvent, OutboundMessage
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
SENT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def on_the_day_it_is_sent():
    with time_machine.travel(SENT, tick=False):
        yield


@pytest.fixture
def guardian_client(client, guardian_user):
    return login(client, guardian_user)


@pytest.fixture
def invitee(db):
    """Someone with an account under another address than the invitation was sent to."""
    return factories.UserFactory(email="kari.privat@example.org", first_name="Kari")


def browser(user=None) -> Client:
    other = Client()
    other.cookies["django_language"] = "en"
    return login(other, user) if user else other


def invite(client, household, email="kari@example.org"):
    return client.post(
        f"/family/households/{household.pk}/invite/",
        {"first_name": "Kari", "last_name": "Hansen", "email": email},
        follow=True,
    )


def link_in(message: OutboundMessage) -> str:
    match = re.search(r"http://[^/\s]+(/family/invitations/\S+/)", message.context["body"])
    assert match, message.context["body"]
    return match.group(1)


def sent_link(client, household) -> str:
    invite(client, household)
    return link_in(OutboundMessage.objects.get(template="guardian_invitation"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may invite and cancel ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, household):
    invitation = GuardianInvitation.objects.create(household=household, email="a@example.org")
    for url in (
        f"/family/households/{household.pk}/invite/",
        f"/family/invitations/{invitation.pk}/cancel/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_office_staff_without_a_household_get_403(client, office_user, household):
    invitation = GuardianInvitation.objects.create(household=household, email="a@example.org")
    login(client, office_user)
    assert client.get(f"/family/households/{household.pk}/invite/").status_code == 403
    assert client.get(f"/family/invitations/{invitation.pk}/cancel/").status_code == 403


def test_another_household_gets_404(client, household, other_school):
    elsewhere = factories.HouseholdFactory(school=other_school)
    stranger = factories.GuardianFactory(household=elsewhere).user
    invitation = GuardianInvitation.objects.create(household=household, email="a@example.org")
    login(client, stranger)
    assert client.get(f"/family/households/{household.pk}/invite/").status_code == 404
    assert client.get(f"/family/invitations/{invitation.pk}/cancel/").status_code == 404
    assert client.post(f"/family/invitations/{invitation.pk}/cancel/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


# --- Sending ----------------------------------------------------------------------------------


def test_the_family_page_offers_to_invite_another_guardian(guardian_client, household):
    content = guardian_client.get("/family/").content.decode()
    assert f'href="/family/households/{household.pk}/invite/"' in content
    assert "Invite another guardian" in content


def test_an_invitation_is_sent_once_by_email_with_a_signed_link(
    guardian_client, household, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(guardian_client, household)
    invitation = GuardianInvitation.objects.get()
    assert (invitation.email, invitation.first_name, invitation.household) == (
        "kari@example.org",
        "Kari",
        household,
    )
    assert any("An invitation is sent to kari@example.org" in m for m in messages_of(response))
    message = OutboundMessage.objects.get(key=f"guardian-invitation-{invitation.pk}")
    assert message.to_email == "kari@example.org"
    assert "Hansen" in message.context["subject"]
    assert link_in(message).startswith("/family/invitations/")
    assert [m.to for m in mail.outbox] == [["kari@example.org"]]
    # The family page lists it as waiting, with a way to cancel it.
    assert "valid until 16 March 2026" in response.content.decode()
    assert f"/family/invitations/{invitation.pk}/cancel/" in response.content.decode()
    assert AuditEvent.objects.filter(action="guardian.invited").count() == 1


def test_an_address_that_is_already_a_guardian_or_invited_is_refused(
    guardian_client, guardian_user, household
):
    response = invite(guardian_client, household, email=guardian_user.email.upper())
    assert (
        "is already a guardian in household Hansen" in response.context["form"].errors["email"][0]
    )
    invite(guardian_client, household)
    response = invite(guardian_client, household)
    assert "was sent on" in response.context["form"].errors["email"][0]
    assert GuardianInvitation.objects.count() == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(guardian_client, guardian_user, household):
    invite(guardian_client, household)
    with time_machine.travel(SENT + dt.timedelta(days=15), tick=False):
        response = invite(login(Client(), guardian_user), household)
    assert response.status_code == 200
    first, second = GuardianInvitation.objects.order_by("pk")
    assert first.cancelled_at is not None and second.cancelled_at is None


def test_a_bad_email_address_is_refused_next_to_the_field(guardian_client, household):
    response = guardian_client.post(
        f"/family/households/{household.pk}/invite/",
        {"first_name": "Kari", "last_name": "Hansen", "email": "kari-at-example"},
    )
    assert (
        "Enter an e-mail address such as name@example.org."
        in response.context["form"].errors["email"]
    )
    assert not GuardianInvitation.objects.exists()


# --- Accepting --------------------------------------------------------------------------------


def test_an_invitee_who_is_not_signed_in_is_asked_to_sign_in_or_up_and_comes_back(
    guardian_client, household
):
    link = sent_link(guardian_client, household)
    content = browser().get(link).content.decode()
    assert "invites you to be a guardian in household" in content
    next_query = "next=" + link.replace("/", "%2F").replace(":", "%3A")
    assert f"/accounts/login/?{next_query}" in content
    assert f"/accounts/signup/?{next_query}" in content
    response = browser().post(link)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Guardian.objects.count() == 1


def test_the_invitation_end_to_end(guardian_client, household, invitee):
    link = sent_link(guardian_client, household)
    kari = browser(invitee)
    page = kari.get(link).content.decode()
    assert "You are signed in as <strong>kari.privat@example.org</strong>" in page
    response = kari.post(link, follow=True)
    assert "Welcome: you are now a guardian in household Hansen." in messages_of(response)
    guardian = Guardian.objects.get(user=invitee)
    assert guardian.household == household
    assert (guardian.first_name, guardian.last_name) == ("Kari", "Hansen")
    assert guardian.email == "kari.privat@example.org"
    invitation = GuardianInvitation.objects.get()
    assert invitation.accepted_by == invitee and invitation.accepted_at == SENT
    assert AuditEvent.objects.filter(action="guardian.invitation_accepted").count() == 1
    # Kari now sees the household, and the inviting guardian sees Kari among the guardians.
    assert kari.get("/family/").status_code == 200
    family = guardian_client.get("/family/").content.decode()
    assert "kari.privat@example.org" in family
    assert f"/family/invitations/{invitation.pk}/cancel/" not in family


def test_a_used_link_gives_a_clear_message(guardian_client, household, invitee):
    link = sent_link(guardian_client, household)
    browser(invitee).post(link)
    someone = factories.UserFactory(email="someone@example.org")
    content = browser(someone).get(link).content.decode()
    assert "This invitation has already been used." in content
    browser(someone).post(link)
    assert not Guardian.objects.filter(user=someone).exists()


def test_the_link_expires_after_14_days(guardian_client, household, invitee):
    link = sent_link(guardian_client, household)
    with time_machine.travel(SENT + dt.timedelta(days=13, hours=23), tick=False):
        assert "Accept the invitation" in browser(invitee).get(link).content.decode()
    with time_machine.travel(SENT + dt.timedelta(days=14, minutes=1), tick=False):
        kari = browser(invitee)
        assert "This invitation has expired" in kari.get(link).content.decode()
        kari.post(link)
    assert not Guardian.objects.filter(user=invitee).exists()
    assert GuardianInvitation.objects.get().accepted_at is None


def test_a_cancelled_or_forged_link_gives_a_clear_message(guardian_client, household, invitee):
    link = sent_link(guardian_client, household)
    invitation = GuardianInvitation.objects.get()
    page = guardian_client.get(f"/family/invitations/{invitation.pk}/cancel/").content.decode()
    assert "Cancel the invitation?" in page
    assert GuardianInvitation.objects.get().cancelled_at is None
    response = guardian_client.post(f"/family/invitations/{invitation.pk}/cancel/", follow=True)
    assert (
        "The invitation to kari@example.org is cancelled; its link no longer works."
        in messages_of(response)
    )
    kari = browser(invitee)
    assert "This invitation was cancelled by the household." in kari.get(link).content.decode()
    kari.post(link)
    assert not Guardian.objects.filter(user=invitee).exists()
    forged = link.replace("/family/invitations/", "/family/invitations/x")
    assert "This invitation link is not valid." in kari.get(forged).content.decode()
    assert AuditEvent.objects.filter(action="guardian.invitation_cancelled").count() == 1


def test_a_guardian_of_the_household_accepting_gets_no_second_guardian_row(
    guardian_client, guardian_user, household
):
    link = sent_link(guardian_client, household)
    response = guardian_client.post(link, follow=True)
    assert "You were already a guardian in household Hansen." in messages_of(response)
    assert Guardian.objects.filter(household=household).count() == 1
    assert GuardianInvitation.objects.get().accepted_by == guardian_user


def test_the_signed_token_carries_only_the_invitation(household):
    invitation = GuardianInvitation.objects.create(household=household, email="a@example.org")
    token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation
    with pytest.raises(services.InvitationError):
        services.invitation_from_token(token[:-2] + "xx")
