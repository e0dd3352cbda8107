#!/usr/bin/env python3
"""Turns the JUnit XML of a ceph/s3-tests run (conformance/run.sh) into a
Markdown report: totals, how it was run, a table per feature group, and the
failing tests with the first line of each failure.

Feature group of a test: its feature marker (versioning, lifecycle, tagging,
bucket_policy, encryption, sse_s3, list_objects_v2, ...; the first one in
MARKER_PRIORITY when it has several), else a group derived from its name
(NAME_RULES: test_versioning_* -> versioning, test_bucket_list_* -> bucket_list,
test_multipart_* -> multipart, test_post_object_* -> post_object, ...).
Markers that say where a test fails (fails_on_*) or how to run it are not
feature groups.

    report.py --junit out/junit.xml [--meta out/meta.json] [--sidecar out/sidecar.json]
              [--suite .s3-tests] [--out results.md] [--title "..."]
"""

import argparse
import collections
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# markers that are not features
NON_FEATURE = re.compile(r"^(fails_.*|bucket_logging_cleanup|parametrize|usefixtures|timeout|skip|skipif|xfail|filterwarnings)$")

MARKER_PRIORITY = [
    "bucket_logging", "cloud_transition", "cloud_restore", "lifecycle_transition",
    "lifecycle_expiration", "lifecycle", "object_lock", "versioning", "bucket_policy",
    "user_policy", "role_policy", "session_policy", "group_policy", "iam_account",
    "iam_user", "iam_role", "iam_tenant", "iam_cross_account", "abac_test",
    "object_ownership", "tagging", "sse_s3", "bucket_encryption", "encryption",
    "checksum", "conditional_write", "appendobject", "s3website", "s3select",
    "storage_class", "delete_marker", "copy", "list_objects_v2",
    "auth_aws2", "auth_aws4", "auth_common",
]

# (group, regex on the test name without "test_"); first match wins
NAME_RULES = [
    ("versioning", r"versioning|versioned|_versions?_|^versions?_|version_id|delete_marker"),
    ("object_lock", r"object_lock|legal_hold|retention"),
    ("cors", r"cors"),
    ("lifecycle", r"lifecycle"),
    ("tagging", r"tagging|_tags?_|_tags?$|^tags?_"),
    ("bucket_policy", r"policy|block_public|public_block|public_access"),
    ("post_object", r"^post_object"),
    ("multipart", r"multipart|upload_part|^list_multipart|abort_multipart"),
    ("encryption", r"sse|encrypt"),
    ("acl", r"acl|grant|^access_bucket|canned|_anon|^anon"),
    ("presigned", r"presigned|presign"),
    ("checksum", r"checksum"),
    ("conditional", r"_if_|ifmatch|if_match|if_none|ifnonematch|modified_since|conditional"),
    ("bucket_list", r"^bucket_list|^bucket_listv2|^bucketv2_list|^list_objects|^bucket_list_v2"),
    ("list_buckets", r"^list_buckets|^buckets_list|^buckets_create_then_list"),
    ("copy", r"copy"),
    ("ranged_request", r"ranged|range"),
    ("atomic", r"atomic"),
    ("expect_100_continue", r"100_continue"),
    ("delete_objects", r"^multi_object|^delete_objects|^multi_objectv2"),
    ("bucket", r"^bucket|^create_bucket|^put_bucket|^get_bucket|^delete_bucket|^head_bucket"),
    ("object", r"^object|^put_obj|^get_obj|^delete_obj|^head_obj|^obj|^put_object|^get_object|^set_"),
]


def feature_group(name, markers):
    feats = [m for m in markers if not NON_FEATURE.match(m)]
    for m in MARKER_PRIORITY:
        if m in feats:
            return m
    if feats:
        return sorted(feats)[0]
    base = re.sub(r"\[.*\]$", "", name)
    base = base[5:] if base.startswith("test_") else base
    for group, rx in NAME_RULES:
        if re.search(rx, base):
            return group
    return "other:" + base.split("_")[0]


CLIENT_SIDE = re.compile(r"ParamValidationError|Parameter validation failed|Unknown parameter|"
                         r"has no attribute '[a-z_]+'.*(client|S3)|UnknownServiceError|"
                         r"OperationNotPageableError|DataNotFoundError|UnknownClientMethod")


def first_line(text, limit=200):
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def failure_line(el):
    """First informative line of a <failure>/<error>: the message attribute,
    or the last 'E   ' line of the traceback."""
    raw = el.get("message", "")
    lines = [l.strip() for l in raw.splitlines() if l.strip()]
    msg = lines[0] if lines else ""
    if msg.endswith(":") and len(lines) > 1:  # ParamValidationError and the like
        msg += " " + lines[1]
    msg = first_line(msg.replace(" (reached max retries: 0)", ""))
    text = el.text or ""
    elines = [l[1:].strip() for l in text.splitlines() if l.startswith("E ")]
    if not msg or msg in ("AssertionError", "assert False"):
        if elines:
            msg = first_line(elines[-1]) if not msg else msg + " — " + first_line(elines[-1])
    return msg


