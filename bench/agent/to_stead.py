#!/usr/bin/env python3
"""Translate the neutral spec (../shared/bench/gen.py) into a Stead manifest for `stead apply`.

Usage: to_stead.py [--closures] spec.json > site.groovy

One `file` resource per entry, one line each, in the named-argument form
(`file('/p', ensure: 'file', content: '...', mode: '0644')`) or, with --closures, in the
documented form with a body (`file('/p') { ensure 'file'; content '...'; mode '0644' }`). Parent directories are ordered automatically by the
agent (a file requires its managed parent directory), so no explicit edges are written.
Strings are single-quoted Groovy literals (no interpolation), escaped.
"""
import json
import sys


def q(s):
    return "'" + (s.replace("\\", "\\\\").replace("'", "\\'")
                  .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")) + "'"


def main():
    args = sys.argv[1:]
    closures = args[:1] == ["--closures"]
    spec = json.load(open(args[-1]))
    w = sys.stdout.write
    for r in spec:
        t = r["type"]
        if closures:
            params = [("ensure", q(t if t != "link" else "link"))]
            if t == "link":
                params.append(("target", q(r["target"])))
            else:
                params.append(("mode", q(r["mode"])))
            if t == "file":
                params.append(("content", q(r["content"])))
            w("file(%s) { %s }\n" % (q(r["path"]), "; ".join("%s %s" % p for p in params)))
            continue
        if t == "directory":
            w("file(%s, ensure: 'directory', mode: %s)\n" % (q(r["path"]), q(r["mode"])))
        elif t == "file":
            w("file(%s, ensure: 'file', mode: %s, content: %s)\n"
              % (q(r["path"]), q(r["mode"]), q(r["content"])))
        elif t == "link":
            w("file(%s, ensure: 'link', target: %s)\n" % (q(r["path"]), q(r["target"])))
        else:
            sys.exit("unknown resource type %r" % t)


if __name__ == "__main__":
    main()
