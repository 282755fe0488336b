"""``SigningClaim``: something written atomically with a signature that may also refuse it."""


class SigningClaim:
    """The API's ``Idempotency-Key`` answer (``widget_api.idempotency.KeyClaim``) is the one in this project.
    Override every method.

    ``sign_petition(..., claim=claim)`` uses a claim in one of two ways:

    - On PostgreSQL's one-statement path (``wagtail_petitions.signing.postgres``), ``guard_sql()`` is a query
      returning one row, run first in the same statement as its ``GUARD`` CTE: the signature is written only if the
      row's ``proceed`` column (its first) is true; when it is false, ``refuse(row)`` is called afterwards and
      must raise. ``record_sql()`` is an ``INSERT ... SELECT ... FROM counted, guard WHERE guard.proceed`` run in
      the same statement, where the ``COUNTED`` CTE's ``total`` is the total shown to the signer. The statement is
      the transaction: nothing is written unless all of it is.
    - Anywhere else (``wagtail_petitions.signing.portable``), inside the signing transaction: ``acquire()``
      before the signature is written (raise to refuse), ``record(total)`` after it was written or found to be a
      repeat.

    After either, ``recorded`` is true.

    ``sign_petition`` sets ``awaiting_confirmation`` before it uses the claim: whether the answer to record is
    "check your inbox" (the signature counts once confirmed by email) rather than "counted".
    """

    recorded = False
    awaiting_confirmation = False

    def guard_sql(self) -> tuple[str, list]:
        raise NotImplementedError

    def refuse(self, row: tuple) -> None:
        raise NotImplementedError

    def record_sql(self) -> tuple[str, list]:
        raise NotImplementedError

    def acquire(self) -> None:
        raise NotImplementedError

    def record(self, signature_count: int) -> None:
        raise NotImplementedError
