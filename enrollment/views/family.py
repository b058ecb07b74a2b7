"""Pages for guardians: registering a household, its address, their children, and inviting a
second guardian by e-mail.

Every object is reached through `GuardianMixin.households()` / `.pupils()`, so another family's
household or child is a 404, whatever id is typed into the address.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from enrollment import rules
from enrollment.forms.family import (
    GuardianInviteForm,
    HouseholdAddressForm,
    HouseholdRegisterForm,
    PupilForm,
)
from enrollment.models import Guardian, GuardianInvitation, Household, Pupil, School
from enrollment.services.family import (
    HouseholdAlreadyRegisteredError,
    InvitationError,
    guardian_invitation_accept,
    guardian_invitation_cancel,
    guardian_invite,
    household_address_update,
    household_register,
    invitation_expires_at,
    invitation_from_token,
    pupil_add,
    pupil_update,
)
from kulturskole.access import GuardianMixin, get_in_scope, roles_for

GRADE_LABELS = dict(rules.GRADE_CHOICES)


def describe_pupil(pupil: Pupil, today: dt.date) -> Pupil:
    """Sets what the templates show about a child today: age, grade and their labels."""
    pupil.age_today = pupil.age_on(today)  # type: ignore[attr-defined]
    grade = pupil.grade_on(today)
    if grade is not None:
        pupil.grade_label = GRADE_LABELS[grade]  # type: ignore[attr-defined]
    elif pupil.school_grade is not None:
        pupil.grade_label = _("Finished upper secondary school")  # type: ignore[attr-defined]
    else:
        pupil.grade_label = _("Not given")  # type: ignore[attr-defined]
    return pupil


class RegisterHouseholdView(LoginRequiredMixin, FormView):
    """Any signed-in user without a household registers one and becomes its guardian.

    Only login is required (not the guardian role): a new user holds no role until this form
    has been sent.
    """

    template_name = "family/register.html"
    form_class = HouseholdRegisterForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and roles_for(request.user).household_ids:
            messages.info(request, _("Your household is already registered."))
            return redirect("family:home")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        initial = {
            "first_name": user.first_name,  # type: ignore[union-attr]
            "last_name": user.last_name,  # type: ignore[union-attr]
            "name": user.last_name,  # type: ignore[union-attr]
        }
        schools = list(School.objects.filter(kind=School.Kind.CULTURE_SCHOOL, is_public=True)[:2])
        if len(schools) == 1:
            initial["school"] = schools[0]
        return initial

    def form_valid(self, form: HouseholdRegisterForm) -> HttpResponse:
        try:
            household = household_register(user=self.request.user, **form.cleaned_data)
        except HouseholdAlreadyRegisteredError:
            messages.info(self.request, _("Your household is already registered."))
            return redirect("family:home")
        messages.success(
            self.request,
            _("Household %(name)s is registered. Now add your children.")
            % {"name": household.name},
        )
        return redirect("family:home")


class FamilyHomeView(GuardianMixin, TemplateView):
    template_name = "family/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        now = timezone.now()
        pending = GuardianInvitation.objects.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True
        ).order_by("-created_at", "-pk")
        households = list(
            self.households()
            .select_related("school", "payer")
            .prefetch_related(
                Prefetch("guardians", queryset=Guardian.objects.order_by("created_at", "pk")),
                Prefetch("pupils", queryset=Pupil.objects.order_by("birth_date", "pk")),
                Prefetch("invitations", queryset=pending, to_attr="pending_invitations"),
            )
        )
        for household in households:
            for pupil in household.pupils.all():
                describe_pupil(pupil, today)
            for invitation in household.pending_invitations:
                invitation.expires_at = invitation_expires_at(invitation)
                invitation.expired = invitation.expires_at <= now
        context.update(households=households, today=today)
        return context


class PupilDetailView(GuardianMixin, TemplateView):
    template_name = "family/pupil.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pupil = get_in_scope(
            self.pupils().select_related("household__school"), pk=self.kwargs["pk"]
        )
        describe_pupil(pupil, timezone.localdate())
        context["pupil"] = pupil
        return context


class PupilAddView(GuardianMixin, FormView):
    template_name = "family/pupil_form.html"
    form_class = PupilForm

    @cached_property
    def today(self) -> dt.date:
        return timezone.localdate()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        households = self.households().order_by("name", "pk")
        kwargs["today"] = self.today
        kwargs["households"] = households if households.count() > 1 else None
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        household = self.households().order_by("name", "pk").first()
        return {"last_name": household.name if household else ""}

    def form_valid(self, form: PupilForm) -> HttpResponse:
        data = dict(form.cleaned_data)
        household = data.pop("household", None) or self.households().order_by("name", "pk")[0]
        pupil = pupil_add(actor=self.request.user, household=household, **data)
        messages.success(self.request, _("%(name)s is added.") % {"name": pupil.full_name})
        return HttpResponseRedirect(reverse("family:pupil", kwargs={"pk": pupil.pk}))


class PupilEditView(GuardianMixin, FormView):
    template_name = "family/pupil_form.html"
    form_class = PupilForm

    @cached_property
    def today(self) -> dt.date:
        return timezone.localdate()

    @cached_property
    def pupil(self) -> Pupil:
        # Resolved after the role check in dispatch, so anonymous users go to the login page.
        return get_in_scope(self.pupils().select_related("household"), pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["today"] = self.today
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        pupil = self.pupil
        answered = pupil.photo_consent != Pupil.PhotoConsent.NOT_ANSWERED
        return {
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "birth_date": pupil.birth_date,
            "school_grade": pupil.grade_on(self.today),
            "photo_consent": pupil.photo_consent if answered else None,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["pupil"] = self.pupil
        return context

    def form_valid(self, form: PupilForm) -> HttpResponse:
        pupil = pupil_update(actor=self.request.user, pupil=self.pupil, **form.cleaned_data)
        messages.success(self.request, _("The details are saved."))
        return HttpResponseRedirect(reverse("family:pupil", kwargs={"pk": pupil.pk}))


class HouseholdEditView(GuardianMixin, FormView):
    template_name = "family/household_form.html"
    form_class = HouseholdAddressForm

    @cached_property
    def household(self) -> Household:
        return get_in_scope(self.households(), pk=self.kwargs["pk"])

    def get_initial(self) -> dict[str, Any]:
        household = self.household
        return {
            "street_address": household.street_address,
            "postal_code": household.postal_code,
            "city": household.city,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["household"] = self.household
        return context

    def form_valid(self, form: HouseholdAddressForm) -> HttpResponse:
        household_address_update(
            actor=self.request.user, household=self.household, **form.cleaned_data
        )
        messages.success(self.request, _("The address is saved."))
        return redirect("family:home")


# --- A second guardian ------------------------------------------------------------------------


class GuardianInviteView(GuardianMixin, FormView):
    """A guardian invites another guardian of the household by e-mail."""

    template_name = "family/invite.html"
    form_class = GuardianInviteForm

    @cached_property
    def household(self) -> Household:
        return get_in_scope(self.households().select_related("school"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["household"] = self.household
        return context

    def form_valid(self, form: GuardianInviteForm) -> HttpResponse:
        try:
            invitation = guardian_invite(
                actor=self.request.user, household=self.household, **form.cleaned_data
            )
        except InvitationError as refused:
            form.add_error("email", str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "An invitation is sent to %(email)s. The link in it is valid for 14 days; you "
                "see here when it has been accepted."
            )
            % {"email": invitation.email},
        )
        return HttpResponseRedirect(reverse("family:home") + f"#household-{self.household.pk}")


class InvitationAcceptView(TemplateView):
    """The page the invitation link opens: sign in or create an account, then accept.

    Open to anyone with the link, which is signed and expires after 14 days; accepting needs a
    signed-in user, with any e-mail address.
    """

    template_name = "family/invitation_accept.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            invitation = invitation_from_token(kwargs["token"])
        except InvitationError as problem:
            return self.render_to_response(self.get_context_data(problem=str(problem)))
        already = (
            request.user.is_authenticated
            and Guardian.objects.filter(household=invitation.household, user=request.user).exists()
        )
        next_query = urlencode({"next": request.path})
        return self.render_to_response(
            self.get_context_data(
                invitation=invitation,
                inviter=invitation.household.guardians.filter(user=invitation.invited_by).first()
                if invitation.invited_by_id
                else None,
                already_guardian=already,
                login_url=f"{reverse('account_login')}?{next_query}",
                signup_url=f"{reverse('account_signup')}?{next_query}",
            )
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            invitation = invitation_from_token(kwargs["token"])
            guardian, created = guardian_invitation_accept(user=request.user, invitation=invitation)
        except InvitationError as problem:
            return self.render_to_response(self.get_context_data(problem=str(problem)))
        household = guardian.household
        if created:
            messages.success(
                request,
                _("Welcome: you are now a guardian in household %(household)s.")
                % {"household": household.name},
            )
        else:
            messages.info(
                request,
                _("You were already a guardian in household %(household)s.")
                % {"household": household.name},
            )
        return HttpResponseRedirect(reverse("family:home") + f"#household-{household.pk}")


class InvitationCancelView(GuardianMixin, TemplateView):
    """Asks first (GET), cancels on POST."""

    template_name = "family/invitation_cancel.html"

    def get_invitation(self) -> GuardianInvitation:
        pending = GuardianInvitation.objects.filter(
            household__in=self.households(), accepted_at__isnull=True, cancelled_at__isnull=True
        ).select_related("household")
        return get_in_scope(pending, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(invitation=self.get_invitation()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.get_invitation()
        try:
            guardian_invitation_cancel(actor=request.user, invitation=invitation)
        except InvitationError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is cancelled; its link no longer works.")
                % {"email": invitation.email},
            )
        return HttpResponseRedirect(
            reverse("family:home") + f"#household-{invitation.household_id}"
        )
