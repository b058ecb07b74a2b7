from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Fees and invoices")

    def ready(self) -> None:
        from billing.fees import contract_fee_lines
        from waitlist.contracts import register_fee_provider

        register_fee_provider(contract_fee_lines)
