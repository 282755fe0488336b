from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from embed.oembed import oembed

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(settings.API_URL_PATH, include("widget_api.urls")),
    path("embed/", include("embed.urls")),
    path("oembed", oembed, name="oembed"),
    path("petitions/", include("wagtail_petitions.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database or Redis that cannot be reached gets 503 with Retry-After wherever it shows, never a 500.
handler500 = "wagtail_petitions.outages.server_error"

# Pages in the default language have no prefix; translations live under /fr/, /es/, ...
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
