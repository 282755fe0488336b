from django.http import JsonResponse
from django.urls import path

from .models import FloorRow

CONSTANT = {"slug": "floor", "signature_count": 12345, "goal": 100000, "updated_at": None}


def constant_json(request):
    return JsonResponse(CONSTANT)


def one_insert(request):
    row = FloorRow.objects.create(n=1)
    return JsonResponse({"id": row.pk}, status=201)


urlpatterns = [
    path("floor/json/", constant_json),
    path("floor/insert/", one_insert),
]
