"""The workbench's web app (Starlette): the case's report, live, and a small JSON API.

Security, in the order a request meets it:

* the Host header must be the bound host and port (a page on another site that resolves its
  own name to 127.0.0.1, DNS rebinding, is refused before anything is read);
* a write (POST) needs the session's token twice, as a SameSite=Strict cookie and as the
  ``X-Scoring-Token`` header, and an Origin that is this app's own: another site's page can
  neither read the token nor send the cookie;
* no path is ever taken from a request: the files an edit may touch are the case's own
  YAML files, named by role, and the app's script and stylesheet are the two files of its
  package by fixed name;
* each write names the version it was made against (two tabs, one case: the later save is
  refused with what changed since).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from importlib import resources
from pathlib import Path
from typing import Any

import markupsafe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..analysis.result import score
from ..errors import ScoringError
from ..report.html import content_security_policy, render_report, stylesheet
from ..report.model import build_report
from .workbench import Edit, EditRefused, Workbench

COOKIE = "scoring_token"
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


def asset(name: str) -> str:
    return (resources.files("scoring.serve") / "static" / name).read_text(encoding="utf-8")


def app_policy(css: str, header: bool = True) -> str:
    """The app page's Content-Security-Policy: the report's inline stylesheet by its hash,
    the app's own script and stylesheet from this origin, connections to it alone; and, in
    the response header (a page's own <meta> cannot say it), no framing by another page."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'self' 'sha256-{digest}'; img-src 'none'; "
            "font-src 'none'; connect-src 'self'; script-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'" + ("; frame-ancestors 'none'" if header else ""))


def app_page(bench: Workbench, token: str) -> str:
    """The case's report as ``scoring report`` renders it (the same page model and
    templates), with the app's policy in place of the static page's and its two assets."""
    result = score(bench.case)
    html = render_report(build_report(result, None))
    css = stylesheet()
    static = f'content="{markupsafe.escape(content_security_policy(css))}"'
    if html.count(static) != 1 or html.count("</head>") != 1:  # pragma: no cover - a bug
        raise AssertionError("the report's head is not as the workbench expects")
    head = (f'<meta name="scoring-token" content="{token}">\n'
            f'<meta name="scoring-version" content="{bench.version}">\n'
            '<link rel="stylesheet" href="/static/app.css">\n'
            '<script src="/static/app.js" defer></script>\n</head>')
    return html.replace(static, f'content="{markupsafe.escape(app_policy(css, False))}"').replace(
        "</head>", head)


def make_app(bench: Workbench, host: str, port: int) -> Starlette:
    token = secrets.token_urlsafe(32)
    hosts = {f"{host}:{port}"} | ({f"localhost:{port}"} if host == "127.0.0.1" else set())
    origins = {f"http://{h}" for h in hosts}

    def refused(status: int, message: str, problems: tuple[str, ...] = ()) -> JSONResponse:
        return JSONResponse({"error": message, "problems": list(problems)}, status,
                            headers={"Cache-Control": "no-store"})

    def allowed(request: Request, write: bool) -> JSONResponse | None:
        if request.headers.get("host") not in hosts:
            return refused(421, "this workbench answers only at " + ", ".join(sorted(hosts)))
        if write:
            if request.headers.get("origin") not in origins:
                return refused(403, "a write must come from the workbench's own page")
            sent = request.headers.get("x-scoring-token", "")
            cookie = request.cookies.get(COOKIE, "")
            if not (secrets.compare_digest(sent, token) and secrets.compare_digest(cookie, token)):
                return refused(403, "a write needs this session's token")
        return None

    async def page(request: Request) -> Response:
        if (no := allowed(request, False)) is not None:
            return no
        with bench.lock:
            html = app_page(bench, token)
            css = stylesheet()
        response = Response(html, media_type="text/html; charset=utf-8", headers={
            "Content-Security-Policy": app_policy(css), "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "ETag": f'"{bench.etag()}"'})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    async def static(request: Request) -> Response:
        if (no := allowed(request, False)) is not None:
            return no
        name = request.path_params["name"]
        if name not in STATIC:  # only the package's two files, by name: never a path
            return refused(404, "not found")
        return Response(asset(name), media_type=STATIC[name],
                        headers={"X-Content-Type-Options": "nosniff"})

    async def state(request: Request) -> Response:
        if (no := allowed(request, False)) is not None:
            return no
        return JSONResponse({"version": bench.version, "etag": bench.etag(),
                             "editables": [{"anchor": e.anchor, "file": e.file,
                                            "path": list(e.path), "value": e.value, "lo": e.lo,
                                            "hi": e.hi, "label": e.label}
                                           for e in bench.editables()],
                             "scenarios": [s.id for s in bench.case.scenarios]},
                            headers={"Cache-Control": "no-store"})

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.body())
        except ValueError:
            raise EditRefused("the request is not JSON", status=400) from None
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            raise EditRefused("the request needs the version it was made against", status=400)
        return data

    def post(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if (no := allowed(request, True)) is not None:
                return no
            try:
                got = handler(await body(request))
            except EditRefused as exc:
                return refused(exc.status, str(exc), exc.problems)
            except ScoringError as exc:
                return refused(422, str(exc))
            return JSONResponse(got, headers={"Cache-Control": "no-store",
                                              "ETag": f'"{bench.etag()}"'})
        return endpoint

    def edit(data: dict[str, Any]) -> dict[str, Any]:
        path = data.get("path")
        if not isinstance(path, list) or not all(isinstance(p, (str, int)) for p in path) \
                or not isinstance(data.get("file"), str) or not isinstance(data.get("value"), str):
            raise EditRefused("an edit is {file, path, value, version}", status=400)
        label = next((e.label for e in bench.editables()
                      if e.file == data["file"] and list(e.path) == path), "")
        return bench.edit(Edit(data["file"], tuple(path), data["value"].strip(), label),
                          data["version"])

    def save(data: dict[str, Any]) -> dict[str, Any]:
        sid, why = data.get("scenario"), data.get("rationale")
        if not isinstance(sid, str) or not isinstance(why, str):
            raise EditRefused("a scenario is {scenario, rationale, version}", status=400)
        path = bench.save_scenario(sid, why, data["version"])
        return {"version": bench.version, "written": [Path(path).name]}

    def apply(data: dict[str, Any]) -> dict[str, Any]:
        written = bench.apply(data["version"])
        return {"version": bench.version, "written": [p.name for p in written]}

    return Starlette(routes=[
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/api/state", state, methods=["GET"]),
        Route("/api/edit", post(edit), methods=["POST"]),
        Route("/api/scenario", post(save), methods=["POST"]),
        Route("/api/apply", post(apply), methods=["POST"]),
    ])
