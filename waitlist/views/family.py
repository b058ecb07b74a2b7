"""Guardian pages: applications, waiting-list positions, place offers and contracts.

Every object is reached through the children of the signed-in guardian's households
(`GuardianMixin.pupils()`), so another family's application, place offer or contract is a 404
whatever id is typed into the address. Writes go through `waitlist.services`; a refusal comes
back as an `AdmissionError` whose message is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from enrollment import rules as enrollment_rules
from enrollment.models import Application, Contract, Household, Offer, Placement, Pupil, Term
from kulturskole.access import GuardianMixin, get_in_scope
from waitlist import contracts, rules, selectors, services
from waitlist.forms.family import ApplicationForm, ContractAcceptForm, SwitchForm
from waitlist.models import Audition, PlaceOffer

HISTORY_PER_PAGE = 20
# An address Django could not tell; REMOTE_ADDR is always set by a WSGI server in practice.
UNKNOWN_IP = "0.0.0.0"  # noqa: S104 - recorded, never bound

PREFERENCE_LABELS = {
    1: gettext_lazy("1st choice"),
    2: gettext_lazy("2nd choice"),
    3: gettext_lazy("3rd choice"),
}


def preference_label(number: int | None) -> str:
    if number is None:
        return ""
    label = PREFERENCE_LABELS.get(number)
    return str(label) if label else _("Choice no. %(number)d") % {"number": number}


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, as the contract records it (§4b)."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return UNKNOWN_IP


# --- What the overview shows -----------------------------------------------------------------


@dataclass
class OpenApplication:
    """One open application, with where it stands on its waiting list today."""

    application: Application
    position: int | None = None
    total: int | None = None
    needs_audition: bool = False  # §4d: not ranked until an audition is passed
    late: bool = False  # §3a, in the ranking staff use
    late_deadline: dt.date | None = None
    late_term: Term | None = None
    audition: Audition | None = None  # the latest for this pupil and offer
    audition_refusal: rules.AuditionRefusal | None = None  # None: one may be requested
    next_audition_on: dt.date | None = None
    place_offer: PlaceOffer | None = None

    @property
    def offer(self) -> Offer:
        return self.application.offer

    @property
    def preference_label(self) -> str:
        return preference_label(self.application.preference)

    @property
    def seniority_differs(self) -> bool:
        """§5c, §14b: seniority kept from an earlier application."""
        application = self.application
        return application.seniority_date != timezone.localdate(application.submitted_at)

    @property
    def can_prefer(self) -> bool:
        return (self.application.preference or 1) > 1

    @property
    def can_withdraw(self) -> bool:
        return self.application.status == Application.Status.WAITING

    @property
    def can_request_audition(self) -> bool:
        return self.audition_refusal is None

    @property
    def offers_auditions(self) -> bool:
        return self.offer.audition_available or self.offer.audition_required


@dataclass
class Child:
    pupil: Pupil
    open: list[OpenApplication] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)


@dataclass
class Overview:
    children: list[Child]
    place_offers: list[PlaceOffer]
    closed: list[Application]
    contracts: list[Contract]
    updated_at: dt.datetime

    @property
    def has_applications(self) -> bool:
        return any(child.open for child in self.children)

    @property
    def has_placements(self) -> bool:
        return any(child.placements for child in self.children)


def family_overview(pupils: QuerySet[Pupil], *, now: dt.datetime, full: bool = True) -> Overview:
    """Everything the applications page shows, in a fixed number of queries.

    Queries: pupils, applications, the waiting lists (four per school), auditions and place
    offers; with `full`, also placements and contracts. Never one per child or application.
    """
    today = timezone.localdate(now)
    children = [
        Child(pupil)
        for pupil in pupils.select_related("household__school").order_by("birth_date", "pk")
    ]
    by_pupil = {child.pupil.pk: child for child in children}
    applications = list(
        Application.objects.filter(pupil_id__in=by_pupil)
        .select_related("offer__location", "offer__school__policy", "switch_from__offer")
        .order_by("preference", "submitted_at", "pk")
    )
    for application in applications:
        application.pupil = by_pupil[application.pupil_id].pupil
    open_rows = {a.pk: OpenApplication(a) for a in applications if a.is_open}
    _add_positions(open_rows, today=today)
    _add_auditions(open_rows, by_pupil, today=today)
    place_offers = list(
        PlaceOffer.objects.pending()
        .filter(pupil_id__in=by_pupil)
        .select_related("offer__location", "term")
        .order_by("reply_by", "pk")
    )
    for place_offer in place_offers:
        place_offer.pupil = by_pupil[place_offer.pupil_id].pupil
        if place_offer.application_id in open_rows:
            open_rows[place_offer.application_id].place_offer = place_offer
    for row in open_rows.values():
        by_pupil[row.application.pupil_id].open.append(row)
    closed = sorted(
        (a for a in applications if not a.is_open),
        key=lambda a: (a.closed_at or a.submitted_at, a.pk),
        reverse=True,
    )
    signed: list[Contract] = []
    if full:
        for placement in (
            Placement.objects.filter(pupil_id__in=by_pupil)
            .exclude(status=Placement.Status.ENDED)
            .select_related("offer__location", "starts_term", "contract")
            .order_by("starts_on", "pk")
        ):
            placement.pupil = by_pupil[placement.pupil_id].pupil
            placement.switch_requests_open = [  # type: ignore[attr-defined]
                a for a in applications if a.is_open and a.switch_from_id == placement.pk
            ]
            by_pupil[placement.pupil_id].placements.append(placement)
        signed = list(
            Contract.objects.filter(placement__pupil_id__in=by_pupil)
            .select_related(
                "placement__offer__location", "placement__pupil", "placement__starts_term"
            )
            .order_by("-signed_at", "-pk")
        )
    return Overview(children, place_offers, closed, signed, now)


def _add_positions(rows: dict[int, OpenApplication], *, today: dt.date) -> None:
    """Position and total on each offer's waiting list: the very ranking staff see."""
    offers = {
        row.application.offer_id: row.application.offer
        for row in rows.values()
        if row.application.status == Application.Status.WAITING
    }
    lists = selectors.waiting_lists(list(offers.values()), today=today)
    for waiting_list in lists.values():
        for entry in waiting_list.entries:
            row = rows.get(entry.application.pk)
            if row is None:
                continue
            row.position = entry.position
            row.total = waiting_list.ranked
            row.needs_audition = entry.reason == rules.Reason.NEEDS_AUDITION
            if entry.candidate.late and waiting_list.term is not None:
                row.late = True
                row.late_term = waiting_list.term
                row.late_deadline = deadline_for(row.offer, waiting_list.term)


