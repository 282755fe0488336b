"""The partner API (``/api/v1/partner/…``): what a partner reads back with its API token — its petitions and
figures, the signers who agreed to hear from it (JSON or CSV), and the same in the OSDI shapes.

``authentication`` (``Authorization: Bearer <token>``), ``permissions`` (scopes), ``pagination`` (stable cursors),
``serializers``, ``osdi``, ``views``. What a partner may see is decided by ``wagtail_petitions.partner_data``.
"""
