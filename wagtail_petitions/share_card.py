"""The share card of a petition (``og:image``): a 1200x630 PNG drawn with Pillow from its title, hero image and live
count, in the page's language (right to left for Arabic, Hebrew, Persian, Urdu).

A card is kept in the cache with the count it shows and drawn again only when the count has moved by
``SHARE_CARD_STEP_PERCENT`` percent (at least one signature), or when the title or hero image change: readers get
the kept card, with an ``ETag``.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass

import arabic_reshaper
from bidi import get_display
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import get_language_info, ngettext
from PIL import Image, ImageDraw, ImageFont

from .conf import conf

WIDTH, HEIGHT = 1200, 630
CACHE_KEY = "wagtail_petitions:share_card:v1:{}"
#: Debian's fonts-dejavu-core (Latin, Greek, Cyrillic, Arabic, Hebrew); Pillow's own font if it is missing.
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT, BOLD_FONT = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
BACKGROUND, INK, ACCENT = (255, 255, 255), (26, 26, 26), (179, 38, 30)


@dataclass(frozen=True)
class ShareCard:
    png: bytes
    count: int
    etag: str


def _font(name: str, size: int):
    path = os.path.join(FONT_DIR, name)
    if os.path.exists(path):
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _shape(text: str, rtl: bool) -> str:
    """``text`` in display order: Arabic letters joined, right-to-left runs reversed (Pillow draws left to right
    without libraqm)."""
    return get_display(arabic_reshaper.reshape(text)) if rtl else text


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines


def draw_card(petition, count: int) -> bytes:
    """The PNG of ``petition``'s card showing ``count`` signatures."""
    language = petition.language_code
    rtl = get_language_info(language).get("bidi", False) if _known(language) else False
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    text_left, text_width = 60, WIDTH - 120
    hero = getattr(petition, "hero_image", None)
    if hero is not None:
        try:
            with hero.open_file() as f:
                photo = Image.open(f).convert("RGB")
                photo.thumbnail((WIDTH * 4, HEIGHT * 4))
                side = 480
                ratio = max(side / photo.width, HEIGHT / photo.height)
                photo = photo.resize((max(side, int(photo.width * ratio)), max(HEIGHT, int(photo.height * ratio))))
                photo = photo.crop((0, 0, side, HEIGHT))
                image.paste(photo, (WIDTH - side, 0) if not rtl else (0, 0))
                text_width = WIDTH - side - 120
                text_left = 60 if not rtl else side + 60
        except (OSError, ValueError):
            pass  # a missing or unreadable file: a card without photo
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    title_font, count_font, small_font = _font(BOLD_FONT, 56), _font(BOLD_FONT, 72), _font(FONT, 34)

    def line(y, text, font, fill=INK):
        shaped = _shape(text, rtl)
        x = text_left + text_width - draw.textlength(shaped, font=font) if rtl else text_left
        draw.text((x, y), shaped, font=font, fill=fill)

    y = 70
    for text in _wrap(draw, petition.title, title_font, text_width, 4):
        line(y, text, title_font)
        y += 70
    with translation.override(language):
        number = number_format(count, force_grouping=True)
        label = ngettext("signature", "signatures", count)
    line(HEIGHT - 190, number, count_font, ACCENT)
    line(HEIGHT - 100, label, small_font)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _known(language: str) -> bool:
    try:
        get_language_info(language)
    except KeyError:
        return False
    return True


def _step(count: int) -> int:
    return max(1, count * conf.SHARE_CARD_STEP_PERCENT // 100)


def get_share_card(petition) -> ShareCard:
    """The petition's card: the kept one while the count is within a step of the one it shows, else drawn again."""
    count = petition.get_tally().total
    hero = getattr(petition, "hero_image_id", None)
    identity = f"{petition.pk}:{petition.language_code}:{hero}:{petition.title}"
    key = CACHE_KEY.format(hashlib.blake2b(identity.encode(), digest_size=12).hexdigest())
    card = cache.get(key)
    if card is not None and abs(count - card.count) < _step(card.count):
        return card
    png = draw_card(petition, count)
    card = ShareCard(png=png, count=count, etag=f'"{hashlib.blake2b(png, digest_size=12).hexdigest()}"')
    cache.set(key, card, None)
    return card


def share_card_response(petition, request) -> HttpResponse:
    card = get_share_card(petition)
    response = get_conditional_response(request, etag=card.etag) or HttpResponse(card.png, content_type="image/png")
    response["ETag"] = card.etag
    patch_cache_control(
        response,
        public=True,
        max_age=conf.FIGURES_MAX_AGE,
        stale_while_revalidate=conf.FIGURES_STALE_WHILE_REVALIDATE,
    )
    return response