def deadline_for(offer: Offer, term: Term) -> dt.date:
    """§3a: the offer's own deadline, or the school's yearly one for the term's school year."""
    if offer.application_deadline is not None:
        return offer.application_deadline
    policy = selectors.policy_for(offer.school)
    return policy.application_deadline.in_year(term.year)


def _add_auditions(
    rows: dict[int, OpenApplication], by_pupil: dict[int, Child], *, today: dt.date
) -> None:
    """The latest audition of each application's pupil and offer, and whether to offer one."""
    auditions: dict[tuple[int, int], list[Audition]] = defaultdict(list)
    for audition in Audition.objects.filter(pupil_id__in=by_pupil).order_by("-requested_at", "-pk"):
        auditions[(audition.pupil_id, audition.offer_id)].append(audition)
    for row in rows.values():
        application = row.application
        offer = application.offer
        history = auditions.get((application.pupil_id, application.offer_id), [])
        row.audition = history[0] if history else None
        failed = [
            a for a in history if a.result == Audition.Result.FAILED and a.decided_at is not None
        ]
        last_failed_on = timezone.localdate(failed[0].decided_at) if failed else None
        policy = selectors.policy_for(offer.school)
        row.audition_refusal = rules.audition_request_refusal(
            today,
            offer_has_auditions=row.offers_auditions,
            applied_on=timezone.localdate(application.submitted_at),
            demand_within_days=policy.audition_demand_within_days,
            pending=any(a.result == Audition.Result.PENDING for a in history),
            last_failed_on=last_failed_on,
            retry_years=policy.audition_retry_years,
        )
        if last_failed_on is not None:
            row.next_audition_on = rules.next_audition_allowed(
                last_failed_on, policy.audition_retry_years
            )


