/*
 * bench/common/bench_common.h
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * Small C helpers shared by the benchmark programs (C and C++): the
 * server start-up protocol, clocks and the load pattern. Header-only
 * (static inline) so every program stays one translation unit.
 *
 * Server protocol (every echo server follows it, so bench/run can drive
 * them alike): argv[1] is the TCP port (0 = let the kernel pick); the
 * first line on stdout is "listening on 127.0.0.1:PORT"; SIGTERM makes
 * the server leave its loop and exit with status 0.
 */

#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Read buffer of the echo servers: larger than any message, so one read
 * usually drains a 16 KiB message. */
#define BENCH_READ_BUFFER 65536

/* Zero-timeout polls the raw epoll and Boost.Mio echo servers make before
 * they block, while more than one connection is open. A blocked server
 * makes every peer that writes to it pay for waking it (the wake-up runs
 * in the writer's system call: ~2.4-2.8 us of load-generator CPU per round
 * trip here, measured). When the load generator is the slower side (this
 * VM's slow phases; `loadgen --think-ns`) the server drains its work and
 * blocks again after every few messages, and those wake-ups, not the
 * server, set the throughput: 0.8 x Asio's at 64 x 64 B, whose scheduler
 * never blocks while handlers are queued. Polling a few more times first
 * keeps the server awake across the gaps between messages. With one
 * connection the next message cannot come before this server's echo has
 * made its round trip, so polling would only burn CPU. 4 polls were not
 * enough at 8 us of think time; 16 kept the server awake (bench/README.md,
 * "Findings"). */
#define BENCH_IDLE_POLLS 16

static inline void bench_die(const char* what)
{
    fprintf(stderr, "fatal: %s: %s\n", what, strerror(errno));
    exit(2);
}

static inline int bench_port_arg(int argc, char** argv)
{
    return argc > 1 ? atoi(argv[1]) : 0;
}

static inline void bench_announce(int port)
{
    printf("listening on 127.0.0.1:%d\n", port);
    fflush(stdout);
}

static inline int bench_local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr*)&a, &len) < 0)
        bench_die("getsockname");
    return ntohs(a.sin_port);
}

/* A non-blocking, close-on-exec listening socket on 127.0.0.1:port. */
static inline int bench_listen(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        bench_die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr*)&a, sizeof a) < 0)
        bench_die("bind");
    if (listen(fd, 1024) < 0)
        bench_die("listen");
    return fd;
}

/* Every server and the load generator disable Nagle: a 16 KiB message is
 * echoed in several chunks, and Nagle would hold the later ones back for
 * the peer's delayed ACK, measuring the TCP timer instead of the loop. */
static inline void bench_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* SIGTERM without SA_RESTART, so a blocked epoll_wait returns EINTR. */
static volatile sig_atomic_t bench_stop_flag = 0;
static inline void bench_on_term(int sig) { (void)sig; bench_stop_flag = 1; }
static inline void bench_catch_term(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = bench_on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static inline void bench_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

/* Raises RLIMIT_NOFILE to its hard limit (1000 connections, 10,000 idle
 * sockets). */
static inline void bench_raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max)
    {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time (user + system) of this process, in nanoseconds. */
static inline int64_t bench_process_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whole-fd I/O for the raw side of the in-process loops (the side that
 * stands for the remote peer, identical for every implementation). */
static inline void bench_write_all(int fd, const void* p, size_t n)
{
    const char* c = (const char*)p;
    while (n > 0)
    {
        ssize_t k = write(fd, c, n);
        if (k < 0)
        {
            if (errno == EINTR)
                continue;
            bench_die("write");
        }
        c += k;
        n -= (size_t)k;
    }
}

static inline void bench_read_all(int fd, void* p, size_t n)
{
    char* c = (char*)p;
    while (n > 0)
    {
        ssize_t k = read(fd, c, n);
        if (k < 0)
        {
            if (errno == EINTR)
                continue;
            bench_die("read");
        }
        if (k == 0)
        {
            fprintf(stderr, "fatal: unexpected eof\n");
            exit(2);
        }
        c += k;
        n -= (size_t)k;
    }
}

#ifdef __cplusplus
}
#endif

#endif /* BENCH_COMMON_H */
