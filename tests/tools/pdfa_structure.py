#!/usr/bin/python3
"""pdfa_structure.py - checks the file-structure rules (ISO 19005-2 clause 6.1) of PDF/A-2b on PDFs.

usage: pdfa_structure.py FILE.pdf...

The checklist is veraPDF's PDF/A-2B validation profile
(../shared/reference-schemas/verapdf/PDFA-2B.xml); veraPDF itself is Java and cannot run here, so
the rules of 6.1 that concern the bytes of the file are checked on the raw bytes, revision by
revision (every cross-reference section reached from the last startxref through /Prev, and every
object they list):

  6.1.2-t1/t2  header "%PDF-1.n" at byte 0, one EOL, then '%' and four bytes > 127
  6.1.3-t1     the last trailer has an /ID of two strings
  6.1.3-t2     no /Encrypt in any trailer
  6.1.3-t3     nothing after the last %%EOF but one optional EOL
  6.1.4-t2     "xref", a single EOL, the subsection header; 20-byte entries
  6.1.6-t1/t2  hexadecimal strings: hex digits only, an even number of them
  6.1.7.1-t1   /Length equals the bytes between the stream's EOL and the EOL before endstream
  6.1.7.1-t2   "stream" followed by CRLF or LF; "endstream" preceded by an EOL
  6.1.7.1-t3   no /F, /FFilter, /FDecodeParms in a stream dictionary
  6.1.7.2-t1   only the standard filters, never LZWDecode (Crypt only with /Name /Identity)
  6.1.8-t1     names are valid UTF-8 after #xx expansion (checked on every name)
  6.1.9-t1     "N G obj" with single spaces, EOL before the object number and before endobj,
               EOL after obj and after endobj
  6.1.12-t1    a /Perms dictionary holds only /UR3 and /DocMDP
  6.1.13-t1..5 integers within 32 bits, reals within +/-3.403e38 and not closer to zero than
               1.175e-38, strings at most 32767 bytes, names at most 127 bytes
  6.1.13-t7    at most 8388607 indirect objects
and "qpdf --check" must pass.  Prints one line per problem ("FILE: RULE: what") and exits 1 if
any, else prints "FILE: ok (N objects, M streams, R revisions)".
"""
import re
import subprocess
import sys

WS = b" \t\r\n\f\0"
DELIM = b"()<>[]{}/%"
EOL_RE = re.compile(rb"\r\n|\r|\n")
STD_FILTERS = {"ASCIIHexDecode", "ASCII85Decode", "FlateDecode", "RunLengthDecode",
               "CCITTFaxDecode", "JBIG2Decode", "DCTDecode", "JPXDecode", "Crypt"}


class Problems:
    def __init__(self, path):
        self.path, self.items = path, []

    def add(self, rule, what):
        self.items.append("%s: %s: %s" % (self.path, rule, what))


# ---- a tokenizer for the non-stream parts of objects -----------------------------------------

class Tok:
    def __init__(self, kind, value, raw=b""):
        self.kind, self.value, self.raw = kind, value, raw

    def __repr__(self):
        return "Tok(%s,%r)" % (self.kind, self.value)


