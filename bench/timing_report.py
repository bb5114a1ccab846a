#!/usr/bin/python3
"""bench/timing_report.py: the OCR workers' cost around Tesseract, per page
and per step, from sohoad logs written with SOHOA_OCR_TIMING=1.

Each page's line (lib/ocr.c, ocr_page) gives the decode, orientation,
deskew, speckle and seal steps, the recognition (OCR) and the page's share
of the PDF; each document's line its PDF end and PDF/A conversion, spread
over its pages here.  Several logs (rounds of the same pages) are averaged
per file.  Prints one line per page (unless --brief) and the totals as
shares of the recognition time: "preparation" is orientation + deskew +
speckle + seal (decode is printed apart: the tesseract command decodes
too).

    bench/timing_report.py [--brief] [--target PERCENT] LOG...
"""
import argparse
import collections
import os
import re
import sys

PAGE = re.compile(
    r"sohoa-ocr: timing page (\d+): prep (\d+) ms, ocr (\d+) ms, pdf (\d+) ms; "
    r"decode (\d+) ms, orient (\d+) ms, deskew (\d+) ms, speckle (\d+) ms, "
    r"seal (\d+) ms; (\d+)x(\d+) (\d+) bpp (\d+) dpi, turned (\d+), "
    r"skew (-?[\d.]+); entry (\S+), file (.*)$")
JOB = re.compile(r"sohoa-ocr: timing (\S+): pdf end (\d+) ms, pdfa (\d+) ms, "
                 r"pdf total (\d+) ms")
STEPS = ("decode", "orient", "deskew", "speckle", "seal", "ocr", "pdf")
PREP = ("orient", "deskew", "speckle", "seal")


def read_log(path):
    """[(file, page, {step: ms}, info)] with each job's PDF end spread over
    its pages."""
    pages, jobs = [], {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = PAGE.search(line)
            if m:
                g = m.groups()
                ms = dict(zip(("prep", "ocr", "pdf", "decode", "orient", "deskew",
                               "speckle", "seal"), map(float, g[1:9])))
                info = "%sx%s %2s bpp %s dpi" % (g[9], g[10], g[11], g[12])
                pages.append((g[16], int(g[0]), ms, info, int(g[13]),
                              float(g[14]), g[15]))
                continue
            m = JOB.search(line)
            if m:
                jobs[os.path.basename(m.group(1))] = float(m.group(2)) + float(m.group(3))
    per_job = collections.Counter(p[6] for p in pages)
    for name, no, ms, info, rot, skew, entry in pages:
        ms["pdf"] += jobs.get(entry, 0.0) / per_job[entry]
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--brief", action="store_true", help="totals only")
    ap.add_argument("--target", type=float, default=10.0,
                    help="preparation + PDF, %% of OCR time (default 10)")
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()
    rows = collections.OrderedDict()
    for log in a.logs:
        for name, no, ms, info, rot, skew, _ in read_log(log):
            r = rows.setdefault((name, no), {"n": 0, "info": info, "rot": rot,
                                             "skew": skew, **{s: 0.0 for s in STEPS}})
            r["n"] += 1
            for s in STEPS:
                r[s] += ms[s]
    if not rows:
        print("  preparation + PDF: not measured (no timing lines in the log)")
        return 0
    tot = {s: sum(r[s] / r["n"] for r in rows.values()) for s in STEPS}
    if not a.brief:
        print("  per page, ms (mean of %d run(s)); prep%% = orient + deskew + speckle + seal "
              "over OCR" % max(r["n"] for r in rows.values()))
        print("    %-34s %-26s %4s %6s %6s %6s %6s %7s %5s %6s %5s %5s" % (
            "file", "image", "turn", "skew", "decode", "orient", "deskew",
            "speckle", "seal", "OCR", "PDF", "prep%"))
        for (name, no), r in sorted(rows.items()):
            v = {s: r[s] / r["n"] for s in STEPS}
            prep = sum(v[s] for s in PREP)
            label = name if no == 1 else "%s p%d" % (name, no)
            print("    %-34.34s %-26s %4d %6.2f %6.0f %6.0f %6.0f %7.0f %5.0f %6.0f %5.0f %5.1f" % (
                label, r["info"], r["rot"], r["skew"], v["decode"], v["orient"],
                v["deskew"], v["speckle"], v["seal"], v["ocr"], v["pdf"],
                100 * prep / v["ocr"] if v["ocr"] else 0))
    ocr = tot["ocr"] or 1.0
    n = len(rows)
    print("  steps, ms per page (% of OCR): " + ", ".join(
        "%s %.0f (%.1f%%)" % (s, tot[s] / n, 100 * tot[s] / ocr) for s in STEPS))
    prep = sum(tot[s] for s in PREP)
    share = 100 * (prep + tot["pdf"]) / ocr
    print("  preparation + PDF: %.0f + %.0f ms per page, %.1f%% of its OCR time (%.0f ms)"
          " (target <= %g%%)%s" % (prep / n, tot["pdf"] / n, share, ocr / n, a.target,
                                   "" if share <= a.target else "  MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
