"""Billing pages for office staff and the principal: /office/<school>/billing/…

Invoices for a term (a dry run first, then a run in the background with a progress bar),
the invoice list and each invoice, payments (by hand, from the bank's file, and those that
need a person), overdue invoices with the §9d i flag, free places (§12d), reductions (§13),
instrument rentals and the export for the municipal accounting system.

The school comes from the URL through `SchoolStaffMixin` (via OfficeMixin), and every object
is looked up through a queryset of that school, so another school's invoice is a 404. Views
check, validate and call the billing services; a service's refusal becomes a message next to
the field and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from billing import (
    delivery,
    exports,
    free_places,
    reductions,
    rentals,
    selectors,
    status,
    tasks,
    texts,
)
from billing.filters import InvoiceFilter, PaymentFilter
from billing.invoicing import NoFeeScheduleError, invoices_create, schedule_for_term
from billing.models import (
    FeeReduction,
    FreePlaceApplication,
    InstrumentRental,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentImport,
)
from billing.office_forms import (
    FreePlaceDecisionForm,
    FreePlaceFilterForm,
    PaymentAssignForm,
    PaymentHandledForm,
    PaymentImportForm,
    PaymentRegisterForm,
    PeriodForm,
    ReductionForm,
    RentalForm,
    RentalReturnForm,
    TermChoiceForm,
)
from billing.payments import (
    PaymentError,
    payment_assign,
    payment_mark_handled,
    payment_register,
    payments_import,
)
from billing.services import school_year_label
from enrollment import lifecycle_selectors
from enrollment import rules as enrollment_rules
from enrollment.models import SchoolPolicy, Term, Termination
from enrollment.views.lifecycle_office import paginate, query_without_page
from enrollment.views.office import OfficeMixin, _attach_errors
from kulturskole.access import get_in_scope

PER_PAGE = 50
# Planned invoices shown with their lines on the dry run's page.
PREVIEW_ROWS = 20
ZERO = Decimal("0.00")


def _run_school_key(run_id: str) -> str:
    return f"billing:invoice-run-school:{run_id}"


class BillingMixin(OfficeMixin):
    section = "billing"
    subpage = ""

    def today(self) -> dt.date:
        return timezone.localdate()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subpage"] = self.subpage
        return context

    def invoices(self) -> QuerySet[Invoice]:
        return Invoice.objects.filter(school=self.school)

    def payments(self) -> QuerySet[Payment]:
        return Payment.objects.filter(school=self.school)

    def chosen_term(self) -> tuple[list[Term], Term | None]:
        return lifecycle_selectors.chosen_term(
            self.school, self.request.GET.get("term"), self.today()
        )


def _refuse(form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError):
        _attach_errors(form, error)
    else:
        form.add_error(None, str(error))


# --- 1. Home -----------------------------------------------------------------------------------


class BillingHomeView(BillingMixin, TemplateView):
    template_name = "billing/home.html"
    subpage = "home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = self.today()
        terms, term = self.chosen_term()
        context.update(terms=terms, term=term, today=today)
        if term is not None:
            of_term = self.invoices().filter(term=term)
            payable = selectors.with_balance(selectors.payable(of_term))
            # Aggregate aliases must differ from the annotations they sum: an alias that
            # shadows one ("paid") makes Django leave the annotation out of the subquery.
            totals = payable.aggregate(
                count=Count("pk"),
                total_sum=Sum("total"),
                paid_sum=Sum("paid"),
                owed_sum=Sum("owed"),
            )
            credit = of_term.filter(kind=Invoice.Kind.CREDIT_NOTE).aggregate(
                count=Count("pk"), total=Sum("total")
            )
            late = selectors.overdue(of_term, today=today).aggregate(
                count=Count("pk"),
                owed_sum=Sum("owed"),
                flagged=Count("pk", filter=Q(termination_flag_on__isnull=False)),
            )
            unsent = of_term.filter(
                delivery__in=[Invoice.Delivery.PENDING, Invoice.Delivery.NO_ADDRESS]
            ).aggregate(
                pending=Count("pk", filter=Q(delivery=Invoice.Delivery.PENDING)),
                no_address=Count("pk", filter=Q(delivery=Invoice.Delivery.NO_ADDRESS)),
            )
            context.update(
                totals={k: v if v is not None else ZERO for k, v in totals.items()},
                credit={k: v if v is not None else ZERO for k, v in credit.items()},
                late={k: v if v is not None else ZERO for k, v in late.items()},
                unsent=unsent,
            )
        context.update(
            unmatched=self.payments().exclude(problem="").count(),
            free_places_open=FreePlaceApplication.objects.filter(
                household__school=self.school, status=FreePlaceApplication.Status.APPLIED
            ).count(),
        )
        return context


# --- 2. Creating the invoices of a term ---------------------------------------------------------


class InvoiceRunView(BillingMixin, TemplateView):
    """GET with a term: what a run would create (a dry run). POST: start the run."""

    template_name = "billing/run.html"
    subpage = "run"

    def policy_problem(self) -> str:
        """Why invoices cannot go out yet: they need the school's saved rules with the bank
        account the KID payments go to."""
        policy = SchoolPolicy.objects.filter(school=self.school).first()
        if policy is None:
            return "no_policy"
        if not policy.bank_account:
            return "no_bank_account"
        return ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TermChoiceForm(request.GET or None, school=self.school)
        problem = self.policy_problem()
        context: dict[str, Any] = {"form": form, "policy_problem": problem}
        if form.is_bound and form.is_valid() and problem != "no_policy":
            term = form.cleaned_data["term"]
            context["term"] = term
            try:
                result = invoices_create(school=self.school, term=term, dry_run=True)
            except NoFeeScheduleError:
                context["no_schedule"] = school_year_label(_school_year(term))
            else:
                context.update(result=result, preview=_preview(result.planned[:PREVIEW_ROWS]))
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TermChoiceForm(request.POST, school=self.school)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        term = form.cleaned_data["term"]
        problem = self.policy_problem()
        if problem:
            context = {"form": form, "term": term, "policy_problem": problem}
            return self.render_to_response(self.get_context_data(**context))
        try:
            schedule_for_term(self.school, term)
        except NoFeeScheduleError:
            context = {"form": form, "term": term}
            context["no_schedule"] = school_year_label(_school_year(term))
            return self.render_to_response(self.get_context_data(**context))
        run_id = tasks.start_invoice_run(
            school_id=self.school.pk, term_id=term.pk, user_id=request.user.pk
        )
        cache.set(_run_school_key(run_id), self.school.pk, tasks.RUN_STATE_SECONDS)
        request.session["billing_last_run"] = run_id
        return redirect(self.school_url("billing:run_progress", run_id=run_id))


def _school_year(term: Term) -> int:
    return enrollment_rules.school_year_start(term.starts_on)


def _preview(planned: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in planned:
        rows.append(
            {
                "household": item.bill.household,
                "kind": Invoice.Kind(item.kind).label,
                "corrects": item.corrects,
                "total": item.total,
                "lines": [
                    {
                        "description": texts.line_description(line.kind, line.params),
                        "rule": texts.line_rule(line.kind),
                        "amount": line.amount,
                        "correction": line.correction,
                    }
                    for line in item.lines
                ],
            }
        )
    return rows


class InvoiceRunProgressView(BillingMixin, TemplateView):
    """The run's progress; htmx asks again every second until it is done."""

    template_name = "billing/run_progress.html"
    subpage = "run"

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["billing/_run_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run_id = self.kwargs["run_id"]
        state = tasks.run_state(run_id)
        if state is None or cache.get(_run_school_key(run_id)) != self.school.pk:
            raise Http404
        total = state.get("total") or 0
        done = state.get("done") or 0
        context.update(
            run_id=run_id,
            state=state,
            done=done,
            total=total,
            percent=round(100 * done / total) if total else 0,
            finished=state.get("state") in ("finished", "failed"),
            amount=Decimal(state["amount"]) if state.get("amount") else None,
        )
        return context


# --- 3. Invoice list ----------------------------------------------------------------------------


class InvoiceListMixin(BillingMixin):
    def filtered(self) -> tuple[InvoiceFilter, QuerySet[Invoice]]:
        queryset = (
            selectors.with_balance(self.invoices())
            .select_related("household", "term", "corrects")
            .order_by("-issued_on", "-number")
        )
        data = self.request.GET if self.request.GET else None  # type: ignore[attr-defined]
        invoice_filter = InvoiceFilter(
            data, queryset=queryset, school=self.school, today=self.today()
        )
        return invoice_filter, invoice_filter.qs


class InvoiceListView(InvoiceListMixin, TemplateView):
    template_name = "billing/invoices.html"
    subpage = "invoices"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoice_filter, rows = self.filtered()
        page = paginate(self.request, rows, PER_PAGE)
        status.mark(page.object_list, today=self.today())
        query = query_without_page(self.request)
        context.update(
            filter=invoice_filter,
            page_obj=page,
            invoices=page.object_list,
            query_string=query,
            filtered=bool(query),
        )
        return context


class InvoiceExportView(InvoiceListMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in ("csv", "xlsx"):
            raise Http404
        _filter, rows = self.filtered()
        name = f"{_('invoices')}-{self.school.slug}-{self.today().isoformat()}"
        return _table_response(
            fmt,
            name,
            [
                (
                    _("Invoices"),
                    exports.invoice_headers(),
                    map(exports.invoice_row, rows),
                    exports.INVOICE_WIDTHS,
                )
            ],
        )


def _table_response(fmt: str, name: str, sheets: list[Any]) -> HttpResponse:
    if fmt == "csv":
        _title, headers, rows, _widths = sheets[0]
        response = HttpResponse(
            exports.table_csv(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.table_xlsx(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- 4. One invoice -----------------------------------------------------------------------------


class InvoiceDetailView(BillingMixin, TemplateView):
    template_name = "billing/invoice.html"
    subpage = "invoices"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoices = (
            selectors.with_balance(self.invoices())
            .select_related("term", "household", "corrects", "created_by", "school__policy")
            .prefetch_related(
                Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
                Prefetch(
                    "payments",
                    queryset=Payment.objects.select_related("registered_by").order_by(
                        "paid_on", "pk"
                    ),
                ),
                Prefetch("corrections", queryset=Invoice.objects.order_by("issued_on", "number")),
            )
        )
        invoice = _get(invoices, self.kwargs["pk"])
        status.mark([invoice], today=self.today())
        language_names = dict(settings.LANGUAGES)
        current = translation.get_language() or settings.LANGUAGE_CODE
        context.update(
            invoice=invoice,
            lines=status.invoice_lines(invoice),
            policy=lifecycle_selectors.policy_for(self.school),
            current_language=(current, language_names.get(current, current)),
            payer_language=(
                invoice.language,
                language_names.get(invoice.language, invoice.language),
            ),
        )
        return context


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    return get_in_scope(queryset, pk=pk)


class InvoicePDFView(BillingMixin, View):
    """The invoice as a PDF, in the language asked for (?lang=) or the payer's."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = _get(self.invoices(), kwargs["pk"])
        invoice = delivery.invoice_for_document(invoice.pk)
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            language = invoice.language
        pdf = delivery.invoice_pdf(invoice, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{delivery.invoice_filename(invoice)}"'
        return response


# --- 5. Payments --------------------------------------------------------------------------------


class PaymentListView(BillingMixin, TemplateView):
    template_name = "billing/payments.html"
    subpage = "payments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = (
            self.payments()
            .select_related("invoice", "registered_by", "handled_by", "payment_import")
            .order_by("-paid_on", "-pk")
        )
        data = self.request.GET if self.request.GET else None
        payment_filter = PaymentFilter(data, queryset=queryset)
        page = paginate(self.request, payment_filter.qs, PER_PAGE)
        query = query_without_page(self.request)
        context.update(
            filter=payment_filter,
            page_obj=page,
            payments=page.object_list,
            query_string=query,
            filtered=bool(query),
            needing=self.payments().exclude(problem="").count(),
        )
        return context


class PaymentRegisterView(BillingMixin, FormView):
    template_name = "billing/payment_form.html"
    form_class = PaymentRegisterForm
    subpage = "payments"

    def get_initial(self) -> dict[str, Any]:
        return {"paid_on": self.today(), "kid": self.request.GET.get("kid", "")[:25]}

    def form_valid(self, form: PaymentRegisterForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            payment = payment_register(
                school=self.school,
                kid=data["kid"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                note=data["note"],
                by=self.request.user,
            )
        except PaymentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if payment.problem == Payment.Problem.UNKNOWN_KID:
            messages.warning(
                self.request,
                _(
                    "The payment is registered, but no invoice has this KID. It is listed "
                    "under payments that need handling."
                ),
            )
        elif payment.problem == Payment.Problem.AMOUNT_MISMATCH:
            messages.warning(
                self.request,
                _(
                    "The payment is registered to invoice %(number)s, but the amount is not "
                    "what the invoice owed. It is listed under payments that need handling."
                )
                % {"number": payment.invoice.number},
            )
        else:
            messages.success(
                self.request,
                _("The payment is registered to invoice %(number)s.")
                % {"number": payment.invoice.number},
            )
        return redirect(self.school_url("billing:payments"))


class PaymentImportView(BillingMixin, TemplateView):
    """Upload the bank's file; the result is shown at once, and a second import of the same
    file says so and registers nothing."""

    template_name = "billing/payment_import.html"
    subpage = "payments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", PaymentImportForm())
        context["imports"] = (
            PaymentImport.objects.filter(school=self.school)
            .select_related("imported_by")
            .annotate(
                unmatched=Count("payments", filter=Q(payments__invoice__isnull=True)),
            )
            .order_by("-imported_at")[:20]
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PaymentImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            result = payments_import(
                school=self.school, data=upload.read(), filename=upload.name, by=request.user
            )
        except PaymentError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        return self.render_to_response(
            self.get_context_data(form=PaymentImportForm(), result=result, filename=upload.name)
        )


class PaymentActionMixin(BillingMixin):
    """Two steps: the form, then a confirmation that repeats what will happen."""

    template_name = "billing/payment_action.html"
    subpage = "payments"
    action = ""

    def payment_queryset(self) -> QuerySet[Payment]:
        return self.payments()

    def get_payment(self) -> Payment:
        return _get(
            self.payment_queryset().select_related("invoice", "payment_import", "registered_by"),
            self.kwargs["pk"],
        )

    def make_form(self, data: Any = None) -> Any:
        raise NotImplementedError

    def perform(self, payment: Payment, form: Any) -> str:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payment = self.get_payment()
        return self.render_to_response(
            self.get_context_data(payment=payment, form=self.make_form(), action=self.action)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payment = self.get_payment()
        form = self.make_form(request.POST)
        context = {"payment": payment, "form": form, "action": self.action}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        if request.POST.get("confirm") != "yes":
            context["confirming"] = True
            return self.render_to_response(self.get_context_data(**context))
        try:
            message = self.perform(payment, form)
        except (PaymentError, ValidationError) as error:
            _refuse(form, error)
            return self.render_to_response(self.get_context_data(**context))
        messages.success(request, message)
        return redirect(self.school_url("billing:payments") + "?problem=open")


class PaymentAssignView(PaymentActionMixin, TemplateView):
    action = "assign"

    def payment_queryset(self) -> QuerySet[Payment]:
        return self.payments().filter(invoice__isnull=True)

    def make_form(self, data: Any = None) -> PaymentAssignForm:
        return PaymentAssignForm(data, school=self.school)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None and form.is_bound and "invoice" in getattr(form, "cleaned_data", {}):
            invoice = form.cleaned_data["invoice"]
            context["invoice"] = selectors.with_balance(Invoice.objects.filter(pk=invoice.pk)).get()
        return context

    def perform(self, payment: Payment, form: PaymentAssignForm) -> str:
        invoice = form.cleaned_data["invoice"]
        payment_assign(
            payment=payment, invoice=invoice, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("The payment is attached to invoice %(number)s.") % {"number": invoice.number}


class PaymentHandledView(PaymentActionMixin, TemplateView):
    action = "handled"

    def payment_queryset(self) -> QuerySet[Payment]:
        return self.payments().exclude(problem="")

    def make_form(self, data: Any = None) -> PaymentHandledForm:
        return PaymentHandledForm(data)

    def perform(self, payment: Payment, form: PaymentHandledForm) -> str:
        payment_mark_handled(payment=payment, by=self.request.user, note=form.cleaned_data["note"])
        return _("The payment is marked as handled.")


# --- 6. Overdue ---------------------------------------------------------------------------------


class OverdueView(BillingMixin, TemplateView):
    template_name = "billing/overdue.html"
    subpage = "overdue"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = self.today()
        flagged_only = self.request.GET.get("flagged") == "1"
        rows = (
            selectors.overdue(self.invoices(), today=today)
            .select_related("household", "term")
            .prefetch_related(
                Prefetch(
                    "lines",
                    queryset=InvoiceLine.objects.filter(placement__isnull=False)
                    .select_related("placement__pupil", "placement__offer")
                    .order_by("position"),
                )
            )
            .order_by("due_on", "number")
        )
        if flagged_only:
            rows = rows.filter(termination_flag_on__isnull=False)
        page = paginate(self.request, rows, PER_PAGE)
        for invoice in page.object_list:
            places = {}
            for line in invoice.lines.all():
                places.setdefault(line.placement_id, line.placement)
            invoice.places = list(places.values())
            invoice.days_late = (today - invoice.due_on).days
        status.mark(page.object_list, today=today)
        context.update(
            page_obj=page,
            invoices=page.object_list,
            flagged_only=flagged_only,
            query_string=query_without_page(self.request),
            non_payment=Termination.Reason.NON_PAYMENT,
            policy=lifecycle_selectors.policy_for(self.school),
        )
        return context


# --- 7. Free places (§12d) ----------------------------------------------------------------------


class FreePlaceMixin(BillingMixin):
    subpage = "free_places"

    def applications(self) -> QuerySet[FreePlaceApplication]:
        return FreePlaceApplication.objects.filter(household__school=self.school)


class FreePlaceListView(FreePlaceMixin, TemplateView):
    template_name = "billing/free_places.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = FreePlaceFilterForm(self.request.GET or None)
        chosen = form.cleaned_data.get("status", "") if form.is_valid() else ""
        rows = self.applications().select_related("household", "decided_by", "applied_by")
        if chosen:
            rows = rows.filter(status=chosen)
        page = paginate(self.request, rows.order_by("status", "-applied_at", "pk"), PER_PAGE)
        for application in page.object_list:
            application.year_label = school_year_label(application.school_year)
        context.update(
            filter_form=form,
            filtered=bool(chosen),
            page_obj=page,
            applications=page.object_list,
            query_string=query_without_page(self.request),
        )
        return context


class FreePlaceDecideView(FreePlaceMixin, FormView):
    template_name = "billing/free_place.html"
    form_class = FreePlaceDecisionForm

    def get_application(self) -> FreePlaceApplication:
        if not hasattr(self, "application"):
            self.application = _get(
                self.applications().select_related("household", "decided_by", "applied_by"),
                self.kwargs["pk"],
            )
        return self.application

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = self.get_application()
        household = application.household
        context.update(
            application=application,
            year_label=school_year_label(application.school_year),
            pupils=household.pupils.order_by("first_name"),
            earlier=self.applications()
            .filter(household=household)
            .exclude(pk=application.pk)
            .order_by("-school_year"),
        )
        return context

    def form_valid(self, form: FreePlaceDecisionForm) -> HttpResponse:
        application = self.get_application()
        grant = form.cleaned_data["decision"] == "grant"
        try:
            free_places.free_place_decide(
                application=application,
                grant=grant,
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            _refuse(form, error)
            return self.form_invalid(form)
        if grant:
            messages.success(
                self.request,
                _(
                    "The free place is granted and the household is told by e-mail. Terms "
                    "invoiced already are corrected with a credit note by the next invoice run."
                ),
            )
        else:
            messages.success(
                self.request, _("The application is refused and the household is told by e-mail.")
            )
        return redirect(self.school_url("billing:free_places"))


def _private_file(field: Any, filename: str) -> HttpResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = field.name.rsplit(".", 1)[-1].lower() if "." in field.name else ""
    content_type = mimetypes.types_map.get(f".{extension}", "application/octet-stream")
    return FileResponse(
        handle,
        content_type=content_type,
        as_attachment=False,
        filename=f"{filename}.{extension}" if extension else filename,
    )


class FreePlaceDocumentView(FreePlaceMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        application = _get(self.applications(), kwargs["pk"])
        return _private_file(application.attachment, f"free-place-{application.pk}")


# --- 8. Reductions (§13) and instrument rentals --------------------------------------------------


class ReductionMixin(BillingMixin):
    subpage = "reductions"

    def reductions(self) -> QuerySet[FeeReduction]:
        return FeeReduction.objects.filter(placement__offer__school=self.school)


class ReductionListView(ReductionMixin, TemplateView):
    template_name = "billing/reductions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        terms, term = self.chosen_term()
        rows = self.reductions().select_related(
            "placement__pupil", "placement__offer", "term", "decided_by"
        )
        if term is not None:
            rows = rows.filter(term=term)
        page = paginate(self.request, rows.order_by("-decided_at", "pk"), PER_PAGE)
        context.update(
            terms=terms,
            term=term,
            page_obj=page,
            reductions=page.object_list,
            query_string=query_without_page(self.request),
            policy=lifecycle_selectors.policy_for(self.school),
        )
        return context


class ReductionNewView(ReductionMixin, FormView):
    template_name = "billing/reduction_form.html"
    form_class = ReductionForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "school": self.school}

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in ("term", "placement"):
            raw = self.request.GET.get(name, "")
            if raw.isdigit():
                initial[name] = int(raw)
        if "term" not in initial:
            _terms, term = self.chosen_term()
            if term is not None:
                initial["term"] = term.pk
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["policy"] = lifecycle_selectors.policy_for(self.school)
        return context

    def form_valid(self, form: ReductionForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            reduction = reductions.fee_reduction_register(
                placement=data["placement"],
                term=data["term"],
                kind=data["kind"],
                weeks=data["weeks"],
                justification=data["justification"],
                doctors_note=data["doctors_note"],
                by=self.request.user,
            )
        except ValidationError as error:
            _refuse(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The reduction is registered. The next invoice run for %(term)s takes it into "
                "account (a credit note if the term is invoiced already)."
            )
            % {"term": reduction.term},
        )
        return redirect(self.school_url("billing:reductions") + f"?term={reduction.term_id}")


class ReductionNoteView(ReductionMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reduction = _get(self.reductions(), kwargs["pk"])
        return _private_file(reduction.doctors_note, f"doctors-note-{reduction.pk}")


class RentalMixin(BillingMixin):
    subpage = "rentals"

    def rentals(self) -> QuerySet[InstrumentRental]:
        return InstrumentRental.objects.filter(placement__offer__school=self.school)


class RentalListView(RentalMixin, TemplateView):
    template_name = "billing/rentals.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("all") == "1"
        rows = self.rentals().select_related("placement__pupil", "placement__offer", "created_by")
        if not show_all:
            rows = rows.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.today()))
        page = paginate(self.request, rows.order_by("ends_on", "-starts_on", "pk"), PER_PAGE)
        context.update(
            show_all=show_all,
            page_obj=page,
            rentals=page.object_list,
            query_string=query_without_page(self.request),
        )
        return context


class RentalNewView(RentalMixin, FormView):
    template_name = "billing/rental_form.html"
    form_class = RentalForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "school": self.school, "today": self.today()}

    def get_initial(self) -> dict[str, Any]:
        return {"starts_on": self.today()}

    def form_valid(self, form: RentalForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            rentals.rental_start(
                placement=data["placement"],
                instrument=data["instrument"],
                serial_number=data["serial_number"],
                starts_on=data["starts_on"],
                by=self.request.user,
            )
        except ValidationError as error:
            _refuse(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The rental is registered."))
        return redirect(self.school_url("billing:rentals"))


class RentalReturnView(RentalMixin, FormView):
    template_name = "billing/rental_return.html"
    form_class = RentalReturnForm

    def get_rental(self) -> InstrumentRental:
        if not hasattr(self, "rental"):
            self.rental = _get(
                self.rentals()
                .filter(ends_on__isnull=True)
                .select_related("placement__pupil", "placement__offer"),
                self.kwargs["pk"],
            )
        return self.rental

    def get_initial(self) -> dict[str, Any]:
        return {"ends_on": self.today()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rental"] = self.get_rental()
        return context

    def form_valid(self, form: RentalReturnForm) -> HttpResponse:
        try:
            rentals.rental_return(
                rental=self.get_rental(), ends_on=form.cleaned_data["ends_on"], by=self.request.user
            )
        except ValidationError as error:
            _refuse(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The instrument is registered as returned."))
        return redirect(self.school_url("billing:rentals"))


# --- 9. Export for the municipal accounting system ----------------------------------------------


class AccountingMixin(BillingMixin):
    subpage = "accounting"

    def period(self) -> tuple[PeriodForm, dt.date, dt.date]:
        today = self.today()
        default = (today.replace(day=1), today)
        form = PeriodForm(self.request.GET or None)
        if form.is_bound and form.is_valid():
            return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        if not form.is_bound:
            form = PeriodForm(initial={"date_from": default[0], "date_to": default[1]})
        return form, *default


class AccountingView(AccountingMixin, TemplateView):
    template_name = "billing/accounting.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, start, end = self.period()
        invoices = self.invoices().filter(issued_on__range=(start, end))
        payments = self.payments().filter(paid_on__range=(start, end))
        context.update(
            form=form,
            date_from=start,
            date_to=end,
            invoice_count=invoices.count(),
            invoice_sum=invoices.aggregate(total=Sum("total"))["total"] or ZERO,
            payment_count=payments.count(),
            payment_sum=payments.aggregate(total=Sum("amount"))["total"] or ZERO,
            period_query=f"date_from={start.isoformat()}&date_to={end.isoformat()}",
        )
        return context


class AccountingExportView(AccountingMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        what, fmt = kwargs["what"], kwargs["fmt"]
        if what not in ("invoices", "payments") or fmt not in ("csv", "xlsx"):
            raise Http404
        _form, start, end = self.period()
        period = f"{start.isoformat()}_{end.isoformat()}"
        if what == "invoices":
            rows = (
                selectors.with_balance(self.invoices().filter(issued_on__range=(start, end)))
                .select_related("household", "term", "corrects")
                .order_by("issued_on", "number")
            )
            sheet = (
                _("Invoices"),
                exports.invoice_headers(),
                map(exports.invoice_row, rows),
                exports.INVOICE_WIDTHS,
            )
            name = f"{_('invoices')}-{self.school.slug}-{period}"
        else:
            rows = (
                self.payments()
                .filter(paid_on__range=(start, end))
                .select_related("invoice")
                .order_by("paid_on", "pk")
            )
            sheet = (
                _("Payments"),
                exports.payment_headers(),
                map(exports.payment_row, rows),
                exports.PAYMENT_WIDTHS,
            )
            name = f"{_('payments')}-{self.school.slug}-{period}"
        return _table_response(fmt, name, [sheet])
