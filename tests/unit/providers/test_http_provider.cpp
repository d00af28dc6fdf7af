#include <catch2/catch.hpp>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <roundtable/http/clock.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/providers/http_provider.hpp>
#include <string>

using namespace roundtable;
using namespace roundtable::providers;
using roundtable::testing::FakeServer;
using roundtable::testing::Scripted;
using std::chrono::milliseconds;

namespace {

const std::string k_key = "sk-SENTINEL-HTTP-0123456789";

std::shared_ptr<http::Transport> transport() {
    static const std::shared_ptr<http::Transport> shared = http::make_curl_transport();
    return shared;
}

SeatConfig seat(const std::string& provider, const std::string& base_url) {
    SeatConfig s;
    s.name = "seat";
    s.provider = provider;
    s.model = provider == "gemini" ? "gemini-2.5-pro" : "model-x";
    s.base_url = base_url;
    s.api_key_env = "TEST_KEY_ENV";
    s.timeout_s = 10;
    s.connect_timeout_s = 5;
    return s;
}

Request request() {
    Request r;
    r.system = "system";
    r.user = "user";
    r.schema_name = "take";
    r.json_schema = R"({"type":"object"})";
    r.max_tokens = 100;
    return r;
}

HttpProvider provider(const std::string& kind, const FakeServer& server, http::Clock& clock,
                      int retries = 2) {
    http::RetryPolicy policy;
    policy.max_retries = retries;
    return HttpProvider(make_codec(kind), seat(kind, server.base_url()), k_key, transport(), clock,
                        policy);
}

} // namespace

