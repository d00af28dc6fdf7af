#include <catch2/catch.hpp>
#include <roundtable/http/rate_limit.hpp>

using namespace roundtable::http;
using namespace std::chrono_literals;

namespace {

Response with_headers(Headers headers) {
    Response response;
    response.status = 200;
    response.headers = std::move(headers);
    return response;
}

const auto k_now = std::chrono::sys_days(std::chrono::year(2026) / 1 / 2) + 3h + 4min + 5s;

} // namespace

TEST_CASE("http::parse_duration") {
    SECTION("reads single units") {
        CHECK(parse_duration("6ms") == 6ms);
        CHECK(parse_duration("0.5s") == 500ms);
        CHECK(parse_duration("20s") == 20s);
        CHECK(parse_duration("2m") == 2min);
        CHECK(parse_duration("1h") == 1h);
    }
    SECTION("reads combined units") {
        CHECK(parse_duration("1m2s") == 62s);
        CHECK(parse_duration("6m0s") == 6min);
        CHECK(parse_duration("1h30m") == 90min);
        CHECK(parse_duration("1m2.5s") == 62500ms);
    }
    SECTION("rounds sub-millisecond durations up") {
        CHECK(parse_duration("500us") == 1ms);
        CHECK(parse_duration("0s") == 0ms);
    }
    SECTION("rejects malformed text") {
        CHECK_FALSE(parse_duration("").has_value());
        CHECK_FALSE(parse_duration("6").has_value());
        CHECK_FALSE(parse_duration("ms").has_value());
        CHECK_FALSE(parse_duration("5d").has_value());
        CHECK_FALSE(parse_duration("-1s").has_value());
        CHECK_FALSE(parse_duration("1s ago").has_value());
    }
}

TEST_CASE("http::parse_rfc3339") {
    SECTION("reads UTC times") {
        CHECK(parse_rfc3339("2026-01-02T03:04:05Z") == k_now);
        CHECK(parse_rfc3339("2026-01-02T03:04:05.250Z") == k_now + 250ms);
    }
    SECTION("applies a numeric offset") {
        CHECK(parse_rfc3339("2026-01-02T04:04:05+01:00") == k_now);
        CHECK(parse_rfc3339("2026-01-01T23:04:05-04:00") == k_now);
    }
    SECTION("rejects malformed text") {
        CHECK_FALSE(parse_rfc3339("2026-01-02 03:04").has_value());
        CHECK_FALSE(parse_rfc3339("2026-02-30T03:04:05Z").has_value());
        CHECK_FALSE(parse_rfc3339("2026-01-02T03:04:05").has_value());
        CHECK_FALSE(parse_rfc3339("2026-01-02T03:04:05.Z").has_value());
        CHECK_FALSE(parse_rfc3339("tomorrow").has_value());
    }
    SECTION("rejects a year the clock cannot hold (fuzz finding: the conversion overflowed)") {
        CHECK_FALSE(parse_rfc3339("4052-01-01T00:00:01.5+01:00").has_value());
        CHECK_FALSE(parse_rfc3339("0000-01-01T00:00:00Z").has_value());
        CHECK(parse_rfc3339("2200-12-31T23:59:59Z").has_value());
    }
}

TEST_CASE("http::parse_rate_limit") {
    SECTION("reads Anthropic headers") {
        const auto info = parse_rate_limit(
            with_headers({{"anthropic-ratelimit-requests-limit", "50"},
                          {"anthropic-ratelimit-requests-remaining", "49"},
                          {"anthropic-ratelimit-requests-reset", "2026-01-02T03:04:06Z"},
                          {"anthropic-ratelimit-tokens-remaining", "39000"},
                          {"anthropic-ratelimit-tokens-reset", "2026-01-02T03:05:05Z"}}),
            k_now);
        CHECK(info.limit_requests == 50);
        CHECK_FALSE(info.limit_tokens.has_value()); // Anthropic's token limits are split
        CHECK(info.remaining_requests == 49);
        CHECK(info.remaining_tokens == 39000);
        CHECK(info.reset_requests == 1s);
        CHECK(info.reset_tokens == 60s);
    }
    SECTION("falls back to Anthropic input and output token headers") {
        const auto info = parse_rate_limit(
            with_headers({{"anthropic-ratelimit-input-tokens-remaining", "30000"},
                          {"anthropic-ratelimit-output-tokens-remaining", "8000"},
                          {"anthropic-ratelimit-input-tokens-reset", "2026-01-02T03:04:10Z"},
                          {"anthropic-ratelimit-output-tokens-reset", "2026-01-02T03:04:07Z"}}),
            k_now);
        CHECK(info.remaining_tokens == 8000);
        CHECK(info.reset_tokens == 5s);
        CHECK_FALSE(info.remaining_requests.has_value());
    }
    SECTION("treats a reset time in the past as now") {
        const auto info = parse_rate_limit(
            with_headers({{"anthropic-ratelimit-requests-reset", "2026-01-02T03:00:00Z"}}), k_now);
        CHECK(info.reset_requests == 0ms);
    }
    SECTION("reads OpenAI headers") {
        const auto info = parse_rate_limit(with_headers({{"x-ratelimit-limit-requests", "5000"},
                                                         {"x-ratelimit-limit-tokens", "160000"},
                                                         {"x-ratelimit-remaining-requests", "4999"},
                                                         {"x-ratelimit-remaining-tokens", "159976"},
                                                         {"x-ratelimit-reset-requests", "12ms"},
                                                         {"x-ratelimit-reset-tokens", "1m2s"}}),
                                           k_now);
        CHECK(info.limit_requests == 5000);
        CHECK(info.limit_tokens == 160000);
        CHECK(info.remaining_requests == 4999);
        CHECK(info.remaining_tokens == 159976);
        CHECK(info.reset_requests == 12ms);
        CHECK(info.reset_tokens == 62s);
        CHECK_FALSE(info.empty());
    }
    SECTION("leaves fields empty without headers (Gemini) or with malformed ones") {
        CHECK(
            parse_rate_limit(with_headers({{"content-type", "application/json"}}), k_now).empty());
        const auto info =
            parse_rate_limit(with_headers({{"x-ratelimit-remaining-requests", "many"},
                                           {"x-ratelimit-reset-tokens", "soon"},
                                           {"x-ratelimit-limit-tokens", "1e6"},
                                           {"anthropic-ratelimit-tokens-remaining", "-5"}}),
                             k_now);
        CHECK(info.empty());
    }
}
