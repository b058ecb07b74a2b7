"""Pages for the regional project leader and steering group."""

from django.views.generic import TemplateView

from kulturskole.access import RegionalMixin


class RegionHomeView(RegionalMixin, TemplateView):
    template_name = "regional/home.html"
