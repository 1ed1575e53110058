/*
 * bench/loops/loop_raw_epoll.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The in-process ping-pong (see common/loop_common.h) on raw epoll, in
 * C, edge-triggered: the floor every other loop is compared with.
 */

#include "loop_common.h"

static char buffer[BENCH_READ_BUFFER];

/* Writes all of data[0..size) on a non-blocking socket (a 64-byte echo
 * always fits; a full socket would be a bug in the loop). */
static void echo(int fd, const char* data, size_t size)
{
    while (size > 0)
    {
        ssize_t k = write(fd, data, size);
        if (k < 0)
        {
            if (errno == EINTR)
                continue;
            bench_die("echo write");
        }
        data += k;
        size -= (size_t)k;
    }
}

/* Waits, reads until would-block, echoes each chunk. */
static void serve(int ep, int fd, struct epoll_event* evs)
{
    int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0)
        bench_die("epoll_wait");
    for (int i = 0; i < n; ++i)
    {
        if (evs[i].data.u64 != 0)
            continue; /* an idle socket: never happens */
        for (;;)
        {
            ssize_t k = read(fd, buffer, sizeof buffer);
            if (k > 0)
            {
                echo(fd, buffer, (size_t)k);
                continue;
            }
            if (k < 0 && errno == EINTR)
                continue;
            if (k == 0 || errno != EAGAIN)
                bench_die("read");
            break; /* would-block: drained */
        }
    }
}

int main(int argc, char** argv)
{
    struct bench_loop_args args = bench_loop_parse(argc, argv);
    int sv[2];
    bench_loop_pair(sv);
    int ep = bench_loop_epoll();
    int* idle = bench_loop_idle(args.idle);
    for (long i = 0; i < args.idle; ++i)
        bench_loop_epoll_add(ep, idle[i], EPOLLIN | EPOLLET, (uint64_t)i + 1);
    bench_loop_epoll_add(ep, sv[1], EPOLLIN | EPOLLET, 0);
    struct epoll_event evs[64];
    BENCH_LOOP_RUN(args, sv[0], serve(ep, sv[1], evs));
    free(idle);
    return 0;
}
