#!/usr/bin/env python3
#
# doc/check_doc_declarations.py: the reference's declarations are the API.
#
# Distributed under the Boost Software License, Version 1.0.
# (See accompanying file LICENSE_1_0.txt or copy at
# http://www.boost.org/LICENSE_1_0.txt)
#
# Usage: check_doc_declarations.py INCLUDE_DIR -- COMPILER ARGS...
# The socket and pipe types declare, under BOOST_MIO_DOXYGEN, the members
# they inherit from detail:: bases, so that the reference shows them; the
# compiler never sees those declarations. This script turns each one into
# a check the compiler does see: a static_cast of the real member to a
# pointer of the declared type (template members instantiated with Asio's
# buffer types), or an is_same for a type alias. It writes them into one
# file, runs COMPILER ARGS... -fsyntax-only on it, and fails if it does
# not compile: a documented signature that is not the real one.

import os
import re
import subprocess
import sys
import tempfile

BLOCK = re.compile(r"^class (\w+)\b.*?^public:\n#if defined\(BOOST_MIO_DOXYGEN\)\n(.*?)^#endif",
                   re.M | re.S)
TEMPLATE_ARG = {"MutableBufferSequence": "boost::asio::mutable_buffer",
                "ConstBufferSequence": "boost::asio::const_buffer"}


def declarations(body):
    """Each declaration of a block, comments dropped, joined on one line."""
    text = "\n".join(l for l in body.split("\n") if not l.strip().startswith("//"))
    return [" ".join(d.split()) for d in text.split(";") if d.strip()]


def check(cls, decl):
    m = re.match(r"using (\w+) = (.+)$", decl)
    if m:
        return (f"static_assert(std::is_same<{cls}::{m.group(1)}, {m.group(2)}>::value, "
                f"\"{cls}::{m.group(1)}\");")
    if decl.startswith("static constexpr"):
        name, value = re.match(r"static constexpr \w+ (\w+) = (.+)$", decl).groups()
        return f"static_assert({cls}::{name} == {value}, \"{cls}::{name}\");"
    tparam = None
    m = re.match(r"template <class (\w+)> (.+)$", decl)
    if m:
        tparam, decl = m.groups()
    m = re.match(r"(?P<ret>.+?)\b(?P<name>\w+)\((?P<params>.*)\)(?P<quals>[^()]*)$", decl)
    if not m:
        raise SystemExit(f"cannot read the declaration: {decl}")
    params = []
    for p in filter(None, (p.strip() for p in m["params"].split(","))):
        p = p.split("=")[0].strip()
        params.append(re.sub(r"\s*\b\w+$", "", p))   # drop the parameter's name
    sig = f"{m['ret'].strip()} ({cls}::*)({', '.join(params)}) {m['quals'].strip()}"
    # The class's own aliases, as the declarations use them unqualified.
    sig = re.sub(r"(?<![\w:])(native_handle_type|endpoint_type|protocol_type)\b",
                 cls + r"::\1", sig)
    if tparam:
        sig = sig.replace(tparam, TEMPLATE_ARG[tparam])
    return f"(void)static_cast<{sig}>(&{cls}::{m['name']});"


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: check_doc_declarations.py INCLUDE_DIR -- COMPILER ARGS...")
    include, compiler = sys.argv[1], sys.argv[3:]
    lines = ["#include <boost/mio.hpp>", "#include <type_traits>",
             "namespace mio = boost::mio;", "using namespace boost::mio;",
             "using namespace boost::mio::net;",
             "using boost::mio::registry; using boost::mio::interest;", "void checks() {"]
    count = 0
    for header in ("net/tcp_listener.hpp", "net/tcp_stream.hpp", "net/udp_socket.hpp",
                   "net/unix_listener.hpp", "net/unix_stream.hpp", "net/unix_datagram.hpp",
                   "posix/pipe.hpp"):
        with open(os.path.join(include, "boost/mio", header), encoding="utf-8") as f:
            text = f.read()
        ns = "boost::mio::posix" if header.startswith("posix") else "boost::mio::net"
        for cls, body in BLOCK.findall(text):
            for decl in declarations(body):
                lines.append("    " + check(f"{ns}::{cls}", decl))
                count += 1
    lines.append("}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "doc_declarations.cpp")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        result = subprocess.run([*compiler, path], capture_output=True, text=True)
    sys.stdout.write(result.stdout + result.stderr)
    print(f"{count} documented declarations checked against the real API: "
          f"{'ok' if result.returncode == 0 else 'MISMATCH'}")
    return 0 if result.returncode == 0 and count > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
