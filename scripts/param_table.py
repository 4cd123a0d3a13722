"""Generate the parameter tables of docs/model.md from sim.core.params (no default is retyped),
and its table of outcomes from the outcome registry (sim.core.metrics.OUTCOMES).

Reads every dataclass of ``sim.core.params`` through ``dataclasses.fields`` and each field's
metadata (help, unit, bounds or choices, source) and prints one Markdown table per
parameter group. Nested groups get their own table (``instruments.statement``, …), and so
does the item type of a list of dataclasses: the fields of ``InstrumentSpec`` are listed
as ``policy.instruments[].kind`` etc., with the defaults an item gets for keys it omits.
Inherited fields are listed in every subclass's table with that subclass's defaults
(``un`` and ``regional`` are both ``BodyParams``).

Usage (from the repository root):
    .venv/bin/python scripts/param_table.py            print the tables
    .venv/bin/python scripts/param_table.py --check    exit 1 if docs/model.md's block differs
    .venv/bin/python scripts/param_table.py --write    rewrite the block in docs/model.md

The block is the text between the lines ``<!-- params:begin -->`` and
``<!-- params:end -->`` in the document.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # works without an installed package too
    sys.path.insert(0, str(ROOT))

from sim.core.params import Params  # noqa: E402

BEGIN = "<!-- params:begin -->"
END = "<!-- params:end -->"
DEFAULT_DOC = ROOT / "docs" / "model.md"

#: Group order of the tables: the top level first, then the sub-dataclasses (each followed
#: by its nested groups and list-item types, in field order).
GROUP_ORDER = ("network", "dynamics", "escalation", "history", "shocks", "warning", "un",
               "regional", "civil_society", "politics", "consent", "instruments", "costs",
               "policy", "record",
               "scenario")
HEADER = ("| name | meaning | unit | default | valid range | source |\n"
          "| --- | --- | --- | --- | --- | --- |")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (reST ``code`` becomes Markdown `code`)."""
    return " ".join(str(text).split()).replace("``", "`").replace("|", "\\|")


def _number(x: float) -> str:
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(x)


def format_default(value) -> str:
    """The default as it would be written in YAML or on the command line."""
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, (int, float)):
        return f"`{value!r}`"
    if isinstance(value, list):
        return "`[" + ", ".join(
            "…" if dataclasses.is_dataclass(v) else str(v) for v in value) + "]`"
    return f"`{value}`"


def _list_item_type(hint):
    """``X`` for a ``List[X]`` type hint, else None."""
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint) or (None,)
        return item
    return None


def _is_optional(hint) -> bool:
    return typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)


def format_range(f: dataclasses.Field, value, hint=None) -> str:
    """The valid range declared in the field's metadata (what ``validate`` checks).

    ``hint`` is the field's resolved type (``typing.get_type_hints``); it tells lists and
    optional fields apart."""
    item = _list_item_type(hint)
    if item is not None:
        if dataclasses.is_dataclass(item):
            return f"a list of `{item.__name__}` items (table below)"
        return f"a list of `{getattr(item, '__name__', item)}` values"
    text = _bounds(f, value)
    if _is_optional(hint) and text not in ("any text", "a path, or `null`"):
        return text + ", or `null`"
    return text


def _bounds(f: dataclasses.Field, value) -> str:
    meta = f.metadata
    if meta.get("choices") is not None:
        return "one of " + ", ".join(f"`{c}`" for c in meta["choices"])
    if meta.get("name"):
        return "a name: 1-64 letters, digits, `.`, `_`, `-`, starting with a letter or digit"
    if f.type in (bool, "bool") or isinstance(value, bool):
        return "`true` / `false`"
    lo = ("[", meta["ge"]) if meta.get("ge") is not None else (
        ("(", meta["gt"]) if meta.get("gt") is not None else None)
    hi = (meta["le"], "]") if meta.get("le") is not None else (
        (meta["lt"], ")") if meta.get("lt") is not None else None)
    if lo and hi:
        return f"{lo[0]}{_number(lo[1])}, {_number(hi[0])}{hi[1]}"
    if lo:
        return ("≥ " if lo[0] == "[" else "> ") + _number(lo[1])
    if hi:
        return ("≤ " if hi[1] == "]" else "< ") + _number(hi[0])
    if isinstance(value, (int, float)):
        return "any number"
    if "Optional" in str(f.type) or value is None:
        return "a path, or `null`"
    return "any text"


def _rows(obj, prefix: str) -> list[str]:
    """One table row per leaf field of the dataclass instance ``obj``."""
    rows = []
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            continue
        meta = f.metadata
        rows.append("| " + " | ".join([
            f"`{prefix}{f.name}`",
            _cell(meta.get("help", "")),
            _cell(meta.get("unit", "-")),
            format_default(value),
            format_range(f, value, hints.get(f.name)),
            _cell(meta.get("source", "modelling choice")),
        ]) + " |")
    return rows


def _summary(cls) -> str:
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    return _cell(doc)


