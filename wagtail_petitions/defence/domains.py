"""Email domains as signals: disposable-address services (the maintained ``disposable-email-domains`` list) and the
big providers that never count as a burst."""

from disposable_email_domains import blocklist

from ..conf import conf


def _suffixes(domain: str):
    """``a.b.example.org`` → itself, ``b.example.org``, ``example.org`` (not the bare top-level domain)."""
    labels = domain.lower().strip(".").split(".")
    for start in range(max(len(labels) - 1, 1)):
        yield ".".join(labels[start:])


def is_disposable(domain: str) -> bool:
    """Is ``domain`` (or a domain it is under) a throwaway-address service?"""
    return any(suffix in blocklist for suffix in _suffixes(domain))


def is_common(domain: str) -> bool:
    """Is ``domain`` one of the ``COMMON_EMAIL_DOMAINS``, shared by millions of people?"""
    return domain.lower() in conf.COMMON_EMAIL_DOMAINS
