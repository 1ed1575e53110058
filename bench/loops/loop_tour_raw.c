/*
 * bench/loops/loop_tour_raw.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * loop_tour.cpp on raw epoll, in C, line for line: the library end
 * registered EPOLLIN | EPOLLOUT | EPOLLET, read(2) until EAGAIN on a
 * readable event, each chunk echoed with write(2). The floor the tour's
 * loop is compared with. The IDLE argument is ignored (always 0).
 */

#include "loop_common.h"

static char buf[BENCH_READ_BUFFER];

static void serve(int ep, int fd, struct epoll_event* events)
{
    int count = epoll_wait(ep, events, 128, -1);
    if (count < 0)
        bench_die("epoll_wait");
    for (int i = 0; i < count; ++i)
    {
        if (events[i].data.u64 != 0 || !(events[i].events & EPOLLIN))
            continue;
        for (;;) /* drain to EAGAIN */
        {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0 && errno == EAGAIN)
                break;
            if (n <= 0)
                bench_die("read");
            const char* p = buf;
            while (n > 0)
            {
                ssize_t k = write(fd, p, (size_t)n);
                if (k < 0)
                    bench_die("write");
                p += k;
                n -= k;
            }
        }
    }
}

int main(int argc, char** argv)
{
    struct bench_loop_args args = bench_loop_parse(argc, argv);
    int sv[2];
    bench_loop_pair(sv);
    int ep = bench_loop_epoll();
    bench_loop_epoll_add(ep, sv[1], EPOLLIN | EPOLLOUT | EPOLLET, 0);
    struct epoll_event events[128];
    BENCH_LOOP_RUN(args, sv[0], serve(ep, sv[1], events));
    return 0;
}
