"""Reference tables generated from the code, pasted into README.md and checked by the tests."""

from __future__ import annotations

import json
import typing
from datetime import timedelta
from pathlib import Path
from typing import Any

import typer.main
from pydantic import BaseModel

from newswatch.config import Settings, show_duration


def _allowed(annotation: Any) -> list[str]:
    """The values a Literal setting accepts (also inside ``X | None``)."""
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        found = _allowed(arg)
        if found:
            return found
    return []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    if isinstance(value, timedelta):
        return show_duration(value)
    if isinstance(value, Path):
        return str(value)
    if value is None:
        return "none"
    return json.dumps(value)


def config_keys(model: type[BaseModel] = Settings, prefix: str = "") -> list[tuple[str, str, str]]:
    """(dotted key, default, description) for every setting; list items shown as ``[]``."""
    rows: list[tuple[str, str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        sub = _model_of(field.annotation)
        is_list = "list[" in str(field.annotation)
        if sub is not None:
            rows.append(
                (key + ("[]" if is_list else ""), "", field.description or sub.__doc__ or "")
            )
            rows.extend(config_keys(sub, key + ("[]." if is_list else ".")))
            continue
        default = "" if field.is_required() else _show(field.get_default(call_default_factory=True))
        desc = field.description or ""
        allowed = _allowed(field.annotation)
        if allowed:
            desc += f" (one of: {', '.join(f'`{a}`' for a in allowed)})"
        rows.append((key, default, desc))
    return rows


def config_reference() -> str:
    lines = ["| key | default | meaning |", "|---|---|---|"]
    for key, default, desc in config_keys():
        lines.append(f"| `{key}` | {('`' + default + '`') if default else ''} | {desc} |")
    return "\n".join(lines)


def commands(group: Any = None, prefix: str = "newswatch") -> list[tuple[str, str]]:
    """(full command, first help line) for every command and subcommand."""
    if group is None:
        from newswatch.cli.app import app

        group = typer.main.get_command(app)
    out: list[tuple[str, str]] = []
    ctx = group.context_class(group)  # typer ships its own click: no isinstance checks here
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        full = f"{prefix} {name}"
        if hasattr(cmd, "list_commands"):
            out.extend(commands(cmd, full))
        else:
            out.append((full, (cmd.help or "").strip().splitlines()[0] if cmd.help else ""))
    return out


def cli_reference() -> str:
    return "\n".join(f"- `{c}` — {h}" for c, h in commands())


def fill(readme: str) -> str:
    """README text with the generated sections between their markers replaced."""
    for name, body in (
        ("config-reference", config_reference()),
        ("cli-reference", cli_reference()),
    ):
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, _, rest = readme.partition(start)
        _, _, tail = rest.partition(end)
        readme = f"{head}{start}\n{body}\n{end}{tail}"
    return readme


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        path = Path(sys.argv[2] if len(sys.argv) > 2 else "README.md")
        path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(config_reference() + "\n\n" + cli_reference())
