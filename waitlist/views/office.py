"""Admission pages for office staff and principals: /office/<school>/admission/…

Every view resolves the school through `SchoolStaffMixin` (via the office pages' OfficeMixin),
so another school's slug — and any offer, audition, round or place offer of another school —
is a 404. Views stay thin: form → service → redirect with a message. The order of a waiting
list is always `waitlist.selectors.waiting_lists`, the same ranking guardians see.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from enrollment.models import Application, Offer
from enrollment.views.office import OfficeMixin
from kulturskole.access import get_in_scope
from waitlist import contracts, exports, rules, selectors, services
from waitlist.forms.office import (
    AuditionFilterForm,
    AuditionResultForm,
    AuditionScheduleForm,
    MainAdmissionForm,
    OnBehalfApplicationForm,
    PlaceOfferFilterForm,
    RunAdmissionForm,
    WaitingListFilterForm,
    default_admission_term,
)
from waitlist.models import AdmissionRound, Audition, PlaceOffer

WAITING_LIST_PAGE = 100
ROUND_PAGE = 100
LIST_PAGE = 50


class AdmissionMixin(OfficeMixin):
    section = "admission"
    admission_page = ""  # the admission sub-navigation entry this page belongs to

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["admission_page"] = self.admission_page
        return context

    def offers(self) -> Any:
        return Offer.objects.filter(school=self.school).select_related("school", "location")

    def get_offer(self) -> Offer:
        return get_in_scope(self.offers(), pk=self.kwargs["pk"])


def _page(request: HttpRequest, items: Any, per_page: int) -> Any:
    """A page past the end (the list got shorter meanwhile) shows the last page, not a 404."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def fees_url(school_slug: str) -> str:
    """Where fee schedules are entered, once the billing pages exist."""
    try:
        return reverse("fees:schedules", kwargs={"school": school_slug})
    except NoReverseMatch:
        return ""


# --- 1. Overview ------------------------------------------------------------------------------


class AdmissionHomeView(AdmissionMixin, TemplateView):
    template_name = "admission/home.html"
    admission_page = "home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        offers = list(self.offers().order_by("-kind", "name", "pk"))  # places, then courses
        term = selectors.admission_term(self.school, today)
        ids = [offer.pk for offer in offers]
        # The same numbers `selectors.seats_for` gives admission, kept apart for the table.
        occupied = selectors.occupied_places(ids, term) if term else {}
        pending = selectors.pending_offers(ids)
        waiting = {
            row["offer_id"]: row
            for row in Application.objects.filter(
                offer__school=self.school, status=Application.Status.WAITING
            )
            .values("offer_id")
            .annotate(
                applications=Count("pk"),
                # §5d: a pupil who holds a place and only wants to switch is not counted.
                children=Count("pupil_id", distinct=True, filter=~Q(kind=Application.Kind.SWITCH)),
            )
        }
        rows = []
        for offer in offers:
            taken = occupied.get(offer.pk, 0)
            offered = pending.get(offer.pk, 0)
            counts = waiting.get(offer.pk, {})
            rows.append(
                {
                    "offer": offer,
                    "occupied": taken if term else None,
                    "pending": offered,
                    "free": rules.free_places(
                        offer.capacity, occupied=taken, pending_offers=offered
                    )
                    if term
                    else None,
                    "applications": counts.get("applications", 0),
                    "children": counts.get("children", 0),
                }
            )
        context.update(
            today=today,
            term=term,
            rows=rows,
            children_waiting=selectors.children_waiting(self.school),
            pending_total=sum(pending.values()),
            rounds=AdmissionRound.objects.filter(school=self.school).select_related(
                "term", "run_by"
            )[:5],
            auditions_to_schedule=Audition.objects.filter(
                offer__school=self.school,
                result=Audition.Result.PENDING,
                scheduled_at__isnull=True,
            ).count(),
        )
        return context


# --- 2. Waiting list of one offer -------------------------------------------------------------


