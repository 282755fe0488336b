"""Every setting of the petitions platform (plugin, API and embed), prefixed ``WAGTAIL_PETITIONS_`` and read live,
as django-cors-headers does: ``override_settings`` in tests and changes at run time are seen at once.

``wagtail_petitions.checks`` validates them (``manage.py check``). Nothing else reads these settings directly.
"""

from django.conf import settings

PREFIX = "WAGTAIL_PETITIONS_"

#: Settings this platform no longer reads, with what replaced them; ``checks`` warns when one is still set.
RETIRED = {
    "WAGTAIL_PETITIONS_NAME_MAX_LENGTH": "the name columns of the signature model (wagtail_petitions.text)",
    "WIDGET_API_IDEMPOTENCY_KEY_TTL": "WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL",
}


#: Big mail providers: one of them on many signatures of a petition is normal, never a burst.
DEFAULT_COMMON_EMAIL_DOMAINS = (
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.fr",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.fr",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "wanadoo.fr",
    "libero.it",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
)


class Settings:
    def _get(self, name, default):
        return getattr(settings, PREFIX + name, default)

    # --- the tally -----------------------------------------------------------------------------------------------

    @property
    def TALLY_SHARDS(self) -> int:
        """How many counter rows each (petition, country, partner, channel) bucket is spread over.

        Signing adds 1 to one shard picked at random, so concurrent signers rarely wait on the same row.
        """
        return self._get("TALLY_SHARDS", 8)

    @property
    def COUNT_CACHE_SECONDS(self) -> float:
        """How long a tally snapshot (and a count response) is served from the cache before it is read again."""
        return self._get("COUNT_CACHE_SECONDS", 2)

    # --- public responses ------------------------------------------------------------------------------------------

    @property
    def COUNT_MAX_AGE(self) -> int:
        """``max-age`` of the public count response (browsers and CDNs)."""
        return self._get("COUNT_MAX_AGE", 5)

    @property
    def COUNT_STALE_WHILE_REVALIDATE(self) -> int:
        return self._get("COUNT_STALE_WHILE_REVALIDATE", 30)

    @property
    def COUNT_STALE_IF_ERROR(self) -> int:
        return self._get("COUNT_STALE_IF_ERROR", 86400)

    # --- public figures and open data (figures page, stats/history API, share card, badge) ------------------------

    @property
    def FIGURES_CACHE_SECONDS(self) -> float:
        """How long a petition's public figures (stats, history, figures page) are kept built in the cache."""
        return self._get("FIGURES_CACHE_SECONDS", 10)

    @property
    def FIGURES_MAX_AGE(self) -> int:
        """``max-age`` of the stats, history and badge responses (browsers and CDNs)."""
        return self._get("FIGURES_MAX_AGE", 60)

    @property
    def FIGURES_STALE_WHILE_REVALIDATE(self) -> int:
        return self._get("FIGURES_STALE_WHILE_REVALIDATE", 600)

    @property
    def SHARE_CARD_STEP_PERCENT(self) -> int:
        """The share card is drawn again when the count moved by this many percent (at least one signature)."""
        return self._get("SHARE_CARD_STEP_PERCENT", 1)

    @property
    def PAGE_CACHE_SECONDS(self) -> float:
        """How long anonymous page views are kept by the site's response cache (0 turns it off)."""
        return self._get("PAGE_CACHE_SECONDS", 60)

    @property
    def PAGE_MAX_AGE(self) -> int:
        """``max-age`` sent with cached pages, for browsers and CDNs (which only learn of a publish when it expires)."""
        return self._get("PAGE_MAX_AGE", 30)

    @property
    def RESPONSE_LOCAL_CACHE_SECONDS(self) -> float:
        """How long a process trusts what it read from the shared cache (cached responses, the page generation,
        the active partners) before asking it again: a publish on another process is seen within this delay."""
        return self._get("RESPONSE_LOCAL_CACHE_SECONDS", 1)

    @property
    def LOOKUP_CACHE_SECONDS(self) -> float:
        """How long a process keeps a petition found by slug (forgotten at once when any page is published)."""
        return self._get("LOOKUP_CACHE_SECONDS", 30)

    # --- signing -------------------------------------------------------------------------------------------------

    @property
    def SIGNATURE_MAX_BODY_BYTES(self) -> int:
        """Largest signing request body accepted; larger ones get 413 before they are parsed."""
        return self._get("SIGNATURE_MAX_BODY_BYTES", 4096)

    @property
    def IDEMPOTENCY_KEY_TTL(self) -> int:
        """How long, in seconds, the answer to a signing request sent with an ``Idempotency-Key`` is replayed."""
        return self._get("IDEMPOTENCY_KEY_TTL", 86400)

    # --- email confirmation and mail --------------------------------------------------------------------------

    @property
    def CONFIRMATION_LINK_DAYS(self) -> int:
        """How long a confirmation link works; an older one leads to a page that offers a new mail."""
        return self._get("CONFIRMATION_LINK_DAYS", 7)

    @property
    def UNCONFIRMED_SIGNATURE_DAYS(self) -> int:
        """After how many days unconfirmed signatures (pending, held, quarantined) are deleted (counted as
        expired). The daily ``expire_unconfirmed_signatures`` task does it."""
        return self._get("UNCONFIRMED_SIGNATURE_DAYS", 14)

    @property
    def CONFIRMATION_RESEND_SECONDS(self) -> int:
        """Signing again while unconfirmed sends the mail again, at most once per this many seconds per address."""
        return self._get("CONFIRMATION_RESEND_SECONDS", 600)

    @property
    def CONFIRMATION_MAX_MAILS(self) -> int:
        """At most this many confirmation mails to one address for one signature, however often it is signed."""
        return self._get("CONFIRMATION_MAX_MAILS", 5)

    # --- retention and signers' rights ------------------------------------------------------------------------

    @property
    def RETENTION_MONTHS(self) -> int:
        """Default number of months after a petition closes (or is delivered) before its signatures are
        anonymised; a petition's own "retention" field overrides it. The privacy notice states the same value."""
        return self._get("RETENTION_MONTHS", 6)

    @property
    def RETENTION_BATCH_SIZE(self) -> int:
        """How many signatures ``apply_retention`` anonymises per transaction (memory stays flat)."""
        return self._get("RETENTION_BATCH_SIZE", 1000)

    @property
    def SIGNER_LINK_HOURS(self) -> int:
        """How long the link mailed from "My signatures" (``/petitions/my-signatures/``) works."""
        return self._get("SIGNER_LINK_HOURS", 24)

    @property
    def MAIL_BATCH_SIZE(self) -> int:
        """How many due confirmation mails the worker takes at once (sent over one SMTP connection)."""
        return self._get("MAIL_BATCH_SIZE", 100)

    @property
    def ORGANISER_NAME(self) -> str:
        """The sender name of petition mails when the petition page names no organiser (default: the site name)."""
        return self._get("ORGANISER_NAME", "") or getattr(settings, "WAGTAIL_SITE_NAME", "") or "Petitions"

    @property
    def ORGANISER_EMAIL(self) -> str:
        """Where replies to petition mails go when the petition page names no organiser address (``Reply-To``);
        empty: no ``Reply-To``."""
        return self._get("ORGANISER_EMAIL", "")

    @property
    def MAIL_FROM(self) -> str:
        """The address petition mails are sent from (``From``, with the organiser's name): an address of a domain
        this platform may send for (SPF/DKIM). Default: ``DEFAULT_FROM_EMAIL``."""
        return self._get("MAIL_FROM", "") or settings.DEFAULT_FROM_EMAIL

    # --- updates to signers (``wagtail_petitions.updates``) --------------------------------------------------------

    @property
    def UPDATE_BATCH_SIZE(self) -> int:
        """How many update mails the worker renders and sends over one SMTP connection at a time."""
        return self._get("UPDATE_BATCH_SIZE", 100)

    @property
    def UPDATE_MAILS_PER_SECOND(self) -> float:
        """The most update mails the worker sends per second (what the mail provider accepts); 0: no limit."""
        return self._get("UPDATE_MAILS_PER_SECOND", 20)

    @property
    def UPDATE_TASK_SECONDS(self) -> float:
        """How long one sending task runs before it queues the next one, so other tasks (confirmation mails) get
        the worker in between."""
        return self._get("UPDATE_TASK_SECONDS", 60)

    @property
    def UPDATE_STALL_SECONDS(self) -> int:
        """A send that made no progress for this long (its worker was killed) is resumed by
        ``manage.py resume_petition_updates`` or the editor's "Resume" button."""
        return self._get("UPDATE_STALL_SECONDS", 300)

    # --- defences against bots and floods (``wagtail_petitions.defence``) ----------------------------------------

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        """How many proxies of ours (load balancer, CDN) stand between clients and the app: the client address is
        the one the outermost of them saw (``X-Forwarded-For``, counted from the right). 0: the connection's own
        address, and ``X-Forwarded-For`` is ignored. See docs/deploy.md."""
        return self._get("TRUSTED_PROXY_COUNT", 0)

    @property
    def SIGNING_CEILING_PER_MINUTE(self) -> int:
        """Signing requests one connection may send per minute before getting 429 (``Retry-After``). Far above what
        people behind one address produce (a stall's tablet: a few a minute; a campus or a carrier's NAT in a
        viral hour: dozens); what is between them is held for email confirmation instead."""
        return self._get("SIGNING_CEILING_PER_MINUTE", 300)

    @property
    def CONNECTION_BURST_LIMIT(self) -> int:
        """Signatures one connection may make per ``BURST_WINDOW_SECONDS`` before the next ones are held."""
        return self._get("CONNECTION_BURST_LIMIT", 10)

    @property
    def DOMAIN_BURST_LIMIT(self) -> int:
        """Signatures with addresses of one email domain (other than ``COMMON_EMAIL_DOMAINS``) one petition may take
        per ``BURST_WINDOW_SECONDS`` before the next ones are held."""
        return self._get("DOMAIN_BURST_LIMIT", 30)

    @property
    def BURST_WINDOW_SECONDS(self) -> int:
        return self._get("BURST_WINDOW_SECONDS", 600)

    @property
    def COMMON_EMAIL_DOMAINS(self) -> frozenset[str]:
        """Mail providers shared by millions of people, which the per-domain burst never holds."""
        return frozenset(self._get("COMMON_EMAIL_DOMAINS", DEFAULT_COMMON_EMAIL_DOMAINS))

    @property
    def FORM_MIN_FILL_SECONDS(self) -> float:
        """A form sent sooner than this after its token was issued is quarantined (a person needs longer)."""
        return self._get("FORM_MIN_FILL_SECONDS", 3)

    @property
    def FORM_TOKEN_MAX_AGE(self) -> int:
        """A form token older than this (seconds) is treated as missing: the signature is held, not refused."""
        return self._get("FORM_TOKEN_MAX_AGE", 86400)

    @property
    def PROOF_OF_WORK_MAX_NUMBER(self) -> int:
        """The ALTCHA challenge's range: a browser tries about half of it (SHA-256 each) before it finds the
        number; 100,000 takes well under a second on a phone."""
        return self._get("PROOF_OF_WORK_MAX_NUMBER", 100_000)

    @property
    def PROOF_OF_WORK_SECONDS(self) -> int:
        """How long an ALTCHA challenge may be solved and used (each solution is accepted once)."""
        return self._get("PROOF_OF_WORK_SECONDS", 1200)

    # --- when a dependency fails (``wagtail_petitions.outages``, docs/deploy.md) ----------------------------------

    @property
    def OUTAGE_RETRY_AFTER(self) -> int:
        """``Retry-After`` (seconds) of the 503 answered while the database (or a required shared cache) is down."""
        return self._get("OUTAGE_RETRY_AFTER", 10)

    @property
    def REQUIRE_SHARED_THROTTLING(self) -> bool:
        """True: while Redis is unreachable, signing answers 503 (``Retry-After``) instead of counting the defences'
        windows in each process's memory (where N processes let N times the ceiling through). Pages, counts and
        the widget keep working either way."""
        return self._get("REQUIRE_SHARED_THROTTLING", False)

    @property
    def DATABASE_RETRY_SECONDS(self) -> float:
        """After a failed connection to the database, each process answers 503 at once for this long before it tries
        to connect again (``outages.database``): an unreachable database does not hold every request for the
        connect timeout."""
        return self._get("DATABASE_RETRY_SECONDS", 3)

    @property
    def CACHE_RETRY_SECONDS(self) -> float:
        """While Redis is unreachable, each process uses its own memory and asks Redis again after this delay."""
        return self._get("CACHE_RETRY_SECONDS", 5)

    # --- webhooks (``wagtail_petitions.webhooks``) ------------------------------------------------------------------

    @property
    def WEBHOOK_TIMEOUT_SECONDS(self) -> float:
        """How long the worker waits to connect to an endpoint, and then for its answer, before the attempt fails."""
        return self._get("WEBHOOK_TIMEOUT_SECONDS", 10)

    @property
    def WEBHOOK_MAX_ATTEMPTS(self) -> int:
        """How many times one delivery is tried before it is marked failed (an editor may replay it)."""
        return self._get("WEBHOOK_MAX_ATTEMPTS", 8)

    @property
    def WEBHOOK_RETRY_SECONDS(self) -> float:
        """The wait before the first retry; each next wait doubles (exponential backoff), up to
        ``WEBHOOK_RETRY_MAX_SECONDS``."""
        return self._get("WEBHOOK_RETRY_SECONDS", 30)

    @property
    def WEBHOOK_RETRY_MAX_SECONDS(self) -> float:
        return self._get("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)

    @property
    def WEBHOOK_DISABLE_AFTER_FAILURES(self) -> int:
        """An endpoint is disabled (and its partner's contact told by email) after this many failed attempts in a
        row, whatever the deliveries; one success starts the run again."""
        return self._get("WEBHOOK_DISABLE_AFTER_FAILURES", 20)

    @property
    def WEBHOOK_ALLOW_HTTP(self) -> bool:
        """Development and tests only: accept ``http://`` endpoints (production: ``https`` only)."""
        return self._get("WEBHOOK_ALLOW_HTTP", False)

    @property
    def WEBHOOK_ALLOW_PRIVATE_ADDRESSES(self) -> bool:
        """Development and tests only: allow endpoints on loopback, private and link-local addresses (production
        refuses them, at registration and again after resolving the name at each send)."""
        return self._get("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

    # --- the embed -----------------------------------------------------------------------------------------------

    @property
    def EMBED_COUNT_REFRESH_SECONDS(self) -> int:
        """How often a visible widget asks for the live count (a small request browsers and CDNs may cache)."""
        return self._get("EMBED_COUNT_REFRESH_SECONDS", 30)

    @property
    def EMBED_WIDGET_MAX_AGE(self) -> int:
        """``max-age`` of the widget document; the count in it is refreshed by the widget itself."""
        return self._get("EMBED_WIDGET_MAX_AGE", 30)


conf = Settings()
