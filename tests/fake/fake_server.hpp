// A scriptable fake provider server on 127.0.0.1 for tests and benchmarks.
//
// It listens on a free loopback port, answers on a pool of worker threads with
// keep-alive, and replies per path from a FIFO queue of scripted replies, a
// per-path default, or a handler that computes the reply (per path, or one
// fallback for every other path). A reply can be slow
// (latency), cut the connection mid-body (drop), arrive complete but
// truncated, or trickle in (drip: the body in pieces with a pause between). A
// filter may rewrite every reply before it is sent (a fault injector). Every request is recorded,
// with its connection and arrival time. Unscripted paths answer 404 with a JSON error body. The
// server stops in its destructor, also ending any reply still waiting out its latency.
//
// Thread-safe: scripting and inspection may happen while requests are served.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <roundtable/http/client.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::testing {

struct Scripted {
    enum class Fault { none, drop, truncate, drip };

    int status = 200;
    http::Headers headers;
    std::string body;
    std::string content_type = "application/json";
    std::chrono::milliseconds latency{0};
    Fault fault = Fault::none;
    std::size_t truncate_at =
        0; // truncate: body bytes kept; drop: bytes sent before closing (0: half)
    std::size_t drip_pieces = 8;             // drip: the body is sent in this many pieces...
    std::chrono::milliseconds drip_pause{0}; // ...with this pause before each one
};

struct RecordedRequest {
    std::string method;
    std::string path;      // without the query string
    http::Headers headers; // names lower-cased
    std::string body;
    std::string connection; // remote "addr:port"; equal for requests on one connection
    std::chrono::steady_clock::time_point arrival;

    // Returns the value of the first header named `name` (any case), or "".
    std::string header(std::string_view name) const;
};

class FakeServer {
public:
    using Handler = std::function<Scripted(const RecordedRequest&)>;
    using Filter = std::function<Scripted(const RecordedRequest&, Scripted)>;

    // Starts listening on 127.0.0.1 on a free port; throws std::runtime_error if it cannot.
    FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    // Stops the server and waits for its threads; never fails.
    ~FakeServer();

    // Queues `reply` for the next request to `path` (exact match, query ignored); never fails.
    void enqueue(std::string path, Scripted reply);

    // Sets the reply for `path` used when its queue is empty; never fails.
    void set_default(std::string path, Scripted reply);

    // Makes `handler` compute replies for `path` when its queue is empty (before any default);
    // never fails.
    void set_handler(std::string path, Handler handler);

    // Makes `handler` answer every request whose path has no queue, handler or default of its
    // own (instead of the 404 "nothing scripted"); never fails.
    void set_fallback(Handler handler);

    // Makes `handler` answer requests whose path starts with `prefix` and ends with `suffix`
    // and has no queue, handler or default of its own (before the fallback; the longest prefix
    // wins); never fails.
    void set_prefix_handler(std::string prefix, Handler handler, std::string suffix = "");

    // Makes `filter` rewrite every reply once it is picked (queue, handler, default, prefix
    // handler, fallback), before its latency is waited and it is sent; never fails.
    void set_filter(Filter filter);

    // Returns the reply the server would give `request` (queue, handler, default, prefix
    // handler, fallback), without recording it or waiting its latency; never fails.
    Scripted answer(const RecordedRequest& request);

    // Returns "http://127.0.0.1:PORT"; never fails.
    std::string base_url() const;

    // Returns the port listened on; never fails.
    int port() const;

    // Returns every request received since the start or the last reset_stats(), in arrival order.
    std::vector<RecordedRequest> requests() const;

    // Returns how many distinct client connections (remote ports) sent requests; never fails.
    std::size_t connections_seen() const;

    // Returns the most requests whose path starts with `path_prefix` that were in
    // flight at once (received, reply not yet handed over); never fails.
    int max_concurrency(const std::string& path_prefix = "") const;

    // Forgets recorded requests and statistics (scripted replies stay); never fails.
    void reset_stats();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace roundtable::testing
