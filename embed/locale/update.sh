#!/bin/sh
# Refresh embed/locale/*/LC_MESSAGES/django.po and compile the .mo files (commit both: the runtime needs no gettext).
# The catalogue holds the widget's strings and the signer-facing strings of wagtail_petitions/forms.py (labels and
# validation messages the API returns, and its "check your inbox" answer), so a signer reads the widget and its
# errors in one language; and the public API's parameter errors (widget_api/views.py, parameters.py, negotiation.py;
# fields.py uses DRF's own messages today). The partner API's messages (widget_api/partner/) stay in English.
# A string also in wagtail_petitions/locale must read the same in both (that app's catalogue wins at runtime):
# tests/wagtail_petitions/test_translations.py checks it.
# Needs GNU gettext (apt-get install -y gettext). Run from anywhere: sh embed/locale/update.sh
# Changed source strings come back marked "#, fuzzy" (not compiled): translate them, drop the flag, run it again;
# tests/embed/test_i18n_and_cors.py fails while a catalogue has fuzzy or empty entries or a stale .mo.
set -eu
cd "$(dirname "$0")/.."
ADMIN="${DJANGO_ADMIN:-../.venv/bin/django-admin}"
LANGS="fr es de ar"
for lang in $LANGS; do set -- "$@" -l "$lang"; done
"$ADMIN" makemessages "$@" --no-wrap --keep-pot --settings=petitions_site.settings.test --pythonpath=.. -v0
xgettext -j --no-wrap -L Python --from-code=UTF-8 -k_ -kgettext -kgettext_lazy -o locale/django.pot ../wagtail_petitions/forms.py ../widget_api/views.py ../widget_api/parameters.py ../widget_api/negotiation.py ../widget_api/fields.py
for lang in $LANGS; do
  po="locale/$lang/LC_MESSAGES/django.po"
  msgmerge -q --no-wrap --no-fuzzy-matching --update --backup=none "$po" locale/django.pot
  msgattrib --no-wrap --no-obsolete -o "$po" "$po"
done
rm -f locale/django.pot
"$ADMIN" compilemessages --settings=petitions_site.settings.test --pythonpath=.. -v0
