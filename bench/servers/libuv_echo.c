/*
 * bench/servers/libuv_echo.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * A libuv echo server written the efficient way a user would: one read
 * buffer per connection handed out by alloc_cb (no malloc per read), and
 * uv_try_write first; only when the socket is full is the rest copied
 * into the connection's uv_write request, and reading pauses until it
 * completes (the read buffer is reused, so it must not be overwritten
 * under a pending write).
 */

#include "bench_common.h"

#include <uv.h>

struct conn
{
    uv_tcp_t tcp;
    uv_write_t write_req;
    char* pending;
    size_t pending_cap;
    char buffer[BENCH_READ_BUFFER];
};

static uv_loop_t* loop;
static uv_tcp_t server;
static uv_signal_t sigterm_handle;
static uv_signal_t sigint_handle;

static void on_close(uv_handle_t* h)
{
    struct conn* c = (struct conn*)h->data;
    free(c->pending);
    free(c);
}

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf)
{
    (void)suggested;
    struct conn* c = (struct conn*)h->data;
    *buf = uv_buf_init(c->buffer, sizeof c->buffer);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);

static void on_write(uv_write_t* req, int status)
{
    struct conn* c = (struct conn*)req->data;
    if (status < 0)
    {
        uv_close((uv_handle_t*)&c->tcp, on_close);
        return;
    }
    uv_read_start((uv_stream_t*)&c->tcp, on_alloc, on_read);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf)
{
    struct conn* c = (struct conn*)s->data;
    if (n < 0)
    {
        if (!uv_is_closing((uv_handle_t*)s))
            uv_close((uv_handle_t*)s, on_close);
        return;
    }
    if (n == 0)
        return;
    uv_buf_t b = uv_buf_init(buf->base, (unsigned)n);
    int w = uv_try_write(s, &b, 1);
    if (w == n)
        return;
    if (w < 0 && w != UV_EAGAIN)
    {
        uv_close((uv_handle_t*)s, on_close);
        return;
    }
    size_t done = w > 0 ? (size_t)w : 0;
    size_t rest = (size_t)n - done;
    if (c->pending_cap < rest)
    {
        free(c->pending);
        c->pending = (char*)malloc(rest);
        c->pending_cap = rest;
    }
    memcpy(c->pending, buf->base + done, rest);
    uv_read_stop(s);
    uv_buf_t p = uv_buf_init(c->pending, (unsigned)rest);
    c->write_req.data = c;
    uv_write(&c->write_req, s, &p, 1, on_write);
}

static void on_connection(uv_stream_t* srv, int status)
{
    if (status < 0)
        return;
    struct conn* c = (struct conn*)calloc(1, sizeof(struct conn));
    uv_tcp_init(loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(srv, (uv_stream_t*)&c->tcp) != 0)
    {
        uv_close((uv_handle_t*)&c->tcp, on_close);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    uv_read_start((uv_stream_t*)&c->tcp, on_alloc, on_read);
}

static void close_any(uv_handle_t* h, void* arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, h->type == UV_TCP && h != (uv_handle_t*)&server ? on_close : NULL);
}

static void on_signal(uv_signal_t* h, int signum)
{
    (void)h;
    (void)signum;
    uv_stop(loop);
}

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_raise_fd_limit();
    loop = uv_default_loop();
    uv_tcp_init(loop, &server);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", bench_port_arg(argc, argv), &addr);
    if (uv_tcp_bind(&server, (const struct sockaddr*)&addr, 0) != 0)
        bench_die("uv_tcp_bind");
    if (uv_listen((uv_stream_t*)&server, 1024, on_connection) != 0)
        bench_die("uv_listen");
    uv_signal_init(loop, &sigterm_handle);
    uv_signal_start(&sigterm_handle, on_signal, SIGTERM);
    uv_signal_init(loop, &sigint_handle);
    uv_signal_start(&sigint_handle, on_signal, SIGINT);
    struct sockaddr_in local;
    int len = sizeof local;
    uv_tcp_getsockname(&server, (struct sockaddr*)&local, &len);
    bench_announce(ntohs(local.sin_port));
    uv_run(loop, UV_RUN_DEFAULT);
    uv_walk(loop, close_any, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return 0;
}
