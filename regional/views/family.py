"""The guardians' side of the programme, under /regions/family/: their own children only.

A guardian may register their child for a gathering (self-registration, with the guardian's
consent recorded), give the child's feedback after it, and suggest and vote on activities. The
child is found among `in_depth_pupils_for_guardian`, so another household's child is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from kulturskole.access import GuardianMixin, get_in_scope, in_depth_pupils_for_guardian
from regional import rules, selectors, services
from regional.forms import FeedbackForm, GuardianRegistrationForm, SuggestionForm
from regional.models import (
    ActivitySuggestion,
    Feedback,
    Gathering,
    InDepthPupil,
    Registration,
    SuggestionVote,
)
from regional.services import RegionalError
from regional.views.base import attach_error


class FamilyMixin(GuardianMixin):
    def children(self) -> Any:
        return in_depth_pupils_for_guardian(self.request.user).select_related(  # type: ignore[attr-defined]
            "programme__region", "school", "pupil"
        )

    def child(self) -> InDepthPupil:
        return get_in_scope(self.children(), pk=self.kwargs["child"])  # type: ignore[attr-defined]

    @property
    def today(self) -> Any:
        return timezone.localdate()


class FamilyView(FamilyMixin, TemplateView):
    template_name = "regional/family.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        children = list(self.children().order_by("first_name", "pk"))
        programme_ids = {child.programme_id for child in children}
        gatherings = list(
            Gathering.objects.filter(programme_id__in=programme_ids, date__gte=self.today_minus())
            .prefetch_related("target_schools")
            .order_by("date")
        )
        registered = {
            (r.pupil_id, r.gathering_id): r for r in Registration.objects.filter(pupil__in=children)
        }
        given = set(
            Feedback.objects.filter(pupil__in=children).values_list(
                "pupil_id", "session__gathering_id"
            )
        )
        suggestions = list(
            ActivitySuggestion.objects.filter(
                programme_id__in=programme_ids, status=ActivitySuggestion.Status.OPEN
            )
            .annotate(vote_count=Count("votes"))
            .order_by("-vote_count", "-created_at")
        )
        votes = set(
            SuggestionVote.objects.filter(pupil__in=children).values_list(
                "pupil_id", "suggestion_id"
            )
        )
        rows = []
        for child in children:
            open_now, coming, feedback_due = [], [], []
            for gathering in gatherings:
                if gathering.programme_id != child.programme_id:
                    continue
                targets = [s.pk for s in gathering.target_schools.all()]
                if not rules.targets(
                    targets, gathering.target_disciplines, child.school_id, child.discipline
                ):
                    continue
                registration = registered.get((child.pk, gathering.pk))
                if registration and gathering.date >= self.today:
                    coming.append((gathering, registration))
                elif (
                    registration
                    and registration.attendance != Registration.Attendance.ABSENT
                    and services.feedback_open(gathering, self.today)
                ):
                    feedback_due.append((gathering, (child.pk, gathering.pk) in given))
                elif not registration and rules.registration_open(
                    gathering.status, gathering.registration_deadline, gathering.date, self.today
                ):
                    open_now.append(gathering)
            rows.append(
                {
                    "child": child,
                    "open": open_now,
                    "coming": coming,
                    "feedback": feedback_due,
                    "suggestions": [
                        (s, (child.pk, s.pk) in votes)
                        for s in suggestions
                        if s.programme_id == child.programme_id
                    ],
                }
            )
        context["rows"] = rows
        return context

    def today_minus(self) -> Any:
        """Gatherings from the feedback window on: older ones need nothing from the home."""
        return self.today - dt.timedelta(days=rules.FEEDBACK_WINDOW_DAYS)


class FamilyRegisterView(FamilyMixin, FormView):
    template_name = "regional/family_form.html"
    form_class = GuardianRegistrationForm

    def setup_objects(self) -> None:
        self.in_depth = self.child()
        self.gathering = get_in_scope(
            self.in_depth.programme.gatherings.all(), pk=self.kwargs["gathering"]
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        self.setup_objects()
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        refusal = services.registration_refusal(
            self.gathering,
            self.in_depth,
            target_school_ids=self.gathering.target_schools.values_list("pk", flat=True),
            today=self.today,
        )
        context.update(
            title=_("Register %(child)s for %(title)s")
            % {"child": self.in_depth.first_name, "title": self.gathering.title},
            gathering=self.gathering,
            child=self.in_depth,
            refusal=refusal,
            sessions=selectors.sessions(self.gathering),
            submit_label=_("Register"),
        )
        return context

    def form_valid(self, form: GuardianRegistrationForm) -> HttpResponse:
        try:
            services.registration_create(
                actor=self.request.user,
                gathering=self.gathering,
                in_depth=self.in_depth,
                dietary_needs=form.cleaned_data["dietary_needs"],
                needs_transport=form.cleaned_data["needs_transport"],
                guardian_consent=form.cleaned_data["consent"],
                by_guardian=True,
                today=self.today,
            )
        except RegionalError as error:
            attach_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(child)s is registered for %(title)s.")
            % {"child": self.in_depth.first_name, "title": self.gathering.title},
        )
        return HttpResponseRedirect(reverse("regional:family"))


class FamilyFeedbackView(FamilyMixin, FormView):
    """The child's rating of each of their own sessions, given with the guardian."""

    template_name = "regional/family_form.html"
    form_class = FeedbackForm

    def get_form_kwargs(self) -> dict[str, Any]:
        self.in_depth = self.child()
        registrations = self.in_depth.registrations.exclude(
            attendance=Registration.Attendance.ABSENT
        ).select_related("gathering")
        self.gathering = get_in_scope(
            Gathering.objects.filter(pk__in=registrations.values("gathering_id")),
            pk=self.kwargs["gathering"],
        )
        sessions = [
            s
            for s in selectors.sessions(self.gathering)
            if s.for_everyone or self.in_depth.discipline in s.disciplines
        ]
        existing = {
            f.session_id: f
            for f in Feedback.objects.filter(session__in=sessions, pupil=self.in_depth)
        }
        kwargs = super().get_form_kwargs()
        kwargs.update(sessions=sessions, existing=existing)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("How was %(title)s for %(child)s?")
            % {"title": self.gathering.title, "child": self.in_depth.first_name},
            gathering=self.gathering,
            child=self.in_depth,
            refusal=None
            if services.feedback_open(self.gathering, self.today)
            else _("Feedback opens on the day of the gathering."),
            submit_label=_("Send feedback"),
        )
        return context

    def form_valid(self, form: FeedbackForm) -> HttpResponse:
        try:
            services.feedback_give(
                gathering=self.gathering,
                ratings=form.ratings(),
                pupil=self.in_depth,
                today=self.today,
            )
        except RegionalError as error:
            attach_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you for the feedback."))
        return HttpResponseRedirect(reverse("regional:family"))


class FamilySuggestView(FamilyMixin, FormView):
    template_name = "regional/family_form.html"
    form_class = SuggestionForm

    def get_form_kwargs(self) -> dict[str, Any]:
        self.in_depth = self.child()
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("%(child)s suggests an activity") % {"child": self.in_depth.first_name},
            intro=_(
                "What would you like to do at a gathering or during the year? The other pupils "
                "can vote for your idea before the year is planned."
            ),
            child=self.in_depth,
            submit_label=_("Suggest"),
        )
        return context

    def form_valid(self, form: SuggestionForm) -> HttpResponse:
        services.suggestion_create(
            programme=self.in_depth.programme,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            suggested_by=self.in_depth,
        )
        messages.success(self.request, _("Thank you for the suggestion."))
        return HttpResponseRedirect(reverse("regional:family"))


class FamilyVoteView(FamilyMixin, View):
    """POST: the child votes for a suggestion, or takes the vote back."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        child = self.child()
        suggestion = get_in_scope(child.programme.suggestions.all(), pk=kwargs["suggestion"])
        try:
            voted = services.suggestion_vote(suggestion=suggestion, pupil=child)
        except RegionalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Vote given.") if voted else _("Vote taken back."))
        return HttpResponseRedirect(reverse("regional:family"))
