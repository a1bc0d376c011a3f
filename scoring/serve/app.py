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
import html as html_lib
import json
import re
import secrets
import threading
from collections.abc import Callable
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


def app_page(bench: Workbench, token: str, api: str = "/api/") -> str:
    """The case's report as ``scoring report`` renders it (the same page model and
    templates), with the app's policy in place of the static page's and its two assets;
    ``api``: where the page's script sends its requests."""
    result = score(bench.case)
    html = render_report(build_report(result, None))
    css = stylesheet()
    static = f'content="{markupsafe.escape(content_security_policy(css))}"'
    if html.count(static) != 1 or html.count("</head>") != 1:  # pragma: no cover - a bug
        raise AssertionError("the report's head is not as the workbench expects")
    head = (f'<meta name="scoring-token" content="{token}">\n'
            f'<meta name="scoring-version" content="{bench.version}">\n'
            f'<meta name="scoring-api" content="{markupsafe.escape(api)}">\n'
            '<link rel="stylesheet" href="/static/app.css">\n'
            '<script src="/static/app.js" defer></script>\n</head>')
    return html.replace(static, f'content="{markupsafe.escape(app_policy(css, False))}"').replace(
        "</head>", head)


class _Session:
    """What every request of one app is checked against: its hosts, origins and token."""

    def __init__(self, host: str, port: int) -> None:
        self.token = secrets.token_urlsafe(32)
        self.hosts = {f"{host}:{port}"} | ({f"localhost:{port}"} if host == "127.0.0.1"
                                            else set())
        self.origins = {f"http://{h}" for h in self.hosts}

    def allowed(self, request: Request, write: bool) -> JSONResponse | None:
        if request.headers.get("host") not in self.hosts:
            return refused(421, "this workbench answers only at " + ", ".join(sorted(self.hosts)))
        if write:
            if request.headers.get("origin") not in self.origins:
                return refused(403, "a write must come from the workbench's own page")
            sent = request.headers.get("x-scoring-token", "")
            cookie = request.cookies.get(COOKIE, "")
            if not (secrets.compare_digest(sent, self.token)
                    and secrets.compare_digest(cookie, self.token)):
                return refused(403, "a write needs this session's token")
        return None

    def html(self, html: str, policy: str, etag: str | None = None) -> Response:
        headers = {"Content-Security-Policy": policy, "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
        if etag is not None:
            headers["ETag"] = f'"{etag}"'
        response = Response(html, media_type="text/html; charset=utf-8", headers=headers)
        response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
        return response


def refused(status: int, message: str, problems: tuple[str, ...] = ()) -> JSONResponse:
    return JSONResponse({"error": message, "problems": list(problems)}, status,
                        headers={"Cache-Control": "no-store"})


Benches = Callable[[Request], Workbench | None]


def _static_route(session: _Session) -> Route:
    async def static(request: Request) -> Response:
        if (no := session.allowed(request, False)) is not None:
            return no
        name = request.path_params["name"]
        if name not in STATIC:  # only the package's two files, by name: never a path
            return refused(404, "not found")
        return Response(asset(name), media_type=STATIC[name],
                        headers={"X-Content-Type-Options": "nosniff"})

    return Route("/static/{name}", static, methods=["GET"])


def _case_routes(session: _Session, prefix: str, bench_of: Benches) -> list[Route]:
    """The page and the JSON API of one case's workbench at ``prefix`` (``bench_of``: the
    request's workbench, None when there is none: a 404)."""

    def opened(request: Request, write: bool) -> Workbench | JSONResponse:
        """The request's workbench, or the refusal: another host (or, for a write, origin
        or token), or no such case."""
        if (no := session.allowed(request, write)) is not None:
            return no
        bench = bench_of(request)
        return refused(404, "no such case") if bench is None else bench

    async def page(request: Request) -> Response:
        bench = opened(request, False)
        if isinstance(bench, JSONResponse):
            return bench
        with bench.lock:
            html = app_page(bench, session.token, _api_base(request, prefix))
            css = stylesheet()
        return session.html(html, app_policy(css), bench.etag())

    async def state(request: Request) -> Response:
        bench = opened(request, False)
        if isinstance(bench, JSONResponse):
            return bench
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

    def post(handler: Callable[[Workbench, dict[str, Any]], dict[str, Any]]) -> Any:
        async def endpoint(request: Request) -> Response:
            bench = opened(request, True)
            if isinstance(bench, JSONResponse):
                return bench
            try:
                got = handler(bench, await body(request))
            except EditRefused as exc:
                return refused(exc.status, str(exc), exc.problems)
            except ScoringError as exc:
                return refused(422, str(exc))
            return JSONResponse(got, headers={"Cache-Control": "no-store",
                                              "ETag": f'"{bench.etag()}"'})
        return endpoint

    def edit(bench: Workbench, data: dict[str, Any]) -> dict[str, Any]:
        path = data.get("path")
        if not isinstance(path, list) or not all(isinstance(p, (str, int)) for p in path) \
                or not isinstance(data.get("file"), str) or not isinstance(data.get("value"), str):
            raise EditRefused("an edit is {file, path, value, version}", status=400)
        label = next((e.label for e in bench.editables()
                      if e.file == data["file"] and list(e.path) == path), "")
        return bench.edit(Edit(data["file"], tuple(path), data["value"].strip(), label),
                          data["version"])

    def save(bench: Workbench, data: dict[str, Any]) -> dict[str, Any]:
        sid, why = data.get("scenario"), data.get("rationale")
        if not isinstance(sid, str) or not isinstance(why, str):
            raise EditRefused("a scenario is {scenario, rationale, version}", status=400)
        path = bench.save_scenario(sid, why, data["version"])
        return {"version": bench.version, "written": [Path(path).name]}

    def apply(bench: Workbench, data: dict[str, Any]) -> dict[str, Any]:
        written = bench.apply(data["version"])
        return {"version": bench.version, "written": [p.name for p in written]}

    return [
        Route(f"{prefix}/" if not prefix else f"{prefix}.html", page, methods=["GET"]),
        Route(f"{prefix}/api/state", state, methods=["GET"]),
        Route(f"{prefix}/api/edit", post(edit), methods=["POST"]),
        Route(f"{prefix}/api/scenario", post(save), methods=["POST"]),
        Route(f"{prefix}/api/apply", post(apply), methods=["POST"]),
    ]


def _api_base(request: Request, prefix: str) -> str:
    """Where a page's script sends its requests: ``/api/`` for a case served alone; for a
    universe's case page ``/cases/ID.html``, ``/cases/ID/api/`` (an id holds only
    [A-Za-z0-9_.-])."""
    if not prefix:
        return "/api/"
    return f"/cases/{request.path_params['case']}/api/"


def make_app(bench: Workbench, host: str, port: int) -> Starlette:
    """The workbench of one case: its page at ``/``."""
    session = _Session(host, port)
    return Starlette(routes=[*_case_routes(session, "", lambda _: bench),
                             _static_route(session)])


def make_universe_app(root: Path, host: str, port: int) -> Starlette:
    """A universe's workbench: its portfolio index at ``/`` (sorting and filtering as the
    static index does), each case's page at ``/cases/ID.html`` as the static report links
    it; a case held in a folder opens in the workbench, a case held in the universe's tables
    as its report (its rows are edited in the tables, not here)."""
    from ..analysis.result import score as score_case
    from ..analysis.universe import score_universe
    from ..formats.universe import Universe
    from ..report.portfolio_model import build_portfolio
    from ..report.portfolio_report import render_index

    session = _Session(host, port)
    universe = Universe.open(root)
    scores = score_universe(root)
    index = render_index(build_portfolio(scores, f"Portfolio: {root.resolve().name}", None,
                                         scores.peers(), None))
    benches: dict[str, Workbench] = {}
    lock = threading.Lock()

    def bench_of(request: Request) -> Workbench | None:
        case_id = str(request.path_params.get("case", ""))
        k = scores.index.get(case_id)
        if k is None or k >= len(universe.folders):
            return None
        with lock:
            if case_id not in benches:
                benches[case_id] = Workbench.open(universe.folders[k])
            return benches[case_id]

    async def home(request: Request) -> Response:
        """The index, with the policy its own page states (its script and style by hash)."""
        if (no := session.allowed(request, False)) is not None:
            return no
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', index)
        assert policy is not None
        return session.html(index, html_lib.unescape(policy.group(1)))

    async def table_case(request: Request) -> Response:
        """A case of the universe's tables: its report, as ``scoring report`` writes it."""
        if (no := session.allowed(request, False)) is not None:
            return no
        case_id = str(request.path_params["case"])
        k = scores.index.get(case_id)
        if k is None:
            return refused(404, "no such case")
        html = render_report(build_report(score_case(universe.load(k))))
        return session.html(html, content_security_policy(stylesheet()))

    routes = _case_routes(session, "/cases/{case}", bench_of)
    page = routes[0]

    async def case_page(request: Request) -> Response:
        case_id = str(request.path_params.get("case", ""))
        k = scores.index.get(case_id)
        if k is not None and k >= len(universe.folders):
            return await table_case(request)
        return await page.endpoint(request)  # type: ignore[no-any-return]

    return Starlette(routes=[Route("/", home, methods=["GET"]),
                             Route("/cases/{case}.html", case_page, methods=["GET"]),
                             *routes[1:], _static_route(session)])
