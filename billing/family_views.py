"""Guardian pages for billing: the household's invoices with their status and PDFs, and the
application for a free place (§12d).

Invoices are reached only through the signed-in guardian's households
(`GuardianMixin.households()`), so another household's invoice is a 404 whatever id is typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from billing import delivery, free_places, selectors, status
from billing.family_forms import FreePlaceApplicationForm
from billing.models import FreePlaceApplication, Invoice, InvoiceLine
from billing.services import school_year_label
from enrollment import rules as enrollment_rules
from enrollment.views.office import _attach_errors
from kulturskole.access import GuardianMixin, get_in_scope


class FamilyBillingMixin(GuardianMixin):
    def invoices(self) -> QuerySet[Invoice]:
        return Invoice.objects.filter(household__in=self.households())


class InvoicesView(FamilyBillingMixin, TemplateView):
    template_name = "family/invoices.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        invoices = list(
            selectors.with_balance(self.invoices())
            .select_related("term", "school__policy", "corrects", "household")
            .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
            .order_by("-issued_on", "-number")
        )
        status.mark(invoices, today=today)
        for invoice in invoices:
            invoice.line_texts = status.invoice_lines(invoice)
        to_pay = [i for i in invoices if i.kind != Invoice.Kind.CREDIT_NOTE and i.owed > 0]
        context.update(
            invoices=invoices,
            to_pay=to_pay,
            owed=sum((i.owed for i in to_pay), selectors.ZERO),
            today=today,
            has_households=self.households().exists(),
        )
        return context


class InvoicePDFView(FamilyBillingMixin, View):
    """The invoice as a PDF in the language of the page (the guardian's choice)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = get_in_scope(self.invoices(), pk=kwargs["pk"])
        invoice = delivery.invoice_for_document(invoice.pk)
        pdf = delivery.invoice_pdf(invoice, language=translation.get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{delivery.invoice_filename(invoice)}"'
        return response


class FreePlaceApplyView(GuardianMixin, FormView):
    template_name = "family/free_place.html"
    form_class = FreePlaceApplicationForm

    def school_years(self) -> list[int]:
        this_year = enrollment_rules.school_year_start(timezone.localdate())
        return [this_year, this_year + 1]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "households": self.households().order_by("name", "pk"),
            "school_years": self.school_years(),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        applications = list(
            FreePlaceApplication.objects.filter(household__in=self.households())
            .select_related("household")
            .order_by("-school_year", "-applied_at")
        )
        for application in applications:
            application.year_label = school_year_label(application.school_year)
        context.update(applications=applications, has_households=self.households().exists())
        return context

    def form_valid(self, form: FreePlaceApplicationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            free_places.free_place_apply(
                household=data["household"],
                school_year=data["school_year"],
                household_income=data["household_income"],
                household_size=data["household_size"],
                explanation=data["explanation"],
                attachment=data["attachment"],
                by=self.request.user,
            )
        except ValidationError as error:
            _attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your application is sent. The school decides and tells you by e-mail; the "
                "status is shown on this page."
            ),
        )
        return redirect("family_billing:free_place")
