// Fuzz target: the retry and rate-limit header parsers. The input is HTTP header
// lines ("name: value"); a 429 response carrying them goes through
// parse_rate_limit, server_retry_after, should_retry_header and classify_generic,
// and each value through parse_duration, parse_rfc3339 and parse_http_date.
// Properties: nothing crashes; no wait and no reset is negative.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/http/retry.hpp>
#include <string>
#include <string_view>

using namespace roundtable;

int fuzz::run_headers(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    http::Response response;
    response.status = 429;
    std::size_t start = 0;
    while (start < input.size()) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos) {
            end = input.size();
        }
        const std::string_view line = input.substr(start, end - start);
        const std::size_t colon = line.find(':');
        const std::string_view value =
            colon == std::string_view::npos ? line : line.substr(colon + 1);
        response.headers.emplace_back(
            std::string(colon == std::string_view::npos ? line : line.substr(0, colon)),
            std::string(value.substr(value.starts_with(' ') ? 1 : 0)));
        (void)http::parse_duration(value);
        (void)http::parse_rfc3339(value);
        (void)http::parse_http_date(value);
        start = end + 1;
    }
    // A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
    const std::chrono::system_clock::time_point now{std::chrono::seconds(1767225600)};
    const http::RateLimitInfo limits = http::parse_rate_limit(response, now);
    for (const auto& reset : {limits.reset_requests, limits.reset_tokens}) {
        fuzz::require(!reset || reset->count() >= 0, "a reset is not negative");
    }
    const auto wait = http::server_retry_after(response, now);
    fuzz::require(!wait || wait->count() >= 0, "a server wait is not negative");
    (void)http::should_retry_header(response);
    const http::Attempt attempt = http::classify_generic(response);
    fuzz::require(!attempt.server_wait || attempt.server_wait->count() >= 0,
                  "an attempt's wait is not negative");
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_headers(data, size);
}
#endif
