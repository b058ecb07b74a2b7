"""The office's admission tables: every applicant with the reason for their place in words,
and an offer's waiting list as CSV or XLSX.

The order is never computed here. Waiting lists come from `waitlist.selectors.waiting_lists`
(the ranking guardians see their position in) and admissions from `services.admission_plan`
or a recorded `AdmissionRound`; this module only puts them into rows staff can read, filter
and download.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from enrollment.models import Application, Offer
from waitlist import rules, selectors
from waitlist.models import PlaceOffer

Standing = rules.AuditionStanding
Reason = rules.Reason


# --- An offer's waiting list ------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingRow:
    """One applicant on an offer's list: waiting (ranked) or with a place offer to answer."""

    application: Application
    status: str  # Application.Status.WAITING or OFFERED
    position: int | None  # None: offered already, or cannot be admitted without audition (§4d)
    reason: Reason | None
    candidate: rules.Candidate | None
    why: tuple[str, ...]
    reply_by: dt.datetime | None = None

    @property
    def pupil(self) -> Any:
        return self.application.pupil

    @property
    def late(self) -> bool:
        return bool(self.candidate and self.candidate.late)

    @property
    def holds_place(self) -> bool:
        return bool(self.candidate and self.candidate.holds_place)

    @property
    def audition(self) -> Standing:
        return self.candidate.audition if self.candidate else Standing.NONE

    @property
    def audition_score(self) -> int | None:
        return self.candidate.audition_score if self.candidate else None

    @property
    def needs_audition(self) -> bool:
        return self.reason == Reason.NEEDS_AUDITION

    @property
    def is_offered(self) -> bool:
        return self.status == Application.Status.OFFERED


@dataclass(frozen=True)
class OfficeWaitingList:
    offer: Offer
    term: Any  # the Term places are offered for now, or None
    rows: list[WaitingRow]

    @property
    def ranked(self) -> int:
        return sum(1 for row in self.rows if row.position is not None)

    @property
    def waiting(self) -> int:
        return sum(1 for row in self.rows if not row.is_offered)

    @property
    def offered(self) -> int:
        return sum(1 for row in self.rows if row.is_offered)


def waiting_list(offer: Offer, *, today: dt.date) -> OfficeWaitingList:
    """The offer's ranked waiting list, then the applicants with a place offer to answer.

    Queries: those of `selectors.waiting_lists`, plus three, whatever the number of applicants.
    """
    ranked = selectors.waiting_lists([offer], today=today)[offer.pk]
    ties = tie_notes([(entry.reason, entry.candidate) for entry in ranked.entries])
    rows = [
        WaitingRow(
            application=entry.application,
            status=Application.Status.WAITING,
            position=entry.position,
            reason=entry.reason,
            candidate=entry.candidate,
            why=(
                *rank_reasons(entry.application, entry.candidate, entry.reason, offer),
                *tie,
            ),
        )
        for entry, tie in zip(ranked.entries, ties, strict=True)
    ]
    place_offers = list(
        PlaceOffer.objects.pending()
        .filter(offer=offer)
        .select_related("application__pupil")
        .order_by("reply_by", "pk")
    )
    facts = None
    if ranked.term is not None and place_offers:
        facts = selectors.pupil_facts(
            (p.application.pupil_id for p in place_offers), offer.school, ranked.term
        )
    policy = selectors.policy_for(offer.school)
    for place_offer in place_offers:
        application = place_offer.application
        application.offer = offer  # known already; saves a query per row
        candidate = (
            selectors.candidate_for(
                application, facts=facts, term=ranked.term, policy=policy, today=today
            )
            if facts is not None
            else None
        )
        reply_by = timezone.localtime(place_offer.reply_by)
        why = [
            _("Place offered, answer by %(date)s") % {"date": formats.date_format(reply_by.date())}
        ]
        if candidate is not None:
            why += flag_reasons(application, candidate, offer)
        rows.append(
            WaitingRow(
                application=application,
                status=Application.Status.OFFERED,
                position=None,
                reason=None,
                candidate=candidate,
                why=tuple(why),
                reply_by=place_offer.reply_by,
            )
        )
    return OfficeWaitingList(offer, ranked.term, rows)


