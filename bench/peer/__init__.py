"""The peer of the bench: a ``wagtail.contrib.forms`` form page with the signing form's fields. Bench only."""
