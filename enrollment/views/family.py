"""Pages for guardians: their household and children."""

from django.views.generic import DetailView, TemplateView

from kulturskole.access import GuardianMixin


class FamilyHomeView(GuardianMixin, TemplateView):
    template_name = "family/home.html"


class PupilDetailView(GuardianMixin, DetailView):
    template_name = "family/pupil.html"

    def get_queryset(self):
        return self.pupils()