def rank_reasons(
    application: Application, candidate: rules.Candidate, reason: Reason, offer: Offer
) -> list[str]:
    """Why the applicant stands where they stand, most important first."""
    if reason == Reason.RETURNING:
        words = [_("Returning from leave (§14a): first free place, ahead of the list")]
    elif reason == Reason.AUDITION:
        if candidate.audition_score is not None:
            words = [
                _("Passed audition with score %(score)s (§4c): ahead of seniority")
                % {"score": candidate.audition_score}
            ]
        else:
            words = [_("Passed audition (§4c): ahead of seniority")]
    elif reason == Reason.NEEDS_AUDITION:
        words = [_("Needs a passed audition (§4d)") + ": " + audition_state(candidate.audition)]
    else:
        words = [
            _("Seniority from %(date)s (§4a)")
            % {"date": formats.date_format(candidate.seniority_date)}
        ]
    return words + flag_reasons(application, candidate, offer)


def audition_state(standing: Standing) -> str:
    return {
        Standing.PENDING: _("audition requested, not held yet"),
        Standing.FAILED: _("audition not passed"),
        Standing.PASSED: _("audition passed"),
    }.get(standing, _("no audition requested"))


def flag_reasons(application: Application, candidate: rules.Candidate, offer: Offer) -> list[str]:
    """The facts that move an applicant down (or keep their seniority), in words."""
    words = []
    if candidate.late:
        words.append(_("Late application (§3a): after those received in time"))
    if candidate.holds_place:
        if offer.kind == Offer.Kind.PLACE:
            words.append(_("Has a place already (§4e): after pupils without one"))
        else:
            words.append(_("Has a place or course already (§4f): after pupils without one"))
    if application.kind == Application.Kind.SWITCH:
        words.append(_("Switch request from a current place (§11)"))
    elif application.kind == Application.Kind.VACANCY:
        words.append(_("Applied for an advertised vacancy, keeping earned seniority (§5c)"))
    if application.age_exception_reason:
        words.append(
            _("Age exception (§4a): %(reason)s") % {"reason": application.age_exception_reason}
        )
    return words


def tie_notes(ranked: Sequence[tuple[Reason, rules.Candidate]]) -> list[list[str]]:
    """For each ranked applicant: a note when a neighbour is equal up to the seniority date,
    so the submission time (or, failing that, the lottery) decided between them."""

    def key(item: tuple[Reason, rules.Candidate]) -> tuple[Any, ...]:
        reason, c = item
        score = c.audition_score if reason == Reason.AUDITION else None
        return (reason, score, c.late, c.holds_place, c.seniority_date)

    notes: list[list[str]] = []
    for i, item in enumerate(ranked):
        neighbours = [ranked[j] for j in (i - 1, i + 1) if 0 <= j < len(ranked)]
        tied = [n for n in neighbours if key(n) == key(item)]
        if not tied:
            notes.append([])
        elif any(n[1].submitted_at == item[1].submitted_at for n in tied):
            notes.append(
                [_("Same seniority date and submission time as a neighbour: drawn by lot")]
            )
        else:
            notes.append(
                [_("Same seniority date as a neighbour: the earlier submission goes first")]
            )
    return notes


def filter_rows(
    rows: Iterable[WaitingRow],
    *,
    status: str = "waiting",
    audition: str = "",
    late: bool = False,
    holds_place: bool = False,
) -> list[WaitingRow]:
    """The rows the office's filters keep; positions stay those of the whole list."""
    kept = []
    for row in rows:
        if status == "waiting" and row.is_offered:
            continue
        if status == "offered" and not row.is_offered:
            continue
        if late and not row.late:
            continue
        if holds_place and not row.holds_place:
            continue
        if audition == "needs" and not row.needs_audition:
            continue
        if audition in ("passed", "pending", "failed") and row.audition != audition:
            continue
        kept.append(row)
    return kept


# --- Exports ----------------------------------------------------------------------------------


