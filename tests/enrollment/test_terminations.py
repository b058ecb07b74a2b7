"""§9d–f: the office terminates a place with a written justification; the letter is a PDF that
goes home by e-mail; appeals (ii–iv only) are registered and resolved with a record."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from enrollment.models import Placement, Termination
from enrollment.services import lifecycle
from kulturskole.models import AuditEvent, OutboundMessage
from tests import factories
from tests.conftest import login
from tests.enrollment.test_office_lifecycle import (
    MONDAYS,
    TODAY,
    make_group,
    make_lessons,
    make_member,
    register,
    text,
    url,
)

JUSTIFICATION = (
    "Ola har vært borte fra undervisningen tre mandager på rad uten at hjemmet har gitt beskjed.\n"
    "Skolen ringte hjemmet 15. september uten å få svar."
)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def flagged(school: Any, household: Any, guardian_user: Any) -> Placement:
    """Ola, with three unreported absences in a row in the autumn term (§9d ii)."""
    # The letter is written in the household's language; this household reads English.
    guardian_user.language = "en"
    guardian_user.save()
    group = make_group(school, teacher=factories.UserFactory())
    factories.GuardianFactory(
        household=household, user=None, email="", first_name="Per", last_name="Hansen"
    )
    placement = make_member(group, household=household, first_name="Ola")
    lessons = make_lessons(group, MONDAYS[:4])
    register(lessons[:1], placement, "present")
    register(lessons[1:], placement, "absent")
    return placement


def decision(placement: Placement, **changes: Any) -> dict[str, Any]:
    data = {
        "placement": placement.pk,
        "reason": "consecutive",
        "term": placement.starts_term.pk,
        "justification": JUSTIFICATION,
        "effective_on": "2026-10-19",
    }
    data.update(changes)
    return data


def decide(office: Client, school: Any, placement: Placement, **changes: Any) -> Any:
    return office.post(
        url("office:termination_decide", school, pk=placement.pupil_id),
        decision(placement, **changes),
    )


def pdf_text(data: bytes, tmp_path: Any) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# --- The decision, end to end -------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_s9d_termination_from_the_flag_to_the_letter_in_the_home(
    office: Client, school: Any, flagged: Placement, tmp_path: Any
) -> None:
    pupil = flagged.pupil
    new = url("office:termination_new", school, pk=pupil.pk)

    # 1. The form, prefilled from the flag.
    form_page = office.get(
        new, {"placement": flagged.pk, "reason": "consecutive", "term": flagged.starts_term.pk}
    )
    assert form_page.status_code == 200

    # 2. The confirmation shows what the letter will say; nothing is decided yet.
    confirm = office.post(new, decision(flagged))
    page = text(confirm)
    assert confirm.templates[0].name == "office/lifecycle/termination_confirm.html"
    assert "End the place of Ola Hansen" in page
    assert "§9d ii: the school may end a place after 3 absences in a row" in page
    assert "31 Aug, 7 Sep, 14 Sep" in page
    assert "tre mandager på rad" in page
    assert "19 October 2026" in page
    assert "right to appeal" in page
    assert "to 1 guardian" in page  # Per has no e-mail address
    assert not Termination.objects.exists()

    # 3. Deciding stores the letter and e-mails it with the PDF attached.
    response = decide(office, school, flagged)
    termination = Termination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("office:termination", school, pk=termination.pk)
    assert termination.reason == Termination.Reason.CONSECUTIVE_ABSENCES
    assert termination.justification == JUSTIFICATION
    with termination.letter.open("rb") as handle:
        letter = handle.read()
    assert letter.startswith(b"%PDF")
    messages = OutboundMessage.objects.filter(key__startswith=f"termination-{termination.pk}-")
    assert messages.count() == 1
    message = messages.get()
    assert message.template == "termination_decision"
    assert message.attachment.name.endswith(".pdf")
    with message.attachment.open("rb") as handle:
        assert handle.read() == letter

    flagged.refresh_from_db()
    assert flagged.ends_on == dt.date(2026, 10, 19)
    assert flagged.end_reason == Placement.EndReason.TERMINATION
    assert flagged.status == Placement.Status.ACTIVE  # until the day it ends

    # 4. The decision page, the letter and the record.
    detail = text(office.get(url("office:termination", school, pk=termination.pk)))
    assert "tre mandager på rad" in detail
    assert "Register an appeal" in detail
    assert termination.letter_sha256 in detail
    assert "terminated" in detail  # the audit history
    download = office.get(url("office:termination_letter", school, pk=termination.pk))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == letter

    # 5. The letter names the school, the pupil, the rule and the justification (§9f).
    words = " ".join(pdf_text(letter, tmp_path).split())
    assert "Sandefjord kulturskole" in words
    assert "Ola Hansen" in words
    assert "§9d ii" in words
    assert "tre mandager på rad uten at hjemmet har gitt beskjed" in words
    assert "31 August 2026" in words
    assert "§9e" in words and "appeal" in words


@time_machine.travel(TODAY)
def test_s9d_change_on_the_confirmation_goes_back_to_the_filled_form(
    office: Client, school: Any, flagged: Placement
) -> None:
    response = office.post(
        url("office:termination_new", school, pk=flagged.pupil_id),
        {**decision(flagged), "edit": "1"},
    )
    assert response.templates[0].name == "office/lifecycle/termination_form.html"
    assert "tre mandager på rad" in text(response)


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"justification": "   "}, "justification", "the letter must give the reasons"),
        ({"effective_on": "2026-10-01"}, "effective_on", "before the decision is made"),
        ({"reason": "total"}, "reason", "do not meet §9d iii"),
        ({"term": ""}, "term", "Choose the term the absences were in."),
        ({"reason": "nonsense"}, "reason", "Select a valid choice"),
    ],
)
def test_s9d_a_decision_the_rules_do_not_allow_is_refused_next_to_the_field(
    office: Client,
    school: Any,
    flagged: Placement,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    for name in ("termination_new", "termination_decide"):
        response = office.post(
            url(f"office:{name}", school, pk=flagged.pupil_id), decision(flagged, **changes)
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert message in text(response)
    assert not Termination.objects.exists()
    assert not OutboundMessage.objects.exists()


@time_machine.travel(TODAY)
def test_s9d_iv_needs_no_term_and_is_decided_from_the_pupil(
    office: Client, school: Any, flagged: Placement
) -> None:
    response = decide(office, school, flagged, reason="interest", term="")
    assert response.status_code == 302
    assert Termination.objects.get().reason == "interest"


@time_machine.travel(TODAY)
def test_a_place_already_terminated_cannot_be_terminated_twice(
    office: Client, school: Any, flagged: Placement
) -> None:
    decide(office, school, flagged)
    response = decide(office, school, flagged, reason="interest")
    assert response.status_code == 200
    assert "already decided to end this place" in text(response)
    assert Termination.objects.count() == 1


@time_machine.travel(TODAY)
def test_another_pupils_or_schools_place_cannot_be_chosen(
    office: Client, school: Any, other_school: Any, flagged: Placement
) -> None:
    sibling = factories.PupilFactory(household=flagged.pupil.household)
    response = decide(office, school, flagged, reason="interest")  # the right pupil: fine
    Termination.objects.all().delete()
    Placement.objects.filter(pk=flagged.pk).update(end_reason="", ends_on=None)
    response = office.post(
        url("office:termination_decide", school, pk=sibling.pk),
        decision(flagged, reason="interest"),
    )
    assert "placement" in response.context["form"].errors
    theirs = factories.PupilFactory(household=factories.HouseholdFactory(school=other_school))
    assert (
        office.post(
            url("office:termination_decide", school, pk=theirs.pk), decision(flagged)
        ).status_code
        == 404
    )
    assert not Termination.objects.exists()


@time_machine.travel(TODAY)
def test_the_letter_is_only_for_the_schools_office(
    client: Client, school: Any, flagged: Placement, guardian_user: Any, teacher_user: Any
) -> None:
    termination = lifecycle.termination_decide(
        actor=factories.UserFactory(),
        placement=flagged,
        reason="interest",
        justification="Grunn.",
        effective_on=TODAY.date(),
    )
    letter = url("office:termination_letter", school, pk=termination.pk)
    for user in (guardian_user, teacher_user):
        assert login(client, user).get(letter).status_code == 404


# --- §9f Appeals --------------------------------------------------------------------------------


def terminate(placement: Placement, reason: str) -> Termination:
    return lifecycle.termination_decide(
        actor=factories.UserFactory(),
        placement=placement,
        reason=reason,
        justification="Grunnlag for vedtaket.",
        effective_on=TODAY.date(),
        term=placement.starts_term,
    )


@time_machine.travel(TODAY)
def test_s9f_an_appeal_cannot_be_registered_for_non_payment_and_the_page_says_why(
    office: Client, school: Any, flagged: Placement
) -> None:
    termination = terminate(flagged, Termination.Reason.NON_PAYMENT)
    register_url = url("office:termination_appeal_register", school, pk=termination.pk)
    assert "Under §9f only decisions under ii–iv" in text(office.get(register_url))
    detail = text(office.get(url("office:termination", school, pk=termination.pk)))
    assert "cannot be appealed under the rules" in detail
    assert "Register an appeal" not in detail

    response = office.post(register_url, {"received_on": "2026-10-05", "text": "Vi klager."})
    assert response.status_code == 200
    assert "cannot be appealed under the rules (§9f)" in text(response)
    termination.refresh_from_db()
    assert termination.appeal == ""


@time_machine.travel(TODAY)
def test_s9f_an_overturned_appeal_gives_the_place_back(
    office: Client, school: Any, flagged: Placement
) -> None:
    termination = terminate(flagged, Termination.Reason.CONSECUTIVE_ABSENCES)
    flagged.refresh_from_db()
    assert flagged.status == Placement.Status.ENDED  # effective today

    register_url = url("office:termination_appeal_register", school, pk=termination.pk)
    response = office.post(register_url, {"received_on": "2026-10-06", "text": "Vi klager."})
    assert "cannot be received in the future" in text(response)
    response = office.post(register_url, {"received_on": "2026-10-05", "text": "Vi klager."})
    assert response.status_code == 302
    termination.refresh_from_db()
    assert termination.appeal == Termination.Appeal.PENDING

    resolve = url("office:termination_appeal_resolve", school, pk=termination.pk)
    data = {"outcome": "overturned", "resolution": "Fraværet var meldt til læreren."}
    confirm = office.post(resolve, data)
    assert "gets the place in" in text(confirm)
    termination.refresh_from_db()
    assert termination.appeal == Termination.Appeal.PENDING  # not before confirming

    response = office.post(resolve, {**data, "confirm": "1"})
    assert response.status_code == 302
    termination.refresh_from_db()
    flagged.refresh_from_db()
    assert termination.appeal == Termination.Appeal.OVERTURNED
    assert termination.appeal_resolution == "Fraværet var meldt til læreren."
    assert flagged.status == Placement.Status.ACTIVE
    assert flagged.ends_on is None and flagged.end_reason == ""
    assert AuditEvent.objects.filter(action="termination.appeal_resolved").exists()
    page = text(office.get(url("office:termination", school, pk=termination.pk)))
    assert "Decision overturned" in page and "Fraværet var meldt til læreren." in page


@time_machine.travel(TODAY)
def test_s9f_an_upheld_appeal_leaves_the_place_ended(
    office: Client, school: Any, flagged: Placement
) -> None:
    termination = terminate(flagged, Termination.Reason.CONSECUTIVE_ABSENCES)
    lifecycle.termination_appeal_register(
        actor=None, termination=termination, received_on=TODAY.date(), text="Klage."
    )
    resolve = url("office:termination_appeal_resolve", school, pk=termination.pk)
    response = office.post(resolve, {"outcome": "upheld", "resolution": " ", "confirm": "1"})
    assert "Write what the appeal body decided and why." in text(response)
    office.post(resolve, {"outcome": "upheld", "resolution": "Vedtaket står.", "confirm": "1"})
    termination.refresh_from_db()
    flagged.refresh_from_db()
    assert termination.appeal == Termination.Appeal.UPHELD
    assert flagged.status == Placement.Status.ENDED


@time_machine.travel(TODAY)
def test_the_termination_list_filters_by_appeal_status(
    office: Client, school: Any, flagged: Placement
) -> None:
    termination = terminate(flagged, Termination.Reason.CONSECUTIVE_ABSENCES)
    lists = url("office:terminations", school)
    assert "Hansen, Ola" in text(office.get(lists, {"status": "decided"}))
    assert "No terminations match" in text(office.get(lists, {"status": "pending"}))
    lifecycle.termination_appeal_register(
        actor=None, termination=termination, received_on=TODAY.date(), text="Klage."
    )
    assert "Hansen, Ola" in text(office.get(lists, {"status": "pending"}))
    assert office.get(lists, {"status": "bogus"}).status_code == 200
