#include <catch2/catch.hpp>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/clock.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/http/retry.hpp>
#include <set>

using namespace roundtable::http;
using roundtable::testing::FakeServer;
using roundtable::testing::json_reply;
using roundtable::testing::Scripted;
using namespace std::chrono_literals;

namespace {

Request post(const FakeServer& server, std::string path) {
    Request request;
    request.url = server.base_url() + path;
    request.body = "{}";
    return request;
}

Response with_headers(Headers headers) {
    Response response;
    response.status = 429;
    response.headers = std::move(headers);
    return response;
}

std::string http_date(std::chrono::system_clock::time_point when) {
    return fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT",
                       std::chrono::floor<std::chrono::seconds>(when));
}

constexpr std::uint64_t k_seed = 42;
const std::string k_path = "/v1/messages";

} // namespace

TEST_CASE("http::is_retryable_status") {
    SECTION("retries 408, 409, 429 and every 5xx") {
        for (int status : {408, 409, 429, 500, 502, 503, 504, 529}) {
            CHECK(is_retryable_status(status));
        }
    }
    SECTION("does not retry success or other client errors") {
        for (int status : {200, 201, 301, 400, 401, 403, 404, 422}) {
            CHECK_FALSE(is_retryable_status(status));
        }
    }
}

TEST_CASE("http::is_retryable_error") {
    using Kind = TransportError::Kind;
    SECTION("retries connect, timeout and dropped only") {
        CHECK(is_retryable_error({Kind::connect, ""}));
        CHECK(is_retryable_error({Kind::timeout, ""}));
        CHECK(is_retryable_error({Kind::dropped, ""}));
        CHECK_FALSE(is_retryable_error({Kind::too_large, ""}));
        CHECK_FALSE(is_retryable_error({Kind::aborted, ""}));
        CHECK_FALSE(is_retryable_error({Kind::other, ""}));
    }
}

TEST_CASE("http::should_retry_header") {
    SECTION("reads true and false") {
        CHECK(should_retry_header(with_headers({{"X-Should-Retry", "true"}})) == true);
        CHECK(should_retry_header(with_headers({{"x-should-retry", "false"}})) == false);
    }
    SECTION("ignores a missing or odd value") {
        CHECK_FALSE(should_retry_header(with_headers({})).has_value());
        CHECK_FALSE(should_retry_header(with_headers({{"x-should-retry", "maybe"}})).has_value());
    }
}

TEST_CASE("http::parse_http_date") {
    SECTION("parses an IMF-fixdate") {
        const auto parsed = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT");
        REQUIRE(parsed.has_value());
        CHECK(parsed->time_since_epoch() == std::chrono::seconds(1445412480));
    }
    SECTION("rejects anything else") {
        CHECK_FALSE(parse_http_date("Wed, 21 Oct 2015 07:28:00 UTC").has_value());
        CHECK_FALSE(parse_http_date("Wed, 31 Feb 2015 07:28:00 GMT").has_value());
        CHECK_FALSE(parse_http_date("Wed, 21 Foo 2015 07:28:00 GMT").has_value());
        CHECK_FALSE(parse_http_date("120").has_value());
        CHECK_FALSE(parse_http_date("").has_value());
    }
    SECTION("rejects a year the clock cannot hold (fuzz finding: the conversion overflowed)") {
        CHECK_FALSE(parse_http_date("Thu, 01 Jan 4052 00:00:00 GMT").has_value());
        CHECK_FALSE(parse_http_date("Thu, 01 Jan 0001 00:00:00 GMT").has_value());
        CHECK(parse_http_date("Thu, 01 Jan 2200 00:00:00 GMT").has_value());
    }
}