def _headers() -> list[str]:
    return [
        _("Position"),
        _("Pupil"),
        _("Date of birth"),
        _("Status"),
        _("Applied"),
        _("Seniority date"),
        _("Preference"),
        _("Late (§3a)"),
        _("Holds a place (§4e)"),
        _("Audition"),
        _("Reason"),
    ]


# Widths in characters, for the XLSX columns in the order of _headers().
_WIDTHS = [9, 28, 13, 20, 17, 14, 11, 10, 14, 22, 80]


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _audition_cell(row: WaitingRow) -> str:
    if row.audition == Standing.NONE:
        return ""
    text = audition_state(row.audition)
    if row.audition_score is not None:
        text += f" ({row.audition_score})"
    return text


def _values(row: WaitingRow) -> list[Any]:
    """One row of the export as Python values: dates stay dates."""
    application = row.application
    return [
        row.position,
        row.pupil.full_name,
        row.pupil.birth_date,
        application.get_status_display(),
        timezone.localtime(application.submitted_at).replace(tzinfo=None, microsecond=0),
        application.seniority_date,
        application.preference,
        _yes(row.late),
        _yes(row.holds_place),
        _audition_cell(row),
        "; ".join(row.why),
    ]


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_safe(value)


def waiting_list_csv(rows: Sequence[WaitingRow]) -> str:
    """UTF-8 with a byte-order mark and semicolons, as Excel with Norwegian settings reads it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(_headers())
    for row in rows:
        writer.writerow([_csv_value(v) for v in _values(row)])
    return out.getvalue()


def waiting_list_xlsx(rows: Sequence[WaitingRow], *, title: str) -> bytes:
    """A workbook with a header row, readable column widths and real dates."""
    workbook = Workbook()
    sheet = workbook.active
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Waiting list"
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(_values(row), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, dt.datetime):
                cell.number_format = "dd.mm.yyyy hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "dd.mm.yyyy"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Admission: what each applicant got, and why ----------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One applicant's outcome in an admission, from a plan or from a recorded round."""

    application_id: int
    pupil_id: int | None
    offer_id: int
    reason: str
    rank: int | None
    offered: bool
    preference: int | None = None
    late: bool = False
    holds_place: bool = False


def facts_from_plan(plan: Any) -> list[Fact]:
    return [
        Fact(
            application_id=d.application.pk,
            pupil_id=d.application.pupil_id,
            offer_id=d.outcome.offer_id,
            reason=str(d.outcome.reason),
            rank=d.outcome.rank,
            offered=d.offered,
            preference=d.candidate.preference,
            late=d.candidate.late,
            holds_place=d.candidate.holds_place,
        )
        for d in plan.decisions
    ]


def facts_from_records(records: Iterable[dict[str, Any]]) -> list[Fact]:
    """AdmissionRound.decisions: main rounds record every fact, continuous ones fewer."""
    facts = []
    for record in records:
        reason = str(record.get("reason", ""))
        offered = record.get("offered")
        if offered is None:
            offered = reason in rules.OFFERED_REASONS
        facts.append(
            Fact(
                application_id=int(record["application"]),
                pupil_id=record.get("pupil"),
                offer_id=int(record["offer"]),
                reason=reason,
                rank=record.get("rank"),
                offered=bool(offered),
                preference=record.get("preference"),
                late=bool(record.get("late")),
                holds_place=bool(record.get("holds_place")),
            )
        )
    return facts


def ranked_per_offer(facts: Iterable[Fact]) -> dict[int, int]:
    return dict(Counter(f.offer_id for f in facts if f.rank is not None))


def outcome_text(
    fact: Fact,
    *,
    total: int,
    elsewhere: Fact | None = None,
    offer_names: dict[int, str] | None = None,
) -> str:
    """What the applicant got and the rule that decided it, in one line."""
    if fact.offered:
        if fact.reason == Reason.RETURNING:
            return _("Offered: returning from leave (§14a)")
        if fact.reason == Reason.AUDITION:
            return _("Offered within the audition quota (§4c)")
        return _("Offered: seniority, rank %(rank)s") % {"rank": fact.rank}
    if fact.reason == Reason.NEEDS_AUDITION:
        return _("Needs a passed audition (§4d)")
    if fact.reason == Reason.BETTER_CHOICE:
        if elsewhere is not None and offer_names and elsewhere.offer_id in offer_names:
            return _("Got choice %(number)s elsewhere: %(offer)s") % {
                "number": elsewhere.preference or 1,
                "offer": offer_names[elsewhere.offer_id],
            }
        return _("Got a place the family preferred elsewhere")
    if fact.rank is not None:
        return _("Waiting: full — ranked %(rank)s of %(total)s") % {
            "rank": fact.rank,
            "total": total,
        }
    return _("Waiting")


