"""Theming from the embed's data attributes, validated so nothing the host page sends becomes CSS or HTML.

Only three things pass: an accent colour matching ``#rgb``/``#rrggbb`` (re-serialised by us), a colour scheme
from a fixed list, and a layout from a fixed list. Anything else is ignored.
"""

import re
from dataclasses import dataclass

ACCENT_RE = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
SCHEMES = ("light", "dark", "auto")
LAYOUTS = ("standard", "compact")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(l1: float, l2: float) -> float:
    high, low = max(l1, l2), min(l1, l2)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Theme:
    accent: str = ""  # "#rrggbb" or "" for the default
    scheme: str = "light"
    layout: str = "standard"

    @classmethod
    def from_query(cls, query) -> "Theme":
        accent = ""
        if match := ACCENT_RE.fullmatch((query.get("accent") or "").strip()):
            digits = match.group(1).lower()
            accent = "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))
        scheme = query.get("theme") if query.get("theme") in SCHEMES else "light"
        layout = query.get("layout") if query.get("layout") in LAYOUTS else "standard"
        return cls(accent=accent, scheme=scheme, layout=layout)

    @property
    def html_class(self) -> str:
        classes = [self.scheme] if self.scheme != "light" else []
        return " ".join(classes + (["compact"] if self.layout == "compact" else []))

    @property
    def on_accent(self) -> str:
        """Black or white, whichever is more legible on the accent colour (WCAG contrast)."""
        rgb = tuple(int(self.accent[i : i + 2], 16) for i in (1, 3, 5))
        lum = relative_luminance(rgb)
        return "#fff" if contrast(1.0, lum) >= contrast(0.0, lum) else "#000"

    def css(self) -> str:
        """A custom-property block built from validated values only; empty when the defaults apply."""
        if not self.accent:
            return ""
        return f":root{{--accent:{self.accent};--on-accent:{self.on_accent}}}"
