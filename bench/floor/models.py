from django.db import models
from django.utils import timezone


class FloorRow(models.Model):
    """One row per request of the one-INSERT floor. The bench driver creates the table."""

    n = models.IntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        managed = False
        db_table = "bench_floor_row"

    def __str__(self):
        return str(self.pk)
