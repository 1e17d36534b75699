"""The Starlette application: one route per page, server-rendered with the digest's templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswatch.categories import CATEGORIES
from newswatch.config import Settings
from newswatch.digests import render
from newswatch.digests.build import section_title
from newswatch.judge.explain import LANGUAGE_NAMES
from newswatch.storage import browse, ledger
from newswatch.storage.db import Database
from newswatch.storage.feedback import FeedbackKind, add_feedback
from newswatch.storage.models import utcnow
from newswatch.web import pages
from newswatch.web.cache import PageCache, memo_explainer
from newswatch.web.security import HEADERS, Guard

PER_PAGE = 20
MAX_PAGE = 500  # deep pages cost the database a scan of everything before them
MAX_FORM = 4096  # bytes of a feedback form
FRONT_TTL = 60.0  # seconds the front page is kept when no report or digest was added
TEMPLATES = (
    "home.html",
    "digests.html",
    "digest_page.html",
    "story_page.html",
    "article.html",
    "search.html",
    "feeds.html",
    "error.html",
    "feed.atom",
)
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def environment() -> Environment:
    """The digest's environment (filters, autoescaping) reading the web templates first."""
    env = render.environment()
    env.loader = ChoiceLoader(
        [
            PackageLoader("newswatch.web", "templates"),
            PackageLoader("newswatch.digests", "templates"),
        ]
    )
    env.globals["section_title"] = section_title
    env.globals["language_name"] = lambda c: LANGUAGE_NAMES.get(c, c)
    return env


@lru_cache(maxsize=1)
def stylesheet() -> bytes:
    """The digest's styles and the pages' own, served as one file (no inline style needed)."""
    digest = (
        resources.files("newswatch.digests").joinpath("templates/_style.css").read_text("utf-8")
    )
    web = resources.files("newswatch.web").joinpath("static/web.css").read_text("utf-8")
    return (digest + "\n" + web).encode()


