#!/usr/bin/env python3
"""Translate the neutral spec (../shared/bench/gen.py) into a Stead manifest for `stead apply`.

Usage: to_stead.py spec.json > site.groovy

One `file` resource per entry in the closure-free named-argument form
(`file('/p', ensure: 'file', content: '...', mode: '0644')`), which compiles several times
faster than one closure per resource. Parent directories are ordered automatically by the
agent (a file requires its managed parent directory), so no explicit edges are written.
Strings are single-quoted Groovy literals (no interpolation), escaped.
"""
import json
import sys


def q(s):
    return "'" + (s.replace("\\", "\\\\").replace("'", "\\'")
                  .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")) + "'"


def main():
    spec = json.load(open(sys.argv[1]))
    w = sys.stdout.write
    for r in spec:
        t = r["type"]
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
