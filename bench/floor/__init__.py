"""The floor of the bench: bare Django views, no middleware, served by their own gunicorn (``floor.settings``).

Not part of the product: ``make bench`` serves them with exactly the product's gunicorn options, one after the
other on the same machine, to know what this machine can do at best.
"""
