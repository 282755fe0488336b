"""The default signing form's fast path: the one place this project leans on Django form internals.

``SignatureForm`` is a plain Django form, and every subclass a site writes is used as it is. Only when a petition
uses ``SignatureForm`` itself does ``sign_petition`` validate with ``DefaultSignatureForm``, which skips two costs
``make bench`` measured on every signature (together about 80 µs, a twentieth of a signing request's CPU):

- ``BaseForm.__init__`` deep-copies every field and widget (``copy.deepcopy(self.base_fields)``); here each field
  and widget is copied shallowly, which is all validation needs (it reads fields, and ``SignatureForm.__init__``
  only reassigns a label);
- ``BaseForm._clean_fields`` builds a ``BoundField`` per field to read its value; here the value is read from the
  widget as ``BoundField.data`` reads it (``widget.value_from_datadict``), in the same order, with the same
  ``clean_<name>()`` hooks and errors.

The form is never rendered (pages and the widget render ``SignatureForm``). ``tests/wagtail_petitions/signing/
test_default_form.py`` pins it to ``SignatureForm``: same ``cleaned_data`` and errors for every input it tries,
and no field shared between instances. Checked against Django 5.2 (``README.md``, "Framework internals").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..forms import SignatureForm


def _shallow_copy(obj):
    copy = object.__new__(type(obj))
    copy.__dict__.update(obj.__dict__)
    return copy


class _ShallowCopiedFields(dict):
    """``base_fields`` whose deep copy (what ``BaseForm.__init__`` makes per instance) copies each field and its
    widget one level deep."""

    def __deepcopy__(self, memo):
        fields = {}
        for name, field in self.items():
            field = fields[name] = _shallow_copy(field)
            field.widget = _shallow_copy(field.widget)
        return fields


class DefaultSignatureForm(SignatureForm):
    def _clean_fields(self):
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                self.cleaned_data[name] = field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


# Set after the class is made: Django's form metaclass sets ``base_fields`` itself.
DefaultSignatureForm.base_fields = _ShallowCopiedFields(DefaultSignatureForm.base_fields)


def validating_form_class(form_class):
    """The form class ``sign_petition`` validates with: ``DefaultSignatureForm`` for ``SignatureForm`` itself, the
    given class otherwise (a site's own form is used exactly as written)."""
    return DefaultSignatureForm if form_class is SignatureForm else form_class