def parse(junit):
    tree = ET.parse(junit)
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = collections.OrderedDict()
    suite_time = 0.0
    for s in suites:
        suite_time += float(s.get("time", 0) or 0)
        for tc in s.iter("testcase"):
            name = tc.get("name")
            key = (tc.get("classname"), name)
            props = {p.get("name"): p.get("value") for p in tc.iter("property")}
            markers = [m for m in (props.get("markers") or "").split(",") if m]
            t = tests.setdefault(key, {"name": name, "classname": tc.get("classname"),
                                       "markers": markers, "status": "passed", "message": "",
                                       "time": 0.0, "phase": "call", "detail": ""})
            t["time"] += float(tc.get("time", 0) or 0)
            for tag, status in (("error", "error"), ("failure", "failed"), ("skipped", "skipped")):
                for el in tc.findall(tag):
                    rank = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
                    msg = failure_line(el)
                    phase = "call"
                    m = re.match(r"failed on (setup|teardown) with \"?(.*)", el.get("message", ""))
                    if m:
                        phase = m.group(1)
                    if status == "error" and phase == "teardown" and t["status"] == "passed":
                        # passed, then the suite's own cleanup failed: count the test as errored,
                        # say so
                        pass
                    if rank[status] > rank[t["status"]]:
                        t["status"] = status
                        t["message"] = msg
                        t["phase"] = phase
                        t["detail"] = el.text or ""
    return list(tests.values()), suite_time