# --- The overview and its live part ----------------------------------------------------------


class ApplicationsView(GuardianMixin, TemplateView):
    template_name = "applications/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        overview = family_overview(self.pupils(), now=timezone.now())
        history = Paginator(overview.closed, HISTORY_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        schools = {child.pupil.household.school for child in overview.children}
        context.update(
            overview=overview,
            history=history,
            page_obj=history,
            schools=sorted(schools, key=lambda school: school.name),
        )
        return context


class PositionsView(GuardianMixin, TemplateView):
    """The open applications with their positions, for htmx to swap in every minute."""

    template_name = "applications/_open.html"

    def handle_no_permission(self) -> HttpResponse:
        # Signed out while the page was open: take the whole page to the login, not the part.
        if getattr(self.request, "htmx", False) and not self.request.user.is_authenticated:
            login = redirect_to_login(reverse("applications:home"))
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return super().handle_no_permission()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["overview"] = family_overview(self.pupils(), now=timezone.now(), full=False)
        return context


# --- Applying --------------------------------------------------------------------------------


def apply_offers(households: QuerySet[Household]) -> QuerySet[Offer]:
    """The published offers of the schools the guardian's households belong to."""
    return (
        Offer.objects.published()
        .filter(school_id__in=households.values("school_id"))
        .select_related("location", "school")
        .order_by("discipline", "name", "pk")
    )


def open_for_applications(offers: Iterable[Offer]) -> list[Offer]:
    return [o for o in offers if o.accepting_applications and o.school.accepts_applications]


def has_vacancy(offer: Offer, *, today: dt.date) -> bool:
    """§5c: whether the offer has a published vacancy now (waitlist.vacancies decides)."""
    from waitlist import vacancies

    term = selectors.admission_term(offer.school, today)
    if term is None:
        return False
    return bool(vacancies.vacancies_among([offer], term, today=today))


def submitted_messages(request: HttpRequest, result: services.Submitted, *, today: dt.date) -> None:
    """Tell the guardian what happened: on the list, where, and what a late application means."""
    application = result.application
    offer = application.offer
    pupil = application.pupil
    where = selectors.positions([application], today=today).get(application.pk)
    if where is not None:
        messages.success(
            request,
            _(
                "The application is received. %(pupil)s is number %(position)s of %(total)s on "
                "the waiting list for %(offer)s."
            )
            % {"pupil": pupil.first_name, "position": where[0], "total": where[1], "offer": offer},
        )
    else:
        messages.success(
            request,
            _("The application is received. %(pupil)s is on the waiting list for %(offer)s.")
            % {"pupil": pupil.first_name, "offer": offer},
        )
    if application.audition_requested_at is not None:
        messages.info(
            request,
            _("An audition is requested for %(pupil)s. The school will give you a time.")
            % {"pupil": pupil.first_name},
        )
    if application.kind == Application.Kind.VACANCY and application.seniority_date < today:
        messages.info(
            request,
            _(
                "Applied for an advertised vacancy: the seniority %(pupil)s earned on another "
                "waiting list is kept, from %(day)s (§5c)."
            )
            % {"pupil": pupil.first_name, "day": formats.date_format(application.seniority_date)},
        )
    if result.late and result.intake_term is not None:
        messages.warning(
            request,
            _(
                "The application was received after %(deadline)s. It ranks after all "
                "applications received in time for the admission to %(term)s, and by seniority "
                "among the late ones (§3a)."
            )
            % {
                "deadline": formats.date_format(deadline_for(offer, result.intake_term)),
                "term": result.intake_term,
            },
        )


def ask_about_auditions_live(form: Any, url: str) -> None:
    """When the offer changes, htmx fetches the form again and swaps in its audition part."""
    form.fields["offer"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "change",
            "hx-target": "#audition-choice",
            "hx-select": "#audition-choice-content",
            "hx-swap": "innerHTML",
        }
    )


