/*
 * bench/loops/loop_libevent.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The in-process ping-pong (see common/loop_common.h) on libevent's
 * event API: a persistent edge-triggered read event whose callback reads
 * until would-block and echoes each chunk, one event_base_loop(ONCE) per
 * round trip.
 */

#include "loop_common.h"

#include <event2/event.h>

static char buffer[BENCH_READ_BUFFER];
static long done;

static void on_idle(evutil_socket_t fd, short what, void* arg)
{
    (void)fd;
    (void)what;
    (void)arg;
}

static void on_read(evutil_socket_t fd, short what, void* arg)
{
    (void)what;
    (void)arg;
    for (;;)
    {
        ssize_t k = read(fd, buffer, sizeof buffer);
        if (k > 0)
        {
            if (write(fd, buffer, (size_t)k) != k)
                bench_die("echo write");
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k == 0 || errno != EAGAIN)
            bench_die("read");
        break;
    }
    ++done;
}

int main(int argc, char** argv)
{
    struct bench_loop_args args = bench_loop_parse(argc, argv);
    struct event_base* base = event_base_new();
    int sv[2];
    bench_loop_pair(sv);
    int* idle_fds = bench_loop_idle(args.idle);
    for (long i = 0; i < args.idle; ++i)
        event_add(event_new(base, idle_fds[i], EV_READ | EV_PERSIST | EV_ET, on_idle, NULL), NULL);
    struct event* active = event_new(base, sv[1], EV_READ | EV_PERSIST | EV_ET, on_read, NULL);
    event_add(active, NULL);
    long target = 0;
    BENCH_LOOP_RUN(args, sv[0], {
        ++target;
        while (done < target)
            event_base_loop(base, EVLOOP_ONCE);
    });
    free(idle_fds);
    return 0;
}
