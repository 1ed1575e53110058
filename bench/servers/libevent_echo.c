/*
 * bench/servers/libevent_echo.c
 *
 * Distributed under the Boost Software License, Version 1.0.
 * (See accompanying file LICENSE_1_0.txt or copy at
 * http://www.boost.org/LICENSE_1_0.txt)
 *
 * The libevent echo server a user would write: an evconnlistener and one
 * bufferevent per connection whose read callback moves the input buffer
 * to the output buffer (evbuffer_add_buffer moves chains, no copy).
 */

#include "bench_common.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

static void on_read(struct bufferevent* bev, void* arg)
{
    (void)arg;
    evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void on_event(struct bufferevent* bev, short what, void* arg)
{
    (void)arg;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        bufferevent_free(bev);
}

static void on_accept(struct evconnlistener* l, evutil_socket_t fd,
    struct sockaddr* addr, int len, void* arg)
{
    (void)addr;
    (void)len;
    (void)arg;
    struct event_base* base = evconnlistener_get_base(l);
    bench_nodelay(fd);
    struct bufferevent* bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void on_signal(evutil_socket_t sig, short what, void* arg)
{
    (void)sig;
    (void)what;
    event_base_loopbreak((struct event_base*)arg);
}

int main(int argc, char** argv)
{
    bench_ignore_sigpipe();
    bench_raise_fd_limit();
    struct event_base* base = event_base_new();
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)bench_port_arg(argc, argv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct evconnlistener* l = evconnlistener_new_bind(base, on_accept, NULL,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024,
        (struct sockaddr*)&a, sizeof a);
    if (l == NULL)
        bench_die("evconnlistener_new_bind");
    struct event* term = evsignal_new(base, SIGTERM, on_signal, base);
    struct event* intr = evsignal_new(base, SIGINT, on_signal, base);
    event_add(term, NULL);
    event_add(intr, NULL);
    bench_announce(bench_local_port(evconnlistener_get_fd(l)));
    event_base_dispatch(base);
    event_free(term);
    event_free(intr);
    evconnlistener_free(l);
    event_base_free(base);
    return 0;
}
