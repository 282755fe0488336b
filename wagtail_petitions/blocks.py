"""StreamField blocks of a petition page's body.

Everything renders to the tags that ``wagtail_petitions.sanitize`` keeps, because the API serves the body as
sanitised HTML. Videos are links, not embeds: an embedded player would make every visitor's browser call a
third party, which a campaign against surveillance must not do.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "wagtail_petitions/blocks/quote.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        required=False, label=_("Alternative text"), help_text=_("What the image shows, for people who cannot see it.")
    )
    caption = blocks.CharBlock(required=False, label=_("Caption"))
    credit = blocks.CharBlock(required=False, label=_("Credit"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "wagtail_petitions/blocks/image.html"


class VideoLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Video URL"), help_text=_("A link to the video (e.g. on PeerTube or YouTube)."))
    title = blocks.CharBlock(label=_("Title"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "media"
        label = _("Video link")
        template = "wagtail_petitions/blocks/video_link.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["host"] = urlsplit(value["url"]).hostname or ""
        return context


class ReadAlsoLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("or URL"))
    title = blocks.CharBlock(required=False, label=_("Title"), help_text=_("Defaults to the page title."))

    class Meta:
        icon = "link"
        label = _("Link")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose a page or enter a URL (one of them).")
            raise StructBlockValidationError(block_errors={"url": ValidationError(message)})
        if value.get("url") and not value.get("title"):
            raise StructBlockValidationError(block_errors={"title": ValidationError(_("Give the link a title."))})
        return value


class ReadAlsoBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, label=_("Heading"), help_text=_("Defaults to “Read also”."))
    links = blocks.ListBlock(ReadAlsoLinkBlock(), min_num=1, label=_("Links"))

    class Meta:
        icon = "list-ul"
        label = _("Read also")
        template = "wagtail_petitions/blocks/read_also.html"


class PetitionBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="wagtail_petitions/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    video = VideoLinkBlock()
    read_also = ReadAlsoBlock()
