#!/usr/bin/env python3
"""Decode Go's `go test fuzz v1` corpus files into raw byte files.

Usage: decode_go_corpus.py OUT_DIR FILE...

Each input file looks like:
    go test fuzz v1
    []byte("go 1.22 trace\\x00...")
Only []byte(...) values are decoded (one output file per value); other value
types are skipped. The literal is a Go interpreted string literal (or a raw
`backquoted` literal), decoded byte-exactly.
"""
import os
import sys

SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
          "\\": 92, "'": 39, '"': 34}


def decode_go_string(lit: str) -> bytes:
    if lit.startswith("`") and lit.endswith("`"):
        return lit[1:-1].replace("\r", "").encode("utf-8")
    if not (lit.startswith('"') and lit.endswith('"')) or len(lit) < 2:
        raise ValueError("not a Go string literal: %r" % lit[:40])
    s = lit[1:-1]
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        i += 1
        e = s[i]
        if e in SIMPLE:
            out.append(SIMPLE[e]); i += 1
        elif e == "x":
            out.append(int(s[i + 1:i + 3], 16)); i += 3
        elif e in "01234567":
            out.append(int(s[i:i + 3], 8) & 0xFF); i += 3
        elif e == "u":
            out += chr(int(s[i + 1:i + 5], 16)).encode("utf-8"); i += 5
        elif e == "U":
            out += chr(int(s[i + 1:i + 9], 16)).encode("utf-8"); i += 9
        else:
            raise ValueError("bad escape \\%s" % e)
    return bytes(out)


def decode_file(path: str):
    with open(path, "r", encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0].strip() != "go test fuzz v1":
        raise ValueError("%s: not a go test fuzz v1 file" % path)
    values = []
    for line in lines[1:]:
        line = line.strip()
        if line.startswith("[]byte(") and line.endswith(")"):
            values.append(decode_go_string(line[len("[]byte("):-1]))
    return values


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    n = 0
    for path in argv[2:]:
        try:
            values = decode_file(path)
        except (ValueError, UnicodeDecodeError) as e:
            print("skip %s: %s" % (path, e), file=sys.stderr)
            continue
        for k, v in enumerate(values):
            name = "go-" + os.path.basename(path) + ("" if k == 0 else "-%d" % k)
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(v)
            n += 1
    print("decoded %d Go corpus inputs into %s" % (n, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
