"""What every page of a regional programme shares: finding the programme in the user's scope,
what the user may do in it, and the thin form → service → redirect pattern.

`ProgrammeMixin` looks the programme up through `kulturskole.access.programmes_for`, so a
person outside the programme (a school that is not a partner, another region's leader, a
guardian) gets a 404 and learns nothing. Within the programme, `need` says who may use the
page; someone who sees the programme but may not use the page gets a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from enrollment.models import School
from kulturskole.access import ProgrammeAccess, get_in_scope, programme_access, programmes_for
from regional.models import Gathering, InDepthPupil, Programme
from regional.services import RegionalError

VIEW = "view"  # everyone in the programme
OVERVIEW = "overview"  # project leader, steering group (and superusers)
EDIT = "edit"  # project leader (and superusers)
PARTNER_STAFF = "partner_staff"  # office, principal and teachers of a partner school
CONTRIBUTE = "contribute"  # the project leader or partner-school staff


class ProgrammeMixin(LoginRequiredMixin):
    need = VIEW
    section = ""
    programme: Programme
    access: ProgrammeAccess
    partners: list[School]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.programme = get_object_or_404(
            programmes_for(request.user).select_related("region", "project_leader"),
            region__slug=kwargs.get("region"),
            slug=kwargs.get("programme"),
        )
        self.region = self.programme.region
        self.partners = list(self.programme.schools.order_by("kind", "name"))
        self.access = programme_access(
            request.user, self.programme, [school.pk for school in self.partners]
        )
        if not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        access = self.access
        return {
            VIEW: True,
            OVERVIEW: access.sees_all,
            EDIT: access.edits,
            PARTNER_STAFF: bool(access.school_ids),
            CONTRIBUTE: access.edits or bool(access.school_ids),
        }[self.need]

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(
            f"regional:{name}",
            kwargs={"region": self.region.slug, "programme": self.programme.slug, **kwargs},
        )

    def scope_ids(self) -> list[int] | None:
        """None: every school's pupils; otherwise the partner schools the user works for."""
        return None if self.access.sees_all else sorted(self.access.school_ids)

    def visible_pupils(self) -> QuerySet[InDepthPupil]:
        pupils = self.programme.pupils.all()
        ids = self.scope_ids()
        return pupils if ids is None else pupils.filter(school_id__in=ids)

    def partner(self, slug: str, *, register: bool = False) -> School:
        """A partner school the user may see (or register pupils for); else 404."""
        for school in self.partners:
            if school.slug == slug:
                if register and not self.access.registers_for(school.pk):
                    break
                if not register and not self.access.sees_school(school.pk):
                    break
                return school
        if register and self.access.sees_all:
            raise PermissionDenied  # the steering group reads, but does not register
        raise Http404

    def gathering(self, pk: Any) -> Gathering:
        return get_in_scope(self.programme.gatherings.all(), pk=pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        own = [school for school in self.partners if school.pk in self.access.school_ids]
        context.update(
            region=self.region,
            programme=self.programme,
            access=self.access,
            section=self.section,
            own_schools=own,
            partners=self.partners,
            registering_schools=[
                school for school in self.partners if self.access.registers_for(school.pk)
            ],
            today=self.today,
        )
        return context


def attach_error(form: Any, error: Exception, field: str | None = None) -> None:
    """Put a service's refusal on the form, next to `field` or at the top."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
    else:
        form.add_error(field, str(error))


class ProgrammeFormView(ProgrammeMixin, FormView):
    """A form page of the programme: the service is called in `save`, and a refusal
    (RegionalError or ValidationError) is shown on the form and changes nothing."""

    template_name = "regional/form.html"
    title = ""
    intro = ""
    submit_label = ""
    success_message = ""
    multipart = False

    def save(self, form: Any) -> Any:
        raise NotImplementedError

    def success_url(self, result: Any) -> str:
        return self.url("programme")

    def cancel_url(self) -> str:
        return self.url("programme")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.save(form)
        except (RegionalError, ValidationError) as error:
            attach_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.success_url(result))

    def delete_url(self) -> str | None:
        """Where the thing being changed is deleted (a confirmation page), if it may be."""
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            intro=self.intro,
            submit_label=self.submit_label or _("Save"),
            cancel_url=self.cancel_url(),
            delete_url=self.delete_url(),
            multipart=self.multipart,
        )
        return context

    def get_title(self) -> str:
        return self.title


class ProgrammeConfirmView(ProgrammeMixin, TemplateView):
    """GET: a confirmation page; POST: do it. Nothing changes on GET.

    `refusal()` says why it cannot be done (the page then offers no button) and
    `consequences()` what else it changes; the service checks the refusal again on POST, so a
    change made meanwhile by someone else is refused with a message, not a 500."""

    need = EDIT
    template_name = "regional/confirm.html"
    http_method_names = ["get", "post", "head", "options"]
    title = ""
    submit_label = ""
    danger = True

    def question(self) -> str:
        raise NotImplementedError

    def refusal(self) -> str | None:
        return None

    def consequences(self) -> list[str]:
        return []

    def perform(self) -> str:
        """Do it through the service; return the success message."""
        raise NotImplementedError

    def success_url(self) -> str:
        return self.cancel_url()

    def cancel_url(self) -> str:
        return self.url("programme")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        refusal = self.refusal()
        context.update(
            title=self.title,
            question=self.question(),
            refusal=refusal,
            consequences=[] if refusal else self.consequences(),
            submit_label=self.submit_label or _("Delete"),
            danger=self.danger,
            cancel_url=self.cancel_url(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            message = self.perform()
        except (RegionalError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(self.cancel_url())
        messages.success(request, message)
        return HttpResponseRedirect(self.success_url())


def values_of(form: Any, *names: str) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
