#!/usr/bin/env python3
"""Independent verifier of a WSIS Prizes bulletin.

Recomputes, from the published files alone and with nothing but Python's standard
library, what the platform claims about the count of an edition:

  * each category's commitment (number of votes and Merkle root) from its ledger;
  * counted = committed - not counted, line by line (every receipt left out is in the
    ledger, once, with a known reason category);
  * the counted votes per nominee, against the counts the results publish;
  * the champions: the top N by counted votes, with ties at the cut-off, and the winners
    among them;
  * with --log, the audit log's hash chain, up to the entry of the release the bulletin
    names;
  * with --commitment, that the bulletin's commitment is the one published (or e-mailed
    to observers) at the close of voting.

Usage:
    python3 wsis_verify.py BULLETIN.json [--log AUDIT-LOG.jsonl] [--commitment COMMITMENT.json]

BULLETIN.json may be gzip-compressed. The format is described in README.md next to this
file. Exit status 0: every check holds; 1: at least one does not (each is named); 2: the
files cannot be read.
"""

import argparse
import gzip
import hashlib
import json
import re
import sys

FORMAT = "wsis-prizes-bulletin/1"
GENESIS = "0" * 64
REASONS = {
    "coordinated_accounts",
    "automated",
    "vote_buying",
    "ineligible",
    "other",
    "held",
    "incomplete_ballot",
    "not_on_ballot",
}
LINE = re.compile(r"^([0-9A-F]{4}(?:-[0-9A-F]{4}){4}) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def leaf(line):
    return hashlib.sha256(b"\x00" + line.encode("utf-8")).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(lines):
    """RFC 6962-style tree; an odd last node moves up unchanged; empty: SHA-256("")."""
    if not lines:
        return hashlib.sha256(b"").hexdigest()
    level = [leaf(l) for l in lines]
    while len(level) > 1:
        level = [node(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0].hex()


def chain_hash(prev, e):
    """The audit log's chain: SHA-256 of the previous hash, a line break and the entry's
    fields as a compact JSON array [seq, at_micros, actor, action, subject, before, after]."""
    fields = [e["seq"], e["at_micros"], e["actor"], e["action"], e["subject"], e["before"], e["after"]]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + "\n" + text).encode("utf-8")).hexdigest()