TEST_CASE("http::server_retry_after") {
    const auto now = std::chrono::sys_days(std::chrono::year(2015) / 10 / 21) + 7h + 28min;

    SECTION("prefers retry-after-ms, fractions allowed") {
        CHECK(server_retry_after(with_headers({{"retry-after-ms", "1500.6"}, {"retry-after", "9"}}),
                                 now) == 1501ms);
    }
    SECTION("reads retry-after in integer or decimal seconds") {
        CHECK(server_retry_after(with_headers({{"Retry-After", "2"}}), now) == 2000ms);
        CHECK(server_retry_after(with_headers({{"retry-after", "0.25"}}), now) == 250ms);
    }
    SECTION("reads retry-after as an HTTP date relative to now") {
        CHECK(server_retry_after(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}),
                                 now) == 30s);
        CHECK(server_retry_after(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}),
                                 now) == 0ms);
    }
    SECTION("falls back past a malformed retry-after-ms") {
        CHECK(server_retry_after(with_headers({{"retry-after-ms", "soon"}, {"retry-after", "3"}}),
                                 now) == 3000ms);
    }
    SECTION("returns nothing without a usable header") {
        CHECK_FALSE(server_retry_after(with_headers({}), now).has_value());
        CHECK_FALSE(server_retry_after(with_headers({{"retry-after", "-1"}}), now).has_value());
        CHECK_FALSE(
            server_retry_after(with_headers({{"retry-after", "tomorrow"}}), now).has_value());
    }
}

TEST_CASE("http::backoff_delay") {
    const RetryPolicy policy;
    SECTION("stays within [0.75, 1] of min(0.5 * 2^n, 8) s") {
        for (std::uint64_t seed = 0; seed < 200; ++seed) {
            std::uint64_t state = seed;
            for (int n = 0; n < 8; ++n) {
                const double full = std::min(500.0 * (1 << n), 8000.0);
                const auto delay = backoff_delay(n, policy, state);
                CHECK(static_cast<double>(delay.count()) >= 0.75 * full);
                CHECK(static_cast<double>(delay.count()) <= full);
            }
        }
    }
    SECTION("is deterministic for a seed and varies across draws") {
        std::uint64_t a = 7;
        std::uint64_t b = 7;
        CHECK(backoff_delay(2, policy, a) == backoff_delay(2, policy, b));
        std::set<std::int64_t> seen;
        for (int i = 0; i < 20; ++i) {
            seen.insert(backoff_delay(3, policy, a).count());
        }
        CHECK(seen.size() > 1);
    }
    SECTION("without jitter gives the full delay") {
        RetryPolicy exact;
        exact.jitter = 0;
        std::uint64_t state = 1;
        CHECK(backoff_delay(0, exact, state) == 500ms);
        CHECK(backoff_delay(3, exact, state) == 4000ms);
        CHECK(backoff_delay(10, exact, state) == 8000ms);
        CHECK(backoff_delay(1000, exact, state) == 8000ms);
    }
}

TEST_CASE("http::classify_generic") {
    using Kind = TransportError::Kind;
    SECTION("succeeds on 2xx") {
        CHECK(classify_generic(Response{200, {}, "", "", 0ms}).verdict == Verdict::success);
    }
    SECTION("lets x-should-retry override the status") {
        CHECK(classify_generic(Response{503, {{"x-should-retry", "false"}}, "", "", 0ms}).verdict ==
              Verdict::fail);
        CHECK(classify_generic(Response{400, {{"x-should-retry", "true"}}, "", "", 0ms}).verdict ==
              Verdict::retry);
    }
    SECTION("retries transport errors worth retrying") {
        CHECK(classify_generic(std::unexpected(TransportError{Kind::dropped, ""})).verdict ==
              Verdict::retry);
        CHECK(classify_generic(std::unexpected(TransportError{Kind::too_large, ""})).verdict ==
              Verdict::fail);
    }
}