class ApplyView(GuardianMixin, FormView):
    """A new application; with ?vacancy=1, one for an advertised vacancy (§5c)."""

    template_name = "applications/apply.html"
    form_class = ApplicationForm

    @cached_property
    def today(self) -> dt.date:
        return timezone.localdate()

    @cached_property
    def pupils_in_scope(self) -> QuerySet[Pupil]:
        return self.pupils().select_related("household__school").order_by("birth_date", "pk")

    @cached_property
    def valid_offers(self) -> list[Offer]:
        return list(apply_offers(self.households()))

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in ("offer", "pupil"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        initial["vacancy"] = self.request.GET.get("vacancy") == "1"
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            pupils=self.pupils_in_scope,
            offers=open_for_applications(self.valid_offers),
            valid_offers=self.valid_offers,
        )
        return kwargs

    def get_form(self, form_class: Any = None) -> ApplicationForm:
        form = super().get_form(form_class)
        ask_about_auditions_live(form, self.request.path)
        today = self.today
        form.fields["pupil"].label_from_instance = lambda pupil: (
            _("%(name)s (%(age)s years)")
            % {"name": pupil.full_name, "age": enrollment_rules.age_on(pupil.birth_date, today)}
        )
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        offer = form.selected_offer()
        wants_vacancy = bool(
            form.data.get("vacancy") in ("True", "true", "on", "1")
            if form.is_bound
            else form.initial.get("vacancy")
        )
        schools = sorted({p.household.school for p in self.pupils_in_scope}, key=lambda s: s.name)
        context.update(
            selected_offer=offer,
            policy=selectors.policy_for(schools[0]) if schools else None,
            schools=schools,
            vacancy=wants_vacancy and offer is not None,
            vacancy_open=wants_vacancy
            and offer is not None
            and has_vacancy(offer, today=self.today),
            has_children=bool(schools),
        )
        return context

    def form_valid(self, form: ApplicationForm) -> HttpResponse:
        offer = form.cleaned_data["offer"]
        kind = Application.Kind.NEW
        if form.cleaned_data["vacancy"] and has_vacancy(offer, today=self.today):
            kind = Application.Kind.VACANCY
        try:
            result = services.application_submit(
                actor=self.request.user,
                pupil=form.cleaned_data["pupil"],
                offer=offer,
                kind=kind,
                audition_requested=form.cleaned_data["audition_requested"],
                note=form.cleaned_data["note"],
            )
        except services.ApplicationRefusedError as refused:
            form.add_error("offer", str(refused))
            return self.form_invalid(form)
        submitted_messages(self.request, result, today=self.today)
        return HttpResponseRedirect(
            reverse("applications:home") + f"#application-{result.application.pk}"
        )


class SwitchView(GuardianMixin, FormView):
    """§11: a pupil with a place asks for another offer; the request waits by seniority."""

    template_name = "applications/switch.html"
    form_class = SwitchForm

    @cached_property
    def placement(self) -> Placement:
        placements = (
            Placement.objects.filter(pupil__in=self.pupils(), offer__kind=Offer.Kind.PLACE)
            .exclude(status=Placement.Status.ENDED)
            .select_related("pupil__household__school", "offer__location", "starts_term")
        )
        return get_in_scope(placements, pk=self.kwargs["pk"])

    @cached_property
    def valid_offers(self) -> list[Offer]:
        placement = self.placement
        return list(
            Offer.objects.published()
            .filter(school_id=placement.pupil.household.school_id, kind=Offer.Kind.PLACE)
            .exclude(pk=placement.offer_id)
            .select_related("location", "school")
            .order_by("discipline", "name", "pk")
        )

    def get_initial(self) -> dict[str, Any]:
        value = self.request.GET.get("offer", "")
        return {"offer": int(value)} if value.isdigit() else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            offers=open_for_applications(self.valid_offers), valid_offers=self.valid_offers
        )
        return kwargs

    def get_form(self, form_class: Any = None) -> SwitchForm:
        form = super().get_form(form_class)
        ask_about_auditions_live(form, self.request.path)
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(placement=self.placement, selected_offer=context["form"].selected_offer())
        return context

    def form_valid(self, form: SwitchForm) -> HttpResponse:
        placement = self.placement
        try:
            result = services.application_submit(
                actor=self.request.user,
                pupil=placement.pupil,
                offer=form.cleaned_data["offer"],
                kind=Application.Kind.SWITCH,
                switch_from=placement,
                audition_requested=form.cleaned_data["audition_requested"],
                note=form.cleaned_data["note"],
            )
        except services.ApplicationRefusedError as refused:
            form.add_error("offer", str(refused))
            return self.form_invalid(form)
        submitted_messages(self.request, result, today=timezone.localdate())
        messages.info(
            self.request,
            _(
                "%(pupil)s keeps the place in %(old)s until the new place starts; then the old "
                "place ends (§11)."
            )
            % {"pupil": placement.pupil.first_name, "old": placement.offer},
        )
        return HttpResponseRedirect(
            reverse("applications:home") + f"#application-{result.application.pk}"
        )


