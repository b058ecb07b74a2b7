"""Pages for office staff and principals of one school."""

from django.views.generic import TemplateView

from kulturskole.access import SchoolStaffMixin


class OfficeHomeView(SchoolStaffMixin, TemplateView):
    template_name = "office/home.html"
