#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fake/fake_server.hpp>
#include <httplib.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace roundtable::testing {

namespace {

constexpr std::size_t k_worker_threads = 64; // each keep-alive connection holds one
constexpr std::size_t k_keep_alive_max_count = 100000;
constexpr time_t k_keep_alive_timeout_s = 5;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

Scripted not_scripted(const RecordedRequest& request) {
    Scripted reply;
    reply.status = 404;
    reply.body = nlohmann::json{{"error",
                                 {{"type", "not_found_error"},
                                  {"message", "fake server: nothing scripted for " +
                                                  request.method + " " + request.path}}}}
                     .dump();
    return reply;
}

} // namespace

std::string RecordedRequest::header(std::string_view name) const {
    const auto wanted = lower(std::string(name));
    for (const auto& [key, value] : headers) {
        if (lower(key) == wanted) {
            return value;
        }
    }
    return {};
}

struct FakeServer::Impl {
    struct Span {
        std::string path;
        std::uint64_t start = 0;
        std::uint64_t end = 0; // 0 while in flight
    };

    httplib::Server server;
    std::thread thread;
    int port = -1;

    mutable std::mutex mutex;
    std::map<std::string, std::deque<Scripted>> queues;
    std::map<std::string, Scripted> defaults;
    std::map<std::string, Handler> handlers;
    Handler fallback;
    Filter filter;
    struct PrefixHandler {
        std::string prefix;
        std::string suffix;
        Handler handler;
    };
    std::vector<PrefixHandler> prefix_handlers;
    std::vector<RecordedRequest> recorded;
    std::set<std::string> connections;
    std::unordered_map<std::uint64_t, Span> spans;
    std::uint64_t next_id = 1;
    std::uint64_t next_seq = 1;

    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stopping = false;

    // Returns the prefix handler with the longest prefix matching `path`, or null.
    const PrefixHandler* prefix_match(const std::string& path) const {
        const PrefixHandler* best = nullptr;
        for (const auto& h : prefix_handlers) {
            if (path.starts_with(h.prefix) && path.ends_with(h.suffix) &&
                (!best || h.prefix.size() > best->prefix.size())) {
                best = &h;
            }
        }
        return best;
    }

    // Picks the reply for `request`: its queue first, then a handler, then a default, else 404.
    Scripted pick(const RecordedRequest& request) {
        Handler handler;
        {
            std::lock_guard lock(mutex);
            if (auto it = queues.find(request.path); it != queues.end() && !it->second.empty()) {
                Scripted reply = std::move(it->second.front());
                it->second.pop_front();
                return reply;
            }
            if (auto it = handlers.find(request.path); it != handlers.end()) {
                handler = it->second;
            } else if (auto def = defaults.find(request.path); def != defaults.end()) {
                return def->second;
            } else if (const PrefixHandler* match = prefix_match(request.path)) {
                handler = match->handler;
            } else if (fallback) {
                handler = fallback;
            } else {
                return not_scripted(request);
            }
        }
        return handler(request); // outside the lock: handlers may inspect the server
    }

    // Waits `latency`, or less when the server is stopping.
    void wait(std::chrono::milliseconds latency) {
        if (latency.count() <= 0) {
            return;
        }
        std::unique_lock lock(stop_mutex);
        stop_cv.wait_for(lock, latency, [this] { return stopping; });
    }

