#!/usr/bin/env python3
#
# doc/check_snippets.py: every C++ block of a Markdown file is a snippet.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)
#
# Usage: check_snippets.py MARKDOWN SNIPPET_DIR
# Each ```c++ block of MARKDOWN must be, line for line, a tagged region
# ("// tag::NAME[]" to "// end::NAME[]") of a .cpp file in SNIPPET_DIR,
# with the marker lines of nested regions left out and the region's
# common indentation removed: what asciidoctor's include::[tag=NAME,
# indent=0] shows. The snippet files are compiled and run by the tests,
# so a README block that passes here is code that works. Prints each
# block that matches no region, then "N blocks checked, M not snippets";
# exits 1 if any is not.

import glob
import os
import re
import sys

MARKER = re.compile(r"^\s*// (tag|end)::([A-Za-z0-9_-]+)\[\]\s*$")


def dedent(lines):
    indents = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return [l[cut:] for l in lines]


def regions(path):
    """{tag: [lines]} of one snippet file, markers left out."""
    open_tags = {}
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            m = MARKER.match(line)
            if m:
                kind, name = m.groups()
                if kind == "tag":
                    open_tags[name] = []
                elif name in open_tags:
                    found[name] = dedent(open_tags.pop(name))
                continue
            for body in open_tags.values():
                body.append(line.rstrip())
    return found


def blocks(path):
    """(line number, [lines]) of each ```c++ block."""
    out = []
    current = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().split("\n"), 1):
            if current is None and line.strip() in ("```c++", "```cpp"):
                current = (number, [])
            elif current is not None and line.strip() == "```":
                out.append(current)
                current = None
            elif current is not None:
                current[1].append(line.rstrip())
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_snippets.py MARKDOWN SNIPPET_DIR")
    markdown, snippet_dir = sys.argv[1:]
    known = []
    for path in sorted(glob.glob(os.path.join(snippet_dir, "*.cpp"))):
        for name, body in regions(path).items():
            known.append((os.path.basename(path), name, body))
    checked = bad = 0
    for number, body in blocks(markdown):
        checked += 1
        if not any(body == region for _, _, region in known):
            bad += 1
            print(f"{markdown}:{number}: this c++ block is not a tagged region of "
                  f"{snippet_dir}/*.cpp (first line: {body[0] if body else ''!r})")
    print(f"{checked} blocks checked, {bad} not snippets")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