class Guarded:
    """ASGI middleware: authentication first, then the security headers on every response."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        auth = dict(scope.get("headers") or []).get(b"authorization")
        user = self.guard.user(auth.decode("latin-1") if auth else None)
        if user is None:
            response = PlainTextResponse(
                "authentication required\n",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="newswatch", charset="UTF-8"'},
            )
            await response(scope, receive, with_headers)
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, with_headers)


class Pages:
    """The route handlers; each opens one session and renders one template."""

    def __init__(
        self, settings: Settings, db: Database, guard: Guard, clock: Callable[[], datetime]
    ) -> None:
        self.settings = settings
        self.db = db
        self.guard = guard
        self.clock = clock
        self.env = environment()
        self.pages = PageCache()
        # compiled at start-up: a template's first use would otherwise cost a reader ~0.1 s
        for name in TEMPLATES:
            self.env.get_template(name)

    def html(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.render(request, name, **context), status_code=status)

    def render(self, request: Request, name: str, **context: Any) -> str:
        user = request.state.user
        return self.env.get_template(name).render(
            tz=self.settings.digest.timezone,
            user=user,
            csrf=self.guard.csrf_token(user),
            path=request.url.path,
            **context,
        )

    def not_found(self, request: Request, what: str) -> HTMLResponse:
        return self.html(request, "error.html", 404, title="Not found", message=f"No {what}.")

    # --- pages ---------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        now = self.clock()

        def make() -> str:
            with self.db.session() as s:
                view = pages.upcoming(self.settings, s, now)
                last = ledger.latest_digest(s)
            return self.render(request, "home.html", v=view, last=last)

        with self.db.session() as s:
            key = ("home", request.state.user, pages.front_key(s))
        return HTMLResponse(self.pages.get_or_make(key, make, ttl=FRONT_TTL))

    def digests(self, request: Request) -> Response:
        with self.db.session() as s:
            rows = ledger.list_digests(s)
        return self.html(request, "digests.html", digests=rows)

    def digest(self, request: Request) -> Response:
        label = request.path_params["label"]
        if not _LABEL.match(label):
            return self.not_found(request, "such digest")
        with self.db.session() as s:
            digest = ledger.digest_by_label(s, label)
        if digest is None:
            return self.not_found(request, f"digest for {label}")

        def make() -> str:
            with self.db.session() as s:
                view = pages.digest_page(self.settings, s, label)
            return self.render(request, "digest_page.html", v=view)

        # a digest never changes once built: its page is made once
        key = ("digest", request.state.user, digest.id, digest.created_at)
        return HTMLResponse(self.pages.get_or_make(key, make))

    def story(self, request: Request) -> Response:
        with self.db.session() as s:
            page = pages.story_page(self.settings, s, request.path_params["id"])
        if page is None:
            return self.not_found(request, "such story")
        return self.html(request, "story_page.html", p=page, e=page.entry)

    def article(self, request: Request) -> Response:
        with self.db.session() as s:
            page = pages.article_page(self.settings, s, request.path_params["id"])
        if page is None:
            return self.not_found(request, "such article")
        return self.html(
            request, "article.html", p=page, a=page.article, categories=self.categories()
        )

    async def feedback(self, request: Request) -> Response:
        article_id = int(request.path_params["id"])
        if not _same_origin(request):
            return PlainTextResponse("cross-site form refused\n", status_code=403)
        body = await request.body()
        if len(body) > MAX_FORM:
            return PlainTextResponse("form too large\n", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        user = request.state.user
        if not self.guard.check_csrf(user, form.get("csrf")):
            return PlainTextResponse("form expired or forged: reload the page\n", status_code=403)
        try:
            kind = FeedbackKind(form.get("kind", ""))
        except ValueError:
            return PlainTextResponse("unknown feedback\n", status_code=400)
        category = form.get("category") or None
        if kind is FeedbackKind.WRONG_CATEGORY and category not in self.categories():
            return PlainTextResponse("choose one of the categories\n", status_code=400)

        def store() -> bool:
            with self.db.session() as s:
                try:
                    add_feedback(s, article_id, kind, user=user, category=category, at=self.clock())
                except LookupError:
                    return False
            return True

        if not await run_in_threadpool(store):
            return PlainTextResponse("no such article\n", status_code=404)
        return RedirectResponse(f"/articles/{article_id}#feedback", status_code=303)

    def search(self, request: Request) -> Response:
        form, problem = self._search_form(request)
        page = form["page"]
        hits: list[pages.Hit] = []
        more = False
        matches = 0
        if problem is None:
            with self.db.session() as s:
                rows = browse.search_articles(
                    s,
                    form["q"],
                    self._filters(s, form),
                    limit=PER_PAGE + 1,
                    offset=(page - 1) * PER_PAGE,
                )
                more = len(rows) > PER_PAGE
                hits = pages.hits_of(rows[:PER_PAGE], s, self.settings, form["q"])
                matches = browse.count_matches(s, form["q"]) if form["q"].strip() else 0
        with self.db.session() as s:
            sides = pages.all_sides(ledger.sources_by_id(s))
        query = {k: v for k, v in form.items() if v and k != "page"}
        return self.html(
            request,
            "search.html",
            400 if problem else 200,
            form=form,
            problem=problem,
            hits=hits,
            capped=matches if matches > browse.RANKED else 0,
            ranked=browse.RANKED,
            page=page,
            prev_url=f"/search?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
            next_url=f"/search?{urlencode({**query, 'page': page + 1})}"
            if more and page < MAX_PAGE
            else None,
            atom_url=f"/feed.atom?{urlencode(query)}",
            categories=self.categories(),
            sides=sides,
            languages=sorted(LANGUAGE_NAMES.items(), key=lambda kv: kv[1]),
        )

    def atom(self, request: Request) -> Response:
        form, problem = self._search_form(request)
        if problem is not None:
            return PlainTextResponse(problem + "\n", status_code=400)
        with self.db.session() as s:
            # a subscription wants what is new, not what matches best
            rows = browse.search_articles(
                s, form["q"], self._filters(s, form), limit=50, newest=True
            )
            hits = pages.hits_of(rows, s, self.settings, form["q"])
        base = str(request.base_url).rstrip("/")
        query = urlencode({k: v for k, v in form.items() if v and k != "page"})
        body = self.env.get_template("feed.atom").render(
            hits=hits,
            base=base,
            self_url=f"{base}/feed.atom" + (f"?{query}" if query else ""),
            title=_feed_title(form),
            updated=max((h.report.when for h in hits if h.report.when), default=self.clock()),
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def feeds(self, request: Request) -> Response:
        now = self.clock()
        with self.db.session() as s:
            rows = pages.feed_rows(self.settings, s, now)
        return self.html(request, "feeds.html", rows=rows, now=now)

    def style(self, request: Request) -> Response:
        return Response(
            stylesheet(),
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "max-age=3600"},
        )

    # --- helpers -------------------------------------------------------------------------

    def categories(self) -> list[str]:
        profile = list(memo_explainer(self.settings.judge.profile).profile.categories)
        return list(dict.fromkeys([*CATEGORIES, *profile]))

    def _search_form(self, request: Request) -> tuple[dict[str, Any], str | None]:
        p = request.query_params
        form: dict[str, Any] = {
            "q": p.get("q", "")[:200],
            "category": p.get("category", ""),
            "side": p.get("side", ""),
            "language": p.get("language", ""),
            "since": p.get("since", ""),
            "until": p.get("until", ""),
            "relevant": "1" if p.get("relevant") in ("1", "on", "true") else "",
            "page": 1,
        }
        problem = None
        try:
            form["page"] = max(1, min(MAX_PAGE, int(p.get("page", "1"))))
        except ValueError:
            problem = "page must be a number"
        for key in ("since", "until"):
            if form[key] and not _DAY.match(form[key]):
                problem = f"{key} must be a date (YYYY-MM-DD)"
        if problem is None:
            try:
                pages.day_range(form["since"], form["until"])
            except ValueError:
                problem = "not a real date"
        return form, problem

    def _filters(self, session: Any, form: dict[str, Any]) -> browse.SearchFilters:
        since, until = pages.day_range(form["since"], form["until"])
        return browse.SearchFilters(
            category=form["category"] or None,
            source_ids=pages.side_sources(session, form["side"]) if form["side"] else None,
            language=form["language"] or None,
            since=since,
            until=until,
            relevant_only=bool(form["relevant"]),
        )


def _feed_title(form: dict[str, Any]) -> str:
    parts = [f"“{form['q']}”"] if form["q"] else []
    parts += [section_title(form["category"])] if form["category"] else []
    parts += [str(form[k]) for k in ("side", "language") if form[k]]
    return "newswatch" + (": " + ", ".join(parts) if parts else "")


def _same_origin(request: Request) -> bool:
    """A browser's Origin (or Referer) must name this server; a missing one is a non-browser."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True
    if origin == "null":  # an opaque origin: a sandboxed frame or a privacy redirect
        return False
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def create_app(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
    guard: Guard | None = None,
) -> ASGIApp:
    """The ASGI application over one database."""
    guard = guard or Guard(settings.web)
    p = Pages(settings, db, guard, clock)
    routes = [
        Route("/", p.home),
        Route("/digests/", p.digests),
        Route("/digests/{label:str}", p.digest),
        Route("/stories/{id:int}", p.story),
        Route("/articles/{id:int}", p.article),
        Route("/articles/{id:int}/feedback", p.feedback, methods=["POST"]),
        Route("/search", p.search),
        Route("/feeds", p.feeds),
        Route("/feed.atom", p.atom),
        Route("/static/style.css", p.style),
    ]
    return Guarded(Starlette(routes=routes), guard)