TEST_CASE("http::perform_with_retries") {
    clear_abort();
    FakeServer server;
    auto transport = make_curl_transport();
    ManualClock clock;
    const RetryPolicy policy;
    const auto request = post(server, k_path);

    SECTION("waits retry-after seconds after a 429") {
        server.enqueue(
            k_path,
            json_reply(429, roundtable::testing::anthropic_error("rate_limit_error", "slow down"),
                       {{"retry-after", "2"}}));
        server.enqueue(k_path, json_reply(200, roundtable::testing::anthropic_text_reply("ok")));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        REQUIRE(outcome.last.has_value());
        CHECK(outcome.last->status == 200);
        CHECK(outcome.give_up_reason.empty());
        CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{2000ms});
        CHECK(server.requests().size() == 2);
    }
    SECTION("waits retry-after-ms") {
        server.enqueue(k_path, json_reply(429, "{}", {{"retry-after-ms", "750"}}));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{750ms});
    }
    SECTION("waits until an HTTP-date retry-after") {
        const auto when = std::chrono::system_clock::now() + 10s;
        server.enqueue(k_path, json_reply(503, "{}", {{"retry-after", http_date(when)}}));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        REQUIRE(clock.sleeps().size() == 1);
        CHECK(clock.sleeps()[0] > 8s); // whole seconds in the date; the wait is about 10 s
        CHECK(clock.sleeps()[0] <= 10s);
    }
    SECTION("backs off after 503 twice then succeeds") {
        server.enqueue(k_path, json_reply(503, "{}"));
        server.enqueue(k_path, json_reply(503, "{}"));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 3);
        CHECK(outcome.verdict == Verdict::success);
        const auto sleeps = clock.sleeps();
        REQUIRE(sleeps.size() == 2);
        CHECK(sleeps[0] >= 375ms);
        CHECK(sleeps[0] <= 500ms);
        CHECK(sleeps[1] >= 750ms);
        CHECK(sleeps[1] <= 1000ms);
    }
    SECTION("gives up after max_retries + 1 attempts") {
        server.set_default(
            k_path, json_reply(500, roundtable::testing::anthropic_error("api_error", "boom")));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 3);
        CHECK(outcome.verdict == Verdict::fail);
        CHECK(outcome.give_up_reason == "gave up after 3 attempts");
        REQUIRE(outcome.last.has_value());
        CHECK(outcome.last->status == 500);
        CHECK(clock.sleeps().size() == 2);
        CHECK(server.requests().size() == 3);
    }
    SECTION("does not retry a 503 with x-should-retry: false") {
        server.set_default(k_path, json_reply(503, "{}", {{"x-should-retry", "false"}}));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 1);
        CHECK(outcome.verdict == Verdict::fail);
        CHECK(outcome.give_up_reason.empty());
        CHECK(clock.sleeps().empty());
    }
    SECTION("retries a 400 with x-should-retry: true") {
        server.enqueue(k_path, json_reply(400, "{}", {{"x-should-retry", "true"}}));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
    }
    SECTION("gives up without sleeping when the server wait is over the cap") {
        server.set_default(k_path, json_reply(429, "{}", {{"retry-after", "300"}}));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 1);
        CHECK(outcome.verdict == Verdict::fail);
        CHECK(outcome.give_up_reason == "server asked to wait 300 s, over the 60 s cap");
        CHECK(clock.sleeps().empty());
    }
    SECTION("does not wait for a retry that would pass the budget") {
        server.set_default(k_path, json_reply(429, "{}", {{"retry-after", "2"}}));
        const auto outcome = perform_with_retries(*transport, request, policy, clock,
                                                  classify_generic, k_seed, 1500ms);
        CHECK(outcome.attempts == 1);
        CHECK(outcome.verdict == Verdict::fail);
        CHECK(outcome.give_up_reason == "a retry after 2 s would pass the call's 1.5 s deadline");
        CHECK(clock.sleeps().empty());
    }
    SECTION("waits within the budget") {
        server.enqueue(k_path, json_reply(429, "{}", {{"retry-after", "1"}}));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto outcome = perform_with_retries(*transport, request, policy, clock,
                                                  classify_generic, k_seed, 1500ms);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{1000ms});
    }
    SECTION("uses a wait the classifier found in the body") {
        server.enqueue(k_path,
                       json_reply(429, roundtable::testing::gemini_rate_limit_error("3.5s")));
        server.enqueue(k_path, json_reply(200, roundtable::testing::gemini_text_reply("ok")));
        const Classify classify = [](std::expected<Response, TransportError> result) {
            Attempt attempt = classify_generic(std::move(result));
            if (attempt.result && attempt.result->body.find("\"3.5s\"") != std::string::npos) {
                attempt.server_wait = 3500ms;
            }
            return attempt;
        };
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{3500ms});
    }
    SECTION("retries a dropped connection") {
        Scripted drop;
        drop.body = roundtable::testing::anthropic_text_reply("partial");
        drop.fault = Scripted::Fault::drop;
        server.enqueue(k_path, drop);
        server.enqueue(k_path, json_reply(200, roundtable::testing::anthropic_text_reply("whole")));
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        REQUIRE(outcome.last.has_value());
        CHECK(outcome.last->body.find("whole") != std::string::npos);
        REQUIRE(clock.sleeps().size() == 1);
        CHECK(clock.sleeps()[0] >= 375ms);
        CHECK(clock.sleeps()[0] <= 500ms);
    }
    SECTION("never retries a response over the size cap") {
        server.set_default(k_path, json_reply(200, std::string(5000, ' ')));
        auto small = request;
        small.max_response_bytes = 100;
        const Classify always_retry = [](std::expected<Response, TransportError> result) {
            return Attempt{std::move(result), Verdict::retry, std::nullopt};
        };
        const auto outcome =
            perform_with_retries(*transport, small, policy, clock, always_retry, k_seed);
        CHECK(outcome.attempts == 1);
        CHECK(outcome.verdict == Verdict::fail);
        REQUIRE_FALSE(outcome.last.has_value());
        CHECK(outcome.last.error().kind == TransportError::Kind::too_large);
    }
    SECTION("stops at once when an abort is requested") {
        server.set_default(k_path, json_reply(200, "{}"));
        request_abort();
        const auto outcome =
            perform_with_retries(*transport, request, policy, clock, classify_generic, k_seed);
        clear_abort();
        CHECK(outcome.attempts == 0);
        CHECK(outcome.verdict == Verdict::fail);
        CHECK(outcome.give_up_reason == "aborted");
        REQUIRE_FALSE(outcome.last.has_value());
        CHECK(outcome.last.error().kind == TransportError::Kind::aborted);
        CHECK(server.requests().empty());
    }
    clear_abort();
}

