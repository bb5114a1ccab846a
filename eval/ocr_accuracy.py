#!/usr/bin/python3
"""make eval, part 2: OCR accuracy of sohoa against the tesseract command.

The same eight ND 30/2020 documents (tests/tools/render_scans.py, fixed seed,
--scan: optics blur, paper tone under uneven lighting, sensor noise) are
rendered eleven times, once per degradation (SUBSETS below), and every page
is read twice:

  sohoa       the real pipeline: BUILD/sohoa ingest on a throw-away
              configuration (copy, decode, turn, deskew, prepare, OCR), the
              text read back from the catalog (pages.text);
  tesseract   the command on the same file: tesseract IMG - -l vie+eng,
              OMP_THREAD_LIMIT=1.

Scores, per subset over all its pages (micro-averaged):

  word F1     words are the maximal runs of letters and digits (as in ISRI's
              ocreval wordacc; punctuation is left to the CER), after NFC and
              case folding; precision and recall of the OCR word multiset
              against the truth's, order-free; F1 = 2PR / (P + R);
  CER         Levenshtein distance on Unicode code points between truth and
              OCR text after NFC and collapsing every run of white space to
              one space, over the truth's length (case kept).

Targets (exit 1 when one is missed): on every subset sohoa's word F1 >= the
tesseract command's and >= 97 %; the turned and skewed subsets within one
point of the clean one (sohoa's own).

Rendered pages live in BUILD/eval/ocr/<subset>/ (re-rendered when the
renderer or the subset's arguments change); OCR text in
BUILD/eval/ocr/cache/<engine>-<hash of the binary>-<languages>/<hash of
the image>.txt,
so a run after a change to lib/ocr.c re-reads with sohoa only.

    /usr/bin/python3 eval/ocr_accuracy.py [--build build] [--jobs N]
        [--subsets a,b] [--engines sohoa,tesseract] [-v]
"""

import argparse
import collections
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

RENDER = "tests/tools/render_scans.py"
LANGS = "vie+eng"
SEED = 31001
COUNT = 8
GRAY = "png,jpeg,tiff-gray,tiff-rgb"     # grey PNG/JPEG/TIFF, colour TIFF with seal
BASE = "--scan --pages 1 --count %d --seed %d" % (COUNT, SEED)

