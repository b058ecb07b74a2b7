from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturskoleConfig(AppConfig):
    name = "kulturskole"
    verbose_name = _("Kulturskole")
