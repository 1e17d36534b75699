"""`newswatch backtest`: what a changed profile would add to or drop from the digests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from newswatch.cli.context import state
from newswatch.judge import Judge
from newswatch.storage.articles import articles_between
from newswatch.storage.models import utcnow
from newswatch.wording import counted


def register(app: typer.Typer) -> None:
    @app.command("backtest")
    def backtest(
        ctx: typer.Context,
        days: Annotated[
            int,
            typer.Option("--days", min=1, help="re-judge articles first seen in the last N days"),
        ] = 7,
        profile: Annotated[
            Path | None, typer.Option("--profile", help="the changed topic profile (YAML) to try")
        ] = None,
        feedback: Annotated[
            bool,
            typer.Option(
                "--feedback",
                help="re-judge the articles readers corrected and score the profile on them",
            ),
        ] = False,
    ) -> None:
        """Re-judge stored articles with a changed profile; list what would enter or leave."""
        st = state(ctx)
        settings = st.settings
        judge = Judge.load(profile or settings.judge.profile, seed_dirs=settings.judge.seed_dirs)
        db = st.database()
        if feedback:
            _on_feedback(judge, db)
            return
        with db.session() as s:
            arts = articles_between(s, utcnow() - timedelta(days=days), None)
        entering, leaving, recategorised = [], [], []
        for a in arts:
            j = judge.judge(a.title, a.text, a.language)
            was = bool(a.relevant)
            if j.relevant and not was:
                entering.append((a, j))
            elif was and not j.relevant:
                leaving.append((a, j))
            elif was and j.relevant and (j.categories[:1] != (a.categories or [])[:1]):
                recategorised.append((a, j))
        console = Console(width=160, soft_wrap=True)
        console.print(
            f"{len(arts)} articles re-judged: {len(entering)} would enter, {len(leaving)} would leave, "
            f"{len(recategorised)} would change primary category",
            highlight=False,
        )
        for label, rows in (
            ("would enter", entering),
            ("would leave", leaving),
            ("recategorised", recategorised),
        ):
            if not rows:
                continue
            table = Table("id", "title", "now", "with the profile", "reasons", title=label)
            for a, j in rows:
                table.add_row(
                    str(a.id),
                    a.title[:70],
                    ", ".join(a.categories or []) or ("relevant" if a.relevant else "-"),
                    ", ".join(j.categories) or "-",
                    "; ".join(j.reasons[:3]),
                )
            console.print(table)


def _on_feedback(judge: Judge, db: Any) -> None:
    """How the profile judges the items readers corrected, against their corrections.

    A correction is the latest feedback of its kind: "not relevant" expects the article out,
    "wrong category → X" expects it in with X first; "not the same story" says nothing about
    the judgement and is only counted.
    """
    from newswatch.storage.feedback import FeedbackKind, corrected_articles

    with db.session() as s:
        labelled = corrected_articles(s)
    console = Console(width=160, soft_wrap=True)
    table = Table(
        "id",
        "title",
        "readers say",
        "stored",
        "with the profile",
        "agrees",
        title="corrected items",
    )
    judged = agree_now = agree_before = stories = 0
    for art, rows in labelled:
        want: tuple[bool, str | None] | None = None
        for row in rows:  # oldest first: the latest judgement-correction wins
            if row.kind == FeedbackKind.NOT_RELEVANT:
                want = (False, None)
            elif row.kind == FeedbackKind.WRONG_CATEGORY:
                want = (True, row.category)
            else:
                stories += 1
        if want is None:
            continue
        judged += 1
        j = judge.judge(art.title, art.text, art.language)
        now = _agrees(want, j.relevant, list(j.categories))
        agree_now += now
        agree_before += _agrees(want, bool(art.relevant), list(art.categories or []))
        table.add_row(
            str(art.id),
            art.title[:60],
            "not relevant" if not want[0] else f"category {want[1]}",
            ", ".join(art.categories or []) or ("relevant" if art.relevant else "-"),
            ", ".join(j.categories) or ("relevant" if j.relevant else "-"),
            "yes" if now else "no",
        )
    console.print(
        f"{judged} corrected articles re-judged: the profile agrees with readers on {agree_now} "
        f"(the stored judgement on {agree_before}); {counted(stories, 'story correction')} not judged here",
        highlight=False,
    )
    if judged:
        console.print(table)


def _agrees(want: tuple[bool, str | None], relevant: bool, categories: list[str]) -> bool:
    """Whether a judgement is the readers': in or out, and with their category first."""
    if relevant != want[0]:
        return False
    return want[1] is None or categories[:1] == [want[1]]