# name -> [(renderer arguments, indices of the documents kept)].  Every
# subset holds the same eight documents, so the subsets differ only by the
# degradation.  skew+-3: documents 0-3 turned by +3 deg, 4-7 by -3 deg.
ALL = list(range(COUNT))
HALF1, HALF2 = ALL[:COUNT // 2], ALL[COUNT // 2:]
SUBSETS = [
    ("clean-300", [("--formats " + GRAY, ALL)]),
    ("skew+-3", [("--formats %s --skew 3" % GRAY, HALF1),
                 ("--formats %s --skew -3" % GRAY, HALF2)]),
    ("rot90", [("--formats %s --rotate 90" % GRAY, ALL)]),
    ("rot180", [("--formats %s --rotate 180" % GRAY, ALL)]),
    ("rot270", [("--formats %s --rotate 270" % GRAY, ALL)]),
    ("200dpi", [("--formats %s --dpi 200" % GRAY, ALL)]),
    ("150dpi", [("--formats %s --dpi 150" % GRAY, ALL)]),
    ("g4-300", [("--formats tiff-g4", ALL)]),
    ("g4-200", [("--formats tiff-g4 --dpi 200", ALL)]),
    ("noise", [("--formats %s --noise" % GRAY, ALL)]),
    ("jpeg-q30", [("--formats jpeg --jpeg-quality 30", ALL)]),
]
CLEAN = "clean-300"
TURNED = ("skew+-3", "rot90", "rot180", "rot270")
MIN_F1 = 97.0
MAX_DROP = 1.0

WORD_RE = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

def words(text):
    return collections.Counter(
        WORD_RE.findall(unicodedata.normalize("NFC", text).casefold()))


def flat(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a, b):
    """Edit distance (insert, delete, substitute: 1 each) between two
    sequences, by Myers' bit-parallel algorithm (Hyyrö's formulation) on
    Python integers: O(len(a) * len(b) / word size)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    peq = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    m = len(a)
    mask = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def page_counts(truth, ocr):
    """(common words, truth words, OCR words, edits, truth characters)."""
    tw, ow = words(truth), words(ocr)
    common = sum((tw & ow).values())
    t, o = flat(truth), flat(ocr)
    return (common, sum(tw.values()), sum(ow.values()), levenshtein(t, o),
            len(t))


def summarise(counts):
    common = sum(c[0] for c in counts)
    nt = sum(c[1] for c in counts)
    no = sum(c[2] for c in counts)
    p = common / no if no else 0.0
    r = common / nt if nt else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    cer = sum(c[3] for c in counts) / max(1, sum(c[4] for c in counts))
    return 100 * f1, 100 * cer


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------

def file_hash(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def render(root, name, parts):
    """Renders a subset (cached); returns [(image path, truth text)]."""
    d = os.path.join(root, name)
    stamp = "%s %s %r" % (file_hash(RENDER)[:16], BASE, parts)
    sp = os.path.join(d, ".stamp")
    if not os.path.exists(sp) or open(sp).read() != stamp:
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        print("eval: rendering %s" % name, flush=True)
        for k, (args, _) in enumerate(parts):
            sub = os.path.join(d, str(k))
            subprocess.run(["/usr/bin/python3", RENDER, "--out", sub,
                            "--index", os.path.join(sub, "index.json")]
                           + BASE.split() + args.split(),
                           stdout=subprocess.DEVNULL, check=True)
        with open(sp, "w") as f:
            f.write(stamp)
    pages = []
    for k, (_, keep) in enumerate(parts):
        sub = os.path.join(d, str(k))
        # The index lists the documents in the order they were drawn.
        with open(os.path.join(sub, "index.json"), encoding="utf-8") as f:
            docs = json.load(f)["documents"]
        for i in keep:
            with open(os.path.join(sub, docs[i]["truth"]),
                      encoding="utf-8") as f:
                j = json.load(f)
            files, text = j["files"], j["text"]
            if len(files) == 1:         # one file, maybe a multi-page TIFF
                text = ["\f".join(text)]
            for fn, t in zip(files, text):
                pages.append((os.path.join(sub, fn), t))
    return pages


# ---------------------------------------------------------------------------
# OCR, cached by the hash of the image and of the engine
# ---------------------------------------------------------------------------

def engine_id(build, engine, binary=None):
    if engine == "tesseract":
        exe = shutil.which("tesseract") or "/usr/bin/tesseract"
        ver = subprocess.run(["tesseract", "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout
        return "tesseract-" + hashlib.sha256(
            ver + file_hash(exe).encode()).hexdigest()[:12]
    return "sohoa-" + file_hash(binary or os.path.join(build, "sohoa"))[:12]


def run_tesseract(path, jobs):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    r = subprocess.run(["tesseract", path, "-", "-l", LANGS],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       env=env, check=True)
    return r.stdout.decode("utf-8", "replace")


def run_sohoa(exe, work, paths, jobs, hocr=None):
    """sohoa ingest of every path in one run; returns {path: text}.  hocr:
    a dict that gets {path: the worker's hOCR (ocr.hocr of the spool
    entry)}."""
    state = os.path.abspath(os.path.join(work, "sohoa-ingest"))
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(os.path.join(state, "inbox"))
    conf = os.path.join(state, "sohoa.conf")
    with open(conf, "w") as f:
        f.write("inbox = %s/inbox\nquarantine = %s/quarantine\n"
                "state_dir = %s/state\nworkers = %d\nlog_level = error\n"
                "languages = %s\n" % (state, state, state, jobs, LANGS))
    r = subprocess.run([exe, "-c", conf, "--json",
                        "ingest"] + [os.path.abspath(p) for p in paths],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    if not r.stdout.strip():
        sys.exit("eval: sohoa ingest failed: %s" %
                 r.stderr.decode("utf-8", "replace").strip())
    given = {os.path.abspath(p): p for p in paths}
    out = {}
    db = sqlite3.connect(os.path.join(state, "state", "catalog.db"))
    try:
        for o in json.loads(r.stdout)["files"]:
            if o.get("state") != "done" or o.get("record") is None:
                print("eval: sohoa did not read %s: %s" %
                      (o["path"], o.get("message", o.get("state"))),
                      file=sys.stderr)
                continue
            rows = db.execute("SELECT text FROM pages WHERE record_id = ? "
                              "ORDER BY page_no", (o["record"],)).fetchall()
            out[given.get(o["path"], o["path"])] = "\f".join(
                t for (t,) in rows)
            if hocr is not None:
                (sid,), = db.execute("SELECT spool_id FROM records WHERE "
                                     "id = ?", (o["record"],)).fetchall()
                hp = os.path.join(state, "state", "spool", "done", sid,
                                  "ocr.hocr")
                if os.path.exists(hp):
                    with open(hp, encoding="utf-8") as f:
                        hocr[given.get(o["path"], o["path"])] = f.read()
    finally:
        db.close()
    shutil.rmtree(state, ignore_errors=True)
    return out


def ocr_all(build, root, engine, paths, jobs, with_time=False,
            binary=None, hocr_out=None):
    """{path: text} for every path, from the cache or read now; with_time:
    {path: (text, OCR seconds)}.  binary: the sohoa that reads (default
    BUILD/sohoa); its hOCR is kept beside the text (<hash>.hocr, see
    hocr_out, a dict, gets {path: hOCR file} for the paths that have one)."""
    cache = os.path.join(root, "cache", "%s-%s" % (
        engine_id(build, engine, binary), LANGS))
    os.makedirs(cache, exist_ok=True)
    keyed = {p: os.path.join(cache, file_hash(p)[:24] + ".txt") for p in paths}
    todo = sorted({p for p in paths if not os.path.exists(keyed[p]) or
                   (engine == "sohoa" and
                    not os.path.exists(keyed[p][:-4] + ".hocr"))},
                  key=lambda p: keyed[p])
    # One read per distinct image (a byte-identical scan is a duplicate
    # for sohoa).
    seen, uniq = set(), []
    for p in todo:
        if keyed[p] not in seen:
            seen.add(keyed[p])
            uniq.append(p)
    if uniq:
        print("eval: OCR of %d pages with %s, %d at a time" %
              (len(uniq), engine, jobs), flush=True)
        t0 = time.monotonic()
        if engine == "tesseract":
            with ThreadPoolExecutor(max_workers=jobs) as ex:
                texts = dict(zip(uniq, ex.map(
                    lambda p: run_tesseract(p, jobs), uniq)))
        else:
            hocr = {}
            texts = run_sohoa(binary or os.path.join(build, "sohoa"), root,
                              uniq, jobs, hocr)
            for p in texts:     # empty: read, but no hOCR (a text PDF)
                with open(keyed[p][:-4] + ".hocr", "w",
                          encoding="utf-8") as f:
                    f.write(hocr.get(p, ""))
        # The OCR time of a file: the run's wall time times its
        # parallelism, shared by the pages read (for the cost of the
        # field extraction next to OCR, eval/run.py).
        secs = time.monotonic() - t0
        npages = sum(texts[p].count("\f") + 1 for p in uniq if p in texts)
        for p in uniq:
            if p in texts:
                with open(keyed[p] + ".tmp", "w", encoding="utf-8") as f:
                    f.write(texts[p])
                os.replace(keyed[p] + ".tmp", keyed[p])
                with open(keyed[p][:-4] + ".time", "w") as f:
                    f.write("%.3f\n" % (secs * jobs / max(1, npages) *
                                         (texts[p].count("\f") + 1)))
        print("eval: %s: %.0f s" % (engine, secs), flush=True)
    out = {}
    for p in paths:
        if os.path.exists(keyed[p]):
            with open(keyed[p], encoding="utf-8") as f:
                out[p] = f.read()
        else:
            out[p] = ""      # not read at all: scored as such
        if hocr_out is not None and os.path.exists(keyed[p][:-4] + ".hocr") \
                and os.path.getsize(keyed[p][:-4] + ".hocr"):
            hocr_out[p] = keyed[p][:-4] + ".hocr"
        if with_time:
            tp = keyed[p][:-4] + ".time"
            out[p] = (out[p], float(open(tp).read())
                      if os.path.exists(tp) else 0.0)
    return out


# ---------------------------------------------------------------------------

def evaluate(build, jobs, subsets=None, engines=("sohoa", "tesseract"),
             verbose=False):
    """Renders, reads and scores; prints the report; returns True when
    every target holds."""
    root = os.path.join(build, "eval", "ocr")
    chosen = [(n, p) for n, p in SUBSETS if not subsets or n in subsets]
    pages = {n: render(root, n, p) for n, p in chosen}
    every = [path for n in pages for path, _ in pages[n]]
    texts = {e: ocr_all(build, root, e, every, jobs) for e in engines}
    results = {}
    for n, _ in chosen:
        for e in engines:
            counts = [page_counts(t, texts[e][p]) for p, t in pages[n]]
            results[n, e] = summarise(counts)
            if verbose:
                for (p, _), c in zip(pages[n], counts):
                    f1, cer = summarise([c])
                    print("  %-10s %-9s %-40s F1 %5.1f  CER %5.1f" %
                          (n, e, os.path.relpath(p, root), f1, cer))
    print()
    print("OCR accuracy: the same %d documents in every subset, %s, "
          "word F1 and CER in %%" % (COUNT, LANGS))
    head = "  %-10s %5s" % ("subset", "files")
    for e in engines:
        head += "  %8s %6s" % ({"tesseract": "tess"}.get(e, e) + " F1", "CER")
    print(head)
    ok = True
    for n, _ in chosen:
        line = "  %-10s %5d" % (n, len(pages[n]))
        for e in engines:
            f1, cer = results[n, e]
            line += "  %8.1f %6.2f" % (f1, cer)
        miss = []
        if "sohoa" in engines:
            sf1 = results[n, "sohoa"][0]
            if sf1 < MIN_F1:
                miss.append("sohoa < %.0f" % MIN_F1)
            if "tesseract" in engines and sf1 < results[n, "tesseract"][0]:
                miss.append("sohoa < tesseract")
            if n in TURNED and (CLEAN, "sohoa") in results \
                    and results[CLEAN, "sohoa"][0] - sf1 > MAX_DROP:
                miss.append("> %.0f point below %s" % (MAX_DROP, CLEAN))
        line += "  " + ("MISSED: " + "; ".join(miss) if miss else "ok")
        ok = ok and not miss
        print(line)
    print("targets: sohoa word F1 >= tesseract's and >= %.0f %% on every "
          "subset; %s within %.0f point of %s: %s" %
          (MIN_F1, "/".join(TURNED), MAX_DROP, CLEAN,
           "all met" if ok else "MISSED"))
    return ok


def main():
    global LANGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--subsets", help="comma-separated (default: all): " +
                    ",".join(n for n, _ in SUBSETS))
    ap.add_argument("--engines", default="sohoa,tesseract")
    ap.add_argument("--languages", default=LANGS,
                    help="Tesseract languages of both engines (default "
                         "%(default)s, sohoa's default)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="scores of every page")
    opts = ap.parse_args()
    LANGS = opts.languages
    ok = evaluate(opts.build, opts.jobs,
                  opts.subsets.split(",") if opts.subsets else None,
                  tuple(opts.engines.split(",")), opts.verbose)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
