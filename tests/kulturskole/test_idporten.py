"""Signing in with ID-porten through allauth's OpenID Connect provider, against a mocked server.

allauth's callback makes these requests to the provider: the discovery document, the token
endpoint (code + PKCE verifier + client secret) and the userinfo endpoint. The id_token comes
straight from the token endpoint over TLS, so allauth does not check its signature (OIDC Core
3.1.3.7) and does not fetch the JWKS; the keys are served anyway, and the token is signed, so
the test keeps working if allauth starts to verify.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.kulturskole.conftest import is_signed_in, link_in

pytestmark = pytest.mark.django_db

SERVER = "https://idporten.example"
ISSUER = f"{SERVER}/"
CLIENT_ID = "kulturskole-test"
SUB = "L4vS3Cr3tSubj3ct1d3nt1f13rF0rT3st1ng="
PID = "24079409630"  # a synthetic national identity number (test data)
LOGIN_URL = "/accounts/oidc/idporten/login/"
CALLBACK_URL = "/accounts/oidc/idporten/login/callback/"

SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEY_ID = "test-key"


@pytest.fixture
def idporten(settings: Any) -> None:
    """ID-porten configured as settings.py does when IDPORTEN_CLIENT_ID/SECRET are set."""
    settings.IDPORTEN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "client-secret",
                    "settings": {
                        "server_url": SERVER,
                        "token_auth_method": "client_secret_post",
                        "auth_params": {"acr_values": "idporten-loa-substantial"},
                        "scope": ["openid", "profile"],
                    },
                }
            ],
        }
    }


def id_token(**claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": SUB,
        "pid": PID,
        "acr": "idporten-loa-substantial",
        "amr": ["BankID"],
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(payload, SIGNING_KEY, algorithm="RS256", headers={"kid": KEY_ID})


@pytest.fixture
def provider(idporten: None) -> Iterator[responses.RequestsMock]:
    """The provider's endpoints. Each token request gets a fresh id_token."""
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(
            f"{SERVER}/.well-known/openid-configuration",
            json={
                "issuer": ISSUER,
                "authorization_endpoint": "https://login.idporten.example/authorize",
                "token_endpoint": f"{SERVER}/token",
                "userinfo_endpoint": f"{SERVER}/userinfo",
                "jwks_uri": f"{SERVER}/jwks.json",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
            },
        )
        mock.add_callback(
            responses.POST,
            f"{SERVER}/token",
            callback=lambda request: (
                200,
                {"Content-Type": "application/json"},
                json.dumps(
                    {
                        "access_token": "access-token",
                        "token_type": "Bearer",
                        "expires_in": 120,
                        "id_token": id_token(),
                    }
                ),
            ),
        )
        mock.get(
            f"{SERVER}/userinfo",
            json={"sub": SUB, "pid": PID, "locale": "nb", "acr": "idporten-loa-substantial"},
        )
        mock.get(f"{SERVER}/jwks.json", json={"keys": [{**public_jwk, "kid": KEY_ID}]})
        yield mock


def start_login(client: Client) -> dict[str, list[str]]:
    """Presses 'Sign in with ID-porten' and follows the redirect to the authorize endpoint."""
    response = client.post(LOGIN_URL)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://login.idporten.example/authorize"
    )
    return parse_qs(location.query)


def return_from_idporten(client: Client, state: str) -> Any:
    return client.get(CALLBACK_URL, {"code": "authorization-code", "state": state})


def assert_no_identity_number(data: Any) -> None:
    text = json.dumps(data)
    assert PID not in text
    assert '"pid"' not in text


def test_login_page_shows_the_idporten_button_only_when_configured(
    client: Client, settings: Any
) -> None:
    assert "ID-porten" not in client.get("/accounts/login/").content.decode()

    settings.IDPORTEN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": CLIENT_ID,
                    "secret": "client-secret",
                    "settings": {"server_url": SERVER},
                }
            ]
        }
    }
    content = client.get("/accounts/login/").content.decode()
    assert f'<form method="post" action="{LOGIN_URL}?process=login"' in content
    assert "ID-porten" in content


