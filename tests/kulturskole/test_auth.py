"""Signing up, signing in, resetting the password, the rate limit, the admin and the language."""

from __future__ import annotations

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kulturskole.accounts.adapters import AccountAdapter
from tests import factories
from tests.conftest import login
from tests.kulturskole.conftest import is_signed_in, link_in, sign_in, totp_code_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a completely different passphrase"


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Siri",
        "last_name": "Berg",
        "email": "siri@example.org",
        "password1": factories.PASSWORD,
        "password2": factories.PASSWORD,
        **overrides,
    }


def test_login_page_links_to_sign_up_and_password_reset(english: Client) -> None:
    response = english.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("account_signup")}"' in content
    assert "New here?" in content
    assert f'href="{reverse("account_reset_password")}"' in content
    # ID-porten is not configured in the test settings, so there is no button for it.
    assert "ID-porten" not in content


def test_signup_requires_email_verification_before_login_works(
    english: Client, mailoutbox: list
) -> None:
    response = english.post("/accounts/signup/", signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="siri@example.org")
    assert (user.first_name, user.last_name, user.language) == ("Siri", "Berg", "en")
    assert not is_signed_in(english)

    # On another device, before the address is confirmed: no way in.
    browser = Client()
    browser.cookies["django_language"] = "en"
    response = sign_in(browser, "siri@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(browser)

    [mail] = mailoutbox
    assert mail.to == ["siri@example.org"]
    assert mail.subject == "[Kulturskole] Confirm your e-mail address"
    assert "Hello Siri," in mail.body
    assert mail.body.rstrip().splitlines()[-3:] == [
        "Kulturskole",
        "",
        "This e-mail was sent automatically. Replies are not read.",
    ]
    confirm_path = link_in(mail, r"/accounts/confirm-email/[^/\s]+/")

    response = browser.get(confirm_path)
    assert response.status_code == 200
    assert "siri@example.org" in response.content.decode()
    response = browser.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="siri@example.org").verified

    response = sign_in(browser, "siri@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert is_signed_in(browser)


def test_signup_refuses_a_short_password_next_to_the_field(english: Client) -> None:
    response = english.post("/accounts/signup/", signup_data(password1="short", password2="short"))

    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="siri@example.org").exists()
    form = response.context["form"]
    assert form.errors["password1"]
    assert "Please correct the errors marked below." in response.content.decode()


def test_login_with_email_in_any_case(english: Client, guardian_user) -> None:
    response = sign_in(english, "Guardian@Example.ORG")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert english.session["_auth_user_id"] == str(guardian_user.pk)


def test_login_with_a_wrong_password_is_refused_with_a_message(
    english: Client, guardian_user
) -> None:
    response = sign_in(english, guardian_user.email, "not the password")

    assert response.status_code == 200
    assert not is_signed_in(english)
    assert "The e-mail address or the password is not correct." in response.content.decode()


def test_login_rate_limit_refuses_even_the_right_password_after_too_many_failures(
    english: Client, guardian_user
) -> None:
    # "5/5m/key": five failed attempts per account within five minutes.
    per_account = next(
        rule
        for rule in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
        if rule.endswith("/key")
    )
    allowed = int(per_account.split("/")[0])
    for _ in range(allowed):
        response = sign_in(english, guardian_user.email, "not the password")
        assert response.status_code == 200

    response = sign_in(english, guardian_user.email)

    assert response.status_code == 200
    assert not is_signed_in(english)
    with translation.override("en"):
        expected = str(AccountAdapter.error_messages["too_many_login_attempts"])
    assert html.escape(expected) in response.content.decode()