def load_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def top_n(counts, n):
    """The champions' rule: the n nominees with the most counted votes; when the n-th and
    the next have as many votes, every nominee with that number is tied at the cut-off.
    Returns (certain, tied)."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= n:
        return {k for k, _ in ranked}, set()
    if n == 0:
        return set(), set()
    boundary = ranked[n - 1][1]
    if ranked[n][1] != boundary:
        return {k for k, _ in ranked[:n]}, set()
    return {k for k, v in ranked if v > boundary}, {k for k, v in ranked if v == boundary}


def check_category(c, places, problems):
    code = c["category"]
    ledger = c["ledger"]
    receipts = {}
    for i, line in enumerate(ledger):
        m = LINE.match(line)
        if not m:
            problems.append(f"{code}: ledger line {i + 1} is not 'RECEIPT NOMINEE': {line!r}")
            continue
        if m.group(1) in receipts:
            problems.append(f"{code}: receipt {m.group(1)} is in the ledger twice")
        receipts[m.group(1)] = m.group(2)
    if ledger != sorted(ledger):
        problems.append(f"{code}: the ledger is not sorted")
    # the commitment
    if len(ledger) != c["committed_votes"]:
        problems.append(f"{code}: {len(ledger)} votes in the ledger, {c['committed_votes']} committed")
    root = merkle_root(sorted(ledger))
    if root != c["committed_root"]:
        problems.append(f"{code}: the ledger's Merkle root {root} differs from the committed root {c['committed_root']}")
    # counted = committed - not counted
    left_out = set()
    for n in c["not_counted"]:
        r = n["receipt"]
        if n["reason"] not in REASONS:
            problems.append(f"{code}: receipt {r} is not counted for an unknown reason {n['reason']!r}")
        if r not in receipts:
            problems.append(f"{code}: receipt {r} is listed as not counted but is not in the committed ledger")
        if r in left_out:
            problems.append(f"{code}: receipt {r} is listed as not counted twice")
        left_out.add(r)
    nominees = {n["id"]: n for n in c["nominees"]}
    counted = {k: 0 for k in nominees}
    for r, nominee in receipts.items():
        if r in left_out:
            continue
        if nominee not in nominees:
            problems.append(f"{code}: receipt {r} is counted for {nominee}, which is not on the ballot")
            continue
        counted[nominee] += 1
    total = sum(counted.values())
    if total != len(receipts) - len(left_out & set(receipts)):
        problems.append(f"{code}: {total} votes counted, but {len(receipts)} committed - {len(left_out)} not counted")
    for k, n in nominees.items():
        if n["votes"] != counted[k]:
            problems.append(f"{code}: {k} ({n['title']}) has {counted[k]} counted votes in the ledger, {n['votes']} published")
    # the champions
    certain, tied = top_n(counted, places)
    published = {ch["id"]: ch for ch in c["champions"]}
    if set(published) != certain | tied:
        missing = sorted((certain | tied) - set(published))
        extra = sorted(set(published) - (certain | tied))
        problems.append(f"{code}: the champions differ from the top {places} of the recount (missing {missing}, not due {extra})")
    for k, ch in published.items():
        if k in counted and ch["votes"] != counted[k]:
            problems.append(f"{code}: champion {k} is published with {ch['votes']} votes, the recount gives {counted[k]}")
        if ch["tied_at_cutoff"] != (k in tied):
            problems.append(f"{code}: champion {k} is {'' if ch['tied_at_cutoff'] else 'not '}marked tied at the cut-off")
        if ch["excluded"] and k not in tied:
            problems.append(f"{code}: champion {k} was left out, but only nominees tied at the cut-off may be")
        if ch["winner"] and ch["excluded"]:
            problems.append(f"{code}: winner {k} was left out of the champions")
    if published and not any(ch["winner"] for ch in published.values()):
        problems.append(f"{code}: no winner among the champions")
    return len(ledger), len(left_out), total


def check_log(path, anchor, problems):
    prev, last, seen = GENESIS, 0, None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                e = json.loads(raw)
            except ValueError:
                problems.append(f"log line {n} is not JSON")
                return
            if e["seq"] != last + 1:
                problems.append(f"log entry {last + 1} is missing (line {n} holds entry {e['seq']})")
                return
            h = chain_hash(prev, e)
            if h != e["hash"]:
                problems.append(f"log entry {e['seq']} was edited: its hash does not follow from its content and the entry before")
                return
            prev, last = e["hash"], e["seq"]
            if anchor and e["seq"] == anchor["seq"]:
                seen = e["hash"]
    if anchor:
        if seen is None:
            problems.append(f"log entry {anchor['seq']} (the release) is not in the log, which ends at {last}")
        elif seen != anchor["hash"]:
            problems.append(f"log entry {anchor['seq']} has hash {seen}, the bulletin names {anchor['hash']}")
    return last


def main(argv):
    p = argparse.ArgumentParser(description="Verify a WSIS Prizes bulletin with nothing but the published files.")
    p.add_argument("bulletin")
    p.add_argument("--log", help="the audit log as JSON lines (wsis-server export-log)")
    p.add_argument("--commitment", help="the commitment as published at the close (the 'commitment' endpoint's JSON)")
    a = p.parse_args(argv)
    try:
        b = load_json(a.bulletin)
        published_commitment = load_json(a.commitment) if a.commitment else None
    except (OSError, ValueError) as e:
        print(f"cannot read the files: {e}", file=sys.stderr)
        return 2
    problems = []
    if b.get("format") != FORMAT:
        print(f"not a bulletin of format {FORMAT}: {b.get('format')!r}", file=sys.stderr)
        return 2
    places = b["champions_per_category"]
    totals = [0, 0, 0]
    for c in b["categories"]:
        for i, x in enumerate(check_category(c, places, problems)):
            totals[i] += x
    if published_commitment is not None:
        mine = {c["category"]: (c["committed_votes"], c["committed_root"]) for c in b["categories"]}
        theirs = {c["category"]: (c["votes"], c["root"]) for c in published_commitment["categories"]}
        for code in sorted(set(mine) | set(theirs)):
            if mine.get(code) != theirs.get(code):
                problems.append(f"{code}: the bulletin's commitment {mine.get(code)} is not the one published at the close {theirs.get(code)}")
    entries = None
    if a.log:
        if not b.get("log"):
            problems.append("the bulletin names no audit-log entry of a release")
        entries = check_log(a.log, b.get("log"), problems)
    for pr in problems:
        print(f"FAIL {pr}")
    if problems:
        print(f"the bulletin of {b['edition']} does NOT verify: {len(problems)} problem(s)")
        return 1
    log = f"; audit log chained over {entries} entries, the release at entry {b['log']['seq']}" if a.log else ""
    print(
        f"OK the bulletin of {b['edition']} verifies: {len(b['categories'])} categories, {totals[0]} votes committed, "
        f"{totals[1]} not counted, {totals[2]} counted; counts and champions recomputed{log}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
