#!/usr/bin/env python3
#
# doc/check_browser.py: the manual as a browser shows it.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)
#
# Usage: check_browser.py HTML_DIR
# Serves HTML_DIR on 127.0.0.1 (an ephemeral port) and loads the index and
# one reference page in headless Chromium (Debian's `chromium`). Each page
# must come back with its navigation in the rendered DOM (after the
# scripts ran: Doxygen builds its menu in JavaScript) and must not ask the
# server for anything it does not have: every request the page makes
# (stylesheets, scripts, images) is logged by the server, and one answered
# 404 fails the check. A screenshot of each page is kept in HTML_DIR/../
# (screenshot-<page>.png). Exits 1 on any failure.

import functools
import http.server
import os
import subprocess
import sys
import threading

PAGES = [
    # (path, text the rendered DOM must contain: the navigation)
    ("index.html", 'id="mio-nav"'),
    ("reference/classboost_1_1mio_1_1poll.html", 'id="main-menu"'),
]


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    requests = []   # (path, status), shared by every request

    def log_request(self, code="-", size="-"):
        LoggingHandler.requests.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, *args):
        pass


def chromium(*args):
    # --no-sandbox: CI runs as root. The timeout keeps a hung browser from
    # hanging the stage.
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--hide-scrollbars", "--window-size=1280,900", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_browser.py HTML_DIR")
    root = os.path.abspath(sys.argv[1])
    out = os.path.dirname(root)
    handler = functools.partial(LoggingHandler, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failures = 0
    for page, nav in PAGES:
        LoggingHandler.requests.clear()
        dom = chromium("--virtual-time-budget=5000", "--dump-dom", base + page)
        loaded = list(LoggingHandler.requests)
        # The browser asks for /favicon.ico by itself; no page links it.
        missing = [path for path, status in loaded if status >= 400 and path != "/favicon.ico"]
        shot = os.path.join(out, "screenshot-" + os.path.basename(page).replace(".html", ".png"))
        chromium(f"--screenshot={shot}", base + page)
        problems = []
        if dom.returncode != 0:
            problems.append(f"chromium exited with {dom.returncode}")
        if nav not in dom.stdout:
            problems.append(f"no navigation ({nav}) in the rendered page")
        if not any(path.endswith(page) and status == 200 for path, status in loaded):
            problems.append("the page itself was not served")
        if missing:
            problems.append("missing resources: " + ", ".join(missing))
        if not os.path.isfile(shot):
            problems.append("no screenshot")
        print(f"{'FAIL' if problems else 'ok  '} {page}: {len(loaded)} requests, "
              f"screenshot {os.path.relpath(shot, out)}" + "".join("; " + p for p in problems))
        failures += bool(problems)
    server.shutdown()
    print(f"{len(PAGES) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
