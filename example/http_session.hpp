//
// example/http_session.hpp: the HTTP/1.1 side of one connection, with no
// I/O of its own: bytes read go in, response bytes come out. Used by
// http_server.cpp (on Boost.Mio) and by bench/servers/asio_http.cpp (the
// same server on plain Boost.Asio), so the two answer byte for byte alike.
//
// Distributed under the Boost Software License, Version 1.0.
// (See accompanying file LICENSE_1_0.txt or copy at
// http://www.boost.org/LICENSE_1_0.txt)
//
// What it serves: GET / (a fixed 14-byte body), GET /bytes/N (N bytes,
// N <= 1 GiB, a repeating "a".."z"), 404 for any other target, 405 for any
// other method. Keep-alive is HTTP/1.1's default and HTTP/1.0's only with
// "Connection: keep-alive"; "Connection: close" ends it in either.
// Pipelined requests are answered in order. A request body announced by
// Content-Length is read and dropped; Transfer-Encoding gets 501.
//
// Everything is bounded, whatever the client does:
//  - input: a request head (request line and headers) must fit in
//    max_head bytes, else 431 and close; the input buffer is that size;
//  - output: no more requests are parsed while max_output bytes are
//    waiting to be sent, and a /bytes/N body is generated as the output
//    drains, never whole. A client that pipelines requests and reads
//    late stops being read (its own sends then block), nothing grows.
// Malformed requests (and HTTP/1.1 ones without Host) get 400 and an
// unsupported HTTP version 505, then the connection closes after the
// response.

#ifndef BOOST_MIO_EXAMPLE_HTTP_SESSION_HPP
#define BOOST_MIO_EXAMPLE_HTTP_SESSION_HPP

#include <boost/asio/buffer.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

class http_session
{
public:
    static constexpr std::size_t max_head = 8 * 1024;
    static constexpr std::size_t max_output = 64 * 1024;
    static constexpr std::size_t max_bytes = std::size_t(1) << 30; // GET /bytes/N

    // Where the next read goes; empty while no input is wanted (output
    // is full, the last response is queued, or the peer ended its stream).
    boost::asio::mutable_buffer read_space()
    {
        if (closing_ || input_ended_ || output_size() >= max_output)
            return {};
        if (begin_ != 0) // keep the unparsed rest at the front
        {
            std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            scanned_ -= std::min(scanned_, begin_);
            begin_ = 0;
        }
        return boost::asio::buffer(in_.data() + end_, in_.size() - end_);
    }
    void commit_read(std::size_t n) { end_ += n; }
    void end_of_input() { input_ended_ = true; }
    bool input_ended() const { return input_ended_; }

    // Turns complete requests into response bytes while the output has
    // room. True if it stopped for want of room, so that there may be more
    // to produce once the output is sent.
    bool produce()
    {
        while (output_size() < max_output)
        {
            if (body_left_ != 0)
                fill_body();
            else if (closing_)
                return false;
            else if (skip_ != 0)
            {
                const std::size_t n = std::min(skip_, end_ - begin_);
                begin_ += n;
                skip_ -= n;
                if (skip_ != 0)
                {
                    closing_ = input_ended_; // the body will never be complete
                    return false;
                }
            }
            else if (!parse_one())
                return false;
        }
        return true;
    }

    // The response bytes to send next (empty when none are waiting).
    boost::asio::const_buffer output() const
    {
        return boost::asio::buffer(out_.data() + sent_, out_.size() - sent_);
    }
    std::size_t output_size() const { return out_.size() - sent_; }
    void consume_output(std::size_t n)
    {
        sent_ += n;
        if (sent_ == out_.size())
        {
            out_.clear();
            sent_ = 0;
        }
    }

    // True once every response owed is sent and the connection is to end.
    bool done() const { return closing_ && body_left_ == 0 && output_size() == 0; }

private:
    // Parses and answers one request; false when none is complete yet.
    bool parse_one()
    {
        const std::string_view in(in_.data() + begin_, end_ - begin_);
        const std::size_t from = scanned_ > begin_ + 3 ? scanned_ - begin_ - 3 : 0;
        const std::size_t head_end = in.find("\r\n\r\n", from);
        if (head_end == std::string_view::npos)
        {
            scanned_ = end_;
            if (in.size() >= max_head)
                fail(431, "Request Header Fields Too Large");
            else if (input_ended_)
                closing_ = true; // an incomplete request, or none: nothing to answer
            return closing_;
        }
        handle(in.substr(0, head_end + 2));
        begin_ += head_end + 4;
        scanned_ = begin_;
        return true;
    }

