from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField

# The signing form's fields, as a Wagtail editor would build them (country as text: cheaper than a dropdown).
PEER_FIELDS = [
    ("First name", "singleline", True),
    ("Last name", "singleline", True),
    ("Email", "email", True),
    ("Country", "singleline", True),
    ("Postal code", "singleline", False),
    ("Consent updates", "checkbox", False),
]


class PeerFormField(AbstractFormField):
    page = ParentalKey("PeerFormPage", on_delete=models.CASCADE, related_name="form_fields")


class PeerFormPage(AbstractForm):
    template = "bench_peer/form_page.html"
    landing_page_template = "bench_peer/form_page_landing.html"
