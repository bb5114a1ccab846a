#!/usr/bin/python3
"""Scores the field extraction against the renderer's ground truth.

A value is right when it equals the truth after NFC and whitespace
normalisation (runs of spaces become one, ends trimmed); recipients are
compared as lists.  For each field:

  accuracy   right / documents whose page has the field;
  wrong      a value different from the truth (the worst case: it looks
             right to a person skimming);
  missing    no value where the page has one (flagged for review);
  empty ok   documents whose page has no such field and that got no value,
             over those documents: the precision on empty fields.

organName is compared with the issuing body as printed, its lines joined by
one space ("ỦY BAN NHÂN DÂN XÃ VĂN BÌNH", the renderer's organLines): see
include/sohoa/extract.h for why not the second line alone.

Used by eval/run.py; also standalone on a folder holding truth files
(<name>.json) and eval_extract output (extract.jsonl, "file" ending in
<name>.ocr.txt or <name>.sohoa.txt):  score.py DIR...
"""

import json
import os
import sys
import unicodedata

FIELDS = ["codeNumber", "codeNotation", "issuedDate", "typeName",
          "organName", "parentOrgan", "placeName", "subject",
          "signerAuthority", "signerPosition", "signerName", "recipients",
          "secrecy", "urgency", "tthcCode"]

# Acceptance on clean 300 dpi scans (issue 4).
TARGETS = [("số/ký hiệu", ["codeNumber", "codeNotation"], 0.97),
           ("ngày ban hành", ["issuedDate"], 0.97),
           ("tên loại", ["typeName"], 0.97),
           ("cơ quan ban hành", ["organName"], 0.95),
           ("trích yếu", ["subject"], 0.90),
           ("người ký", ["signerName"], 0.90)]
EMPTY_TARGET = 0.99
COST_TARGET = 0.02

# Per set, for layouts the extraction was not built on (issue 19): shown
# for every set, "below" where missed; make eval fails on the clean set's
# TARGETS only.
VARIANT_TARGETS = [("số/ký hiệu", 0.98), ("ngày ban hành", 0.98),
                   ("tên loại", 0.98), ("cơ quan ban hành", 0.98),
                   ("trích yếu", 0.95), ("người ký", 0.95)]


def norm(v):
    if v is None:
        return None
    if isinstance(v, list):
        v = [norm(x) for x in v]
        return v or None
    v = " ".join(unicodedata.normalize("NFC", str(v)).split())
    return v or None


def truth_value(fields, name):
    if name == "organName":
        lines = fields.get("organLines")
        return " ".join(lines) if lines else fields.get("organName")
    return fields.get(name)


def got_value(extracted, name):
    f = extracted["fields"].get(name)
    if not f:
        return None
    v = f["value"]
    if name == "recipients":
        return v.split("\n")
    return v


class Report:
    def __init__(self, name, docs):
        """docs: (name, truth json, eval_extract object, OCR seconds)."""
        self.name = name
        self.docs = docs
        self.stats = {}
        self.errors = []
        for f in FIELDS:
            s = dict(right=0, wrong=0, missing=0, present=0, empty=0,
                     empty_ok=0)
            for dname, truth, ext, _ in docs:
                t = norm(truth_value(truth["fields"], f))
                g = norm(got_value(ext, f))
                if t is None:
                    s["empty"] += 1
                    if g is None:
                        s["empty_ok"] += 1
                    else:
                        self.errors.append((dname, f, t, g))
                    continue
                s["present"] += 1
                if g == t:
                    s["right"] += 1
                elif g is None:
                    s["missing"] += 1
                    self.errors.append((dname, f, t, g))
                else:
                    s["wrong"] += 1
                    self.errors.append((dname, f, t, g))
            self.stats[f] = s
        self.both = {}
        for label, fs, _ in TARGETS:
            right = present = 0
            for dname, truth, ext, _ in docs:
                ts = [norm(truth_value(truth["fields"], f)) for f in fs]
                if all(t is None for t in ts):
                    continue
                present += 1
                right += all(norm(got_value(ext, f)) == t
                             for f, t in zip(fs, ts))
            self.both[label] = (right, present)
        self.empty = (sum(s["empty_ok"] for s in self.stats.values()),
                      sum(s["empty"] for s in self.stats.values()))
        self.us = [ext["us"] for _, _, ext, _ in self.docs]
        self.ocr = [secs for _, _, _, secs in self.docs]
        self.pages = [truth["pages"] for _, truth, _, _ in self.docs]


def pct(a, b):
    return "   -  " if b == 0 else "%5.1f%%" % (100.0 * a / b)


