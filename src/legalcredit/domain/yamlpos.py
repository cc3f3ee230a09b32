"""YAML with positions: a document plus the line where each of its values starts.

Administrators edit rule files by hand; an error that names the line ("第12行")
is one they can fix without reading the parser.
"""
from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser keeps the marks too, at about ten times the pure-Python speed (a scheme is
# parsed in every process that grades); the pure-Python one is the fallback where it is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path = tuple  # keys and list indices from the document root


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"第{line}行：{message}" if line else message)
        self.line = line
        self.message = message


def _compose(text: str, loader_class) -> tuple[Any, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def load(text: str) -> tuple[Any, dict[Path, int]]:
    try:
        try:
            node, doc = _compose(text, _Loader)
        except yaml.YAMLError:
            # The pure-Python parser words syntax errors more plainly and places them better.
            node, doc = _compose(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise YamlError(f"YAML 语法错误：{exc.problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML 语法错误：{exc}") from None
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return doc, lines


def _walk(node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[path + (key.value,)] = key.start_mark.line + 1
            _walk(value, path + (key.value,), lines)
            lines[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def dotted(path: Path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out
