"""The plugin's Wagtail admin: one module per screen, registered in ``wagtail_petitions.wagtail_hooks``.

- ``permissions``: who may see signers' data and which petitions' counts;
- ``signatures``: the signatures of each signature model (list, filters, export, invalidate / restore);
- ``paper``: paper batches; ``reports``: counts per petition and for one petition;
- ``embed_codes``: the codes partners paste; ``sheets``: printable signature sheets;
- ``exports``: the one CSV/XLSX exporter; ``partners``: the partner snippets;
- ``panels``: the live figures panel of the page editor.
"""
