#include <fmt/format.h>
#include <roundtable/commands/fetch.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/util/error.hpp>
#include <stdexcept>

namespace roundtable::commands {

std::string fetch_page(const std::string& url, const article::ReadOptions& options) {
    static const auto transport = [&] {
        try {
            return http::make_curl_transport();
        } catch (const std::runtime_error& e) { // libcurl could not be loaded
            throw Error(Exit::usage, fmt::format("{}: {}", url, e.what()));
        }
    }();
    http::Request request;
    request.method = "GET";
    request.url = url;
    request.headers = {{"accept", "text/html, text/plain;q=0.9, */*;q=0.5"}};
    request.timeout = std::chrono::seconds(30);
    request.max_redirects = 5;
    request.max_response_bytes = options.max_bytes + 1;
    auto response = transport->perform(request);
    if (!response) {
        if (response.error().kind == http::TransportError::Kind::too_large) {
            throw Error(Exit::usage,
                        fmt::format("{}: page is over the {} byte limit (raise it with {})", url,
                                    options.max_bytes, options.size_flag));
        }
        if (response.error().kind == http::TransportError::Kind::aborted) {
            throw Error(Exit::interrupted, "interrupted");
        }
        throw Error(Exit::usage, fmt::format("{}: {}", url, response.error().message));
    }
    if (response->status < 200 || response->status >= 300) {
        throw Error(Exit::usage, fmt::format("{}: HTTP {}", url, response->status));
    }
    return std::move(response->body);
}

article::Article fetch_article(const std::string& url, const article::ReadOptions& options) {
    return article::from_bytes(fetch_page(url, options), url, options);
}

} // namespace roundtable::commands