def _tables(obj, name: str) -> list[str]:
    """The table of group ``obj`` (called ``name``), then those of its nested groups and of
    the item types of its lists of dataclasses, depth first in field order."""
    rows = _rows(obj, name + ".")
    title = f"#### `{name}` ({type(obj).__name__})\n\n{_summary(type(obj))}"
    nested = [f.name for f in dataclasses.fields(obj)
              if dataclasses.is_dataclass(getattr(obj, f.name))]
    if rows:
        parts = [f"{title}\n\n{HEADER}\n" + "\n".join(rows)]
    else:  # a group of groups: its heading says what the tables below hold
        parts = [f"{title} Its fields are the groups "
                 + ", ".join(f"`{name}.{n}`" for n in nested) + "."]
    for sub in nested:
        parts += _tables(getattr(obj, sub), f"{name}.{sub}")
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        item = _list_item_type(hints.get(f.name))
        if item is not None and dataclasses.is_dataclass(item):
            # the defaults an item gets for every key it leaves out
            item_rows = _rows(item(), f"{name}.{f.name}[].")
            parts.append(f"#### `{name}.{f.name}[]` ({item.__name__}), the items of "
                         f"`{name}.{f.name}`\n\n{_summary(item)} Each item of the list "
                         "sets some of these keys; a key it leaves out takes the default "
                         f"below.\n\n{HEADER}\n" + "\n".join(item_rows))
    return parts


def generate() -> str:
    """All tables, as the Markdown that goes between the markers."""
    defaults = Params()
    groups = {f.name for f in dataclasses.fields(Params)
              if dataclasses.is_dataclass(getattr(defaults, f.name))}
    missing = groups - set(GROUP_ORDER)
    if missing:  # a new group must get a table, not vanish from the docs
        raise SystemExit(f"param_table.py: groups without a table: {sorted(missing)}; "
                         "add them to GROUP_ORDER")
    unknown = set(GROUP_ORDER) - groups
    if unknown:
        raise SystemExit("param_table.py: GROUP_ORDER names no group of Params: "
                         f"{sorted(unknown)}")
    parts = [
        "<!-- Generated by scripts/param_table.py from sim/core/params.py; do not edit by "
        "hand. -->",
        f"#### `Params` (top level)\n\n{_summary(Params)}\n\n{HEADER}\n"
        + "\n".join(_rows(defaults, "")),
    ]
    for group in GROUP_ORDER:
        parts += _tables(getattr(defaults, group), group)
    return "\n\n".join(parts) + "\n"


def generate_outcomes() -> str:
    """The outcome table of docs/model.md 7.23, from the registry ``sim.metrics.OUTCOMES``."""
    from sim.core.metrics import OUTCOMES

    rows = ["<!-- Generated by scripts/param_table.py from sim/core/metrics.py (OUTCOMES); do "
            "not edit by hand. -->", "",
            "| key | definition | unit | over runs | better |", "| --- | --- | --- | --- | --- |"]
    for o in OUTCOMES.values():
        over = "share of runs (Wilson)" if o.kind.value == "proportion" else "mean (bootstrap)"
        rows.append(f"| `{o.key}` | {_cell(o.definition)} | {_cell(o.unit)} | {over} | "
                    f"{o.direction.value} |")
    return "\n".join(rows) + "\n"


#: The generated blocks of the document: markers and what goes between them.
BLOCKS = {"params": (BEGIN, END, generate), "outcomes": (
    "<!-- outcomes:begin -->", "<!-- outcomes:end -->", generate_outcomes)}


def _split(text: str, doc: Path, begin: str = BEGIN, end: str = END) -> tuple[str, str, str]:
    """(before, block, after) around the markers; exits 2 if they are missing."""
    try:
        head, rest = text.split(begin + "\n", 1)
        block, tail = rest.split(end, 1)
    except ValueError:
        print(f"{doc}: markers {begin!r} and {end!r} (each on its own line) not found",
              file=sys.stderr)
        raise SystemExit(2) from None
    return head + begin + "\n", block, end + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 if a generated block of the document is stale")
    mode.add_argument("--write", action="store_true",
                      help="rewrite the generated blocks of the document")
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC,
                        help="the document holding the markers (default: docs/model.md)")
    args = parser.parse_args(argv)

    if not (args.check or args.write):
        sys.stdout.write(generate() + "\n" + generate_outcomes())
        return 0
    text = original = args.doc.read_text(encoding="utf-8")
    stale = []
    for name, (begin, end, make) in BLOCKS.items():
        head, block, tail = _split(text, args.doc, begin, end)
        generated = make()
        if block != generated:
            stale.append(name)
        if block != generated and args.check:
            sys.stdout.writelines(difflib.unified_diff(
                block.splitlines(keepends=True), generated.splitlines(keepends=True),
                fromfile=f"{args.doc} (current)", tofile=f"generated ({name})"))
        text = head + generated + tail
    if args.check:
        if not stale:
            print(f"{args.doc}: generated tables up to date")
            return 0
        print(f"{args.doc}: generated tables are stale ({', '.join(stale)}); run "
              "scripts/param_table.py --write", file=sys.stderr)
        return 1
    if text != original:
        args.doc.write_text(text, encoding="utf-8")
        print(f"{args.doc}: generated tables rewritten ({', '.join(stale)})")
    else:
        print(f"{args.doc}: generated tables already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
