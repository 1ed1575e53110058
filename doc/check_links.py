#!/usr/bin/env python3
#
# doc/check_links.py: every local link of the generated manual resolves.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)
#
# Usage: check_links.py HTML_DIR. Reads every .html file under HTML_DIR;
# each href/src that is not an absolute URL (http:, https:, mailto:,
# javascript:, data:) must name a file that exists, and its #fragment, if
# any, an id (or <a name>) in that file. Prints each broken link, then
# "N links checked, M broken"; exits 1 if any is broken.

import html.parser
import os
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []   # (line, url)
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append((self.getpos()[0], value))
            elif name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value)


def parse(path, cache):
    if path not in cache:
        page = Page()
        with open(path, encoding="utf-8", errors="replace") as f:
            page.feed(f.read())
        cache[path] = page
    return cache[path]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_links.py HTML_DIR")
    root = os.path.abspath(sys.argv[1])
    cache = {}
    checked = broken = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(dirpath, name)
            for line, url in parse(path, cache).links:
                parts = urllib.parse.urlsplit(url)
                if parts.scheme or url.startswith("//"):
                    continue   # external: not this build's to check
                checked += 1
                target = path
                if parts.path:
                    target = os.path.normpath(
                        os.path.join(dirpath, urllib.parse.unquote(parts.path)))
                problem = None
                if not os.path.isfile(target):
                    problem = "no such file"
                elif parts.fragment and target.endswith(".html"):
                    if urllib.parse.unquote(parts.fragment) not in parse(target, cache).anchors:
                        problem = "no such anchor"
                if problem:
                    broken += 1
                    print(f"{os.path.relpath(path, root)}:{line}: {url}: {problem}")
    print(f"{checked} links checked, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
