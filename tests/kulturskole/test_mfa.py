"""Two-factor authentication: required for staff roles, voluntary for everyone else."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from kulturskole.access import Role
from tests import factories
from tests.kulturskole.conftest import is_signed_in, link_in, sign_in, totp_code_for

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture
def office_without_totp(school):
    user = factories.UserFactory(email="new-office@example.org")
    factories.StaffRoleFactory(user=user, school=school, role=Role.OFFICE)
    return user


def activate_totp(client: Client) -> object:
    """Reads the secret from the set-up page and answers with the app's code."""
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert response.context["totp_svg_data_uri"].startswith("data:image/svg+xml;base64,")
    assert secret in response.content.decode()
    return client.post(ACTIVATE, {"code": totp_code_for(secret)})


def test_staff_without_totp_is_sent_to_totp_setup_from_any_page_then_reaches_dashboard(
    client: Client, office_without_totp, school, steady_clock: None
) -> None:
    response = sign_in(client, office_without_totp.email)
    assert response.status_code == 302
    assert is_signed_in(client)

    for path in ["/dashboard/", "/", f"/schools/{school.slug}/", f"/office/{school.slug}/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path

    # allauth asks for the password again before the sign-in method changes.
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE

    response = activate_totp(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(
        user=office_without_totp, type=Authenticator.Type.TOTP
    ).exists()
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    assert len(response.context["unused_codes"]) == 10
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert school.name in response.content.decode()


def test_staff_without_totp_sees_why_setup_is_required(client: Client, office_without_totp) -> None:
    client.cookies["django_language"] = "en"
    sign_in(client, office_without_totp.email)

    response = client.get("/dashboard/", follow=True)

    assert "two-factor authentication is required" in response.content.decode()


def test_htmx_requests_of_staff_without_totp_get_a_client_side_redirect(
    client: Client, office_without_totp
) -> None:
    sign_in(client, office_without_totp.email)

    response = client.get("/dashboard/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == ACTIVATE


def test_principal_and_project_leader_and_superuser_without_totp_are_redirected_too(
    client: Client, school
) -> None:
    principal = factories.UserFactory()
    factories.StaffRoleFactory(user=principal, school=school, role=Role.PRINCIPAL)
    project_leader = factories.RegionalRoleFactory(role=Role.PROJECT_LEADER).user
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)

    for user in [principal, project_leader, superuser]:
        browser = Client()
        sign_in(browser, user.email)
        assert browser.get("/dashboard/")["Location"] == ACTIVATE, user


@pytest.mark.parametrize("role", [Role.TEACHER, Role.STEERING_GROUP])
def test_teacher_and_steering_group_without_totp_are_not_redirected(
    client: Client, school, role: str
) -> None:
    user = factories.UserFactory()
    if role == Role.TEACHER:
        factories.StaffRoleFactory(user=user, school=school, role=role)
    else:
        factories.RegionalRoleFactory(user=user, role=role)

    assert sign_in(client, user.email)["Location"] == reverse("dashboard")
    assert client.get("/dashboard/").status_code == 200


def test_guardian_without_totp_is_not_redirected(client: Client, guardian_user) -> None:
    sign_in(client, guardian_user.email)

    response = client.get("/dashboard/")

    assert response.status_code == 200


def test_guardian_may_turn_totp_on_voluntarily(
    client: Client, guardian_user, steady_clock: None
) -> None:
    sign_in(client, guardian_user.email)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    response = activate_totp(client)

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=guardian_user, type="totp").exists()


def test_staff_with_totp_must_enter_a_code_at_login(
    client: Client, office_user, steady_clock: None
) -> None:
    response = sign_in(client, office_user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get("/dashboard/")["Location"].startswith(reverse("account_login"))

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert response.context["form"].errors["code"]

    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_works_instead_of_the_app(
    client: Client, office_user, steady_clock: None
) -> None:
    code = RecoveryCodes.activate(office_user).get_unused_codes()[0]
    sign_in(client, office_user.email)

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert is_signed_in(client)


def test_staff_cannot_turn_totp_off(client: Client, office_user, steady_clock: None) -> None:
    sign_in(client, office_user.email)
    client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=office_user, type="totp").exists()


def test_guardian_may_turn_totp_off_again(client: Client, household) -> None:
    guardian = factories.GuardianFactory(household=household, user__totp=True).user
    client.force_login(guardian)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=guardian, type="totp").exists()


def test_mfa_pages_render_for_a_user_with_totp(client: Client, guardian_user) -> None:
    factories.give_totp(guardian_user)
    RecoveryCodes.activate(guardian_user)
    client.force_login(guardian_user)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    for name in [
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'


def test_staff_without_a_password_confirms_by_email_code_before_setting_up_totp(
    client: Client, school, mailoutbox: list, steady_clock: None
) -> None:
    # Someone who signed up with ID-porten has no password to confirm with.
    user = factories.UserFactory(email="idporten-office@example.org")
    user.set_unusable_password()
    user.save()
    factories.StaffRoleFactory(user=user, school=school, role=Role.OFFICE)
    client.force_login(user)

    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_request_reauthentication_code"))
    request_page = response["Location"]
    assert client.get(request_page).status_code == 200
    response = client.post(request_page, {"recipient": user.email})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_reauthentication_code"))
    confirm_page = response["Location"]
    [mail] = mailoutbox
    code = client.session["account_email_reauthentication_code"]["code"]
    assert code in mail.body
    assert client.get(confirm_page).status_code == 200

    response = client.post(confirm_page, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    assert activate_totp(client).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_staff_with_an_unconfirmed_address_can_confirm_it_before_setting_up_totp(
    client: Client, office_without_totp, mailoutbox: list
) -> None:
    # allauth refuses TOTP while any address is unconfirmed, so the e-mail pages stay open.
    address = EmailAddress.objects.create(
        user=office_without_totp, email="second@example.org", verified=False
    )
    client.force_login(office_without_totp)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    response = client.get(ACTIVATE)
    assert response["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    response = client.post(reverse("account_email"), {"email": address.email, "action_send": ""})
    assert response.status_code == 302
    confirm_path = link_in(mailoutbox[-1], r"/accounts/confirm-email/[^/\s]+/")
    assert client.post(confirm_path).status_code == 302
    address.refresh_from_db()
    assert address.verified

    assert client.get(ACTIVATE).status_code == 200