    void serve(const httplib::Request& in, httplib::Response& out) {
        RecordedRequest request;
        request.method = in.method;
        request.path = in.path;
        for (const auto& [name, value] : in.headers) {
            request.headers.emplace_back(lower(name), value);
        }
        request.body = in.body;
        if (request.body.empty() && !in.files.empty()) { // httplib took a multipart body apart
            for (const auto& [name, part] : in.files) {
                request.body += "--fake\r\nContent-Disposition: form-data; name=\"" + name +
                                "\"\r\n\r\n" + part.content + "\r\n";
            }
            request.body += "--fake--\r\n";
        }
        request.connection = in.remote_addr + ":" + std::to_string(in.remote_port);
        request.arrival = std::chrono::steady_clock::now();

        std::uint64_t id = 0;
        {
            std::lock_guard lock(mutex);
            id = next_id++;
            spans.emplace(id, Span{request.path, next_seq++, 0});
            connections.insert(request.connection);
            recorded.push_back(request);
        }

        Scripted reply;
        try {
            reply = pick(request);
        } catch (const std::exception& error) {
            reply = Scripted{};
            reply.status = 500;
            reply.body =
                nlohmann::json{
                    {"error", {{"message", std::string("fake handler threw: ") + error.what()}}}}
                    .dump();
        }
        Filter rewrite;
        {
            std::lock_guard lock(mutex);
            rewrite = filter;
        }
        if (rewrite) {
            reply = rewrite(request, std::move(reply));
        }
        wait(reply.latency);

        out.status = reply.status;
        for (const auto& [name, value] : reply.headers) {
            out.set_header(name, value);
        }
        switch (reply.fault) {
        case Scripted::Fault::none:
            out.set_content(reply.body, reply.content_type);
            break;
        case Scripted::Fault::truncate:
            out.set_content(reply.body.substr(0, std::min(reply.truncate_at, reply.body.size())),
                            reply.content_type);
            break;
        case Scripted::Fault::drop: {
            auto body = std::make_shared<const std::string>(std::move(reply.body));
            const std::size_t cut = reply.truncate_at > 0
                                        ? std::min(reply.truncate_at, body->size())
                                        : body->size() / 2;
            // Announce more than will ever be sent, send `cut` bytes, then fail: httplib closes the
            // connection.
            out.set_content_provider(
                body->size() + 16, reply.content_type,
                [body, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                    if (offset < cut) {
                        return sink.write(body->data() + offset, cut - offset);
                    }
                    return false;
                });
            break;
        }
        case Scripted::Fault::drip: {
            // The whole length is announced; each piece waits its pause (less when stopping).
            auto body = std::make_shared<const std::string>(std::move(reply.body));
            const std::size_t pieces = std::max<std::size_t>(reply.drip_pieces, 1);
            const std::size_t piece =
                std::max<std::size_t>(1, (body->size() + pieces - 1) / pieces);
            const auto pause = reply.drip_pause;
            out.set_content_provider(body->size(), reply.content_type,
                                     [this, body, piece, pause](std::size_t offset, std::size_t,
                                                                httplib::DataSink& sink) {
                                         wait(pause);
                                         return sink.write(body->data() + offset,
                                                           std::min(piece, body->size() - offset));
                                     });
            break;
        }
        }

        std::lock_guard lock(mutex);
        if (auto it = spans.find(id); it != spans.end()) {
            it->second.end = next_seq++;
        }
    }
};

FakeServer::FakeServer() : m_impl(std::make_unique<Impl>()) {
    auto& server = m_impl->server;
    server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
    server.set_keep_alive_max_count(k_keep_alive_max_count);
    server.set_keep_alive_timeout(k_keep_alive_timeout_s);
    server.set_tcp_nodelay(true); // no 40 ms Nagle stalls between header and body writes
    Impl* impl = m_impl.get();
    const auto handler = [impl](const httplib::Request& in, httplib::Response& out) {
        impl->serve(in, out);
    };
    const std::string any = ".*";
    server.Get(any, handler);
    server.Post(any, handler);
    server.Put(any, handler);
    server.Patch(any, handler);
    server.Delete(any, handler);
    server.Options(any, handler);

    m_impl->port = server.bind_to_any_port("127.0.0.1");
    if (m_impl->port < 0) {
        throw std::runtime_error("fake server: cannot bind a port on 127.0.0.1");
    }
    m_impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
    // stop() is a no-op until the server runs: wait for it, so the destructor always stops it.
    while (!server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

FakeServer::~FakeServer() {
    {
        std::lock_guard lock(m_impl->stop_mutex);
        m_impl->stopping = true;
    }
    m_impl->stop_cv.notify_all();
    m_impl->server.stop();
    if (m_impl->thread.joinable()) {
        m_impl->thread.join();
    }
}

void FakeServer::enqueue(std::string path, Scripted reply) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->queues[std::move(path)].push_back(std::move(reply));
}

void FakeServer::set_default(std::string path, Scripted reply) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->defaults[std::move(path)] = std::move(reply);
}

void FakeServer::set_handler(std::string path, Handler handler) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->handlers[std::move(path)] = std::move(handler);
}

void FakeServer::set_fallback(Handler handler) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->fallback = std::move(handler);
}

void FakeServer::set_filter(Filter filter) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->filter = std::move(filter);
}

void FakeServer::set_prefix_handler(std::string prefix, Handler handler, std::string suffix) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->prefix_handlers.push_back({std::move(prefix), std::move(suffix), std::move(handler)});
}

Scripted FakeServer::answer(const RecordedRequest& request) {
    return m_impl->pick(request);
}

std::string FakeServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

int FakeServer::port() const {
    return m_impl->port;
}

std::vector<RecordedRequest> FakeServer::requests() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->recorded;
}

std::size_t FakeServer::connections_seen() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->connections.size();
}

int FakeServer::max_concurrency(const std::string& path_prefix) const {
    std::vector<std::pair<std::uint64_t, int>> events;
    {
        std::lock_guard lock(m_impl->mutex);
        for (const auto& [id, span] : m_impl->spans) {
            if (span.path.starts_with(path_prefix)) {
                events.emplace_back(span.start, +1);
                events.emplace_back(span.end == 0 ? UINT64_MAX : span.end, -1);
            }
        }
    }
    std::sort(events.begin(), events.end());
    int current = 0;
    int most = 0;
    for (const auto& [seq, delta] : events) {
        current += delta;
        most = std::max(most, current);
    }
    return most;
}

void FakeServer::reset_stats() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->recorded.clear();
    m_impl->connections.clear();
    m_impl->spans.clear();
}

} // namespace roundtable::testing
