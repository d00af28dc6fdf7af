// The libcurl Transport used by every provider and by URL input.
//
// Each call runs on an easy handle taken from a small pool; a handle keeps its
// connections open between calls (keep-alive), and DNS results and TLS
// sessions are shared between handles. HTTP/2 is used where the server offers
// it over TLS; TLS verification is always on. A transfer stops early when
// abort_requested() turns true (http/abort.hpp).
//
// Thread-safe: perform() may run on several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <roundtable/http/client.hpp>
#include <string>

namespace roundtable::http {

struct TransportOptions {
    std::string user_agent = "roundtable/" ROUNDTABLE_VERSION;
    std::size_t max_connections = 16; // idle handles (and their connections) kept for reuse
};

class CurlTransport : public Transport {
public:
    // Sends `request` and returns the response of any status, or a TransportError
    // (connect, timeout, dropped, too_large, aborted, other) when no complete response came.
    std::expected<Response, TransportError> perform(const Request& request) override = 0;

    // Returns how many connections were opened so far (reused ones are not counted); never fails.
    virtual std::size_t connections_opened() const = 0;
};

// Creates a libcurl transport (loading libcurl on first use, http/curl_api.hpp); throws
// std::runtime_error with a one-line message if libcurl cannot be loaded or initialised.
std::shared_ptr<CurlTransport> make_curl_transport(TransportOptions options = {});

} // namespace roundtable::http
