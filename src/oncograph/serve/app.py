"""The Flask application: pages, the SPARQL endpoint, static files, and the rules every response follows.

Every response carries a Content-Security-Policy that allows scripts and styles from this server only, so even
text that slipped past escaping could not run. Templates autoescape; data for scripts is embedded as JSON with
``<``, ``>``, ``&`` and quotes escaped. When bound to loopback, requests naming another Host are refused, which
stops DNS-rebinding pages from reading the explorer through the reader's browser.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, render_template, request, send_file

from ..errors import OncographError
from .site import Site

FRONTEND = Path(__file__).resolve().parent / "frontend"

#: Front-end files served under /vendor/, from the npm packages installed at build time (see frontend/package.json).
VENDOR_FILES = {"cytoscape.min.js": FRONTEND / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"}
NPM_INSTALL = "npm ci --prefix src/oncograph/serve/frontend --no-audit --no-fund"

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(site: Site, *, host: str = "127.0.0.1") -> Flask:
    """The explorer over ``site``. ``host`` is the address the server binds to (it decides the Host check)."""
    from . import protocol, views

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=max(1024 * 1024, site.limits.max_query_chars * 4), JSON_SORT_KEYS=False)
    app.extensions["oncograph_site"] = site
    loopback_only = host in LOOPBACK_NAMES or host.startswith("127.")

    @app.before_request
    def check_host():
        if loopback_only:
            name = _host_name(request.host)
            if name not in LOOPBACK_NAMES and not name.startswith("127."):
                return Response(f"this explorer answers on loopback only, not for host {request.host!r}\n",
                                status=421, mimetype="text/plain")
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response

    @app.context_processor
    def site_globals():
        return {"site": site, "nav": views.NAV, "vendor_missing": not VENDOR_FILES["cytoscape.min.js"].is_file(),
                "npm_install": NPM_INSTALL}

    @app.errorhandler(OncographError)
    def library_error(exc: OncographError):
        status = getattr(exc, "http_status", None) or (502 if type(exc).__name__ == "EndpointError" else 400)
        return render_template("error.html", title="Cannot do that", message=str(exc), status=status), status

    @app.errorhandler(404)
    def not_found(exc):
        return render_template("error.html", title="Not found", status=404,
                               message="There is no page at this address. Search for an organisation instead."), 404

    @app.errorhandler(413)
    def too_large(exc):
        return render_template("error.html", title="Request too large", status=413,
                               message="The request is larger than this explorer accepts."), 413

    @app.route("/vendor/<name>")
    def vendor(name: str):
        path = VENDOR_FILES.get(name)
        if path is None or not path.is_file():
            abort(404)
        return send_file(path, mimetype="text/javascript", max_age=3600)

    app.register_blueprint(views.pages)
    app.register_blueprint(protocol.endpoint)
    return app


def _host_name(host: str) -> str:
    """The Host header without its port: ``127.0.0.1:8765`` -> ``127.0.0.1``, ``[::1]:8765`` -> ``[::1]``."""
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0]