TEST_CASE("http::perform_with_retries with the system clock") {
    clear_abort();
    FakeServer server;
    auto transport = make_curl_transport();

    SECTION("really waits the server's retry-after-ms") {
        server.enqueue(k_path, json_reply(429, "{}", {{"retry-after-ms", "300"}}));
        server.enqueue(k_path, json_reply(200, "{}"));
        const auto started = std::chrono::steady_clock::now();
        const auto outcome = perform_with_retries(*transport, post(server, k_path), RetryPolicy{},
                                                  system_clock(), classify_generic, k_seed);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        CHECK(outcome.attempts == 2);
        CHECK(outcome.verdict == Verdict::success);
        CHECK(elapsed >= 300ms);
        const auto requests = server.requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[1].arrival - requests[0].arrival >= 300ms);
    }
}

TEST_CASE("http::perform_with_retries bounds the whole call by its budget") {
    clear_abort();
    FakeServer server;
    auto transport = make_curl_transport();
    const RetryPolicy policy; // two retries: without the budget a stalled call takes 3 timeouts
    auto request = post(server, k_path);
    request.timeout = 120s;
    Scripted stalled = json_reply(200, "{}");
    stalled.latency = 30s;
    server.set_default(k_path, stalled);

    const auto started = std::chrono::steady_clock::now();
    const auto outcome = perform_with_retries(*transport, request, policy, system_clock(),
                                              classify_generic, k_seed, 400ms);
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= 380ms);
    CHECK(took < 1500ms);
    CHECK(outcome.verdict == Verdict::fail);
    CHECK(outcome.give_up_reason == "the call's 0.4 s deadline passed");
    REQUIRE_FALSE(outcome.last.has_value());
    CHECK(outcome.last.error().kind == TransportError::Kind::timeout);
    CHECK(server.requests().size() == 1);
}
