"""Serve a demo partner page on its own origin, embedding the widget from the petitions site."""

from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from embed.snippets import snippets


def partner_page_html(site_url: str, petition: str, partner: str) -> bytes:
    # The one-tag code, as the Embed codes page gives it to partners.
    embed_code = mark_safe(snippets(site_url, petition, "", partner=partner)["script"])
    return render_to_string("petitions_site/demo_partner_page.html", {"embed_code": embed_code}).encode()


class PartnerPageHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, html: bytes, **kwargs):
        self.html = html
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] not in ("/", "/index.html"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, format, *args):
        pass


class Command(BaseCommand):
    help = "Serve a demo partner NGO page (another origin) that embeds the petition widget."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--site-url", default="http://127.0.0.1:8000", help="Where the petitions site runs.")
        parser.add_argument("--petition", default="stop-spyware")
        parser.add_argument("--partner", default="demo-partner")

    def handle(self, *args, port, host, site_url, petition, partner, **options):
        html = partner_page_html(site_url, petition, partner)
        server = ThreadingHTTPServer((host, port), partial(PartnerPageHandler, html=html))
        self.stdout.write(f"Demo partner page on http://{host}:{port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