TEST_CASE("http_provider::complete") {
    FakeServer server;
    http::ManualClock clock;

    SECTION("returns a good reply after one attempt") {
        server.enqueue(
            "/v1/messages",
            testing::json_reply(200, testing::anthropic_text_reply("{\"stance\":\"bullish\"}"),
                                {{"request-id", "req_ok"}}));
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->text == "{\"stance\":\"bullish\"}");
        CHECK(reply->attempts == 1);
        CHECK(reply->request_id == "req_ok");
        CHECK(reply->latency == milliseconds(0));
        const auto requests = server.requests();
        REQUIRE(requests.size() == 1);
        CHECK(requests[0].method == "POST");
        CHECK(requests[0].path == "/v1/messages");
        CHECK(requests[0].header("x-api-key") == k_key);
        CHECK(requests[0].header("anthropic-version") == "2023-06-01");
        CHECK(p.kind() == "anthropic");
        CHECK(p.model() == "model-x");
    }
    SECTION("waits out retry-after on 429, then succeeds") {
        server.enqueue("/chat/completions",
                       testing::json_reply(429,
                                           testing::openai_error("Rate limit reached", "requests",
                                                                 "rate_limit_exceeded"),
                                           {{"retry-after", "2"}}));
        server.enqueue("/chat/completions",
                       testing::json_reply(200, testing::openai_text_reply("{}")));
        auto p = provider("openai", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->attempts == 2);
        CHECK(server.requests().size() == 2);
        CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(2000)});
        CHECK(reply->latency == milliseconds(2000));
    }
    SECTION("retries 529 and 503") {
        server.enqueue(
            "/v1/messages",
            testing::json_reply(529, testing::anthropic_error("overloaded_error", "Overloaded")));
        server.enqueue("/v1/messages", testing::json_reply(503, "upstream unavailable"));
        server.enqueue("/v1/messages",
                       testing::json_reply(200, testing::anthropic_text_reply("{}")));
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->attempts == 3);
        CHECK(server.requests().size() == 3);
        CHECK(clock.sleeps().size() == 2);
    }
    SECTION("reports the last failure when retries run out") {
        for (int i = 0; i < 3; ++i) {
            server.enqueue("/v1/messages", testing::json_reply(529, testing::anthropic_error(
                                                                        "overloaded_error",
                                                                        "Overloaded", "req_x")));
        }
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() ==
              "anthropic: HTTP 529 overloaded_error: Overloaded (request req_x, 3 attempts)");
        CHECK(server.requests().size() == 3);
    }
    SECTION("does not retry a bad key and never shows it") {
        server.enqueue("/v1/messages", testing::json_reply(401, testing::anthropic_error(
                                                                    "authentication_error",
                                                                    "invalid x-api-key " + k_key)));
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(server.requests().size() == 1);
        CHECK(reply.error().message ==
              "the API key was rejected: check TEST_KEY_ENV in the environment");
        CHECK(reply.error().describe().find(k_key) == std::string::npos);
    }
    SECTION("does not retry insufficient_quota") {
        server.enqueue("/chat/completions",
                       testing::json_reply(
                           429, testing::openai_error("You exceeded your current quota.",
                                                      "insufficient_quota", "insufficient_quota")));
        auto p = provider("openai", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "insufficient_quota");
        CHECK(server.requests().size() == 1);
        CHECK(clock.sleeps().empty());
    }
    SECTION("does not retry a Gemini per-day quota, retries a per-minute one after its delay") {
        const std::string path = "/v1beta/models/gemini-2.5-pro:generateContent";
        server.enqueue(path, testing::json_reply(429, testing::gemini_rate_limit_error(
                                                          "3s", "GenerateRequestsPerDay")));
        auto p = provider("gemini", server, clock);
        const auto day = p.complete(request());
        REQUIRE_FALSE(day);
        CHECK(server.requests().size() == 1);
        CHECK(server.requests()[0].header("x-goog-api-key") == k_key);

        server.reset_stats();
        server.enqueue(path, testing::json_reply(429, testing::gemini_rate_limit_error(
                                                          "3s", "GenerateRequestsPerMinute")));
        server.enqueue(path, testing::json_reply(200, testing::gemini_text_reply("{}")));
        const auto minute = p.complete(request());
        REQUIRE(minute);
        CHECK(minute->attempts == 2);
        CHECK(server.requests().size() == 2);
        CHECK(clock.sleeps() == std::vector<milliseconds>{milliseconds(3000)});
    }
    SECTION("retries a dropped connection") {
        Scripted drop = testing::json_reply(
            200, testing::anthropic_text_reply("this reply is cut off half way"));
        drop.fault = Scripted::Fault::drop;
        server.enqueue("/v1/messages", drop);
        server.enqueue("/v1/messages",
                       testing::json_reply(200, testing::anthropic_text_reply("{}")));
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->attempts == 2);
        CHECK(server.requests().size() == 2);
    }
    SECTION("gives up when the server asks to wait over the cap") {
        const std::string path = "/v1beta/models/gemini-2.5-pro:generateContent";
        server.enqueue(path, testing::json_reply(429, testing::gemini_rate_limit_error(
                                                          "90s", "GenerateRequestsPerMinute")));
        auto p = provider("gemini", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "RESOURCE_EXHAUSTED");
        CHECK(reply.error().message.ends_with(" (server asked to wait 90 s, over the 60 s cap)"));
        CHECK(server.requests().size() == 1);
        CHECK(clock.sleeps().empty());
    }
    SECTION("fails on a truncated body with an excerpt, without retrying") {
        Scripted cut =
            testing::json_reply(200, testing::openai_text_reply("{\"stance\":\"bearish\"}"));
        cut.fault = Scripted::Fault::truncate;
        cut.truncate_at = 12;
        server.enqueue("/chat/completions", cut);
        auto p = provider("openai", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "bad_response");
        CHECK(reply.error().message.starts_with("reply is not JSON: {\""));
        CHECK(server.requests().size() == 1);
    }
    SECTION("fails on a vLLM error sent with HTTP 200, without retrying") {
        server.enqueue("/chat/completions",
                       testing::json_reply(200, testing::vllm_error("context too long")));
        auto p = provider("openai-compatible", server, clock);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() ==
              "openai-compatible: HTTP 200 BadRequestError: context too long");
        CHECK(server.requests().size() == 1);
    }
}

