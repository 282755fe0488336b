from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "widget_api"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("v1/petitions/", views.PetitionListView.as_view(), name="petition-list"),
    path("v1/petitions/<petition_slug:slug>/", views.PetitionDetailView.as_view(), name="petition-detail"),
    path("v1/petitions/<petition_slug:slug>/count/", views.PetitionCountView.as_view(), name="petition-count"),
    path("v1/petitions/<petition_slug:slug>/signatures/", views.SignatureCreateView.as_view(), name="signature-create"),
    path("v1/petitions/<petition_slug:slug>/challenge/", views.ChallengeView.as_view(), name="petition-challenge"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
]
