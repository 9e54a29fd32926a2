"""A small JSON tree that keeps key order and duplicate keys, and can hold raw text.

Objects are `Obj` (a list of [key, value] pairs), arrays are lists, and `Raw`
is emitted verbatim, so a mutation can write `1e2`, `1.0`, a raw control
character or a string with odd escapes exactly as it wants the file to read.
"""

from __future__ import annotations

import copy
import json


class Obj(list):
    """A JSON object as an ordered list of [key, value] pairs (duplicates allowed)."""

    def get(self, key, default=None):
        for k, v in self:
            if k == key:
                return v
        return default

    def keys(self):
        return [k for k, _ in self]


class Raw:
    """Text written into the file as it is (a number's spelling, a hand-made string)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return f"Raw({self.text!r})"

    def __deepcopy__(self, memo):
        return self


class RawKey(Raw):
    """A key written as it is (with escapes, say); `name` is what it decodes to."""

    __slots__ = ("name",)

    def __init__(self, text: str, name: str):
        super().__init__(text)
        self.name = name


def loads(text: str):
    """Parse JSON keeping order and duplicate keys."""
    return json.loads(text, object_pairs_hook=lambda pairs: Obj([list(p) for p in pairs]))


def clone(tree):
    return copy.deepcopy(tree)


def _key_text(k) -> str:
    if isinstance(k, Raw):
        return k.text
    return json.dumps(k, ensure_ascii=False)


def dumps(v, indent: int = 0) -> str:
    """Pretty-print the way request files are written (2 spaces)."""
    pad = "  " * (indent + 1)
    end = "  " * indent
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, Obj):
        if not v:
            return "{}"
        items = [f"{pad}{_key_text(k)}: {dumps(val, indent + 1)}" for k, val in v]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        items = [f"{pad}{dumps(x, indent + 1)}" for x in v]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise TypeError(f"cannot write {type(v).__name__}")


def get(tree, path):
    """Follow a path of ('k', pair index) / ('i', element index) steps."""
    node = tree
    for kind, i in path:
        node = node[i][1] if kind == "k" else node[i]
    return node


def set_at(tree, path, value):
    """Return a copy of tree with the node at path replaced by value."""
    if not path:
        return value
    out = clone(tree)
    parent = get(out, path[:-1])
    kind, i = path[-1]
    if kind == "k":
        parent[i][1] = value
    else:
        parent[i] = value
    return out