def fact_details(fact: Fact) -> list[str]:
    words = []
    if fact.preference:
        words.append(_("Choice %(number)s") % {"number": fact.preference})
    if fact.late:
        words.append(_("Late (§3a)"))
    if fact.holds_place:
        words.append(_("Has a place already (§4e)"))
    return words


@dataclass
class Line:
    """One applicant in an admission table."""

    fact: Fact
    application: Application | None
    outcome: str
    details: list[str]


@dataclass
class OfferGroup:
    offer: Offer | None
    offer_id: int
    free: int | None = None
    audition_quota: int | None = None
    lines: list[Line] = field(default_factory=list)

    def count(self, *reasons: str) -> int:
        return sum(1 for line in self.lines if line.fact.reason in reasons)

    @property
    def offered(self) -> int:
        return sum(1 for line in self.lines if line.fact.offered)

    @property
    def waiting(self) -> int:
        return sum(
            1
            for line in self.lines
            if not line.fact.offered
            and line.fact.reason not in (Reason.BETTER_CHOICE, Reason.NEEDS_AUDITION)
        )

    @property
    def elsewhere(self) -> int:
        return self.count(Reason.BETTER_CHOICE)

    @property
    def needs_audition(self) -> int:
        return self.count(Reason.NEEDS_AUDITION)


def explain(
    facts: Sequence[Fact],
    *,
    applications: dict[int, Application],
    offers: dict[int, Offer],
) -> list[OfferGroup]:
    """Facts grouped per offer (ordered by name), each with its outcome in words."""
    totals = ranked_per_offer(facts)
    offered_by_pupil = {f.pupil_id: f for f in facts if f.offered and f.pupil_id is not None}
    names = {pk: offer.name for pk, offer in offers.items()}
    groups: dict[int, OfferGroup] = {}
    for fact in facts:
        group = groups.setdefault(
            fact.offer_id, OfferGroup(offer=offers.get(fact.offer_id), offer_id=fact.offer_id)
        )
        group.lines.append(
            Line(
                fact=fact,
                application=applications.get(fact.application_id),
                outcome=outcome_text(
                    fact,
                    total=totals.get(fact.offer_id, 0),
                    elsewhere=offered_by_pupil.get(fact.pupil_id),
                    offer_names=names,
                ),
                details=fact_details(fact),
            )
        )
    return sorted(groups.values(), key=offer_order)


def plan_groups(plan: Any) -> list[OfferGroup]:
    """A main-admission plan per offer: every offer of the school, with its free places."""
    facts = facts_from_plan(plan)
    applications = {d.application.pk: d.application for d in plan.decisions}
    groups = {g.offer_id: g for g in explain(facts, applications=applications, offers=plan.offers)}
    policy = selectors.policy_for(plan.school)
    returning: dict[int, int] = defaultdict(int)
    for fact in facts:
        if fact.reason == Reason.RETURNING:
            returning[fact.offer_id] += 1
    for offer_id, offer in plan.offers.items():
        group = groups.setdefault(offer_id, OfferGroup(offer=offer, offer_id=offer_id))
        free = plan.seats[offer_id].free
        group.free = free
        group.audition_quota = rules.audition_quota(
            max(free - returning[offer_id], 0), policy.audition_quota_percent
        )
    return sorted(groups.values(), key=offer_order)


def offer_order(group: OfferGroup) -> tuple[Any, ...]:
    """Places before courses, then by name."""
    if group.offer is None:
        return (True, "", group.offer_id)
    return (group.offer.kind != Offer.Kind.PLACE, group.offer.name.lower(), group.offer_id)
