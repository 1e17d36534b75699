"""Render the bundled demo news site from its sources: `python seeds/demo/_build/build.py`."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from ruamel.yaml import YAML

SRC = Path(__file__).resolve().parent
SITE = SRC.parent
PREFIX = "http://demo.invalid/"
CATEGORIES = (
    "resolutions", "detainees", "peace-treaty", "displacement",
    "humanitarian", "heritage", "security", "diplomacy",
)
MIN_WORDS, MAX_WORDS = 250, 900


@dataclass
class Article:
    """One article page as written in the sources."""

    outlet: dict
    slug: str
    title: str
    published: datetime
    author: str
    relevant: bool
    categories: list[str]
    story: str
    paragraphs: list[str]
    summary: str
    guid: str
    feed_date: bool = True
    comments: list[dict] = field(default_factory=list)
    syndicated_of: str | None = None
    credit: str | None = None

    @property
    def path(self) -> str:
        return f"{self.outlet['slug']}/{self.published:%Y}/{self.slug}.html"

    @property
    def url(self) -> str:
        return PREFIX + self.path

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _yaml() -> YAML:
    y = YAML(typ="safe")
    y.default_flow_style = False
    y.allow_unicode = True
    y.width = 4096
    return y


def load() -> tuple[list[dict], list[Article]]:
    """Read outlets and articles; syndicated copies take the original's body."""
    y = _yaml()
    outlets = y.load((SRC / "outlets.yaml").read_text(encoding="utf-8"))["outlets"]
    articles: list[Article] = []
    for outlet in outlets:
        raw = y.load((SRC / "articles" / f"{outlet['slug']}.yaml").read_text(encoding="utf-8"))
        for n, item in enumerate(raw, start=1):
            published = datetime.fromisoformat(item["published"])
            path = f"{outlet['slug']}/{published:%Y}/{item['slug']}.html"
            guid = PREFIX + path if outlet["guid"] == "permalink" else outlet["guid"].format(
                n=n, slug=item["slug"], year=published.year)
            articles.append(Article(
                outlet=outlet, slug=item["slug"], title=item["title"], published=published,
                author=item.get("author", outlet["title"]), relevant=item["relevant"],
                categories=item.get("categories", []), story=item["story"],
                paragraphs=[p.strip() for p in (item.get("body") or "").split("\n\n") if p.strip()],
                summary=item.get("summary", ""), guid=guid,
                feed_date=item.get("feed_date", True), comments=item.get("comments", []),
                syndicated_of=item.get("syndicated_of"), credit=item.get("credit"),
            ))
    by_path = {a.path: a for a in articles}
    for a in articles:
        if a.syndicated_of:
            original = by_path[a.syndicated_of]
            a.paragraphs = list(original.paragraphs)
            a.summary = a.summary or original.summary
    return outlets, articles


def check(articles: list[Article]) -> None:
    """Refuse to render a site that breaks the data rules the tests rely on."""
    paths = [a.path for a in articles]
    if len(paths) != len(set(paths)):
        raise SystemExit("duplicate article paths")
    for a in articles:
        if not MIN_WORDS <= a.words <= MAX_WORDS:
            raise SystemExit(f"{a.path}: {a.words} words, want {MIN_WORDS}..{MAX_WORDS}")
        if a.relevant != bool(a.categories) or any(c not in CATEGORIES for c in a.categories):
            raise SystemExit(f"{a.path}: bad categories {a.categories}")


def related(a: Article, articles: list[Article]) -> list[Article]:
    """Up to four other pieces from the same outlet, nearest in time first."""
    same = [o for o in articles if o.outlet is a.outlet and o is not a]
    return sorted(same, key=lambda o: abs((o.published - a.published).total_seconds()))[:4]


def render(out: Path) -> list[Path]:
    """Write the whole site under `out`; returns the files written."""
    outlets, articles = load()
    check(articles)
    env = Environment(loader=FileSystemLoader(SRC / "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    written: list[Path] = []

    def write(rel: str, text: str) -> None:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)

    for a in articles:
        tpl = env.get_template(f"{a.outlet['template']}.html.j2")
        write(a.path, tpl.render(a=a, o=a.outlet, related=related(a, articles), prefix=PREFIX))
    for outlet in outlets:
        mine = sorted((a for a in articles if a.outlet is outlet),
                      key=lambda a: a.published, reverse=True)
        feed = env.get_template(f"{outlet['kind']}.xml.j2")
        write(f"{outlet['slug']}/{outlet['feed']}", feed.render(o=outlet, items=mine, prefix=PREFIX))
        listing = env.get_template("listing.html.j2")
        write(f"{outlet['slug']}/index.html", listing.render(o=outlet, items=mine, prefix=PREFIX))
    write("index.html", env.get_template("index.html.j2").render(outlets=outlets, prefix=PREFIX))
    write("private/drafts.html", env.get_template("private.html.j2").render(prefix=PREFIX))
    write("robots.txt", "User-agent: *\nDisallow: /private/\nAllow: /\n")
    y = YAML()  # round-trip dumper keeps our key order (path first) instead of sorting
    y.default_flow_style = False
    y.allow_unicode = True
    y.width = 4096
    site = {"feeds": [{
        "name": o["slug"], "url": f"{PREFIX}{o['slug']}/{o['feed']}", "kind": o["kind"],
        "language": o["language"], "tags": o["tags"], "title": o["title"],
    } for o in outlets]}
    truth = {"articles": [{
        "path": a.path, "relevant": a.relevant, "categories": a.categories, "story": a.story,
        "syndicated_of": a.syndicated_of, "language": a.outlet["language"],
        "published": a.published.isoformat(), "title": a.title,
    } for a in sorted(articles, key=lambda a: a.path)]}
    for name, data, head in (("site.yaml", site, "newswatch feed entries for the demo site"),
                             ("truth.yaml", truth, "ground truth for every demo article page")):
        buf = StringIO()
        y.dump(data, buf)
        write(name, f"# Generated by _build/build.py: {head}.\n{buf.getvalue()}")
    return written


if __name__ == "__main__":
    files = render(Path(sys.argv[1]) if len(sys.argv) > 1 else SITE)
    print(f"wrote {len(files)} files")
