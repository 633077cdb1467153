"""A real HTTP server on 127.0.0.1 (a random port) that speaks the parts of GOV.UK Notify's v2 API Chorus
uses: POST /v2/notifications/sms and /email, GET /v2/notifications/{id}. It checks each request's JWT as
Notify does (HS256 signed with the key's secret, `iss` the service id, `iat` within 30 seconds) and answers
403 AuthError otherwise. `script` makes the next sends misbehave ("reject" 400, "busy" 429, "broken" 500,
"slow" past the client's timeout); `final_status` is what a status read says about accepted messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"chorus_test-{SERVICE_ID}-{SECRET}"
SLOW_SECONDS = 1.0


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_problem(authorization: str, now: float) -> str:
    """Why Notify would refuse this Authorization header, or "" when it is good."""
    if not authorization.startswith("Bearer "):
        return "Unauthorized: authentication token must be provided"
    try:
        header, payload, signature = authorization.removeprefix("Bearer ").split(".")
        expected = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        claims = json.loads(_unb64(payload))
        alg = json.loads(_unb64(header)).get("alg")
    except ValueError:
        return "Invalid token: signature"
    if alg != "HS256" or not hmac.compare_digest(expected, _unb64(signature)):
        return "Invalid token: signature, api token not found"
    if claims.get("iss") != SERVICE_ID:
        return "Invalid token: service not found"
    if abs(now - int(claims.get("iat", 0))) > 30:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return ""


@dataclass
class Sent:
    kind: str  # "sms" or "email"
    to: str
    template_id: str
    personalisation: dict[str, str]
    reference: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


class NotifyServer:
    def __init__(self) -> None:
        self.script: list[str] = []
        self.final_status = "delivered"
        self.sent: list[Sent] = []
        self.refused_tokens = 0
        self.status_reads = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.answer_send(self, body)

            def do_GET(self):
                server.answer_status(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, address: None
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> NotifyServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _authorised(self, handler) -> bool:
        problem = token_problem(handler.headers.get("Authorization", ""), time.time())
        if problem:
            self.refused_tokens += 1
            self.send(
                handler, 403, {"status_code": 403, "errors": [{"error": "AuthError", "message": problem}]}
            )
        return not problem

    def answer_send(self, handler, body: dict[str, Any]) -> None:
        if not self._authorised(handler):
            return
        kind = handler.path.rsplit("/", 1)[-1]
        if handler.path not in ("/v2/notifications/sms", "/v2/notifications/email"):
            return self.send(handler, 404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
        behaviour = self.script.pop(0) if self.script else "accept"
        if behaviour == "slow":
            time.sleep(SLOW_SECONDS)
        if behaviour == "busy":
            return self.send(
                handler,
                429,
                {"status_code": 429, "errors": [{"error": "RateLimitError", "message": "slow down"}]},
            )
        if behaviour == "broken":
            return self.send(handler, 500, {"status_code": 500, "errors": [{"error": "Exception"}]})
        to = body.get("phone_number") if kind == "sms" else body.get("email_address")
        if behaviour == "reject" or not to or not body.get("template_id"):
            message = (
                "phone_number Not a UK mobile number" if kind == "sms" else "email_address Not a valid email"
            )
            return self.send(
                handler,
                400,
                {"status_code": 400, "errors": [{"error": "ValidationError", "message": message}]},
            )
        sent = Sent(
            kind, to, body["template_id"], body.get("personalisation") or {}, body.get("reference", "")
        )
        self.sent.append(sent)
        self.send(
            handler,
            201,
            {
                "id": sent.id,
                "reference": sent.reference,
                "content": {"body": sent.personalisation.get("body", "")},
                "template": {
                    "id": sent.template_id,
                    "version": 1,
                    "uri": f"{self.url}/v2/template/{sent.template_id}",
                },
                "uri": f"{self.url}/v2/notifications/{sent.id}",
            },
        )

    def answer_status(self, handler) -> None:
        if not self._authorised(handler):
            return
        notification_id = handler.path.rsplit("/", 1)[-1]
        sent = next((s for s in self.sent if s.id == notification_id), None)
        if sent is None:
            return self.send(
                handler,
                404,
                {"status_code": 404, "errors": [{"error": "NoResultFound", "message": "No result found"}]},
            )
        self.status_reads += 1
        self.send(
            handler,
            200,
            {"id": sent.id, "reference": sent.reference, "type": sent.kind, "status": self.final_status},
        )

    def send(self, handler, status: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): that is what the test checks


SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE = "a0a1f4a2-3c4d-4b2e-9f1e-7e1f0c9d2b11"


def use_notify(settings, server: NotifyServer, *, email_template: bool = True) -> NotifyServer:
    """Point Chorus at `server`, with background tasks run at once (ImmediateBackend) so a test sees the
    whole chain: send, retries, status read."""
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE if email_template else ""
    settings.NOTIFY_TIMEOUT = SLOW_SECONDS / 2  # "slow" times out; a busy machine's ordinary answer does not
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    server.script.clear()
    server.sent.clear()
    server.final_status = "delivered"
    server.refused_tokens = server.status_reads = 0
    return server
