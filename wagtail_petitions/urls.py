from django.urls import path

from . import views

app_name = "wagtail_petitions"

urlpatterns = [
    path("sign/<int:page_id>/", views.sign_from_page, name="sign"),
]
