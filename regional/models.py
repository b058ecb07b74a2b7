"""Regions of cooperating schools and the people who run their joint programme."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kulturskole.access import REGIONAL_ROLES, Role


class Region(models.Model):
    """Schools that run a joint in-depth programme, such as the Gjøvik region (Kulturløpet)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    schools = models.ManyToManyField(
        "enrollment.School", related_name="regions", verbose_name=_("partner schools")
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regional:home", kwargs={"region": self.slug})


class RegionalRole(models.Model):
    """Project leader or steering-group member of a region's programme."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_roles"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(role.value, role.label) for role in sorted(REGIONAL_ROLES)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("regional role")
        verbose_name_plural = _("regional roles")
        ordering = ["region", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="regional_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {Role(self.role).label}, {self.region}"