TEST_CASE("http_provider::complete rate limits") {
    FakeServer server;
    http::ManualClock clock;

    SECTION("a reply carries OpenAI-style rate-limit headers") {
        server.enqueue("/chat/completions",
                       testing::json_reply(200, testing::openai_text_reply("{}"),
                                           {{"x-ratelimit-limit-requests", "500"},
                                            {"x-ratelimit-limit-tokens", "30000"},
                                            {"x-ratelimit-remaining-requests", "499"},
                                            {"x-ratelimit-remaining-tokens", "29000"},
                                            {"x-ratelimit-reset-requests", "120ms"},
                                            {"x-ratelimit-reset-tokens", "2s"}}));
        auto p = provider("openai", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        const RateLimits& limits = reply->rate_limits;
        CHECK(limits.limit_requests == 500);
        CHECK(limits.limit_tokens == 30000);
        CHECK(limits.remaining_requests == 499);
        CHECK(limits.remaining_tokens == 29000);
        CHECK(limits.reset_requests == milliseconds(120));
        CHECK(limits.reset_tokens == milliseconds(2000));
    }
    SECTION("a reply carries Anthropic's; its token limit is not read as one on input + output") {
        server.enqueue(
            "/v1/messages",
            testing::json_reply(200, testing::anthropic_text_reply("{}"),
                                {{"anthropic-ratelimit-requests-limit", "50"},
                                 {"anthropic-ratelimit-requests-remaining", "0"},
                                 {"anthropic-ratelimit-requests-reset", "2000-01-01T00:00:00Z"},
                                 {"anthropic-ratelimit-tokens-limit", "8000"}}));
        auto p = provider("anthropic", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->rate_limits.limit_requests == 50);
        CHECK(reply->rate_limits.remaining_requests == 0);
        CHECK(reply->rate_limits.reset_requests == milliseconds(0)); // a past time
        CHECK_FALSE(reply->rate_limits.limit_tokens);
    }
    SECTION("a failure carries the headers of the last response (a 429)") {
        server.enqueue("/chat/completions",
                       testing::json_reply(429,
                                           testing::openai_error("Rate limit reached", "requests",
                                                                 "rate_limit_exceeded"),
                                           {{"x-ratelimit-remaining-requests", "0"},
                                            {"x-ratelimit-reset-requests", "1s"},
                                            {"x-ratelimit-limit-requests", " 60 "}}));
        auto p = provider("openai", server, clock, 0);
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().http_status == 429);
        CHECK(reply.error().rate_limits.remaining_requests == 0);
        CHECK(reply.error().rate_limits.reset_requests == milliseconds(1000));
        CHECK(reply.error().rate_limits.limit_requests == 60);
    }
    SECTION("no rate-limit headers, or malformed ones: empty") {
        server.enqueue("/chat/completions",
                       testing::json_reply(200, testing::openai_text_reply("{}"),
                                           {{"x-ratelimit-limit-requests", "many"}}));
        auto p = provider("openai", server, clock);
        const auto reply = p.complete(request());
        REQUIRE(reply);
        CHECK(reply->rate_limits.empty());
        server.enqueue("/chat/completions",
                       testing::json_reply(200, testing::openai_text_reply("{}")));
        CHECK(p.complete(request())->rate_limits.empty());
    }
}

TEST_CASE("http_provider::complete transport errors") {
    http::ManualClock clock;
    std::string dead_url;
    {
        FakeServer gone;
        dead_url = gone.base_url();
    }
    http::RetryPolicy policy;
    policy.max_retries = 1;
    HttpProvider p(make_openai_codec(), seat("openai", dead_url), k_key, transport(), clock,
                   policy);

    SECTION("reports a refused connection after its retries") {
        const auto reply = p.complete(request());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().provider == "openai");
        CHECK(reply.error().type == "connection");
        CHECK(reply.error().http_status == 0);
        CHECK(reply.error().attempts == 2);
        CHECK(reply.error().describe().find(k_key) == std::string::npos);
    }
}

TEST_CASE("http_provider::describe_request") {
    http::ManualClock clock;
    http::RetryPolicy policy;

    SECTION("redacts the key headers and pretty-prints the body") {
        for (const std::string kind :
             {"anthropic", "openai", "xai", "gemini", "openai-compatible"}) {
            HttpProvider p(make_codec(kind), seat(kind, "https://example.invalid/"), k_key,
                           transport(), clock, policy);
            const std::string text = p.describe_request(request());
            CHECK(text.find(k_key) == std::string::npos);
            CHECK(text.find("<redacted>") != std::string::npos);
            CHECK(text.starts_with("POST https://example.invalid/"));
            CHECK(text.find("\n  \"") != std::string::npos);
        }
    }
    SECTION("shows the exact request line and headers") {
        HttpProvider p(make_codec("anthropic"), seat("anthropic", ""), k_key, transport(), clock,
                       policy);
        const std::string text = p.describe_request(request());
        CHECK(text.starts_with("POST https://api.anthropic.com/v1/messages\n"
                               "content-type: application/json\n"
                               "x-api-key: <redacted>\n"
                               "anthropic-version: 2023-06-01\n\n{\n"));
    }
}

TEST_CASE("http_provider::failure_type") {
    SECTION("maps transport error kinds to failure types") {
        using Kind = http::TransportError::Kind;
        CHECK(failure_type({Kind::connect, ""}) == "connection");
        CHECK(failure_type({Kind::dropped, ""}) == "connection");
        CHECK(failure_type({Kind::timeout, ""}) == "timeout");
        CHECK(failure_type({Kind::too_large, ""}) == "too_large");
        CHECK(failure_type({Kind::aborted, ""}) == "aborted");
        CHECK(failure_type({Kind::other, ""}) == "transport");
    }
}