def test_idporten_sign_in_creates_a_user_after_asking_for_email_and_never_stores_pid(
    client: Client, provider: responses.RequestsMock, mailoutbox: list
) -> None:
    query = start_login(client)
    assert query["client_id"] == [CLIENT_ID]
    assert query["acr_values"] == ["idporten-loa-substantial"]
    assert query["code_challenge_method"] == ["S256"]
    assert set(query["scope"][0].split()) == {"openid", "profile"}
    assert query["redirect_uri"] == [f"http://testserver{CALLBACK_URL}"]

    response = return_from_idporten(client, query["state"][0])

    # ID-porten gives no e-mail address, so allauth asks for one.
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    token_request = next(call.request for call in provider.calls if "/token" in call.request.url)
    token_form = parse_qs(token_request.body)
    assert token_form["code"] == ["authorization-code"]
    assert token_form["client_secret"] == ["client-secret"]
    assert "code_verifier" in token_form
    # The pending sign-up waits in the session, already without the identity number.
    assert_no_identity_number(dict(client.session.items()))
    assert not get_user_model().objects.exists()

    signup_page = client.get(reverse("socialaccount_signup"))
    assert signup_page.status_code == 200
    assert PID not in signup_page.content.decode()
    response = client.post(
        reverse("socialaccount_signup"),
        {"first_name": "Siri", "last_name": "Berg", "email": "siri@example.org"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="siri@example.org")
    assert (user.first_name, user.last_name) == ("Siri", "Berg")
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("idporten", SUB)
    assert account.extra_data["userinfo"]["sub"] == SUB
    assert account.extra_data["id_token"]["acr"] == "idporten-loa-substantial"
    assert_no_identity_number(account.extra_data)
    # E-mail verification is mandatory for ID-porten sign-ups too.
    assert not is_signed_in(client)
    [mail] = mailoutbox
    assert mail.to == ["siri@example.org"]


def test_returning_idporten_user_signs_in_and_pid_is_still_not_stored(
    client: Client, provider: responses.RequestsMock, mailoutbox: list
) -> None:
    query = start_login(client)
    return_from_idporten(client, query["state"][0])
    client.post(
        reverse("socialaccount_signup"),
        {"first_name": "Siri", "last_name": "Berg", "email": "siri@example.org"},
    )
    client.post(link_in(mailoutbox[0], r"/accounts/confirm-email/[^/\s]+/"))
    assert EmailAddress.objects.get(email="siri@example.org").verified

    browser = Client()
    query = start_login(browser)
    response = return_from_idporten(browser, query["state"][0])

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert is_signed_in(browser)
    account = SocialAccount.objects.get(uid=SUB)
    assert browser.session["_auth_user_id"] == str(account.user_id)
    assert SocialAccount.objects.count() == 1
    assert_no_identity_number(account.extra_data)
    assert_no_identity_number(dict(browser.session.items()))


def test_callback_with_a_wrong_state_is_rejected_without_a_500(
    client: Client, provider: responses.RequestsMock
) -> None:
    start_login(client)

    response = client.get(CALLBACK_URL, {"code": "authorization-code", "state": "forged"})

    # allauth answers 401 Unauthorized with our error page.
    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert not any("/token" in call.request.url for call in provider.calls)
    assert not is_signed_in(client)
    assert not get_user_model().objects.exists()


def test_callback_without_any_login_started_is_rejected_without_a_500(
    client: Client, provider: responses.RequestsMock
) -> None:
    response = client.get(CALLBACK_URL, {"code": "authorization-code", "state": "guess"})

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert not SocialAccount.objects.exists()


def test_cancelling_at_idporten_shows_the_cancelled_page(
    client: Client, provider: responses.RequestsMock
) -> None:
    query = start_login(client)

    response = client.get(CALLBACK_URL, {"error": "access_denied", "state": query["state"][0]})

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert client.get(response["Location"]).status_code == 200


def test_a_failing_token_endpoint_shows_the_error_page(
    client: Client, provider: responses.RequestsMock
) -> None:
    provider.replace(responses.POST, f"{SERVER}/token", status=500, body="oops")
    query = start_login(client)

    response = return_from_idporten(client, query["state"][0])

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert not SocialAccount.objects.exists()


def test_opening_the_login_address_directly_asks_before_leaving_for_idporten(
    client: Client, provider: responses.RequestsMock
) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert "socialaccount/login.html" in [t.name for t in response.templates]
    assert not provider.calls


def test_idporten_sign_up_with_an_address_already_in_use_creates_nothing_and_says_so_by_email(
    client: Client, provider: responses.RequestsMock, guardian_user, mailoutbox: list
) -> None:
    query = start_login(client)
    return_from_idporten(client, query["state"][0])

    response = client.post(
        reverse("socialaccount_signup"),
        {"first_name": "Siri", "last_name": "Berg", "email": guardian_user.email.upper()},
    )

    # The page looks as for a new address, so nobody learns which addresses have accounts.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    assert not SocialAccount.objects.exists()
    [mail] = mailoutbox
    assert mail.to == [guardian_user.email]
    assert reverse("account_reset_password") in mail.body
