/*
 * bench/loops/loop_libuv.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The in-process ping-pong (see common/loop_common.h) on libuv: the
 * library end is a uv_pipe_t reading into one buffer; the read callback
 * echoes each chunk with uv_try_write. libuv polls level-triggered and
 * stops reading after a short read instead of reading to would-block.
 */

#include "loop_common.h"

#include <uv.h>

static char buffer[BENCH_READ_BUFFER];
static char idle_buffer[16];
static long done;

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf)
{
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(buffer, sizeof buffer);
}

static void on_idle_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf)
{
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(idle_buffer, sizeof idle_buffer);
}

static void on_idle_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf)
{
    (void)s;
    (void)n;
    (void)buf;
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf)
{
    if (n < 0)
        bench_die("read_cb");
    if (n == 0)
        return;
    uv_buf_t b = uv_buf_init(buf->base, (unsigned)n);
    if (uv_try_write(s, &b, 1) != n)
        bench_die("uv_try_write");
    ++done;
}

int main(int argc, char** argv)
{
    struct bench_loop_args args = bench_loop_parse(argc, argv);
    uv_loop_t* loop = uv_default_loop();
    int sv[2];
    bench_loop_pair(sv);
    int* idle_fds = bench_loop_idle(args.idle);
    static uv_pipe_t* idle; /* static: reachable until exit */
    idle = (uv_pipe_t*)calloc((size_t)(args.idle > 0 ? args.idle : 1), sizeof(uv_pipe_t));
    for (long i = 0; i < args.idle; ++i)
    {
        uv_pipe_init(loop, &idle[i], 0);
        uv_pipe_open(&idle[i], idle_fds[i]);
        uv_read_start((uv_stream_t*)&idle[i], on_idle_alloc, on_idle_read);
    }
    uv_pipe_t active;
    uv_pipe_init(loop, &active, 0);
    uv_pipe_open(&active, sv[1]);
    uv_read_start((uv_stream_t*)&active, on_alloc, on_read);
    long target = 0;
    BENCH_LOOP_RUN(args, sv[0], {
        ++target;
        while (done < target)
            uv_run(loop, UV_RUN_ONCE);
    });
    free(idle_fds);
    return 0;
}
