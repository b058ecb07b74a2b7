"""Guardian pages: applications, waiting-list positions, place offers and contracts."""

from django.views.generic import DetailView

from kulturskole.access import GuardianMixin
from waitlist.models import PlaceOffer


class PlaceOfferView(GuardianMixin, DetailView):
    template_name = "applications/place_offer.html"

    def get_queryset(self):
        return PlaceOffer.objects.filter(pupil__in=self.pupils())
