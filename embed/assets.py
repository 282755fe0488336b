"""The browser code of the embed, read once from ``embed/assets`` and served inline or as files.

Inline code is allowed by the widget's CSP through its SHA-256 hash, computed here from the exact bytes sent.
Every released loader is kept, byte for byte, in ``assets/releases/embed.<digest>.js``: partners who pin a
version with Subresource Integrity keep getting exactly those bytes after the loader changes.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
RELEASES_DIR = ASSETS_DIR / "releases"
DIGEST_LENGTH = 16


@dataclass(frozen=True)
class Asset:
    text: SafeString
    csp_hash: str

    @property
    def sri(self) -> str:
        return self.csp_hash.strip("'")

    @property
    def digest(self) -> str:
        """Names the pinned copy: the first hex digits of the SHA-256 of the bytes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]

    @property
    def sri384(self) -> str:
        """The ``integrity=`` value partners put on a pinned ``<script>``."""
        return "sha384-" + base64.b64encode(hashlib.sha384(self.text.encode("utf-8")).digest()).decode()


def inline(text: str) -> Asset:
    """An inline block generated per request (from validated values only), with its CSP hash."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return Asset(text=mark_safe(text), csp_hash=f"'sha256-{digest}'")


@cache
def load(name: str) -> Asset:
    return inline((ASSETS_DIR / name).read_text(encoding="utf-8"))


def release_path(digest: str) -> Path:
    return RELEASES_DIR / f"embed.{digest}.js"


def loader_release(digest: str) -> str | None:
    """The released loader with this digest, checked against its name, or ``None``."""
    if not re.fullmatch(rf"[0-9a-f]{{{DIGEST_LENGTH}}}", digest):
        return None
    current = load("loader.js")
    if digest == current.digest:
        return current.text
    path = release_path(digest)
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text if hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH] == digest else None