    // One request head (request line and header lines, each ending CRLF).
    void handle(std::string_view head)
    {
        const std::size_t line_end = head.find("\r\n");
        const std::string_view line = head.substr(0, line_end);
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
        if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos
            || sp1 == 0 || sp2 == sp1 + 1)
            return fail(400, "Bad Request");
        const std::string_view method = line.substr(0, sp1);
        const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        const std::string_view version = line.substr(sp2 + 1);
        if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.'
            || !std::isdigit(static_cast<unsigned char>(version[5]))
            || !std::isdigit(static_cast<unsigned char>(version[7])))
            return fail(400, "Bad Request");
        if (version[5] != '1')
            return fail(505, "HTTP Version Not Supported");
        bool keep_alive = version[7] != '0';
        bool close = false, keep = false, chunked = false, host = false;
        std::size_t content_length = 0;
        for (std::size_t at = line_end + 2; at < head.size();)
        {
            const std::size_t end = head.find("\r\n", at);
            const std::string_view field = head.substr(at, end - at);
            at = end + 2;
            const std::size_t colon = field.find(':');
            if (colon == std::string_view::npos || colon == 0)
                return fail(400, "Bad Request");
            const std::string_view name = field.substr(0, colon);
            if (name.find_first_of(" \t") != std::string_view::npos)
                return fail(400, "Bad Request"); // no space before the colon (RFC 9112)
            const std::string_view value = trim(field.substr(colon + 1));
            if (iequals(name, "Host"))
                host = true;
            else if (iequals(name, "Connection"))
                for_each_token(value, [&](std::string_view t) {
                    close = close || iequals(t, "close");
                    keep = keep || iequals(t, "keep-alive");
                });
            else if (iequals(name, "Transfer-Encoding"))
                chunked = true;
            else if (iequals(name, "Content-Length") && !parse_size(value, content_length))
                return fail(400, "Bad Request");
        }
        if (!host && version[7] != '0')
            return fail(400, "Bad Request"); // HTTP/1.1 requires Host
        if (chunked)
            return fail(501, "Not Implemented");
        keep_alive = close ? false : keep_alive || keep;
        skip_ = content_length;
        respond(method, target, keep_alive, version[7] == '0' && keep_alive);
    }

    void respond(std::string_view method, std::string_view target, bool keep_alive, bool say_keep_alive)
    {
        std::size_t n = 0;
        if (method != "GET")
            head(405, "Method Not Allowed", 0, keep_alive, say_keep_alive, "Allow: GET\r\n");
        else if (target == "/")
        {
            head(200, "OK", hello.size(), keep_alive, say_keep_alive);
            out_ += hello;
        }
        else if (target.substr(0, 7) == "/bytes/" && parse_size(target.substr(7), n) && n <= max_bytes)
        {
            head(200, "OK", n, keep_alive, say_keep_alive);
            body_left_ = n;
            body_offset_ = 0;
        }
        else
        {
            head(404, "Not Found", not_found.size(), keep_alive, say_keep_alive);
            out_ += not_found;
        }
        closing_ = !keep_alive;
    }

    // An error response, after which the connection closes.
    void fail(int status, const char* reason)
    {
        head(status, reason, 0, false, false);
        closing_ = true;
    }

    void head(int status, const char* reason, std::size_t length, bool keep_alive, bool say_keep_alive,
        const char* extra = "")
    {
        out_ += "HTTP/1.1 ";
        out_ += std::to_string(status);
        out_ += ' ';
        out_ += reason;
        out_ += "\r\n";
        out_ += date_line();
        out_ += "Content-Type: text/plain\r\nContent-Length: ";
        out_ += std::to_string(length);
        out_ += "\r\n";
        out_ += extra;
        if (!keep_alive)
            out_ += "Connection: close\r\n";
        else if (say_keep_alive)
            out_ += "Connection: keep-alive\r\n";
        out_ += "\r\n";
    }

    // Appends the next part of a /bytes/N body: byte i is 'a' + i % 26.
    void fill_body()
    {
        static const std::string alphabet = [] {
            std::string s;
            for (std::size_t i = 0; i < 26 * 256; ++i)
                s += static_cast<char>('a' + i % 26);
            return s;
        }();
        std::size_t room = max_output - std::min(max_output, output_size());
        while (body_left_ != 0 && room != 0)
        {
            const std::size_t n = std::min({body_left_, room, alphabet.size() - 26});
            out_.append(alphabet, body_offset_ % 26, n);
            body_offset_ += n;
            body_left_ -= n;
            room -= n;
        }
    }

    // "Date: ..." as HTTP wants it; formatted once per second.
    static const std::string& date_line()
    {
        thread_local std::time_t cached_at = 0;
        thread_local std::string line;
        const std::time_t now = std::time(nullptr);
        if (now != cached_at)
        {
            std::tm tm{};
#if defined(_WIN32)
            ::gmtime_s(&tm, &now); // gmtime_r's thread-safe counterpart there
#else
            ::gmtime_r(&now, &tm);
#endif
            char b[64];
            std::strftime(b, sizeof b, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
            line = b;
            cached_at = now;
        }
        return line;
    }

    static std::string_view trim(std::string_view s)
    {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
            s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
            s.remove_suffix(1);
        return s;
    }

    static bool iequals(std::string_view a, std::string_view b)
    {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
        });
    }

    template <class F>
    static void for_each_token(std::string_view list, F f)
    {
        while (!list.empty())
        {
            const std::size_t comma = list.find(',');
            f(trim(list.substr(0, comma)));
            list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
        }
    }

    // A decimal number of at most 12 digits (no sign, no spaces).
    static bool parse_size(std::string_view s, std::size_t& n)
    {
        if (s.empty() || s.size() > 12)
            return false;
        n = 0;
        for (char c : s)
        {
            if (c < '0' || c > '9')
                return false;
            n = n * 10 + static_cast<std::size_t>(c - '0');
        }
        return true;
    }

    static constexpr std::string_view hello = "Hello, World!\n";
    static constexpr std::string_view not_found = "Not Found\n";

    std::vector<char> in_ = std::vector<char>(max_head);
    std::size_t begin_ = 0, end_ = 0; // unparsed input: in_[begin_, end_)
    std::size_t scanned_ = 0;         // searched for the end of a head up to here
    std::size_t skip_ = 0;            // request body bytes still to drop
    std::string out_;
    std::size_t sent_ = 0;
    std::size_t body_left_ = 0, body_offset_ = 0;
    bool closing_ = false; // the last response is queued
    bool input_ended_ = false;
};

#endif // BOOST_MIO_EXAMPLE_HTTP_SESSION_HPP
