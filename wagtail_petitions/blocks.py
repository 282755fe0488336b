"""StreamField blocks of a petition page's body."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "wagtail_petitions/blocks/quote.html"


class PetitionBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="wagtail_petitions/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    quote = QuoteBlock()
