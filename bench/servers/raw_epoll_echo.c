/*
 * bench/servers/raw_epoll_echo.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The physical limit: a single-threaded TCP echo server written directly
 * on epoll, edge-triggered, in C. Boost.Mio's echo server (mio_echo.cpp)
 * has exactly this structure, so any difference between the two is the
 * cost of the library.
 *
 * Each connection is registered for input only; when an echo cannot be
 * written in full the rest is kept and output interest is added until it
 * is flushed (the client never has more than one message in flight, so
 * this is rare, but it must be right).
 *
 * A read that returns less than the buffer holds has emptied the socket,
 * and epoll raises a new edge for whatever arrives next, so reading stops
 * there instead of making one more read that can only say EAGAIN (what
 * Boost.Mio publishes as poll::short_read_drains, and what Asio and libuv
 * do too). Not when the event reported the end of stream or an error:
 * those are already there and raise no new edge.
 *
 * Before it blocks, the server polls BENCH_IDLE_POLLS more times with a
 * zero timeout while more than one connection is open (why: bench_common.h).
 */

#include "bench_common.h"

#include <sys/epoll.h>

struct conn
{
    char* pending;       /* unsent tail of an echo, or NULL */
    size_t pending_size;
    size_t pending_off;
    size_t pending_cap;
};

static struct conn** conns; /* indexed by fd */
static size_t conns_size;
static char buffer[BENCH_READ_BUFFER];
static size_t open_conns;

static void conn_close(int ep, int fd)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd]->pending);
    free(conns[fd]);
    conns[fd] = NULL;
    --open_conns;
}

static void set_out_interest(int ep, int fd, int on)
{
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0);
    ev.data.u64 = (uint64_t)fd;
    if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0)
        bench_die("epoll_ctl(MOD)");
}

/* Keeps data[0..size) for later; output interest is on meanwhile. */
static void keep_pending(int ep, int fd, struct conn* c, const char* data, size_t size)
{
    if (c->pending_cap < size)
    {
        free(c->pending);
        c->pending = (char*)malloc(size);
        if (c->pending == NULL)
            bench_die("malloc");
        c->pending_cap = size;
    }
    memcpy(c->pending, data, size);
    c->pending_size = size;
    c->pending_off = 0;
    set_out_interest(ep, fd, 1);
}

/* Writes what it can; returns 1 if all was written, 0 if the socket is
 * full, -1 if the connection failed. */
static int write_some_all(int fd, const char* data, size_t size, size_t* done)
{
    while (*done < size)
    {
        ssize_t n = write(fd, data + *done, size - *done);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 0 : -1;
        }
        *done += (size_t)n;
    }
    return 1;
}

/* Reads until would-block (or, with may_stop_short, until a short read),
 * echoing each chunk. */
static void on_readable(int ep, int fd, struct conn* c, int may_stop_short)
{
    for (;;)
    {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0)
        {
            size_t done = 0;
            int r = write_some_all(fd, buffer, (size_t)n, &done);
            if (r < 0)
                { conn_close(ep, fd); return; }
            if (r == 0)
                { keep_pending(ep, fd, c, buffer + done, (size_t)n - done); return; }
            if (may_stop_short && (size_t)n < sizeof buffer)
                return;
            continue;
        }
        if (n == 0)
            { conn_close(ep, fd); return; }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            conn_close(ep, fd);
        return;
    }
}

static void on_writable(int ep, int fd, struct conn* c)
{
    int r = write_some_all(fd, c->pending, c->pending_size, &c->pending_off);
    if (r < 0)
        { conn_close(ep, fd); return; }
    if (r == 0)
        return;
    c->pending_size = 0;
    set_out_interest(ep, fd, 0);
    /* Reading stopped before would-block, so no new edge will come for
     * the data already queued: continue now, to EAGAIN (input events were
     * not looked at while output was pending, so an end of stream may be
     * among them). */
    on_readable(ep, fd, c, 0);
}

static void on_accept(int ep, int lfd)
{
    for (;;)
    {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
        {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return; /* EAGAIN, or out of fds: retried on the next edge */
        }
        if ((size_t)fd >= conns_size)
        {
            size_t n = conns_size * 2 > (size_t)fd + 1 ? conns_size * 2 : (size_t)fd + 1;
            conns = (struct conn**)realloc(conns, n * sizeof *conns);
            memset(conns + conns_size, 0, (n - conns_size) * sizeof *conns);
            conns_size = n;
        }
        bench_nodelay(fd);
        conns[fd] = (struct conn*)calloc(1, sizeof(struct conn));
        ++open_conns;
        struct epoll_event ev;
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        ev.data.u64 = (uint64_t)fd;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            bench_die("epoll_ctl(ADD)");
    }
}

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_catch_term();
    bench_raise_fd_limit();
    int lfd = bench_listen(bench_port_arg(argc, argv));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        bench_die("epoll_create1");
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = (uint64_t)lfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    bench_announce(bench_local_port(lfd));

    struct epoll_event evs[256];
    int polls_left = 0; /* zero-timeout polls before blocking (BENCH_IDLE_POLLS) */
    while (!bench_stop_flag)
    {
        int n = epoll_wait(ep, evs, 256, polls_left > 0 ? 0 : -1);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            bench_die("epoll_wait");
        }
        for (int i = 0; i < n; ++i)
        {
            int fd = (int)evs[i].data.u64;
            if (fd == lfd)
            {
                on_accept(ep, lfd);
                continue;
            }
            struct conn* c = conns[fd];
            if (c == NULL)
                continue;
            if (c->pending_size != 0)
            {
                if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                    on_writable(ep, fd, c);
            }
            else if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
                on_readable(ep, fd, c, !(evs[i].events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)));
        }
        polls_left = n == 0 ? polls_left - 1 : open_conns > 1 ? BENCH_IDLE_POLLS : 0;
    }
    for (size_t fd = 0; fd < conns_size; ++fd)
        if (conns[fd] != NULL)
            conn_close(ep, (int)fd);
    free(conns);
    close(ep);
    close(lfd);
    return 0;
}
