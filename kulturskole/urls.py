from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kulturskole import views

# The admin signs in through allauth, so rate limits and two factors apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Kulturskole"
admin.site.site_title = "Kulturskole"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("schools/", include("enrollment.urls.public")),
    path("family/", include("enrollment.urls.family")),
    path("family/", include("waitlist.urls.family")),
    path("office/", include("waitlist.urls.office")),
    path("schools/", include("waitlist.urls.public")),
    path("office/", include("enrollment.urls.office")),
    path("office/", include("waitlist.urls.statistics")),
    path("office/", include("billing.urls")),
    path("office/", include("billing.office_urls")),
    path("office/", include("billing.gsi_urls")),
    path("family/", include("billing.family_urls")),
    path("teaching/", include("enrollment.urls.teaching")),
    path("regions/", include("regional.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
