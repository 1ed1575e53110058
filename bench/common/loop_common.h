/*
 * bench/common/loop_common.h
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The frame of the in-process ping-pong loops (bench/loops/), identical
 * for every implementation. One thread, one stream socket pair:
 *
 *   peer end (raw fd, blocking)      library end (non-blocking)
 *   write 64 bytes  ───────────────►  wait for readiness, read until
 *                                     would-block, echo each chunk
 *   read 64 bytes   ◄───────────────
 *
 * That is one round trip. Usage: loop_<impl> N [IDLE [WARMUP]]: WARMUP
 * round trips (default 1000), then N timed ones; IDLE idle sockets are
 * registered beside the active one (IDLE/2 socket pairs, both ends
 * registered: RLIMIT_NOFILE here is 20,000, so 10,000 idle sockets fit
 * but 10,000 pairs would not). Prints
 *   ns_per_rt=... round_trips=N idle=IDLE
 *
 * Under callgrind the user-space instructions of one round trip are
 * (Ir(N2) - Ir(N1)) / (N2 - N1): start-up, warm-up and set-up cancel.
 */

#ifndef BENCH_LOOP_COMMON_H
#define BENCH_LOOP_COMMON_H

#include "bench_common.h"

#include <sys/epoll.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_MESSAGE_SIZE 64

struct bench_loop_args
{
    long n;
    long idle;
    long warmup;
};

static inline struct bench_loop_args bench_loop_parse(int argc, char** argv)
{
    struct bench_loop_args a;
    if (argc < 2)
    {
        fprintf(stderr, "usage: %s N [IDLE [WARMUP]]\n", argv[0]);
        exit(2);
    }
    a.n = atol(argv[1]);
    a.idle = argc > 2 ? atol(argv[2]) : 0;
    a.warmup = argc > 3 ? atol(argv[3]) : 1000;
    bench_raise_fd_limit();
    bench_ignore_sigpipe();
    return a;
}

/* A socket pair: sv[0] the blocking raw peer, sv[1] the non-blocking
 * library end. */
static inline void bench_loop_pair(int sv[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        bench_die("socketpair");
    fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
}

/* IDLE non-blocking sockets (IDLE/2 pairs), into fds[0..IDLE); the
 * caller frees the array (the sockets stay open until exit). */
static inline int* bench_loop_idle(long idle)
{
    int* fds = (int*)calloc((size_t)(idle > 0 ? idle : 1), sizeof(int));
    for (long i = 0; i + 1 < idle; i += 2)
    {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds + i) < 0)
            bench_die("socketpair (idle)");
    }
    if (idle % 2 == 1)
    {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
            bench_die("socketpair (idle)");
        fds[idle - 1] = sv[0]; /* sv[1] stays open, unregistered */
    }
    return fds;
}

/* For the raw epoll loops: a new epoll instance, and `fd` added to it
 * with `events` (EPOLLET included by the caller) under `token`. */
static inline int bench_loop_epoll(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        bench_die("epoll_create1");
    return ep;
}

static inline void bench_loop_epoll_add(int ep, int fd, uint32_t events, uint64_t token)
{
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        bench_die("epoll_ctl");
}

/* The peer's half of round trip i; `serve` is the library's half. */
#define BENCH_LOOP_RUN(args, peer_fd, serve)                                  \
    do                                                                        \
    {                                                                         \
        char bench_msg_[BENCH_MESSAGE_SIZE];                                  \
        char bench_rx_[BENCH_MESSAGE_SIZE];                                   \
        memset(bench_msg_, 'm', sizeof bench_msg_);                           \
        int64_t bench_t0_ = 0;                                                \
        const long bench_total_ = (args).warmup + (args).n;                   \
        for (long bench_i_ = 0; bench_i_ < bench_total_; ++bench_i_)          \
        {                                                                     \
            if (bench_i_ == (args).warmup)                                    \
                bench_t0_ = bench_now_ns();                                   \
            bench_write_all((peer_fd), bench_msg_, sizeof bench_msg_);        \
            serve;                                                            \
            bench_read_all((peer_fd), bench_rx_, sizeof bench_rx_);           \
        }                                                                     \
        const int64_t bench_t1_ = bench_now_ns();                             \
        printf("ns_per_rt=%.1f round_trips=%ld idle=%ld\n",                   \
            (args).n > 0 ? (double)(bench_t1_ - bench_t0_) / (double)(args).n \
                         : 0.0,                                               \
            (args).n, (args).idle);                                           \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif /* BENCH_LOOP_COMMON_H */
