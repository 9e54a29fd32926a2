#!/usr/bin/env python3
"""Generate a deterministic benchmark corpus of Google Chat API request files.

    python3 bench/gen_corpus.py OUT_DIR --files N [--seed S]
    python3 bench/gen_corpus.py OUT_FILE --big [--big-bytes B] [--seed S]

The first form writes N files named `*.setup.json` (about 70%) and
`*.create.json` (about 30%) into subfolders of at most 1,000 files each
(`team-0000/`, `team-0001/`, ...). About 70% of the bodies are valid; the
rest carry one (sometimes two) of the mistakes people typically make:
displayName on a GROUP_CHAT, unknown or misspelt keys, `people/123` member
names, wrong enum values, a group chat with one member, a DM with two, a
create body wrapped like a setup request, a trailing comma, and so on.

The second form writes one spaces.setup request of about B bytes (default
1 MiB): a named space with long guidelines and a few thousand memberships.
It is meant to have findings (too many memberships, guidelines too long).

Output is a pure function of the arguments and the seed: the same command
writes byte-identical files on every machine (stdlib only, no hash
randomisation involved). A summary of what was written (counts per kind of
mistake) goes to OUT_DIR.stats.txt next to the folder, outside it, so that
tools walking the corpus see only request files, and the list of the
spaces.setup files that are strict JSON (all but the trailing-comma ones)
to OUT_DIR.setup-json.txt, one path a line, as OUT_DIR/team-NNNN/NAME: the
file set the JSON Schema validators are compared on.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import uuid

FILES_PER_DIR = 1000
VALID_SHARE = 0.70
SETUP_SHARE = 0.70

# --------------------------------------------------------------------------
# Vocabulary for realistic names and texts.

TEAMS = [
    "Platform", "Payments", "Growth", "Search", "Infra", "Mobile", "Design",
    "Data", "Security", "Support", "Sales EMEA", "Sales APAC", "Marketing",
    "Legal", "Finance", "People Ops", "Recruiting", "SRE", "QA", "Docs",
    "Phoenix", "Atlas", "Hermes", "Orion", "Nebula", "Kestrel", "Falcon",
    "Équipe Lyon", "München Büro", "São Paulo", "Zürich", "開発チーム",
    "디자인팀", "Команда Москва", "فريق دبي", "Δέλτα",
]
TOPICS = [
    "planning", "standup", "retro", "incidents", "on-call", "launch",
    "design reviews", "roadmap", "announcements", "hiring", "onboarding",
    "offsite", "budget", "OKRs", "release train", "customer escalations",
    "weekly sync", "book club", "watercooler", "random", "help desk",
    "architecture", "postmortems", "demo day", "hackathon", "all hands",
]
QUALIFIERS = [
    "", "", "", "Q1", "Q2", "Q3", "Q4", "2025", "2026", "H2", "(internal)",
    "– archive", "🚀", "🔥", "✅", "v2", "EU", "US", "北京",
]
DESCRIPTION_BITS = [
    "Discussion space for the {team} team.",
    "Everything about {topic}.",
    "Please keep threads focused.",
    "Use @mentions sparingly.",
    "Links to docs are pinned at the top.",
    "Ask questions here; someone will answer within a day.",
    "Weekly notes are posted every Monday.",
    "Escalations go to the on-call rotation.",
    "Cross-team coordination for {topic}.",
    "Read-only for most members.",
    "Les nouvelles de l'équipe {team}.",
    "チームの連絡用スペースです。",
]
GUIDELINE_BITS = [
    "Be kind and assume good intent.",
    "Reply in threads.",
    "No customer data in this space.",
    "Use the incident template for outages.",
    "Keep it work-related during office hours.",
    "Tag messages with [FYI], [ASK] or [DECISION].",
    "Summaries of long threads are appreciated.",
    "Confidential: do not forward outside {team}.",
]
FIRST = ["alex", "sam", "kim", "maria", "jose", "li", "wei", "anna", "omar",
         "fatima", "yuki", "noah", "emma", "lucas", "chen", "priya", "raj",
         "olga", "ivan", "zoe", "mateo", "sofia", "amir", "lea"]
LAST = ["smith", "garcia", "müller", "rossi", "kowalski", "tanaka", "kim",
        "nguyen", "silva", "dubois", "khan", "ivanov", "jensen", "okafor"]
DOMAINS = ["example.com", "example.org", "corp.example.net", "acme.test"]
GROUPS = ["eng", "all", "design-team", "oncall", "leads", "interns", "sales"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # -- small values ------------------------------------------------------

    def uuid4(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def user_id(self):
        return str(self.r.randrange(100_000_000, 999_999_999_999_999_999))

    def email(self):
        r = self.r
        return f"{r.choice(FIRST)}.{r.choice(LAST)}{r.choice(['', '', str(r.randrange(100))])}@{r.choice(DOMAINS)}"

    def user_name(self):
        # Mostly numeric IDs, sometimes email aliases (allowed in `current`).
        return "users/" + (self.email() if self.r.random() < 0.2 else self.user_id())

    def display_name(self):
        r = self.r
        parts = [r.choice(TEAMS), r.choice(TOPICS), r.choice(QUALIFIERS)]
        name = " ".join(p for p in parts if p)
        if r.random() < 0.3:
            name = name.title() if name.isascii() else name
        return name

    def text(self, bits, lo, hi):
        r = self.r
        sentences = [r.choice(bits) for _ in range(r.randint(lo, hi))]
        return " ".join(s.format(team=r.choice(TEAMS), topic=r.choice(TOPICS)) for s in sentences)

    def human(self, name=None):
        return {"member": {"name": name or self.user_name(), "type": "HUMAN"}}

    def group(self):
        # A Cloud Identity group ID, as the API wants it (not an email).
        return {"groupMember": {"name": "groups/0" + "".join(self.r.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(14))}}

    def humans(self, lo, hi):
        seen, out = set(), []
        for _ in range(self.r.randint(lo, hi)):
            n = self.user_name()
            if n not in seen:
                seen.add(n)
                out.append(self.human(n))
        while len(out) < lo:  # duplicates are rare; top up
            out.append(self.human())
        return out

    def space_details(self):
        d = {}
        if self.r.random() < 0.8:
            d["description"] = self.text(DESCRIPTION_BITS, 1, 3)
        if self.r.random() < 0.5 or not d:
            d["guidelines"] = self.text(GUIDELINE_BITS, 1, 4)
        return d

    # -- valid bodies ------------------------------------------------------

    def named_space(self, for_create):
        r = self.r
        s = {"spaceType": "SPACE", "displayName": self.display_name()}
        if r.random() < 0.4:
            s["spaceDetails"] = self.space_details()
        if r.random() < 0.15:
            s["externalUserAllowed"] = r.random() < 0.5
        if r.random() < 0.15:
            s["spaceHistoryState"] = r.choice(["HISTORY_ON", "HISTORY_OFF"])
        if r.random() < 0.2:
            s["predefinedPermissionSettings"] = r.choice(["COLLABORATION_SPACE", "ANNOUNCEMENT_SPACE"])
        if r.random() < 0.1 and not s.get("externalUserAllowed"):
            s["accessSettings"] = {"audience": "audiences/default"}
        if for_create and r.random() < 0.1:
            s["customer"] = "customers/my_customer"
        return s

    def valid_setup(self):
        r = self.r
        body = {}
        if r.random() < 0.9:
            body["requestId"] = self.uuid4()
        kind = r.random()
        if kind < 0.55:
            body["space"] = self.named_space(False)
            n = r.choice([0, 1, 2, 3, 3, 5, 8, 12, 20, 35, 49])
            members = self.humans(n, n) if n else []
            if members and len(members) < 49 and r.random() < 0.1:
                members.append(self.group())
            if members or r.random() < 0.5:
                body["memberships"] = members
        elif kind < 0.80:
            body["space"] = {"spaceType": "GROUP_CHAT"}
            body["memberships"] = self.humans(2, 15)
        elif kind < 0.95:
            body["space"] = {"spaceType": "DIRECT_MESSAGE"}
            body["memberships"] = self.humans(1, 1)
        else:
            body["space"] = {"spaceType": "DIRECT_MESSAGE", "singleUserBotDm": True}
        return body

    def valid_create(self):
        r = self.r
        if r.random() < 0.93:
            return self.named_space(True)
        # A group chat being imported from another system.
        return {
            "spaceType": "GROUP_CHAT",
            "importMode": True,
            "createTime": f"20{r.randint(15, 24)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z",
        }

    # -- mistakes ----------------------------------------------------------
    # Each takes a valid body and returns a broken one (or None when it
    # does not apply, and another mistake is tried).

    def m_setup_gc_display_name(self, b):
        b["space"] = {"spaceType": "GROUP_CHAT", "displayName": self.display_name()}
        b["memberships"] = self.humans(2, 6)
        return b

    def m_setup_unknown_key(self, b):
        r = self.r
        sp = b["space"]
        choice = r.randrange(5)
        if choice == 0 and "displayName" in sp:
            sp["display_name"] = sp.pop("displayName")
        elif choice == 1 and "displayName" in sp:
            sp["displayname"] = sp.pop("displayName")
        elif choice == 2 and "spaceType" in sp:
            sp["spaceTpye"] = sp.pop("spaceType")
        elif choice == 3 and "memberships" in b:
            b["members"] = b.pop("memberships")
        else:
            sp["description"] = self.text(DESCRIPTION_BITS, 1, 2)
        return b

    def m_setup_people_name(self, b):
        ms = b.get("memberships")
        if not ms:
            return None
        for m in ms:
            if "member" in m and self.r.random() < 0.6:
                m["member"]["name"] = "people/" + self.user_id()
        ms[0].setdefault("member", {"type": "HUMAN"})["name"] = "people/" + self.user_id()
        return b

    def m_setup_bad_enum(self, b):
        r = self.r
        choice = r.randrange(4)
        if choice == 0:
            b["space"]["spaceType"] = r.choice(["ROOM", "GROUP", "DM", "space", "NAMED_SPACE"])
        elif choice == 1 and b.get("memberships"):
            m = b["memberships"][0].setdefault("member", {"name": self.user_name()})
            m["type"] = r.choice(["USER", "HUMAN_USER", "human", "PERSON"])
        elif choice == 2 and b.get("memberships"):
            # A role, which setup ignores anyway, and a misspelt one at that.
            b["memberships"][-1]["role"] = r.choice(["MANAGER", "OWNER", "ROLE_ADMIN"])
        else:
            b["space"]["spaceHistoryState"] = r.choice(["ON", "OFF", "HISTORY_ENABLED"])
        return b

    def m_setup_gc_one_member(self, b):
        b["space"] = {"spaceType": "GROUP_CHAT"}
        b["memberships"] = self.humans(1, 1) if self.r.random() < 0.8 else []
        return b

    def m_setup_dm_two_members(self, b):
        b["space"] = {"spaceType": "DIRECT_MESSAGE"}
        b["memberships"] = self.humans(2, 3)
        return b

    def m_setup_space_without_name(self, b):
        if b["space"].get("spaceType") != "SPACE" or "displayName" not in b["space"]:
            return None
        del b["space"]["displayName"]
        return b

    def m_setup_string_bool(self, b):
        b["space"]["externalUserAllowed"] = self.r.choice(["true", "false", "yes"])
        return b

    def m_setup_name_too_long(self, b):
        if b["space"].get("spaceType") != "SPACE":
            return None
        b["space"]["displayName"] = " / ".join(self.display_name() for _ in range(12))
        return b

    def m_setup_dm_details(self, b):
        b["space"] = {"spaceType": "DIRECT_MESSAGE", "spaceDetails": {"description": self.text(DESCRIPTION_BITS, 1, 1)}}
        b["memberships"] = self.humans(1, 1)
        return b

    def m_setup_bot_member(self, b):
        b.setdefault("memberships", []).insert(0, {"member": {"name": "users/app", "type": "BOT"}})
        return b

    def m_setup_group_in_dm(self, b):
        b["space"] = {"spaceType": "DIRECT_MESSAGE"}
        b["memberships"] = self.humans(1, 1) + [self.group()]
        return b

    def m_setup_group_email(self, b):
        b.setdefault("memberships", []).append({"groupMember": {"name": f"groups/{self.r.choice(GROUPS)}@{self.r.choice(DOMAINS)}"}})
        return b

    def m_setup_role(self, b):
        if not b.get("memberships"):
            return None
        for m in b["memberships"]:
            if self.r.random() < 0.3:
                m["role"] = self.r.choice(["ROLE_MEMBER", "ROLE_MANAGER"])
        b["memberships"][0]["role"] = "ROLE_MANAGER"
        return b

    def m_setup_import_or_customer(self, b):
        if self.r.random() < 0.5:
            b["space"]["importMode"] = True
        else:
            b["space"]["customer"] = "customers/my_customer"
        return b

    def m_setup_missing_member(self, b):
        b.setdefault("memberships", []).append({"role": "ROLE_MEMBER"})
        return b

    def m_create_wrapped(self, b):
        return {"requestId": self.uuid4(), "space": b}

    def m_create_dm(self, b):
        b["spaceType"] = "DIRECT_MESSAGE"
        b.pop("displayName", None)
        return b

    def m_create_gc_no_import(self, b):
        return {"spaceType": "GROUP_CHAT", "displayName": self.display_name()} if self.r.random() < 0.5 else {"spaceType": "GROUP_CHAT"}

    def m_create_no_name(self, b):
        if b.get("spaceType") != "SPACE" or "displayName" not in b:
            return None
        del b["displayName"]
        return b

    def m_create_unknown_key(self, b):
        r = self.r
        choice = r.randrange(3)
        if choice == 0 and "displayName" in b:
            b["name_display"] = b.pop("displayName")
        elif choice == 1 and "spaceType" in b:
            b["space_type"] = b.pop("spaceType")
        else:
            b["threaded"] = True  # output only
        return b

    def m_create_bad_enum(self, b):
        r = self.r
        if r.random() < 0.5:
            b["predefinedPermissionSettings"] = r.choice(["ANNOUNCEMENT", "COLLABORATION", "READ_ONLY"])
        else:
            b["spaceType"] = r.choice(["ROOM", "NAMED_SPACE"])
        return b

    def m_create_bot_dm(self, b):
        b["singleUserBotDm"] = True
        return b

    def m_create_long_description(self, b):
        b.setdefault("spaceDetails", {})["description"] = self.text(DESCRIPTION_BITS, 150, 200)
        return b

    def m_create_bad_resource_names(self, b):
        if self.r.random() < 0.5:
            b["customer"] = self.r.choice(["my_customer", "C01abc234", "example.com"])
        else:
            b["accessSettings"] = {"audience": "default"}
        return b

    SETUP_MISTAKES = [
        ("gc-display-name", m_setup_gc_display_name, 10),
        ("unknown-key", m_setup_unknown_key, 14),
        ("people-name", m_setup_people_name, 12),
        ("bad-enum", m_setup_bad_enum, 12),
        ("gc-one-member", m_setup_gc_one_member, 8),
        ("dm-two-members", m_setup_dm_two_members, 6),
        ("space-without-name", m_setup_space_without_name, 8),
        ("string-bool", m_setup_string_bool, 5),
        ("name-too-long", m_setup_name_too_long, 3),
        ("dm-space-details", m_setup_dm_details, 4),
        ("bot-member", m_setup_bot_member, 4),
        ("group-in-dm", m_setup_group_in_dm, 3),
        ("group-email", m_setup_group_email, 3),
        ("role-in-setup", m_setup_role, 4),
        ("import-or-customer", m_setup_import_or_customer, 3),
        ("membership-without-member", m_setup_missing_member, 3),
    ]
    CREATE_MISTAKES = [
        ("wrapped-body", m_create_wrapped, 14),
        ("create-dm", m_create_dm, 8),
        ("create-gc-no-import", m_create_gc_no_import, 8),
        ("create-no-name", m_create_no_name, 10),
        ("unknown-key", m_create_unknown_key, 12),
        ("bad-enum", m_create_bad_enum, 10),
        ("create-bot-dm", m_create_bot_dm, 4),
        ("long-description", m_create_long_description, 2),
        ("bad-resource-name", m_create_bad_resource_names, 6),
    ]

    def mistake(self, body, table):
        names = [t[0] for t in table]
        weights = [t[2] for t in table]
        for _ in range(20):
            i = self.r.choices(range(len(table)), weights)[0]
            out = table[i][1](self, json.loads(json.dumps(body)))
            if out is not None:
                return names[i], out
        raise AssertionError("no mistake applied")

    # -- serialisation -----------------------------------------------------

    def dump(self, body):
        r = self.r.random()
        if r < 0.55:
            text = json.dumps(body, indent=2, ensure_ascii=False)
        elif r < 0.75:
            text = json.dumps(body, indent=4, ensure_ascii=False)
        elif r < 0.95:
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        else:
            text = json.dumps(body, indent="\t", ensure_ascii=True)
        return text + "\n"

    @staticmethod
    def trailing_comma(text):
        # The classic hand-edit mistake: a comma before the last closing
        # brace of the first object that has one.
        i = text.find("}")
        j = text.rfind('"', 0, i)
        k = text.find("\n", j)
        if k == -1 or k > i:
            return text[:i] + "," + text[i:]
        return text[:k] + "," + text[k:]

    # -- one file ----------------------------------------------------------

    def request(self):
        """Returns (method, label, text)."""
        r = self.r
        setup = r.random() < SETUP_SHARE
        body = self.valid_setup() if setup else self.valid_create()
        label = "valid"
        if r.random() >= VALID_SHARE:
            table = self.SETUP_MISTAKES if setup else self.CREATE_MISTAKES
            label, body = self.mistake(body, table)
            if r.random() < 0.15:  # sometimes two things are wrong
                second, body2 = self.mistake(body, table)
                # (a wrapped create body has its fields one level down, so
                # it takes no second mistake)
                if second != label and "wrapped-body" not in (label, second):
                    label, body = f"{label}+{second}", body2
        text = self.dump(body)
        if label != "valid" and r.random() < 0.03:
            label, text = "trailing-comma", self.trailing_comma(text)
        return ("setup" if setup else "create"), label, text


SLUGS = ["space", "chat", "dm", "team", "project", "sync", "launch", "review", "support", "ops"]


def gen_corpus(out, n, seed):
    g = Gen(seed)
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    counts = {}
    total_bytes = 0
    setup_json = []  # setup files that are strict JSON, for the schema validators
    for i in range(n):
        method, label, text = g.request()
        d = os.path.join(tmp, f"team-{i // FILES_PER_DIR:04d}")
        if i % FILES_PER_DIR == 0:
            os.makedirs(d)
        name = f"{g.r.choice(SLUGS)}-{i:06d}.{method}.json"
        data = text.encode("utf-8")
        if method == "setup" and label != "trailing-comma":
            setup_json.append(os.path.join(out, os.path.basename(d), name))
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        total_bytes += len(data)
        first, _, second = label.partition("+")
        for key in [(method, first)] + ([(method, "(files with a second mistake)")] if second else []):
            counts[key] = counts.get(key, 0) + 1
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    with open(out.rstrip("/") + ".setup-json.txt", "w") as f:
        f.write("".join(p + "\n" for p in setup_json))
    return counts, total_bytes


def gen_big(out, target_bytes, seed):
    g = Gen(seed)
    guidelines = g.text(GUIDELINE_BITS, 600, 600)  # ~20k characters: over 5,000
    body = {
        "requestId": g.uuid4(),
        "space": {
            "spaceType": "SPACE",
            "displayName": "All of engineering",
            "spaceDetails": {"description": g.text(DESCRIPTION_BITS, 5, 5), "guidelines": guidelines},
            "spaceHistoryState": "HISTORY_ON",
        },
        "memberships": [],
    }
    members, seen = body["memberships"], set()
    while True:
        # 500 more distinct people at a time, until the text is big enough.
        goal = len(members) + 500
        while len(members) < goal:
            h = g.human()
            if h["member"]["name"] not in seen:
                seen.add(h["member"]["name"])
                members.append(h)
        text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
        if len(text.encode("utf-8")) >= target_bytes:
            break
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "wb") as f:
        f.write(text.encode("utf-8"))
    return len(body["memberships"]), len(text.encode("utf-8"))


def generator_digest():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder to create (replaced if it exists), or the file for --big")
    ap.add_argument("--files", type=int, help="number of request files")
    ap.add_argument("--big", action="store_true", help="write one large setup request instead")
    ap.add_argument("--big-bytes", type=int, default=1 << 20)
    ap.add_argument("--seed", type=int, default=20261107)
    a = ap.parse_args()
    stats = [f"generator {generator_digest()} seed {a.seed}"]
    if a.big:
        members, size = gen_big(a.out, a.big_bytes, a.seed)
        stats.append(f"1 file, {size} bytes, {members} memberships")
    else:
        if not a.files or a.files < 1:
            ap.error("--files N is required")
        counts, size = gen_corpus(a.out, a.files, a.seed)
        valid = sum(c for (m, l), c in counts.items() if l == "valid")
        setup = sum(c for (m, l), c in counts.items() if m == "setup" and not l.startswith("("))
        stats.append(f"{a.files} files, {size} bytes, {setup} setup / {a.files - setup} create, "
                     f"{valid} valid ({100 * valid / a.files:.1f}%)")
        for (m, l), c in sorted(counts.items()):
            stats.append(f"  {m:6} {l:32} {c:7}")
    with open(a.out.rstrip("/") + ".stats.txt", "w") as f:
        f.write("\n".join(stats) + "\n")
    print("\n".join(stats[:2]), file=sys.stderr)


if __name__ == "__main__":
    main()
