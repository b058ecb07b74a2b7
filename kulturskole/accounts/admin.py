"""The user administration: people are found and identified by e-mail address."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kulturskole.accounts.models import User


class UserCreationForm(AdminUserCreationForm):
    """E-mail and, optionally, a password; without one the person sets it by 'Forgot password'."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "language")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class EmailAddressInline(admin.TabularInline):
    """The addresses allauth knows for the person, and whether they have been confirmed."""

    model = EmailAddress
    extra = 0
    fields = ("email", "primary", "verified")
    verbose_name = _("e-mail address for sign-in")
    verbose_name_plural = _("e-mail addresses for sign-in")


class TwoFactorFilter(admin.SimpleListFilter):
    title = _("two-factor authentication")
    parameter_name = "two_factor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("On")), ("no", _("Off"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "yes":
            return queryset.filter(has_totp=True)
        if self.value() == "no":
            return queryset.filter(has_totp=False)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "two_factor",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", TwoFactorFilter, "language", "groups")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    inlines = (EmailAddressInline,)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        # On the add page the addresses follow from the e-mail field (see save_model).
        return self.inlines if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).annotate(has_totp=Exists(totp))

    @admin.display(boolean=True, description=_("two-factor"), ordering="has_totp")
    def two_factor(self, user: User) -> bool:
        return bool(getattr(user, "has_totp", False))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # allauth signs people in by their EmailAddress rows. The address is confirmed the
            # first time the person signs in (or resets the password), not by the admin.
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"primary": True, "verified": False}
            )
