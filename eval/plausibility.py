#!/usr/bin/python3
"""eval/plausibility.py - what the plausibility cap (lib/plausible.c,
cap_implausible() in lib/extract.c) does to the confidence of the trích yếu
and the other judged fields on the eval sets, after `make eval` (or
eval/run.py) has left each set's truth files and extract.jsonl in
build/eval/<set>/.

For each judged field, the documents are split by whether the extracted
value is right (exact after NFC and whitespace normalisation, as score.py)
and whether its confidence stays at or above the review threshold
(SOHOA_EXTRACT_REVIEW, 0.6), once without the cap (eval_extract
--no-plausibility) and once with it.  Usage:

    eval/plausibility.py [--build build] [-v] [SET ...]
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

REVIEW = 0.6
FIELDS = ["subject", "organName", "signerPosition", "signerName"]


def extract(build, files, flags):
    r = subprocess.run([os.path.join(build, "eval", "eval_extract"), "-r", "1"]
                       + flags + files, stdout=subprocess.PIPE, check=True)
    out = {}
    for ln in r.stdout.decode("utf-8").splitlines():
        o = json.loads(ln)
        out[o["file"]] = o
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("sets", nargs="*")
    opts = ap.parse_args()
    root = os.path.join(opts.build, "eval")
    sets = opts.sets or sorted(
        s for s in os.listdir(root)
        if os.path.exists(os.path.join(root, s, "extract.jsonl")))
    # field -> [without cap, with cap] -> counts
    tally = {f: [dict(ok_hi=0, ok_lo=0, bad_hi=0, bad_lo=0) for _ in (0, 1)]
             for f in FIELDS}
    for s in sets:
        d = os.path.join(root, s)
        rep = score.load_dir(d)
        files = [doc[2]["file"] for doc in rep.docs]
        runs = [extract(opts.build, files, ["--no-plausibility"]),
                extract(opts.build, files, [])]
        for name, truth, ext, _ in rep.docs:
            for f in FIELDS:
                want = score.norm(score.truth_value(truth["fields"], f))
                for k, got_all in enumerate(runs):
                    got = got_all[ext["file"]]
                    v = score.norm(score.got_value(got, f))
                    if v is None:
                        continue
                    conf = got["fields"][f]["confidence"]
                    key = ("ok" if v == want else "bad") + \
                        ("_hi" if conf >= REVIEW else "_lo")
                    tally[f][k][key] += 1
                    if opts.verbose and k == 1 and f == "subject" and \
                            key in ("ok_lo", "bad_hi", "bad_lo"):
                        print("  %s %s %s: %.2f %r (want %r)" %
                              (s, name, key, conf, v, want))
    # The judgement alone on correct text: every line of the renderer's
    # truth (headers, trích yếu, bodies, signatures) of the sets scored.
    lines = set()
    for s in sets:
        d = os.path.join(root, s)
        for t in os.listdir(d):
            if t.endswith(".json"):
                with open(os.path.join(d, t), encoding="utf-8") as f:
                    truth = json.load(f)
                for page in truth.get("text", []):
                    lines.update(ln.strip() for ln in page.split("\n") if ln.strip())
    path = os.path.join(root, "plausibility-lines.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(lines)) + "\n")
    r = subprocess.run([os.path.join(opts.build, "eval", "eval_extract"),
                        "--plausibility", path], stdout=subprocess.PIPE, check=True)
    judged = [ln.split("\t", 3) for ln in
              r.stdout.decode("utf-8").splitlines() if ln]
    counted = [j for j in judged if int(j[1]) >= 3]
    bad = [j for j in counted if j[0] == "implausible"]
    print("Printed text: %d distinct lines of 3 judged words or more, %d judged "
          "implausible" % (len(counted), len(bad)))
    for j in bad[:20]:
        print("  implausible: %s" % j[3])
    print("Plausibility cap, sets: %s" % ", ".join(sets))
    print("%-15s %-8s %9s %9s %9s %9s" % ("field", "cap", "right>=.6",
                                          "right<.6", "wrong>=.6",
                                          "wrong<.6"))
    for f in FIELDS:
        for k in (0, 1):
            t = tally[f][k]
            print("%-15s %-8s %9d %9d %9d %9d" % (
                f, "on" if k else "off", t["ok_hi"], t["ok_lo"],
                t["bad_hi"], t["bad_lo"]))


if __name__ == "__main__":
    main()
