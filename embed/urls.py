from django.urls import path

from . import views

app_name = "embed"

urlpatterns = [
    path("v1/embed.js", views.loader, name="loader"),
    path("v1/petitions/<slug:slug>/", views.widget, name="widget"),
]
