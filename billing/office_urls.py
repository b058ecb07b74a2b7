"""Billing pages of one school for office staff and the principal: /office/<school>/billing/…"""

from django.urls import path

from billing import office_views as views

app_name = "billing"

urlpatterns = [
    path("<slug:school>/billing/", views.BillingHomeView.as_view(), name="home"),
    path("<slug:school>/billing/run/", views.InvoiceRunView.as_view(), name="run"),
    path(
        "<slug:school>/billing/run/<str:run_id>/",
        views.InvoiceRunProgressView.as_view(),
        name="run_progress",
    ),
    path("<slug:school>/billing/invoices/", views.InvoiceListView.as_view(), name="invoices"),
    path(
        "<slug:school>/billing/invoices.<slug:fmt>",
        views.InvoiceExportView.as_view(),
        name="invoices_export",
    ),
    path(
        "<slug:school>/billing/invoices/<int:pk>/",
        views.InvoiceDetailView.as_view(),
        name="invoice",
    ),
    path(
        "<slug:school>/billing/invoices/<int:pk>/pdf/",
        views.InvoicePDFView.as_view(),
        name="invoice_pdf",
    ),
    path("<slug:school>/billing/payments/", views.PaymentListView.as_view(), name="payments"),
    path(
        "<slug:school>/billing/payments/new/",
        views.PaymentRegisterView.as_view(),
        name="payment_new",
    ),
    path(
        "<slug:school>/billing/payments/import/",
        views.PaymentImportView.as_view(),
        name="payment_import",
    ),
    path(
        "<slug:school>/billing/payments/<int:pk>/assign/",
        views.PaymentAssignView.as_view(),
        name="payment_assign",
    ),
    path(
        "<slug:school>/billing/payments/<int:pk>/handled/",
        views.PaymentHandledView.as_view(),
        name="payment_handled",
    ),
    path("<slug:school>/billing/overdue/", views.OverdueView.as_view(), name="overdue"),
    path(
        "<slug:school>/billing/free-places/",
        views.FreePlaceListView.as_view(),
        name="free_places",
    ),
    path(
        "<slug:school>/billing/free-places/<int:pk>/",
        views.FreePlaceDecideView.as_view(),
        name="free_place",
    ),
    path(
        "<slug:school>/billing/free-places/<int:pk>/document/",
        views.FreePlaceDocumentView.as_view(),
        name="free_place_document",
    ),
    path(
        "<slug:school>/billing/reductions/",
        views.ReductionListView.as_view(),
        name="reductions",
    ),
    path(
        "<slug:school>/billing/reductions/new/",
        views.ReductionNewView.as_view(),
        name="reduction_new",
    ),
    path(
        "<slug:school>/billing/reductions/<int:pk>/note/",
        views.ReductionNoteView.as_view(),
        name="reduction_note",
    ),
    path("<slug:school>/billing/rentals/", views.RentalListView.as_view(), name="rentals"),
    path("<slug:school>/billing/rentals/new/", views.RentalNewView.as_view(), name="rental_new"),
    path(
        "<slug:school>/billing/rentals/<int:pk>/return/",
        views.RentalReturnView.as_view(),
        name="rental_return",
    ),
    path(
        "<slug:school>/billing/accounting/",
        views.AccountingView.as_view(),
        name="accounting",
    ),
    path(
        "<slug:school>/billing/accounting/<slug:what>.<slug:fmt>",
        views.AccountingExportView.as_view(),
        name="accounting_export",
    ),
]
