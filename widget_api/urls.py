from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .partner import views as partner_views
from .partner import webhooks as partner_webhooks

app_name = "widget_api"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("v1/petitions/", views.PetitionListView.as_view(), name="petition-list"),
    path("v1/petitions/<petition_slug:slug>/", views.PetitionDetailView.as_view(), name="petition-detail"),
    path("v1/petitions/<petition_slug:slug>/count/", views.PetitionCountView.as_view(), name="petition-count"),
    path("v1/petitions/<petition_slug:slug>/signatures/", views.SignatureCreateView.as_view(), name="signature-create"),
    path("v1/petitions/<petition_slug:slug>/challenge/", views.ChallengeView.as_view(), name="petition-challenge"),
    path("v1/partner/petitions/", partner_views.PartnerPetitionListView.as_view(), name="partner-petition-list"),
    path("v1/partner/signatures/", partner_views.PartnerSignatureListView.as_view(), name="partner-signature-list"),
    path("v1/partner/osdi/", partner_views.OSDIEntryPointView.as_view(), name="partner-osdi-aep"),
    path("v1/partner/osdi/petitions/", partner_views.OSDIPetitionListView.as_view(), name="partner-osdi-petitions"),
    path(
        "v1/partner/osdi/petitions/<petition_slug:slug>/",
        partner_views.OSDIPetitionView.as_view(),
        name="partner-osdi-petition",
    ),
    path(
        "v1/partner/osdi/petitions/<petition_slug:slug>/signatures/",
        partner_views.OSDISignatureListView.as_view(),
        name="partner-osdi-signatures",
    ),
    path("v1/partner/webhooks/", partner_webhooks.WebhookEndpointListView.as_view(), name="partner-webhook-list"),
    path(
        "v1/partner/webhooks/<int:pk>/",
        partner_webhooks.WebhookEndpointDetailView.as_view(),
        name="partner-webhook-detail",
    ),
    path(
        "v1/partner/webhooks/<int:pk>/deliveries/",
        partner_webhooks.WebhookDeliveryListView.as_view(),
        name="partner-webhook-deliveries",
    ),
    path(
        "v1/partner/webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        partner_webhooks.WebhookDeliveryReplayView.as_view(),
        name="partner-webhook-replay",
    ),
    path("v1/petitions/<petition_slug:slug>/stats/", views.PetitionStatsView.as_view(), name="petition-stats"),
    path("v1/petitions/<petition_slug:slug>/history/", views.PetitionHistoryView.as_view(), name="petition-history"),
    path("v1/petitions/<petition_slug:slug>/badge.svg", views.PetitionBadgeView.as_view(), name="petition-badge"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Last: every other path under the API's prefix answers the JSON 404, not the site's HTML page.
    re_path(r"", views.UnknownPathView.as_view(), name="unknown-path"),
]
