from django.urls import path

from . import views
from .confirmation import views as confirmation_views
from .rights import views as rights_views
from .updates import views as update_views

app_name = "wagtail_petitions"

urlpatterns = [
    path("sign/<int:page_id>/", views.sign_from_page, name="sign"),
    path("confirm/<str:token>/", confirmation_views.confirm_signature, name="confirm"),
    path("confirm/<str:token>/resend/", confirmation_views.resend_confirmation, name="confirm-resend"),
    path("updates/unsubscribe/<str:token>/", update_views.unsubscribe, name="unsubscribe"),
    path("my-signatures/", rights_views.my_signatures, name="my_signatures"),
    path("my-signatures/manage/", rights_views.my_signatures_manage, name="my_signatures_manage"),
    path("my-signatures/<str:token>/", rights_views.my_signatures_link, name="my_signatures_link"),
]
