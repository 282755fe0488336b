"""The reasons a signature is refused, each with a machine-readable ``code``."""


class SigningError(Exception):
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


class SigningUnavailable(SigningError):
    """What signing needs cannot be reached right now (shared throttling required while Redis is down): nothing was
    written; try again in ``retry_after`` seconds (503)."""

    code = "service_unavailable"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Signing is briefly unavailable. Try again in {retry_after} seconds.")


class SigningThrottled(SigningError):
    """One connection sent more signing requests than the hard ceiling allows (``wagtail_petitions.defence``)."""

    code = "throttled"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many signatures from this connection. Try again in {retry_after} seconds.")