def pct(a, b):
    return f"{100.0 * a / b:.0f}%" if b else "–"


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--junit", required=True)
    ap.add_argument("--meta")
    ap.add_argument("--sidecar")
    ap.add_argument("--suite")
    ap.add_argument("--out", default="results.md")
    ap.add_argument("--title")
    ap.add_argument("--notes", help="a Markdown file whose text goes under 'Notes'")
    args = ap.parse_args()

    meta = json.load(open(args.meta)) if args.meta and os.path.exists(args.meta) else {}
    side = json.load(open(args.sidecar)) if args.sidecar and os.path.exists(args.sidecar) else {}
    suite_commit = {}
    if args.suite and os.path.exists(os.path.join(args.suite, ".suite-commit")):
        for line in open(os.path.join(args.suite, ".suite-commit")):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                suite_commit[k] = v

    if not os.path.exists(args.junit):
        sys.exit(f"no JUnit XML at {args.junit}: pytest did not get as far as writing it")
    tests, suite_time = parse(args.junit)
    for t in tests:
        t["group"] = feature_group(t["name"], t["markers"])
        t["client_side"] = t["status"] in ("failed", "error") and bool(CLIENT_SIDE.search(t["message"] + t["detail"]))

    count = collections.Counter(t["status"] for t in tests)
    total = len(tests)
    client_side = sum(1 for t in tests if t["client_side"])
    teardown_only = sum(1 for t in tests if t["status"] == "error" and t["phase"] == "teardown")
    setup_errors = sum(1 for t in tests if t["status"] == "error" and t["phase"] == "setup")

    title = args.title or ("S3 conformance (ceph/s3-tests): " + (meta.get("target") or meta.get("endpoint", "")))
    o = []
    w = o.append
    w(f"# {title}\n")
    w("| | |\n|---|---|")
    w(f"| **passed** | **{count['passed']}** of {total} ({pct(count['passed'], total)}; "
      f"{pct(count['passed'], total - count['skipped'])} of those not skipped) |")
    w(f"| failed | {count['failed']} |")
    w(f"| errored | {count['error']} (in setup: {setup_errors}, in teardown: {teardown_only}) |")
    w(f"| skipped (by the suite itself) | {count['skipped']} |")
    dsel = side.get("deselected", [])
    if dsel:
        w(f"| deselected (marker expression, -k) | {len(dsel)} (not in the totals; see below) |")
    if client_side:
        w(f"| of the failed/errored: refused by the client library before sending | {client_side} |")
    if meta:
        w(f"| endpoint | {meta.get('endpoint', '')} |")
        w(f"| started (UTC) | {meta.get('started', '')} |")
        d = meta.get("duration_s")
        if d is not None:
            w(f"| wall-clock | {d} s ({d // 60} min {d % 60} s); pytest's own count {suite_time:.0f} s |")
    if suite_commit:
        w(f"| suite | ceph/s3-tests {suite_commit.get('commit', '?')} ({suite_commit.get('commit_date', '')}) |")
    if meta.get("versions"):
        v = meta["versions"]
        w(f"| client | Python {v.get('python')}, boto3 {v.get('boto3')}, botocore {v.get('botocore')}, pytest {v.get('pytest')} (Debian packages) |")
    if side:
        fb = side.get("cleanup_fallbacks", 0)
        why = ", ".join(f"{k} {v}" for k, v in sorted(side.get("cleanup_fallback_reasons", {}).items()))
        w(f"| cleanup fallback (strata_s3tests_plugin.py: the suite's bucket cleanup answered 501) | "
          f"mode {side.get('cleanup_fallback_mode')}, taken for {fb} buckets{' (refused: ' + why + ')' if why else ''} |")
    if meta.get("same_keys_main_alt"):
        w("| users | main and alt use the same keys: cross-user ACL/policy tests cannot pass as written |")
    w("")
    if meta.get("command"):
        w("Command (run in the extracted suite, `S3TEST_CONF` pointing at the generated config):\n")
        w("```\n" + meta["command"] + "\n```\n")
        w(f"botocore retries: AWS_MAX_ATTEMPTS={meta.get('aws_max_attempts')}.\n")

    if args.notes and os.path.exists(args.notes):
        w("## Notes\n")
        w(open(args.notes).read().rstrip() + "\n")

    # per group
    groups = collections.OrderedDict()
    for t in tests:
        groups.setdefault(t["group"], []).append(t)
    w("## By feature group\n")
    w("Each test counted once: its feature marker, else a group from its name (see report.py).\n")
    w("| group | tests | passed | failed | errored | skipped | pass rate (of run) |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for g in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        c = collections.Counter(t["status"] for t in groups[g])
        ran = len(groups[g]) - c["skipped"]
        w(f"| {g} | {len(groups[g])} | {c['passed']} | {c['failed']} | {c['error']} | {c['skipped']} | {pct(c['passed'], ran)} |")
    w(f"| **total** | **{total}** | **{count['passed']}** | **{count['failed']}** | **{count['error']}** | **{count['skipped']}** | **{pct(count['passed'], total - count['skipped'])}** |")
    w("")

    # per marker
    bym = collections.defaultdict(list)
    for t in tests:
        for m in t["markers"]:
            bym[m].append(t)
    if bym:
        w("## By pytest marker\n")
        w("A test appears under every marker it carries (markers as the suite sets them).\n")
        w("| marker | tests | passed | failed | errored | skipped |")
        w("|---|---:|---:|---:|---:|---:|")
        for m in sorted(bym, key=lambda m: (-len(bym[m]), m)):
            c = collections.Counter(t["status"] for t in bym[m])
            w(f"| {m} | {len(bym[m])} | {c['passed']} | {c['failed']} | {c['error']} | {c['skipped']} |")
        w(f"| (no marker) | {sum(1 for t in tests if not t['markers'])} | | | | |")
        w("")

    if dsel:
        w("## Deselected (not run)\n")
        w(f"Marker expression: `{meta.get('markexpr', '?')}`. Deselected tests by the marker that excluded them:\n")
        excl = re.findall(r"not ([a-z0-9_]+)", meta.get("markexpr", ""))
        byx = collections.Counter()
        byg = collections.Counter()
        for d in dsel:
            hit = [m for m in excl if m in d["markers"]] or ["-k expression / other selection"]
            byx[" + ".join(hit)] += 1
            byg[feature_group(d["name"], d["markers"])] += 1
        w("| excluded by | tests |\n|---|---:|")
        for k, v in byx.most_common():
            w(f"| {k} | {v} |")
        w("")
        w("The same by feature group: " + ", ".join(f"{g} {n}" for g, n in byg.most_common()) + ".\n")

    # failing tests
    bad = [t for t in tests if t["status"] in ("failed", "error")]
    if bad:
        w("## Failing tests\n")
        w("First line of each failure (E = errored, F = failed; [client] = refused by the installed botocore before sending, not an answer of the server).\n")
        for g in sorted(groups, key=lambda g: (-len(groups[g]), g)):
            gb = [t for t in groups[g] if t["status"] in ("failed", "error")]
            if not gb:
                continue
            w(f"### {g} ({len(gb)})\n")
            for t in gb:
                flag = "E" if t["status"] == "error" else "F"
                phase = f" ({t['phase']})" if t["phase"] != "call" else ""
                cs = " [client]" if t["client_side"] else ""
                w(f"- {flag} `{t['name']}`{phase}{cs}: {md_escape(t['message'])}")
            w("")

    # summary of failure causes
    if bad:
        causes = collections.Counter()
        for t in bad:
            m = re.sub(r"\b[0-9a-f]{8,}\b|conf-[a-z0-9-]+|'[^']{30,}'", "…", t["message"])
            causes[m[:120]] += 1
        w("## Most common failure lines\n")
        w("| count | first line (ids elided) |\n|---:|---|")
        for m, n in causes.most_common(25):
            w(f"| {n} | {md_escape(m)} |")
        w("")

    with open(args.out, "w") as f:
        f.write("\n".join(o) + "\n")
    print(f"{args.out}: {count['passed']} passed, {count['failed']} failed, {count['error']} errored, "
          f"{count['skipped']} skipped of {total}", file=sys.stderr)


if __name__ == "__main__":
    main()
