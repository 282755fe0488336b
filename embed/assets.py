"""The browser code of the embed, read once from ``embed/assets`` and served inline or as files.

Inline code is allowed by the widget's CSP through its SHA-256 hash, computed here from the exact bytes sent.
"""

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

ASSETS_DIR = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class Asset:
    text: SafeString
    csp_hash: str

    @property
    def sri(self) -> str:
        return self.csp_hash.strip("'")


@cache
def load(name: str) -> Asset:
    text = (ASSETS_DIR / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return Asset(text=mark_safe(text), csp_hash=f"'sha256-{digest}'")
