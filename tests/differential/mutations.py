"""Deterministic mutations of request bodies, each with a readable kind name.

A kind is `family.variant` (for example `enum.out-of-int32` or
`ts.leap-second`); the name appears in disagreement reports and is what
leniencies.toml matches. Mutations are driven by the proto descriptors of
google-apps-chat, so every field gets values of the JSON shapes ProtoJSON
cares about: enums, bools, strings, int32, Timestamps, messages, repeated
fields and oneofs (constraints.md §1, P01-P15).

Each generator yields (kind, thunk); thunk() returns the body's text. The
driver samples a fixed number of thunks per kind with a seeded RNG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from google.protobuf.descriptor import FieldDescriptor as FD

from jsontree import Obj, Raw, RawKey, clone, dumps, get, set_at

TIMESTAMP = "google.protobuf.Timestamp"
INT32_TYPES = (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32)


# ---------------------------------------------------------------- descriptors


def field_for(desc, key):
    """The field a key names, the way ProtoJSON parsers look it up (json_name, then proto name)."""
    if not isinstance(key, str):
        key = key.name
    for f in desc.fields:
        if f.json_name == key:
            return f
    for f in desc.fields:
        if f.name == key:
            return f
    return None


def proto_name(f):
    """The field's name in the .proto file.

    proto-plus renames fields that clash with Python names (`type` becomes
    `type_`) in the descriptors it synthesises; the real proto field, and
    Google's server, know only `type` (constraints.md P02).
    """
    if f.name.endswith("_") and f.name[:-1] == f.json_name:
        return f.name[:-1]
    return f.name


def is_message(f):
    return f.type == FD.TYPE_MESSAGE and f.message_type.full_name != TIMESTAMP


def is_repeated(f):
    # protobuf >= 5 has is_repeated; keep label for older ones.
    rep = getattr(f, "is_repeated", None)
    if rep is not None:
        return rep() if callable(rep) else rep
    return f.label == FD.LABEL_REPEATED


def is_timestamp(f):
    return f.type == FD.TYPE_MESSAGE and f.message_type.full_name == TIMESTAMP


def real_oneof(f):
    o = f.containing_oneof
    if o is None or len(o.fields) < 2:  # proto3 `optional` makes a one-field synthetic oneof
        return None
    return o


@dataclass
class MsgSite:
    path: tuple  # path to the Obj
    desc: object  # its message descriptor


@dataclass
class PairSite:
    path: tuple  # path to the Obj holding the pair
    index: int  # pair index
    key: object
    field: object  # FieldDescriptor or None
    desc: object  # descriptor of the holding message


def walk(tree, desc, path=()):
    """Yield every message object and every key/value pair with its descriptor."""
    if not isinstance(tree, Obj):
        return
    yield MsgSite(path, desc)
    for i, (k, v) in enumerate(tree):
        f = field_for(desc, k)
        yield PairSite(path, i, k, f, desc)
        if f is None or not is_message(f):
            continue
        if is_repeated(f):
            if isinstance(v, list):
                for j, el in enumerate(v):
                    yield from walk(el, f.message_type, path + (("k", i), ("i", j)))
        else:
            yield from walk(v, f.message_type, path + (("k", i),))


# ------------------------------------------------------------------ helpers


def text(tree):
    return dumps(tree) + "\n"


def thunk_set_pair(tree, site, value):
    """Replace the value of a pair."""
    return lambda: text(set_at(tree, site.path + (("k", site.index),), value))


def thunk_set_field(tree, msg_path, key, value, where="end"):
    """Set key=value in the object at msg_path (replacing any existing spelling of it)."""

    def go():
        out = clone(tree)
        obj = get(out, msg_path)
        for pair in obj:
            if pair[0] == key:
                pair[1] = value
                return text(out)
        if where == "start":
            obj.insert(0, [key, value])
        else:
            obj.append([key, value])
        return text(out)

    return go


def thunk_edit(tree, fn):
    def go():
        out = clone(tree)
        fn(out)
        return text(out)

    return go


def snake(f):
    return f.name


def camel(f):
    return f.json_name


def sample_string_value():
    return "Weekly sync"


# --------------------------------------------------------- value families

ENUM_OUT_OF_INT32 = [
    ("out-of-int32", Raw("2147483648")),
    ("out-of-int32", Raw("-2147483649")),
    ("out-of-uint32", Raw("4294967297")),
    ("out-of-int32-exp", Raw("1e10")),
    ("out-of-int32-huge", Raw("1e400")),
]


def enum_values(f):
    e = f.enum_type
    names = [v.name for v in e.values]
    numbers = sorted(v.number for v in e.values)
    nonzero = [v for v in e.values if v.number != 0] or list(e.values)
    first = nonzero[0]
    unknown = max(numbers) + 1
    while unknown in numbers:
        unknown += 1
    gaps = [n for n in range(1, max(numbers)) if n not in numbers]
    out = [
        ("valid-name", first.name),
        ("valid-number", first.number),
        ("zero-number", 0),
        ("unspecified-name", names[0]),
        ("unknown-number", unknown),
        ("unknown-number", 99),
        ("negative-number", -1),
        ("numeric-string", str(first.number)),
        ("numeric-string-unknown", str(unknown)),
        ("numeric-string-out-of-int32", "2147483648"),
        ("numeric-string-float", f"{first.number}.0"),
        ("numeric-string-exp", f"{first.number}e0"),
        ("numeric-string-padded", f" {first.number}"),
        ("numeric-string-plus", f"+{first.number}"),
        ("float-integral", Raw(f"{first.number}.0")),
        ("float-integral", Raw(f"{first.number}e0")),
        ("float-integral", Raw(f"{first.number}0E-1")),
        ("float-fraction", Raw(f"{first.number}.5")),
        ("float-fraction", Raw("0.5")),
        ("lowercase-name", first.name.lower()),
        ("mixed-case-name", first.name.capitalize()),
        ("unknown-name", "NOT_A_VALUE"),
        ("empty-string", ""),
        ("padded-name", f" {first.name}"),
        ("bool", True),
        ("bool", False),
        ("object", Obj()),
        ("array", []),
        ("array-of-name", [first.name]),
        ("escaped-name", Raw('"' + "".join(f"\\u{ord(c):04x}" for c in first.name[:1]) + first.name[1:] + '"')),
    ]
    if gaps:
        out.append(("gap-number", gaps[0]))
    out += ENUM_OUT_OF_INT32
    return out


BOOL_VALUES = [
    ("literal", True),
    ("literal", False),
    ("quoted", "true"),
    ("quoted", "false"),
    ("quoted-capitalised", "True"),
    ("quoted-yes", "yes"),
    ("quoted-digit", "1"),
    ("empty-string", ""),
    ("number", 1),
    ("number", 0),
    ("object", Obj()),
    ("array", []),
]

TS_VALUES = [
    ("valid-z", "2024-01-05T10:00:00Z"),
    ("valid-offset", "2024-01-05T10:00:00+05:30"),
    ("valid-offset", "2024-01-05T10:00:00-08:00"),
    ("valid-offset", "2024-01-05T10:00:00+00:00"),
    ("valid-offset", "2024-01-05T10:00:00-00:00"),
    ("valid-min", "0001-01-01T00:00:00Z"),
    ("valid-max", "9999-12-31T23:59:59.999999999Z"),
    ("valid-leap-day", "2024-02-29T12:00:00Z"),
    ("valid-offset-fraction", "2024-01-05T10:00:00.5+01:00"),
    ("year-0000", "0000-01-05T10:00:00Z"),
    ("year-10000", "10000-01-05T10:00:00Z"),
    ("leap-second", "2016-12-31T23:59:60Z"),
    ("minute-60", "2024-01-05T10:60:00Z"),
    ("hour-24", "2024-01-05T24:00:00Z"),
    ("month-13", "2024-13-05T10:00:00Z"),
    ("month-00", "2024-00-05T10:00:00Z"),
    ("day-32", "2024-01-32T10:00:00Z"),
    ("day-00", "2024-01-00T10:00:00Z"),
    ("feb-29-non-leap", "2023-02-29T10:00:00Z"),
    ("lowercase-t", "2024-01-05t10:00:00Z"),
    ("lowercase-z", "2024-01-05T10:00:00z"),
    ("no-zone", "2024-01-05T10:00:00"),
    ("space-separator", "2024-01-05 10:00:00Z"),
    ("offset-no-colon", "2024-01-05T10:00:00+0530"),
    ("offset-hour-only", "2024-01-05T10:00:00+05"),
    ("offset-single-digit-hour", "2024-01-05T10:00:00+5:30"),
    ("offset-hour-24", "2024-01-05T10:00:00+24:00"),
    ("offset-minute-60", "2024-01-05T10:00:00+05:60"),
    ("z-and-offset", "2024-01-05T10:00:00Z+01:00"),
    ("single-digit-fields", "2024-1-5T1:2:3Z"),
    ("single-digit-fields", "2024-01-05T1:02:03.000Z"),
    ("empty-fraction", "2024-01-05T10:00:00.Z"),
    ("comma-fraction", "2024-01-05T10:00:00,5Z"),
    ("date-only", "2024-01-05"),
    ("no-seconds", "2024-01-05T10:00Z"),
    ("trailing-garbage", "2024-01-05T10:00:00Zx"),
    ("leading-space", " 2024-01-05T10:00:00Z"),
    ("empty-string", ""),
    ("number", 1704448800),
    ("object", Obj([["seconds", 1704448800]])),
    ("array", []),
    ("bool", True),
]
for _n in range(0, 13):
    _frac = "" if _n == 0 else "." + "123456789012"[:_n]
    TS_VALUES.append((f"fraction-{_n:02d}-digits", f"2024-01-05T10:00:00{_frac}Z"))

INT32_VALUES = [
    ("number", 3),
    ("negative", -3),
    ("min", Raw("-2147483648")),
    ("max", Raw("2147483647")),
    ("string", "3"),
    ("float-integral", Raw("3.0")),
    ("exp-number", Raw("1e2")),
    ("exp-string", "1e2"),
    ("decimal-string", "5.0"),
    ("fraction", Raw("3.5")),
    ("fraction-string", "3.5"),
    ("out-of-range", Raw("2147483648")),
    ("out-of-range", Raw("-2147483649")),
    ("out-of-range-string", "2147483648"),
    ("out-of-range-exp", Raw("3e9")),
    ("huge", Raw("1e400")),
    ("hex-string", "0x10"),
    ("underscore-string", "1_000"),
    ("space-padded-string", " 3"),
    ("tab-padded-string", "\t3"),
    ("plus-string", "+3"),
    ("negative-zero", Raw("-0")),
    ("empty-string", ""),
    ("word-string", "three"),
    ("bool", True),
    ("object", Obj()),
    ("array", []),
    ("array-of-number", [3]),
]

STRING_VALUES = [
    ("plain", "Team room"),
    ("empty", ""),
    ("unicode", "Équipe 東京 🚀"),
    ("escaped-control", Raw('"Team\\u0001room"')),
    ("escaped-nul", Raw('"Team\\u0000room"')),
    ("escaped-newline", Raw('"Team\\nroom"')),
    ("escaped-solidus", Raw('"Team\\/room"')),
    ("escaped-surrogate-pair", Raw('"Team \\ud83d\\ude80"')),
    ("lone-high-surrogate", Raw('"Team \\ud800"')),
    ("lone-low-surrogate", Raw('"Team \\udc00 room"')),
    ("reversed-surrogates", Raw('"Team \\ude80\\ud83d"')),
    ("invalid-escape", Raw('"Team\\xroom"')),
    ("invalid-unicode-escape", Raw('"Team\\u12"')),
    ("raw-del", Raw('"Team\x7froom"')),
    ("raw-nbsp", Raw('"Team\u00a0room"')),
    ("raw-line-separator", Raw('"Team\u2028room"')),
    ("number", 42),
    ("bool", True),
    ("object", Obj()),
    ("array", []),
    ("array-of-string", ["Team room"]),
]
for _c in (0x00, 0x01, 0x08, 0x09, 0x0A, 0x0D, 0x1B, 0x1F):
    STRING_VALUES.append((f"raw-control-{_c:02x}", Raw('"Team' + chr(_c) + 'room"')))


# ------------------------------------------------------------- generators


def gen_keys(tree, site, method):
    """Rename, re-case and duplicate keys (P01, P02, P03)."""
    if not isinstance(site, PairSite):
        return
    k, f = site.key, site.field
    if isinstance(k, Raw):
        return
    pair_path = site.path

    def rename(new):
        def fn(out):
            get(out, pair_path)[site.index][0] = new

        return thunk_edit(tree, fn)

    if f is not None:
        pname = proto_name(f)
        if k == f.json_name and pname != f.json_name:
            yield "key.snake-case", rename(pname)
        if k == pname and pname != f.json_name:
            yield "key.camel-case", rename(f.json_name)
        if f.name != pname:
            # `type_`: a name only proto-plus's synthesised descriptor has
            yield "key.proto-plus-alias", rename(f.name)
        if k.lower() != k:
            yield "key.lowercase", rename(k.lower())
        yield "key.capitalised", rename(k[:1].upper() + k[1:])
        yield "key.uppercase", rename(k.upper())
        if "_" not in k and k.lower() != k:
            # displayName -> display_Name: neither spelling
            i = next(i for i, c in enumerate(k) if c.isupper())
            yield "key.half-snake", rename(k[:i] + "_" + k[i:])
        if len(k) > 3:
            yield "key.typo", rename(k[:-2] + k[-1])
        yield "key.escaped", rename(RawKey('"\\u' + f"{ord(k[0]):04x}" + k[1:] + '"', k))
        yield "key.trailing-space", rename(k + " ")
        # duplicates
        v = get(tree, pair_path)[site.index][1]

        def dup(new_key, new_value, before=False):
            def fn(out):
                obj = get(out, pair_path)
                pos = site.index if before else site.index + 1
                obj.insert(pos, [new_key, clone(new_value)])

            return thunk_edit(tree, fn)

        oneof = real_oneof(f)
        yield "dup.exact-same-value", dup(k, v)
        if isinstance(v, str):
            yield "dup.exact-different-value", dup(k, v + " 2")
        yield "dup.exact-null-second", dup(k, None)
        # the same key spelled with an escape: one key once decoded
        yield "dup.exact-escaped", dup(RawKey('"\\u' + f"{ord(k[0]):04x}" + k[1:] + '"', k), v)
        yield "dup.exact-null-first", dup(k, None, before=True)
        if pname != f.json_name:
            other = pname if k == f.json_name else f.json_name
            kind = "dup.alias-oneof-member" if oneof else "dup.alias"
            yield kind, dup(other, v)
            yield kind + "-first", dup(other, v, before=True)
            yield "dup.alias-null", dup(other, None)
    # add an unknown key beside this one (once per object: only for the first pair)
    if site.index == 0:
        def add_unknown(name, value):
            def fn(out):
                get(out, pair_path).append([name, value])

            return thunk_edit(tree, fn)

        yield "key.unknown", add_unknown("fooBar", 1)
        yield "key.unknown-object", add_unknown("extra", Obj([["a", 1]]))
        yield "key.empty", add_unknown("", "x")
        yield "key.at-type", add_unknown("@type", "type.googleapis.com/google.chat.v1.Space")


def gen_values(tree, site, method):
    """Give each field values of every JSON shape that matters for its type."""
    if isinstance(site, PairSite):
        f = site.field
        if f is None:
            return
        yield "null.field", thunk_set_pair(tree, site, None)
        if is_repeated(f):
            yield from gen_repeated(tree, site)
        elif is_timestamp(f):
            for name, val in TS_VALUES:
                yield f"ts.{name}", thunk_set_pair(tree, site, val)
        elif is_message(f):
            yield from gen_message_shape(tree, site)
        elif f.type == FD.TYPE_ENUM:
            for name, val in enum_values(f):
                yield f"enum.{name}", thunk_set_pair(tree, site, val)
        elif f.type == FD.TYPE_BOOL:
            for name, val in BOOL_VALUES:
                yield f"bool.{name}", thunk_set_pair(tree, site, val)
        elif f.type == FD.TYPE_STRING:
            for name, val in STRING_VALUES:
                yield f"string.{name}", thunk_set_pair(tree, site, val)
        elif f.type in INT32_TYPES:
            for name, val in INT32_VALUES:
                yield f"int32.{name}", thunk_set_pair(tree, site, val)
    elif isinstance(site, MsgSite):
        # Fields the seed does not have: set each typed field once, so every body
        # shape meets every value kind.
        for f in site.desc.fields:
            if is_repeated(f):
                continue
            if is_timestamp(f):
                for name, val in TS_VALUES:
                    yield f"ts.{name}", thunk_set_field(tree, site.path, f.json_name, val)
            elif f.type == FD.TYPE_ENUM:
                for name, val in enum_values(f):
                    yield f"enum.{name}", thunk_set_field(tree, site.path, f.json_name, val)
            elif f.type == FD.TYPE_BOOL:
                for name, val in BOOL_VALUES:
                    yield f"bool.{name}", thunk_set_field(tree, site.path, f.json_name, val)
            elif f.type == FD.TYPE_STRING:
                for name, val in STRING_VALUES:
                    yield f"string.{name}", thunk_set_field(tree, site.path, f.json_name, val)
            elif is_message(f) and f.message_type.name == "MembershipCount":
                for g in f.message_type.fields:
                    for name, val in INT32_VALUES:
                        yield f"int32.{name}", thunk_set_field(
                            tree, site.path, f.json_name, Obj([[g.json_name, val]])
                        )


def gen_message_shape(tree, site):
    """A message field given something other than an object (P08), and null (P10)."""
    v = get(tree, site.path)[site.index][1]
    yield "shape.message-as-empty-array", thunk_set_pair(tree, site, [])
    yield "shape.message-as-array-of-it", thunk_set_pair(tree, site, [clone(v)])
    yield "shape.message-as-empty-string", thunk_set_pair(tree, site, "")
    yield "shape.message-as-string", thunk_set_pair(tree, site, "x")
    yield "shape.message-as-number", thunk_set_pair(tree, site, 1)
    yield "shape.message-as-bool", thunk_set_pair(tree, site, True)
    yield "shape.message-empty-object", thunk_set_pair(tree, site, Obj())


def gen_repeated(tree, site):
    """A repeated field given a non-array, null, and null or odd elements (P09)."""
    f = site.field
    v = get(tree, site.path)[site.index][1]
    first = v[0] if isinstance(v, list) and v else (Obj() if is_message(f) else "x")
    elements = list(v) if isinstance(v, list) else []
    yield "shape.repeated-as-object", thunk_set_pair(tree, site, clone(first) if is_message(f) else Obj())
    yield "shape.repeated-as-empty-object", thunk_set_pair(tree, site, Obj())
    yield "shape.repeated-as-string", thunk_set_pair(tree, site, "x")
    yield "shape.repeated-as-empty-string", thunk_set_pair(tree, site, "")
    yield "shape.repeated-empty", thunk_set_pair(tree, site, [])
    yield "null.array-element", thunk_set_pair(tree, site, clone(elements) + [None])
    yield "null.array-only-element", thunk_set_pair(tree, site, [None])
    if is_message(f):
        yield "shape.element-as-empty-array", thunk_set_pair(tree, site, clone(elements) + [[]])
        yield "shape.element-as-empty-string", thunk_set_pair(tree, site, clone(elements) + [""])
        yield "shape.element-as-array-of-it", thunk_set_pair(tree, site, [[clone(first)]])
        yield "shape.element-as-string", thunk_set_pair(tree, site, ["users/1"])
        yield "shape.element-as-number", thunk_set_pair(tree, site, [1])
        yield "shape.element-empty-object", thunk_set_pair(tree, site, clone(elements) + [Obj()])


def gen_oneofs(tree, site, method):
    """Two members of one oneof, with and without null (P11)."""
    if not isinstance(site, MsgSite):
        return
    obj = get(tree, site.path)
    present = {}
    for k, v in obj:
        f = field_for(site.desc, k)
        if f is not None and real_oneof(f) is not None:
            present.setdefault(real_oneof(f).name, []).append((k, f, v))
    samples = {
        "member": Obj([["name", "users/123456789"], ["type", "HUMAN"]]),
        "groupMember": Obj([["name", "groups/0123abcd"]]),
        "predefinedPermissionSettings": "ANNOUNCEMENT_SPACE",
        "permissionSettings": Obj([["manageApps", Obj([["managersAllowed", True]])]]),
    }
    for oneof in site.desc.oneofs:
        if len(oneof.fields) < 2:
            continue
        fields = list(oneof.fields)
        for a in fields:
            for b in fields:
                if a is b:
                    continue
                va = samples.get(a.json_name)
                vb = samples.get(b.json_name)
                if va is None or vb is None:
                    continue
                base = oneof.name

                def both(xa, xb, ka=a.json_name, kb=b.json_name, a=a, b=b):
                    def fn(out):
                        o = get(out, site.path)
                        o[:] = [p for p in o if field_for(site.desc, p[0]) not in (a, b)]
                        o.append([ka, clone(xa)])
                        o.append([kb, clone(xb)])

                    return thunk_edit(tree, fn)

                yield f"oneof.{base}.both", both(va, vb)
                yield f"oneof.{base}.first-null", both(None, vb)
                yield f"oneof.{base}.second-null", both(va, None)
                yield f"oneof.{base}.both-null", both(None, None)
                if is_message(b):
                    yield f"oneof.{base}.second-empty-object", both(va, Obj())
                if proto_name(a) != a.json_name:
                    yield f"oneof.{base}.snake-first", both(va, vb, ka=proto_name(a))
                    yield f"oneof.{base}.snake-first-second-null", both(va, None, ka=proto_name(a))


def gen_root(tree, site, method):
    """Whole-body shapes (P13)."""
    if not (isinstance(site, MsgSite) and site.path == ()):
        return
    yield "root.empty-object", lambda: "{}\n"
    yield "root.null", lambda: "null\n"
    yield "root.empty-array", lambda: "[]\n"
    yield "root.array-of-body", lambda: "[\n" + dumps(tree, 1) + "\n]\n"
    yield "root.empty-string", lambda: '""\n'
    yield "root.string", lambda: '"x"\n'
    yield "root.number", lambda: "1\n"
    yield "root.true", lambda: "true\n"


def gen_syntax(tree, site, method):
    """Text-level changes: JSON that is not strict RFC 8259 (P13)."""
    if not (isinstance(site, MsgSite) and site.path == ()):
        return
    body = text(tree)
    stripped = body.rstrip("\n")
    last_close = stripped.rfind("}")

    def t(s):
        return lambda: s

    yield "syntax.valid-minified", t(json_min(tree))
    yield "syntax.trailing-comma-object", t(stripped[:last_close].rstrip() + ",\n}\n")
    yield "syntax.comment-line", t("// request\n" + body)
    yield "syntax.comment-block", t("/* request */ " + body)
    yield "syntax.trailing-garbage", t(stripped + " x\n")
    yield "syntax.two-objects", t(stripped + "\n{}\n")
    yield "syntax.unclosed", t(stripped[:last_close])
    yield "syntax.empty-file", t("")
    yield "syntax.whitespace-only", t(" \n\t\n")
    yield "syntax.bom", t("\ufeff" + body)
    yield "syntax.crlf", t(body.replace("\n", "\r\n"))
    yield "syntax.tab-indent", t(re.sub(r"(?m)^((?:  )+)", lambda m: "\t" * (len(m.group(1)) // 2), body))
    yield "syntax.form-feed-whitespace", t(body.replace("\n", "\n\f", 1))
    yield "syntax.nbsp-whitespace", t(body.replace("\n", "\n\u00a0", 1))
    yield "syntax.single-quotes", t(body.replace('"', "'"))
    yield "syntax.invalid-utf8", lambda: body.replace("{", "{\udcff", 1)  # lone surrogate -> invalid UTF-8 byte
    yield "syntax.nested-deep", t(stripped[:last_close].rstrip() + ',\n  "fooBar": ' + "[" * 200 + "]" * 200 + "\n}\n")


def gen_numbers(tree, site, method):
    """Number spellings JSON forbids, in an enum field (the only numbers these bodies hold)."""
    if not isinstance(site, PairSite) or site.field is None or site.field.type != FD.TYPE_ENUM:
        return
    for name, raw in [
        ("leading-zero", "01"),
        ("plus-sign", "+1"),
        ("leading-dot", ".5"),
        ("trailing-dot", "1."),
        ("hex", "0x1"),
        ("nan", "NaN"),
        ("infinity", "Infinity"),
        ("negative-infinity", "-Infinity"),
        ("negative-zero", "-0"),
        ("upper-exponent", "1E0"),
        ("exponent-plus", "1e+0"),
    ]:
        yield f"number.{name}", thunk_set_pair(tree, site, Raw(raw))


def json_min(tree):
    import json as _json

    from jsontree import Obj as _O

    def conv(v):
        if isinstance(v, _O):
            return "{" + ",".join(_json.dumps(k) + ":" + conv(x) for k, x in v) + "}"
        if isinstance(v, list):
            return "[" + ",".join(conv(x) for x in v) + "]"
        if isinstance(v, Raw):
            return v.text
        return _json.dumps(v, ensure_ascii=False)

    return conv(tree)


GENERATORS = [gen_keys, gen_values, gen_oneofs, gen_root, gen_syntax, gen_numbers]


def mutate(tree, root_desc, method):
    """All (kind, thunk) of one seed, in a deterministic order."""
    sites = list(walk(tree, root_desc))
    for gen in GENERATORS:
        for site in sites:
            yield from gen(tree, site, method)
