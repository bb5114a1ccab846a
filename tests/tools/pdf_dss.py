#!/usr/bin/python3
"""The Document Security Store (PAdES B-LT) of a PDF, read with the qpdf
command (not with sohoa's code), for the tests:

    pdf_dss.py FILE.pdf OUTDIR

writes each stream of the catalog's /DSS into OUTDIR as cert-N.der,
ocsp-N.der and crl-N.der, and prints "certs N ocsps N crls N".  Exit 1 when
the PDF has no DSS.
"""
import os
import re
import subprocess
import sys


def show(pdf, obj, raw=False):
    args = ["qpdf", "--show-object=" + obj]
    if raw:
        args.append("--raw-stream-data")
    return subprocess.run(args + [pdf], check=True, capture_output=True).stdout


def ref(text, key):
    m = re.search(rb"/" + key + rb"\s+(\d+)\s+(\d+)\s+R", text)
    return m and "%d,%d" % (int(m.group(1)), int(m.group(2)))


def refs(text, key):
    m = re.search(rb"/" + key + rb"\s*\[([^\]]*)\]", text)
    if not m:
        return []
    return ["%d,%d" % (int(a), int(b)) for a, b in re.findall(rb"(\d+)\s+(\d+)\s+R", m.group(1))]


def main():
    pdf, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    root = ref(show(pdf, "trailer"), b"Root")
    dss = root and ref(show(pdf, root), b"DSS")
    if not dss:
        print("no DSS")
        return 1
    d = show(pdf, dss)
    counts = []
    for key, name in ((b"Certs", "cert"), (b"OCSPs", "ocsp"), (b"CRLs", "crl")):
        items = refs(d, key)
        for i, r in enumerate(items):
            with open(os.path.join(out, "%s-%d.der" % (name, i)), "wb") as f:
                f.write(show(pdf, r, raw=True))
        counts.append("%ss %d" % (name, len(items)))
    print(" ".join(counts))
    return 0


sys.exit(main())