class WaitingListMixin(AdmissionMixin):
    """The offer's ranked list, filtered as the office asked."""

    admission_page = "home"

    def filtered(self) -> tuple[Offer, WaitingListFilterForm, exports.OfficeWaitingList, list]:
        offer = self.get_offer()
        form = WaitingListFilterForm(self.request.GET or None)  # type: ignore[attr-defined]
        self.today = timezone.localdate()
        waiting_list = exports.waiting_list(offer, today=self.today)
        rows = exports.filter_rows(waiting_list.rows, **form.filters())
        return offer, form, waiting_list, rows


class WaitingListView(WaitingListMixin, TemplateView):
    template_name = "admission/waiting_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        offer, form, waiting_list, rows = self.filtered()
        term = waiting_list.term
        seats = selectors.seats_for([offer], term)[offer.pk] if term else None
        page = _page(self.request, rows, WAITING_LIST_PAGE)
        query = _query_without_page(self.request)
        context.update(
            offer=offer,
            filter_form=form,
            waiting_list=waiting_list,
            term=term,
            seats=seats,
            page_obj=page,
            rows=page.object_list,
            shown=len(rows),
            query_string=query,
            filtered=form.filters() != WaitingListFilterForm().filters(),
        )
        return context


class WaitingListExportView(WaitingListMixin, View):
    """The filtered list as CSV (for Excel with Norwegian settings) or XLSX."""

    kind = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer, _form, _list, rows = self.filtered()
        stem = f"waiting-list-{self.school.slug}-{offer.slug}-{self.today.isoformat()}"
        if self.kind == "xlsx":
            response = HttpResponse(
                exports.waiting_list_xlsx(rows, title=offer.name),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            filename = f"{stem}.xlsx"
        else:
            response = HttpResponse(
                exports.waiting_list_csv(rows), content_type="text/csv; charset=utf-8"
            )
            filename = f"{stem}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ContinuousAdmissionView(AdmissionMixin, TemplateView):
    """Asks first (GET: who would get an offer), then offers the free places (POST)."""

    template_name = "admission/continuous_confirm.html"
    admission_page = "home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        offer = self.get_offer()
        today = timezone.localdate()
        term = selectors.admission_term(self.school, today)
        free = selectors.seats_for([offer], term)[offer.pk].free if term else 0
        has_fees = bool(term) and contracts.has_fees(offer, term)
        busy: set[int] = set()
        if offer.kind == Offer.Kind.PLACE:
            # As continuous admission does: one pending place offer at a time per pupil.
            busy = selectors.pupils_with_pending_place_offers(self.school)
        waiting_list = selectors.waiting_lists([offer], today=today)[offer.pk]
        next_in_line = [
            entry
            for entry in waiting_list.entries
            if entry.position is not None and entry.application.pupil_id not in busy
        ][:free]
        context.update(
            offer=offer,
            term=term,
            free=free,
            has_fees=has_fees,
            next_in_line=next_in_line if has_fees else [],
            fees_url=fees_url(self.school.slug),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        made = services.continuous_admission(offer_id=offer.pk, actor=request.user)
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d place offer was made to the next in line.",
                    "%(count)d place offers were made to the next in line.",
                    len(made),
                )
                % {"count": len(made)},
            )
        else:
            messages.info(
                request,
                _(
                    "No place offers were made: there is no free place, nobody eligible is "
                    "waiting, or the fee for the term is missing."
                ),
            )
        return redirect(self.school_url("admission:waiting_list", pk=offer.pk))


