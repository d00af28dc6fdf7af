// The HTTP seam: a Transport sends one request and returns the response or a
// transport error; the Clock is the seam for retry waits. Providers and URL
// input use the libcurl transport; tests inject faults at these seams and
// still run the real libcurl path against the loopback fake server.
//
// Transports are thread-safe: perform() may be called from several threads at
// once, and connections are reused across calls (keep-alive).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roundtable::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method = "POST";
    std::string url;
    Headers headers;
    std::string body;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{120'000};
    std::size_t max_response_bytes = 32u << 20;
    int max_redirects = 0; // URL input follows a few; provider calls none
    // false: an abort (Ctrl-C) does not stop this transfer. A batch job's create call runs to
    // its end, so that a job the provider accepted is known and recorded, never lost.
    bool abortable = true;

    // A body too large to hold in `body` (a batch job's upload): when set, it is called to fill
    // up to `size` bytes of `out` and returns how many it wrote (0 at the end), and `body_size`
    // is the exact total it will write. `body` is then ignored.
    std::function<std::size_t(char* out, std::size_t size)> read_body;
    std::int64_t body_size = 0;
    // A response too large to hold (a batch job's results): when set, the body is handed over
    // piece by piece as it arrives instead of being kept in Response::body (which stays empty),
    // and max_response_bytes still bounds the whole. Returning false stops the transfer (an
    // `other` TransportError).
    std::function<bool(std::string_view piece)> on_body;
};

struct Response {
    int status = 0;
    Headers headers; // as received; names compared case-insensitively
    std::string body;
    std::string effective_url;
    std::chrono::milliseconds elapsed{0};

    // Returns the value of the first header named `name` (any case), or "".
    std::string header(std::string_view name) const;
};

struct TransportError {
    enum class Kind { connect, timeout, dropped, too_large, aborted, other };
    Kind kind = Kind::other;
    std::string message; // one line, never holds request headers

    // Returns "connect", "timeout", "dropped", "too_large", "aborted" or "other".
    std::string_view kind_name() const;
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual std::expected<Response, TransportError> perform(const Request& request) = 0;
};

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point now() const = 0;
    virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

} // namespace roundtable::http
