"""``manage.py mail_catcher``: the demo's inbox. An SMTP server (default 127.0.0.1:1025) that keeps what it receives,
prints each mail's subject and links, and shows the inbox at http://127.0.0.1:8025/."""

import html
import re
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand

from petitions_site.mail_catcher import MailCatcher

LINK = re.compile(r"https?://\S+")


class Command(BaseCommand):
    help = "Run a local SMTP server that keeps mails (no delivery) and shows them on a web page."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1025, help="SMTP port")
        parser.add_argument("--web-port", type=int, default=8025, help="port of the inbox page")

    def handle(self, *args, host, port, web_port, **options):
        def announce(mail):
            links = " ".join(LINK.findall(mail.text))
            self.stdout.write(f"[mail] to {', '.join(mail.recipients)}: {mail.subject}  {links}".rstrip())

        catcher = MailCatcher(host=host, port=port, on_mail=announce).start()
        server = ThreadingHTTPServer((host, web_port), inbox_handler(catcher))
        self.stdout.write(f"Mail catcher: SMTP on {host}:{port}, inbox on http://{host}:{web_port}/")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stop.wait()
        server.shutdown()
        catcher.stop()


def linked(text: str) -> str:
    """``text`` escaped, its links clickable."""
    escaped = html.escape(text)
    return LINK.sub(lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>', escaped)


def inbox_handler(catcher):
    class Inbox(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            mails = list(reversed(catcher.mails))
            if self.path.startswith("/mail/") and self.path[6:].isdigit() and int(self.path[6:]) < len(mails):
                mail = mails[int(self.path[6:])]
                # The mail's own HTML, locked down: no script, nothing loaded from anywhere.
                return self.send(mail.html or f"<pre>{html.escape(mail.text)}</pre>", csp="default-src 'none'")
            rows = "".join(
                f"<li><a href='/mail/{n}'>{html.escape(mail.subject)}</a> → {html.escape(', '.join(mail.recipients))}"
                f"<pre>{linked(mail.text)}</pre></li>"
                for n, mail in enumerate(mails)
            )
            return self.send(
                "<!DOCTYPE html><meta charset=utf-8><title>Demo inbox</title><h1>Demo inbox</h1>"
                "<p>Mails the site sent (kept in memory; nothing is delivered). Reload to see new ones.</p>"
                f"<ol>{rows or '<p>No mail yet.</p>'}</ol>",
                csp="default-src 'none'",
            )

        def send(self, body, csp):
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Inbox