class ApplicationOnBehalfView(AdmissionMixin, TemplateView):
    """The office registers an application for a family (§4a: may grant an age exception)."""

    template_name = "admission/apply.html"
    admission_page = "home"

    def form(self, offer: Offer) -> OnBehalfApplicationForm:
        data = self.request.POST if self.request.method == "POST" else None
        initial = {}
        if self.request.GET.get("pupil", "").isdigit():
            initial["pupil"] = self.request.GET["pupil"]
        return OnBehalfApplicationForm(
            data, initial=initial, school=self.school, offer=offer, today=timezone.localdate()
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        return self.render_to_response(self.get_context_data(offer=offer, form=self.form(offer)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        form = self.form(offer)
        if form.is_valid():
            try:
                submitted = services.application_submit(
                    actor=request.user,
                    pupil=form.cleaned_data["pupil"],
                    offer=offer,
                    audition_requested=form.cleaned_data.get("audition_requested", False),
                    note=form.cleaned_data["note"],
                    age_exception_reason=form.cleaned_data["age_exception_reason"],
                )
            except services.ApplicationRefusedError as refused:
                form.add_error(None, str(refused))
            else:
                pupil = submitted.application.pupil
                text = _("%(pupil)s is on the waiting list for %(offer)s.") % {
                    "pupil": pupil.full_name,
                    "offer": offer.name,
                }
                if submitted.late:
                    text += " " + _(
                        "The application came after the deadline (§3a), so it ranks after "
                        "those received in time."
                    )
                messages.success(request, text)
                return redirect(self.school_url("admission:waiting_list", pk=offer.pk))
        return self.render_to_response(self.get_context_data(offer=offer, form=form))


# --- 3. Main admission ------------------------------------------------------------------------


class MainAdmissionView(AdmissionMixin, TemplateView):
    """Choose the term, preview the allocation (a dry run with a shown seed), then run it."""

    template_name = "admission/main.html"
    admission_page = "main"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        default = default_admission_term(self.school, today)
        bound = "term" in request.GET
        form = MainAdmissionForm(
            request.GET if bound else None,
            school=self.school,
            today=today,
            initial={"term": default.pk if default else None},
        )
        plan = None
        if bound and form.is_valid():
            if form.cleaned_data["seed"] is None:
                # A fresh draw, written into the address: the preview can be opened again and
                # the run uses the very same seed.
                query = urlencode(
                    {"term": form.cleaned_data["term"].pk, "seed": secrets.randbits(48)}
                )
                return HttpResponseRedirect(f"{request.path}?{query}")
            plan = services.admission_plan(
                school=self.school, term=form.cleaned_data["term"], seed=form.cleaned_data["seed"]
            )
        context = self.get_context_data(form=form, has_terms=default is not None)
        if plan is not None:
            context.update(plan_context(self.school, plan))
        return self.render_to_response(context)


def plan_context(school: Any, plan: services.AdmissionPlan) -> dict[str, Any]:
    groups = exports.plan_groups(plan)
    considered = len(plan.decisions)
    waiting_total = Application.objects.filter(
        offer__school=school, status=Application.Status.WAITING
    ).count()
    return {
        "plan": plan,
        "groups": groups,
        "offered_count": len(plan.offered),
        "considered": considered,
        # Pupils with a place offer still to answer are left out of this admission.
        "left_out": max(waiting_total - considered, 0),
        "free_total": sum(g.free or 0 for g in groups),
        "collapse": considered > 300,
        "fees_url": fees_url(school.slug),
        "school_year": services.school_year_label(plan.term),
        "run_query": urlencode({"term": plan.term.pk, "seed": plan.seed}),
    }


class MainAdmissionRunView(AdmissionMixin, TemplateView):
    """GET: the confirmation, saying how many place offers will be sent. POST: the run."""

    template_name = "admission/main_confirm.html"
    admission_page = "main"

    def form(self) -> RunAdmissionForm:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return RunAdmissionForm(data, school=self.school, today=timezone.localdate())

    def back(self, form: RunAdmissionForm) -> HttpResponse:
        url = self.school_url("admission:main")
        if form.is_valid():
            query = urlencode(
                {"term": form.cleaned_data["term"].pk, "seed": form.cleaned_data["seed"]}
            )
            url = f"{url}?{query}"
        return redirect(url)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form()
        if not form.is_valid():
            messages.error(request, _("Choose a term and preview the admission first."))
            return self.back(form)
        term, seed = form.cleaned_data["term"], form.cleaned_data["seed"]
        plan = services.admission_plan(school=self.school, term=term, seed=seed)
        context = self.get_context_data(form=form, **plan_context(self.school, plan))
        context["reply_days"] = selectors.policy_for(self.school).place_offer_reply_days
        return self.render_to_response(context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form()
        if not form.is_valid():
            messages.error(request, _("Choose a term and preview the admission first."))
            return self.back(form)
        try:
            round_ = services.admission_run(
                actor=request.user,
                school=self.school,
                term=form.cleaned_data["term"],
                seed=form.cleaned_data["seed"],
            )
        except services.AdmissionError as error:
            messages.error(request, str(error))
            return self.back(form)
        messages.success(
            request,
            ngettext(
                "Main admission is done: %(count)d place offer was sent.",
                "Main admission is done: %(count)d place offers were sent.",
                round_.offers_made,
            )
            % {"count": round_.offers_made},
        )
        return redirect(self.school_url("admission:round", pk=round_.pk))


class RoundDetailView(AdmissionMixin, TemplateView):
    template_name = "admission/round.html"
    admission_page = "main"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        round_ = get_in_scope(
            AdmissionRound.objects.filter(school=self.school).select_related("term", "run_by"),
            pk=self.kwargs["pk"],
        )
        facts = exports.facts_from_records(round_.decisions)
        page = _page(self.request, facts, ROUND_PAGE)
        totals = exports.ranked_per_offer(facts)
        offered_by_pupil = {f.pupil_id: f for f in facts if f.offered and f.pupil_id}
        # Names for this page's decisions in one query: its applications, and the place offered
        # elsewhere to the pupils who got a choice they preferred.
        wanted = {f.application_id for f in page.object_list}
        wanted |= {
            offered_by_pupil[f.pupil_id].application_id
            for f in page.object_list
            if f.reason == rules.Reason.BETTER_CHOICE and f.pupil_id in offered_by_pupil
        }
        applications = {
            a.pk: a
            for a in Application.objects.filter(pk__in=sorted(wanted)).select_related(
                "pupil", "offer"
            )
        }
        names = {a.offer_id: a.offer.name for a in applications.values()}
        lines = [
            exports.Line(
                fact=fact,
                application=applications.get(fact.application_id),
                outcome=exports.outcome_text(
                    fact,
                    total=totals.get(fact.offer_id, 0),
                    elsewhere=offered_by_pupil.get(fact.pupil_id),
                    offer_names=names,
                ),
                details=exports.fact_details(fact),
            )
            for fact in page.object_list
        ]
        context.update(
            round=round_,
            lines=lines,
            offer_names=names,
            page_obj=page,
            query_string=_query_without_page(self.request),
            offered=sum(1 for f in facts if f.offered),
        )
        return context


# --- 4. Auditions -----------------------------------------------------------------------------


class AuditionListView(AdmissionMixin, TemplateView):
    template_name = "admission/auditions.html"
    admission_page = "auditions"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = AuditionFilterForm(self.request.GET or None)
        show = form.chosen()
        auditions = Audition.objects.filter(offer__school=self.school).select_related(
            "pupil", "offer", "application", "decided_by"
        )
        pending = auditions.filter(result=Audition.Result.PENDING)
        counts = {
            AuditionFilterForm.TO_SCHEDULE: pending.filter(scheduled_at__isnull=True).count(),
            AuditionFilterForm.SCHEDULED: pending.filter(scheduled_at__isnull=False).count(),
        }
        if show == AuditionFilterForm.SCHEDULED:
            chosen = pending.filter(scheduled_at__isnull=False).order_by("scheduled_at", "pk")
        elif show == AuditionFilterForm.DECIDED:
            chosen = auditions.exclude(result=Audition.Result.PENDING).order_by(
                "-decided_at", "-pk"
            )
        else:
            chosen = pending.filter(scheduled_at__isnull=True).order_by("requested_at", "pk")
        page = _page(self.request, chosen, LIST_PAGE)
        within = selectors.policy_for(self.school).audition_demand_within_days
        for audition in page.object_list:
            # §4c: an audition demanded must be held within a year of applying.
            applied = (
                audition.application.submitted_at if audition.application else audition.requested_at
            )
            audition.due = timezone.localdate(applied) + dt.timedelta(days=within)
            audition.overdue = audition.result == Audition.Result.PENDING and (
                (audition.scheduled_at and timezone.localdate(audition.scheduled_at) > audition.due)
                or (not audition.scheduled_at and today > audition.due)
            )
        context.update(
            filter_form=form,
            show=show,
            counts=counts,
            choices=AuditionFilterForm.SHOW_CHOICES,
            page_obj=page,
            auditions=page.object_list,
            query_string=_query_without_page(self.request),
            today=today,
            within_days=within,
        )
        return context


class AuditionFormMixin(AdmissionMixin):
    admission_page = "auditions"
    form_class: type = AuditionScheduleForm

    def get_audition(self) -> Audition:
        auditions = Audition.objects.filter(offer__school=self.school).select_related(
            "pupil", "offer", "application"
        )
        return get_in_scope(auditions, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["retry_years"] = selectors.policy_for(self.school).audition_retry_years
        return context

    def back_url(self, audition: Audition) -> str:
        show = "scheduled" if audition.scheduled_at else "to_schedule"
        return self.school_url("admission:auditions") + f"?show={show}"


class AuditionScheduleView(AuditionFormMixin, TemplateView):
    template_name = "admission/audition_schedule.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        audition = self.get_audition()
        return self.render(audition, AuditionScheduleForm(audition=audition))

    def render(self, audition: Audition, form: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(audition=audition, form=form, cancel_url=self.back_url(audition))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        audition = self.get_audition()
        form = AuditionScheduleForm(request.POST, audition=audition)
        if not form.is_valid():
            return self.render(audition, form)
        try:
            audition = services.audition_schedule(
                actor=request.user,
                audition=audition,
                scheduled_at=form.scheduled_at(),
                place=form.cleaned_data["place"],
            )
        except services.AdmissionError as error:
            form.add_error(None, str(error))
            return self.render(audition, form)
        messages.success(
            request,
            _("The audition for %(pupil)s is scheduled. Tell the family the time and place.")
            % {"pupil": audition.pupil.full_name},
        )
        return redirect(self.school_url("admission:auditions") + "?show=scheduled")


class AuditionResultView(AuditionFormMixin, TemplateView):
    template_name = "admission/audition_result.html"

    def render(self, audition: Audition, form: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(audition=audition, form=form, cancel_url=self.back_url(audition))
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(self.get_audition(), AuditionResultForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        audition = self.get_audition()
        form = AuditionResultForm(request.POST)
        if not form.is_valid():
            return self.render(audition, form)
        try:
            services.audition_record_result(
                actor=request.user,
                audition=audition,
                passed=form.passed,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
            )
        except services.AdmissionError as error:
            form.add_error(None, str(error))
            return self.render(audition, form)
        messages.success(
            request,
            _("The result for %(pupil)s is recorded.") % {"pupil": audition.pupil.full_name},
        )
        return redirect(self.school_url("admission:auditions") + "?show=decided")


# --- 5. Place offers --------------------------------------------------------------------------


class PlaceOfferListView(AdmissionMixin, TemplateView):
    template_name = "admission/place_offers.html"
    admission_page = "place_offers"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        form = PlaceOfferFilterForm(self.request.GET or None, school=self.school)
        chosen = form.filters()
        place_offers = PlaceOffer.objects.filter(offer__school=self.school).select_related(
            "pupil", "offer", "term", "answered_by", "round"
        )
        if chosen["status"] == PlaceOfferFilterForm.OVERDUE:
            place_offers = place_offers.filter(status=PlaceOffer.Status.PENDING, reply_by__lt=now)
        elif chosen["status"]:
            place_offers = place_offers.filter(status=chosen["status"])
        if chosen["offer"] is not None:
            place_offers = place_offers.filter(offer=chosen["offer"])
        place_offers = place_offers.order_by("-offered_at", "-pk")
        page = _page(self.request, place_offers, LIST_PAGE)
        for place_offer in page.object_list:
            place_offer.overdue = (
                place_offer.status == PlaceOffer.Status.PENDING and place_offer.reply_by < now
            )
        context.update(
            filter_form=form,
            page_obj=page,
            place_offers=page.object_list,
            query_string=_query_without_page(self.request),
            filtered=bool(chosen["status"] or chosen["offer"]),
        )
        return context