def tokens(data, pos, probs, where, stop_at_stream=True):
    """Yields tokens from data[pos:]; stops after 'stream' or 'endobj' (yielded, with .end set)."""
    n = len(data)
    while pos < n:
        c = data[pos]
        if c in WS:
            pos += 1
            continue
        if c == 0x25:  # comment
            m = EOL_RE.search(data, pos)
            pos = m.end() if m else n
            continue
        if c == 0x28:  # literal string
            depth, i, out = 1, pos + 1, bytearray()
            while i < n and depth:
                b = data[i]
                if b == 0x5C:
                    i += 2
                    out += b"?"
                    continue
                if b == 0x28:
                    depth += 1
                elif b == 0x29:
                    depth -= 1
                    if depth == 0:
                        break
                out.append(b)
                i += 1
            if len(out) > 32767:
                probs.add("6.1.13-t3", "%s: a string of %d bytes (> 32767)" % (where, len(out)))
            t = Tok("string", bytes(out))
            t.end = i + 1
            pos = i + 1
            yield t
            continue
        if c == 0x3C and pos + 1 < n and data[pos + 1] == 0x3C:
            t = Tok("delim", b"<<")
            pos += 2
            t.end = pos
            yield t
            continue
        if c == 0x3E and pos + 1 < n and data[pos + 1] == 0x3E:
            t = Tok("delim", b">>")
            pos += 2
            t.end = pos
            yield t
            continue
        if c == 0x3C:  # hex string
            e = data.find(b">", pos + 1)
            if e < 0:
                probs.add("6.1.6-t2", "%s: unterminated hexadecimal string" % where)
                return
            body = bytes(b for b in data[pos + 1:e] if b not in WS)
            if not re.fullmatch(rb"[0-9A-Fa-f]*", body):
                probs.add("6.1.6-t2", "%s: a hexadecimal string with a non-hex character" % where)
            if len(body) % 2:
                probs.add("6.1.6-t1", "%s: a hexadecimal string with an odd number of digits" % where)
            if len(body) // 2 > 32767:
                probs.add("6.1.13-t3", "%s: a string of %d bytes (> 32767)" % (where, len(body) // 2))
            t = Tok("hexstring", body)
            pos = e + 1
            t.end = pos
            yield t
            continue
        if c in b"[]{}":
            t = Tok("delim", bytes([c]))
            pos += 1
            t.end = pos
            yield t
            continue
        if c == 0x2F:  # name
            i = pos + 1
            while i < n and data[i] not in WS and data[i] not in DELIM:
                i += 1
            raw = data[pos + 1:i]
            try:
                name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            except ValueError:
                name = raw
            if len(name) > 127:
                probs.add("6.1.13-t4", "%s: a name of %d bytes (> 127)" % (where, len(name)))
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                probs.add("6.1.8-t1", "%s: name /%r is not UTF-8" % (where, raw))
            t = Tok("name", "/" + name.decode("utf-8", "replace"), raw)
            pos = i
            t.end = pos
            yield t
            continue
        # number or keyword
        i = pos
        while i < n and data[i] not in WS and data[i] not in DELIM:
            i += 1
        if i == pos:  # a stray ')' or '>'
            pos += 1
            continue
        word = data[pos:i]
        pos = i
        if re.fullmatch(rb"[+-]?\d+", word):
            v = int(word)
            if not -2147483648 <= v <= 2147483647:
                probs.add("6.1.13-t1", "%s: integer %d out of 32-bit range" % (where, v))
            t = Tok("int", v)
        elif re.fullmatch(rb"[+-]?(\d+\.\d*|\.\d+)", word):
            v = float(word)
            if abs(v) > 3.403e38:
                probs.add("6.1.13-t2", "%s: real %s out of range" % (where, word))
            if v != 0.0 and abs(v) < 1.175e-38:
                probs.add("6.1.13-t5", "%s: real %s too close to zero" % (where, word))
            t = Tok("real", v)
        else:
            t = Tok("keyword", word.decode("latin-1"))
        t.end = pos
        yield t
        if t.kind == "keyword" and t.value in ("endobj",) or (
                stop_at_stream and t.kind == "keyword" and t.value == "stream"):
            return


def parse_value(it):
    """Builds a Python value from a token iterator: dicts, lists, ('ref', n, g), scalars."""
    stack = []
    for t in it:
        if t.kind == "delim" and t.value in (b"<<", b"["):
            stack.append((t.value, []))
            continue
        if t.kind == "delim" and t.value in (b">>", b"]"):
            if not stack:
                return ("error", t)
            kind, items = stack.pop()
            if kind == b"<<":
                v = {}
                for k in range(0, len(items) - 1, 2):
                    if isinstance(items[k], Tok) and items[k].kind == "name":
                        v[items[k].value] = items[k + 1]
            else:
                v = items
            if not stack:
                return v
            stack[-1][1].append(v)
            continue
        if t.kind == "keyword" and t.value == "R" and stack:
            items = stack[-1][1]
            if len(items) >= 2 and all(isinstance(x, Tok) and x.kind == "int" for x in items[-2:]):
                g, num = items.pop(), items.pop()
                items.append(("ref", num.value, g.value))
                continue
        if not stack:
            return t
        stack[-1][1].append(t)
    return None


def name_of(v):
    return v.value if isinstance(v, Tok) and v.kind == "name" else None


# ---- cross-reference sections ----------------------------------------------------------------

def read_xref_table(data, off, probs):
    """Returns ({num: (offset, gen)}, trailer dict, prev) of a classic xref section at off."""
    entries = {}
    m = re.compile(rb"xref(\r\n|\r|\n)").match(data, off)
    if not m:
        probs.add("6.1.4-t2", "the xref keyword at %d is not followed by a single EOL" % off)
        m2 = re.compile(rb"xref[ \t\r\n]*").match(data, off)
        pos = m2.end()
    else:
        pos = m.end()
        if data[pos:pos + 1] in (b"\r", b"\n", b" "):
            probs.add("6.1.4-t2", "the xref keyword at %d is followed by more than one EOL" % off)
    while True:
        hm = re.compile(rb"[ \t\r\n]*(\d+) (\d+)[ \t]*(\r\n|\r|\n)").match(data, pos)
        if not hm:
            break
        first, count = int(hm.group(1)), int(hm.group(2))
        pos = hm.end()
        for k in range(count):
            e = data[pos:pos + 20]
            em = re.fullmatch(rb"(\d{10}) (\d{5}) ([nf])( \r| \n|\r\n)", e)
            if not em:
                probs.add("xref", "entry %d of the section at %d is not 20 bytes" % (first + k, off))
                return entries, {}, None
            if em.group(3) == b"n":
                entries[first + k] = (int(em.group(1)), int(em.group(2)))
            pos += 20
    tm = re.compile(rb"[ \t\r\n]*trailer").match(data, pos)
    if not tm:
        probs.add("xref", "no trailer after the xref section at %d" % off)
        return entries, {}, None
    trailer = parse_value(tokens(data, tm.end(), probs, "trailer at %d" % off))
    if not isinstance(trailer, dict):
        probs.add("xref", "the trailer at %d is not a dictionary" % off)
        return entries, {}, None
    prev = trailer.get("/Prev")
    return entries, trailer, prev.value if isinstance(prev, Tok) else None


def qpdf_offsets(path):
    """Object offsets from qpdf --show-xref (for files with cross-reference streams)."""
    out = subprocess.run(["qpdf", "--show-xref", path], capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"(\d+)/(\d+): uncompressed; offset = (\d+)", line)
        if m:
            res[int(m.group(1))] = (int(m.group(3)), int(m.group(2)))
    return res


# ---- objects -----------------------------------------------------------------------------------

OBJ_RE = re.compile(rb"(\d+)( +)(\d+)( +)obj")


def check_object(data, off, num, gen, objs_by_ref, probs, stats):
    where = "object %d %d at %d" % (num, gen, off)
    m = OBJ_RE.match(data, off)
    if not m or int(m.group(1)) != num or int(m.group(3)) != gen:
        probs.add("xref", "%s: the offset does not point to 'N G obj'" % where)
        return
    if m.group(2) != b" " or m.group(4) != b" ":
        probs.add("6.1.9-t1", "%s: not a single space in 'N G obj'" % where)
    if off > 0 and data[off - 1:off] not in (b"\r", b"\n"):
        probs.add("6.1.9-t1", "%s: no EOL before the object number" % where)
    if data[m.end():m.end() + 1] not in (b"\r", b"\n"):
        probs.add("6.1.9-t1", "%s: no EOL after 'obj'" % where)
    it = tokens(data, m.end(), probs, where)
    value = parse_value(it)
    nxt = next(it, None)
    if isinstance(value, dict) and nxt is not None and nxt.kind == "keyword" and nxt.value == "stream":
        stats["streams"] += 1
        check_stream(data, nxt.end, value, objs_by_ref, probs, where)
        return
    if nxt is None or not (nxt.kind == "keyword" and nxt.value == "endobj"):
        probs.add("6.1.9-t1", "%s: no endobj after the value" % where)
        return
    check_endobj(data, nxt.end, probs, where)


def check_endobj(data, end, probs, where):
    start = end - len("endobj")
    if data[start - 1:start] not in (b"\r", b"\n"):
        probs.add("6.1.9-t1", "%s: no EOL before endobj" % where)
    if data[end:end + 1] not in (b"\r", b"\n"):
        probs.add("6.1.9-t1", "%s: no EOL after endobj" % where)


def resolve_length(v, data, objs_by_ref, probs):
    if isinstance(v, Tok) and v.kind == "int":
        return v.value
    if isinstance(v, tuple) and v[0] == "ref" and v[1] in objs_by_ref:
        off = objs_by_ref[v[1]][0]
        m = OBJ_RE.match(data, off)
        if m:
            t = next(tokens(data, m.end(), Problems("-"), "length"), None)
            if t is not None and t.kind == "int":
                return t.value
    return None


def check_stream(data, after_kw, d, objs_by_ref, probs, where):
    if data[after_kw:after_kw + 2] == b"\r\n":
        start = after_kw + 2
    elif data[after_kw:after_kw + 1] == b"\n":
        start = after_kw + 1
    else:
        probs.add("6.1.7.1-t2", "%s: 'stream' not followed by CRLF or LF" % where)
        start = after_kw + (1 if data[after_kw:after_kw + 1] == b"\r" else 0)
    for k in ("/F", "/FFilter", "/FDecodeParms"):
        if k in d:
            probs.add("6.1.7.1-t3", "%s: the stream dictionary has %s" % (where, k))
    filters = d.get("/Filter")
    flist = filters if isinstance(filters, list) else [filters] if filters is not None else []
    for f in flist:
        fn = name_of(f)
        if fn is None or fn[1:] not in STD_FILTERS:
            probs.add("6.1.7.2-t1", "%s: filter %s is not a standard one" % (where, fn or f))
        elif fn == "/Crypt":
            probs.add("6.1.7.2-t1", "%s: Crypt filter" % where)
    length = resolve_length(d.get("/Length"), data, objs_by_ref, probs)
    if length is None:
        probs.add("6.1.7.1-t1", "%s: no usable /Length" % where)
        e = data.find(b"endstream", start)
    else:
        e = start + length
        # The data, an EOL, endstream.
        rest = data[e:e + 12]
        if rest.startswith(b"\r\nendstream"):
            e += 2
        elif rest.startswith(b"\nendstream") or rest.startswith(b"\rendstream"):
            e += 1
        elif rest.startswith(b"endstream"):
            probs.add("6.1.7.1-t2", "%s: 'endstream' not preceded by an EOL" % where)
        else:
            real = data.find(b"endstream", start)
            probs.add("6.1.7.1-t1", "%s: /Length %d but endstream is not there (found at +%d)"
                      % (where, length, real - start))
            e = real
    if e < 0:
        probs.add("6.1.7.1-t1", "%s: no endstream" % where)
        return
    it = tokens(data, e, probs, where)
    t = next(it, None)
    t2 = next(it, None)
    if t is None or t.value != "endstream" or t2 is None or t2.value != "endobj":
        probs.add("6.1.9-t1", "%s: no 'endstream endobj' after the data" % where)
        return
    check_endobj(data, t2.end, probs, where)


# ---- the file ----------------------------------------------------------------------------------

def check_file(path):
    probs = Problems(path)
    with open(path, "rb") as f:
        data = f.read()
    stats = {"objects": 0, "streams": 0, "revisions": 0}
    # 6.1.2
    m = re.match(rb"%PDF-1\.([0-9])(\r\n|\r|\n)", data)
    if not m or m.group(1) > b"7":
        probs.add("6.1.2-t1", "the header is not '%PDF-1.[0-7]' followed by one EOL at byte 0")
    else:
        b = data[m.end():m.end() + 5]
        if len(b) < 5 or b[0:1] != b"%" or any(x <= 127 for x in b[1:5]):
            probs.add("6.1.2-t2", "no '%' and four bytes > 127 after the header")
    # 6.1.3-t3
    last = data.rfind(b"%%EOF")
    if last < 0:
        probs.add("6.1.3-t3", "no %%EOF")
        return probs, stats
    tail = data[last + 5:]
    if tail not in (b"", b"\n", b"\r", b"\r\n"):
        probs.add("6.1.3-t3", "%d bytes after the last %%%%EOF" % len(tail))
    # the cross-reference chain
    sm = list(re.finditer(rb"startxref[ \t\r\n]+(\d+)", data[max(0, last - 64):last + 5]))
    if not sm:
        probs.add("xref", "no startxref before the last %%EOF")
        return probs, stats
    off = int(sm[-1].group(1))
    seen, sections, uses_streams = set(), [], False
    while off is not None and off not in seen and 0 <= off < len(data):
        seen.add(off)
        if data.startswith(b"xref", off):
            entries, trailer, prev = read_xref_table(data, off, probs)
        else:
            uses_streams = True
            entries, trailer, prev = {}, {}, None
            mm = OBJ_RE.match(data, off)
            if mm:
                it = tokens(data, mm.end(), probs, "xref stream at %d" % off)
                d = parse_value(it)
                if isinstance(d, dict):
                    trailer = d
                    p = d.get("/Prev")
                    prev = p.value if isinstance(p, Tok) else None
        sections.append((off, entries, trailer))
        off = prev
    stats["revisions"] = len(sections)
    if not sections:
        return probs, stats
    for _, _, trailer in sections:
        if "/Encrypt" in trailer:
            probs.add("6.1.3-t2", "a trailer has /Encrypt")
    idv = sections[0][2].get("/ID")
    if not (isinstance(idv, list) and len(idv) == 2
            and all(isinstance(x, Tok) and x.kind in ("string", "hexstring") and x.value
                    for x in idv)):
        probs.add("6.1.3-t1", "the last trailer has no /ID of two non-empty strings")
    # every object of every revision (newest first decides the current version)
    current = {}
    for _, entries, _ in reversed(sections):
        current.update(entries)
    if uses_streams:
        current.update(qpdf_offsets(path))
    if len(current) > 8388607:
        probs.add("6.1.13-t7", "more than 8388607 indirect objects")
    checked = set()
    for _, entries, _ in sections:
        for num, (o, gen) in sorted(entries.items()):
            if o in checked:
                continue
            checked.add(o)
            stats["objects"] += 1
            check_object(data, o, num, gen, current, probs, stats)
    if uses_streams:
        for num, (o, gen) in sorted(current.items()):
            if o not in checked:
                checked.add(o)
                stats["objects"] += 1
                check_object(data, o, num, gen, current, probs, stats)
    # 6.1.12: the catalog's /Perms
    root = sections[0][2].get("/Root")
    if isinstance(root, tuple) and root[1] in current:
        mm = OBJ_RE.match(data, current[root[1]][0])
        if mm:
            cat = parse_value(tokens(data, mm.end(), Problems("-"), "catalog"))
            perms = cat.get("/Perms") if isinstance(cat, dict) else None
            if isinstance(perms, tuple) and perms[1] in current:
                pm = OBJ_RE.match(data, current[perms[1]][0])
                perms = parse_value(tokens(data, pm.end(), Problems("-"), "perms")) if pm else None
            if isinstance(perms, dict):
                for k in perms:
                    if k not in ("/UR3", "/DocMDP"):
                        probs.add("6.1.12-t1", "the permissions dictionary has %s" % k)
    r = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if r.returncode != 0:
        probs.add("qpdf --check", (r.stdout + r.stderr).strip().splitlines()[-1])
    return probs, stats


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    bad = 0
    for path in argv:
        try:
            probs, stats = check_file(path)
        except OSError as e:
            print("%s: cannot read: %s" % (path, e))
            bad += 1
            continue
        if probs.items:
            bad += 1
            for line in probs.items[:40]:
                print(line)
            if len(probs.items) > 40:
                print("%s: ... %d more" % (path, len(probs.items) - 40))
        else:
            print("%s: ok (%d objects, %d streams, %d revisions)"
                  % (path, stats["objects"], stats["streams"], stats["revisions"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
