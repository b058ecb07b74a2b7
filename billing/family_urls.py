"""The guardians' billing pages: /family/invoices/ (linked from every invoice e-mail) and the
application for a free place (§12d)."""

from django.urls import path

from billing import family_views as views

app_name = "family_billing"

urlpatterns = [
    path("invoices/", views.InvoicesView.as_view(), name="invoices"),
    path("invoices/<int:pk>/pdf/", views.InvoicePDFView.as_view(), name="invoice_pdf"),
    path("free-place/", views.FreePlaceApplyView.as_view(), name="free_place"),
]
