from django.apps import AppConfig


class BenchPeerConfig(AppConfig):
    name = "bench.peer"
    label = "bench_peer"
    default_auto_field = "django.db.models.BigAutoField"
