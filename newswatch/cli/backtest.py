"""`newswatch backtest`: what a changed profile would add to or drop from the digests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newswatch.cli.context import state
from newswatch.judge import Judge
from newswatch.storage.articles import articles_between
from newswatch.storage.models import utcnow


def register(app: typer.Typer) -> None:
    @app.command("backtest")
    def backtest(
        ctx: typer.Context,
        days: Annotated[int, typer.Option("--days", min=1, help="re-judge articles first seen in the last N days")] = 7,
        profile: Annotated[
            Path | None, typer.Option("--profile", help="the changed topic profile (YAML) to try")
        ] = None,
    ) -> None:
        """Re-judge stored articles with a changed profile; list what would enter or leave."""
        st = state(ctx)
        settings = st.settings
        judge = Judge.load(profile or settings.judge.profile, seed_dirs=settings.judge.seed_dirs)
        db = st.database()
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
        for label, rows in (("would enter", entering), ("would leave", leaving), ("recategorised", recategorised)):
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
