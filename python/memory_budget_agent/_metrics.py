"""GET /metrics on a daemon thread, and 404 for anything else: read-only, nothing more."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _MetricsServer(ThreadingHTTPServer):
    daemon_threads = True


def serve_metrics(render, host, port):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer(True)

        def do_HEAD(self):
            self._answer(False)

        def _answer(self, with_body):
            if self.path.split("?", 1)[0] != "/metrics":
                return self._not_found()
            try:
                body = render().encode("utf-8")
            except Exception as err:  # the app must not see it
                return self._send(500, "text/plain; charset=utf-8", ("metrics failed: %s\n" % err).encode("utf-8"), True)
            self._send(200, CONTENT_TYPE, body, with_body)

        def _not_found(self):
            self._send(404, "text/plain; charset=utf-8", b"Not found: this endpoint serves GET /metrics only.\n", True)

        def _send(self, status, content_type, body, with_body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 200:
                self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_found

        def log_message(self, format, *args):
            pass  # the app's stderr is not ours

    family_host = host.strip("[]")
    # An IPv6 address or a name that resolves to one (Fly's fly-local-6pn) needs an IPv6 socket.
    family = socket.getaddrinfo(family_host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type("MetricsServer", (_MetricsServer,), {"address_family": family})
    server = server_class((family_host, port), Handler)
    thread = threading.Thread(target=server.serve_forever, name="memory-budget-metrics", daemon=True)
    thread.start()

    class Running:
        host = family_host
        port = server.server_address[1]

        @staticmethod
        def close():
            server.shutdown()
            server.server_close()

    return Running