# --- Acting on one application ---------------------------------------------------------------


class ApplicationActionMixin(GuardianMixin):
    """The application from the URL, among the guardian's own children's."""

    def get_application(self) -> Application:
        applications = Application.objects.filter(pupil__in=self.pupils()).select_related(
            "pupil", "offer__location", "offer__school"
        )
        return get_in_scope(applications, pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def back(self, application: Application | None = None) -> HttpResponse:
        anchor = f"#application-{application.pk}" if application else ""
        return HttpResponseRedirect(reverse("applications:home") + anchor)


class ApplicationPreferView(ApplicationActionMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = self.get_application()
        try:
            services.application_prefer(actor=request.user, application=application)
        except services.AdmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(offer)s is now %(pupil)s's first choice.")
                % {"offer": application.offer, "pupil": application.pupil.first_name},
            )
        return self.back(application)


class ApplicationWithdrawView(ApplicationActionMixin, TemplateView):
    """Asks first (GET), withdraws on POST."""

    template_name = "applications/withdraw.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = self.get_application()
        if application.status != Application.Status.WAITING:
            messages.info(request, _("This application is no longer on the waiting list."))
            return self.back(application)
        return self.render_to_response(self.get_context_data(application=application))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = self.get_application()
        try:
            services.application_withdraw(actor=request.user, application=application)
        except services.AdmissionError as error:
            messages.error(request, str(error))
            return self.back(application)
        messages.success(
            request,
            _("The application for %(pupil)s to %(offer)s is withdrawn.")
            % {"pupil": application.pupil.first_name, "offer": application.offer},
        )
        return self.back()


class AuditionRequestView(ApplicationActionMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = self.get_application()
        try:
            services.audition_request(actor=request.user, application=application)
        except services.AdmissionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "An audition is requested for %(pupil)s in %(offer)s. The school will give "
                    "you a time."
                )
                % {"pupil": application.pupil.first_name, "offer": application.offer},
            )
        return self.back(application)


# --- Place offers and contracts --------------------------------------------------------------


class PlaceOfferMixin(GuardianMixin):
    def get_place_offer(self) -> PlaceOffer:
        place_offers = PlaceOffer.objects.filter(pupil__in=self.pupils()).select_related(
            "pupil__household",
            "offer__location",
            "offer__school__policy",
            "offer__department",
            "term",
            "application",
        )
        return get_in_scope(place_offers, pk=self.kwargs["pk"])  # type: ignore[attr-defined]

    def answerable(self, place_offer: PlaceOffer) -> bool:
        return (
            place_offer.status == PlaceOffer.Status.PENDING
            and timezone.now() <= place_offer.reply_by
        )


def contract_of(place_offer: PlaceOffer) -> Contract | None:
    if place_offer.status != PlaceOffer.Status.ACCEPTED:
        return None
    return (
        Contract.objects.filter(placement__application_id=place_offer.application_id)
        .order_by("-signed_at")
        .first()
    )


