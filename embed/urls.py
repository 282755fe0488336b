from django.urls import path, re_path

from . import views

app_name = "embed"

urlpatterns = [
    path("v1/embed.js", views.loader, name="loader"),
    path("v1/embed.json", views.loader_manifest, name="loader-manifest"),
    re_path(r"^v1/embed\.(?P<digest>[0-9a-f]{16})\.js$", views.pinned_loader, name="pinned-loader"),
    path("v1/petitions/<petition_slug:slug>/", views.widget, name="widget"),
    path("v1/petitions/<petition_slug:slug>/share/<slug:network>/", views.share, name="share"),
]