def test_password_reset_full_flow(english: Client, guardian_user, mailoutbox: list) -> None:
    response = english.post("/accounts/password/reset/", {"email": guardian_user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    [mail] = mailoutbox
    assert mail.to == [guardian_user.email]
    assert "Kulturskole" in mail.body
    key_path = link_in(mail, r"/accounts/password/reset/key/[^\s]+/")

    # allauth moves the key out of the URL into the session before showing the form.
    response = english.get(key_path)
    assert response.status_code == 302
    form_path = response["Location"]
    response = english.get(form_path)
    assert response.status_code == 200
    response = english.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    # A security notice follows the reset.
    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == [guardian_user.email]

    browser = Client()
    assert sign_in(browser, guardian_user.email).status_code == 200
    assert not is_signed_in(browser)
    assert sign_in(browser, guardian_user.email, NEW_PASSWORD).status_code == 302
    assert is_signed_in(browser)

    # The link works once.
    response = Client().get(key_path)
    assert response.status_code == 200
    assert response.context["token_fail"]


def test_password_reset_for_an_unknown_address_looks_the_same_and_says_so_by_email(
    english: Client, mailoutbox: list
) -> None:
    response = english.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    [mail] = mailoutbox
    assert mail.to == ["nobody@example.org"]
    assert reverse("account_signup") in mail.body


def test_admin_sends_anonymous_visitors_to_the_allauth_login(client: Client) -> None:
    response = client.get("/admin/", follow=True)

    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith(reverse("account_login"))
    assert "next=/admin/" in final_url.replace("%2F", "/")
    assert response.status_code == 200


def test_superuser_with_totp_reaches_admin_after_password_and_code(
    client: Client, superuser, steady_clock: None
) -> None:
    response = sign_in(client, superuser.email, next="/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["user"] == superuser


def test_admin_lists_and_finds_users_by_email_and_name(client: Client, superuser) -> None:
    factories.UserFactory(email="kari@example.org", first_name="Kari", last_name="Nordmann")
    factories.UserFactory(email="ola@example.org", first_name="Ola", last_name="Hansen")
    login(client, superuser)

    response = client.get("/admin/accounts/user/", {"q": "nordmann"})
    assert response.status_code == 200
    assert [user.email for user in response.context["cl"].result_list] == ["kari@example.org"]

    response = client.get("/admin/accounts/user/", {"q": "ola@"})
    assert [user.email for user in response.context["cl"].result_list] == ["ola@example.org"]

    response = client.get("/admin/accounts/user/", {"two_factor": "yes"})
    assert [user.email for user in response.context["cl"].result_list] == [superuser.email]


def test_admin_adds_a_user_with_email_and_password(client: Client, superuser) -> None:
    login(client, superuser)
    response = client.get("/admin/accounts/user/add/")
    assert response.status_code == 200
    assert "username" not in response.context["adminform"].form.fields

    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Teacher@Example.org",
            "first_name": "Nina",
            "last_name": "Lie",
            "language": "nn",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.teacher@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert user.language == "nn"
    assert EmailAddress.objects.filter(user=user, email=user.email, primary=True).exists()
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200


def test_a_language_choice_is_saved_and_used_on_a_new_device(guardian_user) -> None:
    phone = Client()
    assert sign_in(phone, guardian_user.email).status_code == 302
    response = phone.post("/i18n/setlang/", {"language": "nn", "next": "/dashboard/"})
    assert response.status_code == 302
    guardian_user.refresh_from_db()
    assert guardian_user.language == "nn"

    laptop = Client()
    response = laptop.get("/accounts/login/")
    assert 'lang="nb"' in response.content.decode()
    assert sign_in(laptop, guardian_user.email).status_code == 302

    response = laptop.get("/dashboard/")
    assert response.status_code == 200
    assert re.search(r'<html lang="nn"', response.content.decode())
    assert laptop.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"


def test_totp_code_helper_matches_the_factory_secret(steady_clock: None) -> None:
    assert totp_code_for(factories.TOTP_SECRET) == factories.totp_code()


def test_emails_go_out_in_the_recipients_saved_language(
    english: Client, guardian_user, mailoutbox: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    guardian_user.language = "nn"
    guardian_user.save()
    languages = []
    render_mail = AccountAdapter.render_mail

    def remember_language(self, *args, **kwargs):
        languages.append(translation.get_language())
        return render_mail(self, *args, **kwargs)

    monkeypatch.setattr(AccountAdapter, "render_mail", remember_language)

    english.post("/accounts/password/reset/", {"email": guardian_user.email})
    english.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    # The known user gets Nynorsk; the unknown address gets the language of the page.
    assert languages == ["nn", "en"]
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/login/", 200),
        ("/accounts/signup/", 200),
        ("/accounts/confirm-email/", 200),
        ("/accounts/confirm-email/not-a-key/", 200),
        ("/accounts/password/reset/", 200),
        ("/accounts/password/reset/done/", 200),
        ("/accounts/password/reset/key/1-not-a-key/", 200),
        ("/accounts/password/reset/key/done/", 200),
        ("/accounts/inactive/", 200),
        ("/accounts/3rdparty/login/cancelled/", 200),
        # allauth answers a failed third-party sign-in with 401 Unauthorized.
        ("/accounts/3rdparty/login/error/", 401),
    ],
)
def test_entrance_pages_render_in_our_layout_without_inline_styles(
    english: Client, path: str, status: int
) -> None:
    response = english.get(path)

    assert response.status_code == status, path
    content = response.content.decode()
    assert 'class="auth-card"' in content
    assert "style=" not in content
    assert "<script>" not in content


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "socialaccount_connections",
    ],
)
def test_account_pages_render_for_a_signed_in_guardian(
    english: Client, guardian_user, name: str
) -> None:
    login(english, guardian_user)

    response = english.get(reverse(name))

    assert response.status_code == 200, name
    assert "style=" not in response.content.decode()


def test_set_password_page_renders_for_a_user_without_password(english: Client) -> None:
    user = factories.UserFactory()
    user.set_unusable_password()
    user.save()
    login(english, user)

    assert english.get(reverse("account_change_password"))["Location"] == reverse(
        "account_set_password"
    )
    response = english.get(reverse("account_set_password"))
    assert response.status_code == 200
    assert "Your account has no password yet." in response.content.decode()
