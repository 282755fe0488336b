"""Signing a petition: the one domain function that the API, the page form, the admin and commands all call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, connections, models, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from . import tally
from .models import Channel, SignatureState
from .signals import petition_signed
from .text import normalize_email


class SigningError(Exception):
    """Base class of the reasons a signature is refused."""

    code = "signing_error"


class PetitionNotOpen(SigningError):
    code = "petition_not_open"

    def __init__(self, petition):
        self.petition = petition
        super().__init__(f"Petition {petition.slug!r} is {petition.status} and no longer takes signatures.")


class InvalidSignature(SigningError):
    code = "invalid"

    def __init__(self, errors: dict[str, list[dict[str, str]]], form=None):
        self.errors = errors
        self.form = form
        super().__init__(f"Invalid signature: {', '.join(errors)}")


@dataclass(frozen=True)
class SigningResult:
    petition: Any
    signature: Any
    # False for a repeat signer. Never shown to the signer: a repeat gets the same answer as a new signature.
    created: bool
    # The petition's total as the signer should see it: includes their own signature (see ``tally.add``).
    signature_count: int | None = None


def sign_petition(
    petition,
    data: Mapping[str, Any],
    *,
    channel: str = Channel.ONLINE,
    state: str = SignatureState.COUNTED,
) -> SigningResult:
    """Validate ``data`` and record one signature on ``petition``, counted once per normalised email.

    The signature row and its tally increment are written in one transaction, so the tally never disagrees
    with the rows. Raises ``PetitionNotOpen`` or ``InvalidSignature``; nothing is saved then.
    """
    if not petition.is_open():
        raise PetitionNotOpen(petition)
    form = petition.get_signature_form_class()(data=data)
    if not form.is_valid():
        raise InvalidSignature(form.error_dict(), form=form)
    cleaned = form.cleaned_data
    partner = cleaned.get("partner")
    signature = petition.get_signature_model()(
        petition_key=petition.get_tally_key(),
        page_id=petition.pk,
        first_name=cleaned["first_name"],
        last_name=cleaned["last_name"],
        email=cleaned["email"],
        email_normalized=normalize_email(cleaned["email"]),
        country=cleaned["country"],
        postal_code=cleaned.get("postal_code") or "",
        consent_updates=cleaned.get("consent_updates", False),
        consent_partner=bool(partner) and cleaned.get("consent_partner", False),
        consent_text_version=petition.consent_text_version,
        partner=partner,
        source=cleaned.get("source") or "",
        language=petition.language_code,
        channel=channel,
        state=state,
    )
    if _can_insert_in_one_statement(signature):
        inserted, signature_count = _insert_in_one_statement(signature)
        if not inserted:
            return _repeat(petition, signature)
    else:
        signature_count = None
        try:
            with transaction.atomic():
                signature.save()
                if signature.is_counted:
                    signature_count = tally.add(
                        signature.petition_key,
                        country=str(signature.country),
                        partner_id=signature.partner_id,
                        channel=signature.channel,
                    )
        except IntegrityError:
            if not signature.__class__.objects.filter(
                petition_key=signature.petition_key, email_normalized=signature.email_normalized
            ).exists():
                raise
            return _repeat(petition, signature)
    transaction.on_commit(
        lambda: petition_signed.send(sender=signature.__class__, petition=petition, signature=signature)
    )
    return SigningResult(petition=petition, signature=signature, created=True, signature_count=signature_count)


def _repeat(petition, signature) -> SigningResult:
    existing = signature.__class__.objects.get(
        petition_key=signature.petition_key, email_normalized=signature.email_normalized
    )
    # Rare (a repeat), so an exact read of the bucket rows is affordable; it includes the earlier signature.
    count = tally.total(signature.petition_key)
    return SigningResult(petition=petition, signature=existing, created=False, signature_count=count)


def _can_insert_in_one_statement(signature) -> bool:
    """The fast path needs PostgreSQL and a plain signature model (no ``save()`` override, no parent table)."""
    model = signature.__class__
    return (
        connections[router.db_for_write(model)].vendor == "postgresql"
        and model.save is models.Model.save
        and not model._meta.parents
    )


def _insert_in_one_statement(signature) -> tuple[bool, int | None]:
    """INSERT the signature unless this signer already signed, and count it, in one statement (one round trip,
    atomic without a transaction, no savepoint). Returns ``(inserted, total shown to the signer)``.
    """
    model = signature.__class__
    alias = router.db_for_write(model)
    # The signals Model.save() would send, so receivers see no difference.
    pre_save.send(sender=model, instance=signature, raw=False, using=alias, update_fields=None)
    insert_sql, insert_params = _insert_sql(signature, alias)
    if not signature.is_counted:
        sql, params = f"WITH inserted AS ({insert_sql}) SELECT (SELECT {_pk(model)} FROM inserted), NULL", insert_params
    else:
        sql, params = tally.insert_and_add_sql(
            insert_sql,
            insert_params,
            _pk(model),
            signature.petition_key,
            country=str(signature.country),
            partner_id=signature.partner_id,
            channel=signature.channel,
        )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        pk, total = cursor.fetchone()
    if pk is None:
        return False, None
    signature.pk = pk
    signature._state.adding = False
    signature._state.db = alias
    post_save.send(sender=model, instance=signature, created=True, update_fields=None, raw=False, using=alias)
    return True, int(total) if total is not None else None


# The INSERT statement per (model, database alias): compiling an ORM InsertQuery costs more Python time per
# signature than the database spends on the row, and the statement's text never changes between signatures.
_insert_statements: dict[tuple[type, str], tuple[str, list]] = {}


def _insert_sql(signature, alias) -> tuple[str, list]:
    """``INSERT ... ON CONFLICT (petition_key, email_normalized) DO NOTHING RETURNING pk`` and its parameters.

    The text is compiled once by the ORM and reused; the parameters are prepared per signature exactly as the
    compiler prepares them (``pre_save`` then ``get_db_prep_save``). A value the cached text cannot carry (an
    expression) falls back to compiling the query for that signature.
    """
    model = signature.__class__
    statement = _insert_statements.get((model, alias))
    if statement is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
        if any(hasattr(field, "get_placeholder") for field in fields):
            return _compile_insert_sql(signature, alias, fields)
        statement = _insert_statements[(model, alias)] = (_compile_insert_sql(signature, alias, fields)[0], fields)
    sql, fields = statement
    connection_ = connections[alias]
    values = [field.pre_save(signature, True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return _compile_insert_sql(signature, alias, fields)
    return sql, [field.get_db_prep_save(value, connection_) for field, value in zip(fields, values, strict=True)]


def _compile_insert_sql(signature, alias, fields) -> tuple[str, list]:
    model = signature.__class__
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [signature])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [model._meta.pk]
    [(insert_sql, insert_params)] = compiler.as_sql()
    # Only the one-signature-per-signer constraint means "a repeat"; any other conflict must raise.
    quote = connections[alias].ops.quote_name
    target = ", ".join(quote(model._meta.get_field(name).column) for name in ("petition_key", "email_normalized"))
    insert_sql = insert_sql.replace("ON CONFLICT DO NOTHING", f"ON CONFLICT ({target}) DO NOTHING", 1)
    return insert_sql, insert_params


def _pk(model) -> str:
    return connection.ops.quote_name(model._meta.pk.column)