def print_report(r, verbose):
    n = len(r.docs)
    print("\n== %s: %d documents, %d pages" % (r.name, n, sum(r.pages)))
    print("%-16s %8s %8s %6s %8s %10s" % ("field", "accuracy", "right",
                                          "wrong", "missing", "empty ok"))
    for f in FIELDS:
        s = r.stats[f]
        print("%-16s %8s %4d/%-3d %6d %8d %10s" % (
            f, pct(s["right"], s["present"]), s["right"], s["present"],
            s["wrong"], s["missing"],
            "%d/%d" % (s["empty_ok"], s["empty"]) if s["empty"] else "-"))
    ok, tot = r.empty
    print("%-16s %8s %d/%d" % ("empty fields", pct(ok, tot), ok, tot))
    # Where the signer's name is lost: colour scans carry a red seal over it.
    kinds = {}
    for dname, truth, ext, _ in r.docs:
        k = "%s/%s" % (truth["render"]["format"], truth["render"]["mode"])
        t = norm(truth_value(truth["fields"], "signerName"))
        g = norm(got_value(ext, "signerName"))
        right, total = kinds.get(k, (0, 0))
        kinds[k] = (right + (g == t), total + 1)
    print("signerName by scan: " + ", ".join(
        "%s %d/%d" % (k, a, b) for k, (a, b) in sorted(kinds.items())))
    us = sorted(r.us)
    ocr_doc = sum(r.ocr) / n
    ratio = (sum(us) / n / 1e6) / ocr_doc if ocr_doc else 0
    print("time per document: extraction %.2f ms mean, %.2f ms max; "
          "OCR %.2f s mean (%.2f s/page); extraction = %.3f%% of OCR" % (
              sum(us) / n / 1000, us[-1] / 1000, ocr_doc,
              sum(r.ocr) / sum(r.pages), 100 * ratio))
    if verbose:
        for dname, f, t, g in r.errors:
            print("  %-22s %-15s truth %r\n  %-22s %-15s  got  %r" % (
                dname, f, t, "", "", g))


def print_variants(reports):
    """One row per set: the issue 19 targets, in %."""
    heads = ["số/ký", "ngày", "loại", "cơ quan", "trích", "người ký",
             "empty"]
    print("\nper set (issue 19 targets: %s; empty fields >= %.0f%%):" % (
        ", ".join("%s >= %.0f%%" % (h, 100 * t) for h, (_, t) in
                  zip(heads, VARIANT_TARGETS)), 100 * EMPTY_TARGET))
    print("  %-18s" % "set" + "".join("%9s" % h for h in heads))
    for r in reports:
        cells, below = [], []
        for h, (label, target) in zip(heads, VARIANT_TARGETS):
            right, present = r.both[label]
            a = right / present if present else 1.0
            cells.append("%8.1f%s" % (100 * a, "*" if a < target else " "))
            if a < target:
                below.append(h)
        eo, et = r.empty
        e = eo / et if et else 1.0
        cells.append("%8.1f%s" % (100 * e, "*" if e < EMPTY_TARGET else " "))
        if e < EMPTY_TARGET:
            below.append("empty")
        print("  %-18s" % r.name + "".join(cells))
    print("  (* below the target)")


def print_all(reports, verbose=False):
    for r in reports:
        print_report(r, verbose)
    if len(reports) > 1:
        print_variants(reports)
    ok = True
    clean = [r for r in reports if r.name == "clean"]
    if clean:
        r = clean[0]
        print("\nacceptance (clean 300 dpi):")
        for label, _, target in TARGETS:
            right, present = r.both[label]
            a = right / present if present else 0
            good = a >= target
            ok &= good
            print("  %-18s %s  target >= %.0f%%  %s" % (
                label, pct(right, present), 100 * target,
                "ok" if good else "MISSED"))
        eo, et = r.empty
        good = et == 0 or eo / et >= EMPTY_TARGET
        ok &= good
        print("  %-18s %s  target >= %.0f%%  %s" % (
            "empty fields", pct(eo, et), 100 * EMPTY_TARGET,
            "ok" if good else "MISSED"))
    for r in reports:
        n = len(r.docs)
        if not sum(r.ocr):
            continue        # standalone, without the OCR times
        ratio = (sum(r.us) / n / 1e6) / (sum(r.ocr) / n)
        good = ratio <= COST_TARGET
        ok &= good
        print("  cost %-13s %.3f%% of OCR time  target <= %.0f%%  %s" % (
            r.name, 100 * ratio, 100 * COST_TARGET, "ok" if good else "MISSED"))
    return ok


def load_dir(d):
    ext = {}
    with open(os.path.join(d, "extract.jsonl"), encoding="utf-8") as f:
        for ln in f:
            o = json.loads(ln)
            # <name>.ocr.txt (tesseract command) or <name>.sohoa.txt
            name, engine = os.path.basename(o["file"]).rsplit(".", 2)[:2]
            ext[name] = o
    docs = []
    for t in sorted(os.listdir(d)):
        if not t.endswith(".json"):
            continue
        with open(os.path.join(d, t), encoding="utf-8") as f:
            truth = json.load(f)
        name = t[:-5]
        secs = 0.0
        tp = os.path.join(d, name + "." + engine + ".time")
        if os.path.exists(tp):
            secs = float(open(tp).read())
        docs.append((name, truth, ext[name], secs))
    return Report(os.path.basename(d.rstrip("/")), docs)


if __name__ == "__main__":
    verbose = "-v" in sys.argv
    dirs = [a for a in sys.argv[1:] if a != "-v"]
    sys.exit(0 if print_all([load_dir(d) for d in dirs], verbose) else 1)