class PlaceOfferView(PlaceOfferMixin, FormView):
    """What is offered and the contract; signing it accepts the place (§4b)."""

    template_name = "applications/place_offer.html"
    form_class = ContractAcceptForm

    @cached_property
    def place_offer(self) -> PlaceOffer:
        return self.get_place_offer()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        place_offer = self.place_offer
        guardian = services.guardian_of(self.request.user, place_offer.pupil)
        context.update(
            contracts.contract_context(place_offer=place_offer, guardian=guardian),
            place_offer=place_offer,
            answerable=self.answerable(place_offer),
            contract=contract_of(place_offer),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.answerable(self.place_offer):
            return self.refuse()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ContractAcceptForm) -> HttpResponse:
        request = self.request
        try:
            contract = services.place_offer_accept(
                user=request.user,
                place_offer=self.place_offer,
                ip=client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except services.AdmissionError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _(
                "The contract is signed: %(pupil)s has a place in %(offer)s from %(term)s. The "
                "signed contract is below; it stays available under Applications."
            )
            % {
                "pupil": self.place_offer.pupil.first_name,
                "offer": self.place_offer.offer,
                "term": self.place_offer.term,
            },
        )
        return HttpResponseRedirect(reverse("applications:contract", args=[contract.pk]))

    def refuse(self) -> HttpResponse:
        place_offer = self.place_offer
        if place_offer.status != PlaceOffer.Status.PENDING:
            message = _("This place offer is already answered or no longer open (%(status)s).") % {
                "status": place_offer.get_status_display().lower()
            }
        else:
            message = _("The deadline to answer this place offer has passed. Contact the office.")
        messages.error(self.request, message)
        return HttpResponseRedirect(self.request.path)


class PlaceOfferDeclineView(PlaceOfferMixin, TemplateView):
    """Asks first (GET), declines on POST."""

    template_name = "applications/place_offer_decline.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        place_offer = self.get_place_offer()
        if not self.answerable(place_offer):
            messages.info(request, _("This place offer can no longer be answered."))
            return HttpResponseRedirect(reverse("applications:place_offer", args=[place_offer.pk]))
        return self.render_to_response(self.get_context_data(place_offer=place_offer))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        place_offer = self.get_place_offer()
        try:
            services.place_offer_decline(user=request.user, place_offer=place_offer)
        except services.AdmissionError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("applications:place_offer", args=[place_offer.pk]))
        messages.success(
            request,
            _(
                "You declined the place in %(offer)s for %(pupil)s. The place goes to the next "
                "in line."
            )
            % {"offer": place_offer.offer, "pupil": place_offer.pupil.first_name},
        )
        return HttpResponseRedirect(reverse("applications:home"))


def pdf_filename(prefix: str, pupil: Pupil, offer: Offer) -> str:
    return f"{slugify(f'{prefix} {pupil.full_name} {offer.name}')}.pdf"


class PlaceOfferPreviewView(PlaceOfferMixin, View):
    """The contract as it will be signed, unsigned, as a PDF."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        place_offer = self.get_place_offer()
        guardian = services.guardian_of(request.user, place_offer.pupil)
        pdf, _digest = contracts.render_contract(
            contracts.contract_context(place_offer=place_offer, guardian=guardian)
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        name = pdf_filename(_("contract preview"), place_offer.pupil, place_offer.offer)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class ContractMixin(GuardianMixin):
    def get_contract(self) -> Contract:
        signed = Contract.objects.filter(placement__pupil__in=self.pupils()).select_related(
            "placement__pupil__household",
            "placement__offer__location",
            "placement__offer__school__policy",
            "placement__starts_term",
            "guardian",
        )
        return get_in_scope(signed, pk=self.kwargs["pk"])  # type: ignore[attr-defined]


class ContractView(ContractMixin, TemplateView):
    template_name = "applications/contract.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["contract"] = self.get_contract()
        return context


class ContractPDFView(ContractMixin, View):
    """The signed contract exactly as it was stored, for the household only."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contract = self.get_contract()
        placement = contract.placement
        try:
            document = contract.document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            document,
            content_type="application/pdf",
            as_attachment=False,
            filename=pdf_filename(_("contract"), placement.pupil, placement.offer),
        )
