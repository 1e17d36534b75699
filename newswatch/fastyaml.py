"""A fast YAML reader for large, plain data files (the topic profile), exact or declining.

ruamel's pure-Python safe loader takes 0.5-0.8 s for the 111 KB profile, paid by every
process that judges. libyaml (PyYAML's C parser) reads it in a tenth of that, but resolves
plain scalars by YAML 1.1 rules ("no" is false, "010" is octal) where ruamel follows 1.2.
So this reader only answers for documents in which the two agree: any scalar whose reading
could differ (yes/no/on/off, numbers with leading zeros, underscores, exponents or colons,
dates, merge keys, other tags) or a duplicate key makes it raise ``Declined``, and the caller
reads the text with ruamel as before — which also keeps ruamel's error messages.
"""

from __future__ import annotations

import re
from typing import Any

try:
    import yaml  # type: ignore[import-untyped]
    from yaml import CSafeLoader as _CLoader
except ImportError:  # PyYAML without libyaml: the pure-Python parser would not be faster
    yaml = None
    _CLoader = None


class Declined(Exception):
    """The fast reader cannot vouch for this document; read it with ruamel."""


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# plain scalars some YAML version reads as something other than a string
_MAYBE_SPECIAL = re.compile(
    r"[-+]?(?:[0-9][0-9_:.eE+-]*|\.[0-9a-zA-Z_]*|0[xXoObB][0-9a-fA-F_]*)"  # numbers, .inf, .nan
    r"|[0-9]{4}-[0-9].*"  # dates and timestamps
    r"|y|n|yes|no|on|off|=|<<",
    re.IGNORECASE,
)


def _scalar(value: str, tag: str | None) -> tuple[str, Any]:
    """(tag, value) both YAML 1.1 and 1.2 give a scalar, or Declined."""
    if tag in (None, _INT) and _PLAIN_INT.fullmatch(value):
        return _INT, int(value)
    if tag in (None, _FLOAT) and _PLAIN_FLOAT.fullmatch(value):
        return _FLOAT, float(value)
    if tag in (None, _BOOL) and value in _BOOLS:
        return _BOOL, _BOOLS[value]
    if tag in (None, _NULL) and value in _NULLS:
        return _NULL, None
    if tag is None and not _MAYBE_SPECIAL.fullmatch(value):
        return _STR, value
    raise Declined(f"scalar {value[:40]!r} may read differently in YAML 1.1 and 1.2")


if _CLoader is not None:

    class _Loader(_CLoader):  # type: ignore[misc]
        """libyaml's parser; scalars resolved only where YAML 1.1 and 1.2 agree."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                if implicit[1]:  # quoted: a string in every version
                    return _STR
                return _scalar(value, None)[0]
            return str(super().resolve(kind, value, implicit))

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ):
                raise Declined(f"tag {node.tag}")
            if isinstance(node, yaml.ScalarNode) and node.tag != _STR:
                # an explicit tag (!!int "010") is read by the same strict rules
                return _scalar(node.value, node.tag)[1]
            return super().construct_object(node, deep=deep)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            if len(keys) != len(set(keys)) or any(
                k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value
            ):
                raise Declined("duplicate or merge key")
            return super().construct_mapping(node, deep=deep)


def available() -> bool:
    """True when libyaml is there to read with."""
    return _CLoader is not None


def load(text: str) -> Any:
    """The document as plain dicts, lists and scalars; ``Declined`` when ruamel must read it."""
    if _CLoader is None:
        raise Declined("libyaml is not installed")
    try:
        return yaml.load(text, Loader=_Loader)  # a subclass of the safe loader
    except yaml.YAMLError as exc:  # let ruamel word the error
        raise Declined(str(exc)) from exc
