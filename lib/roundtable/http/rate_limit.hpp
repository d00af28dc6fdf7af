// Reading rate-limit headers: how many requests and tokens are left and when
// the limits reset, from Anthropic's anthropic-ratelimit-* headers (reset as an
// RFC 3339 time) and OpenAI's x-ratelimit-* headers (reset as a duration such
// as "6ms" or "1m2s"). Gemini sends none: every field stays empty.
//
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <roundtable/http/client.hpp>
#include <string_view>

namespace roundtable::http {

struct RateLimitInfo {
    std::optional<std::int64_t> limit_requests; // requests per minute allowed
    // Tokens per minute allowed: OpenAI's x-ratelimit-limit-tokens only; Anthropic
    // limits input and output tokens apart, which one limit on their sum would misread.
    std::optional<std::int64_t> limit_tokens;
    std::optional<std::int64_t> remaining_requests;
    std::optional<std::int64_t> remaining_tokens;
    std::optional<std::chrono::milliseconds> reset_requests; // time until the request limit resets
    std::optional<std::chrono::milliseconds> reset_tokens;   // time until the token limit resets

    // Returns whether no field is set; never fails.
    bool empty() const {
        return !limit_requests && !limit_tokens && !remaining_requests && !remaining_tokens &&
               !reset_requests && !reset_tokens;
    }
};

// Reads the rate-limit headers of `response` (Anthropic or OpenAI style): limits,
// remaining counts and resets; fields
// whose header is absent or malformed stay empty. Anthropic reset times are made
// relative to `now` (a past time gives 0 ms); Anthropic "tokens" falls back to
// the smaller of "input-tokens" and "output-tokens".
RateLimitInfo parse_rate_limit(const Response& response, std::chrono::system_clock::time_point now);

// Parses a Go-style duration such as "6ms", "1m2s", "0.5s" or "1h30m"; returns nullopt if
// malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The years a header's date may name (parse_rfc3339, parse_http_date): a
// system_clock time point is 64-bit nanoseconds, which cannot hold a year past 2261.
inline constexpr int k_min_year = 1970;
inline constexpr int k_max_year = 2200;

// Parses an RFC 3339 time such as "2026-01-02T03:04:05Z" or "...05.5+01:00"; returns nullopt if
// malformed or its year is outside k_min_year..k_max_year.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

} // namespace roundtable::http
