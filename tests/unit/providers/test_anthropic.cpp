#include <catch2/catch.hpp>
#include <fake/replies.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <support/codec_fixtures.hpp>

using namespace roundtable;
using namespace roundtable::providers;
using nlohmann::json;
using roundtable::testing::header;
using roundtable::testing::response;

namespace {

const std::string k_key = "sk-ant-SENTINEL-0123456789";
const std::string k_schema =
    R"({"type":"object","properties":{"stance":{"type":"string"}},"required":["stance"]})";

// A model that does not think, with a forced tool for its JSON (the catalogue's "tool").
SeatConfig seat() {
    SeatConfig s =
        testing::codec_seat("claude", "anthropic", "claude-sonnet-4-6", "ANTHROPIC_API_KEY");
    s.traits.structured = StructuredOutput::tool;
    return s;
}

// A Claude 5 model: adaptive thinking by default, effort levels, JSON-schema output, no sampling.
SeatConfig thinking_seat() {
    SeatConfig s =
        testing::codec_seat("claude", "anthropic", "claude-sonnet-5-5", "ANTHROPIC_API_KEY");
    s.traits.listed = true;
    s.traits.reasoning = Reasoning::default_on;
    s.traits.control = ReasoningControl::effort;
    s.traits.effort_values = {"low", "medium", "high"};
    s.traits.sampling = false;
    s.traits.structured = StructuredOutput::json_schema;
    return s;
}

Request request() {
    Request r =
        testing::codec_request("<article>Text.</article>\nGive your take.", "take", k_schema, 1000);
    r.cacheable_prefix = std::string("<article>Text.</article>\n").size();
    return r;
}

} // namespace

TEST_CASE("anthropic::build") {
    const auto codec = make_anthropic_codec();
    REQUIRE(codec->kind() == "anthropic");

    SECTION("posts to the messages endpoint with the key and version headers") {
        const auto built = codec->build(request(), seat(), k_key);
        CHECK(built.method == "POST");
        CHECK(built.url == "https://api.anthropic.com/v1/messages");
        CHECK(header(built, "x-api-key") == k_key);
        CHECK(header(built, "anthropic-version") == "2023-06-01");
        CHECK(header(built, "content-type") == "application/json");
        CHECK(built.max_redirects == 0);
        CHECK(built.timeout == std::chrono::milliseconds(120'000));
    }
    SECTION("tolerates trailing slashes on base_url") {
        auto s = seat();
        s.base_url = "http://127.0.0.1:8080//";
        CHECK(codec->build(request(), s, k_key).url == "http://127.0.0.1:8080/v1/messages");
    }
    SECTION("sends system, cached article prefix, forced tool and no temperature") {
        const json body = json::parse(codec->build(request(), seat(), k_key).body);
        CHECK(body.at("model") == "claude-sonnet-4-6");
        CHECK(body.at("max_tokens") == 1000);
        CHECK(body.at("system") == json::parse(R"([{"type":"text","text":"You are an analyst.",
                                                   "cache_control":{"type":"ephemeral"}}])"));
        const json& content = body.at("messages").at(0).at("content");
        CHECK(body.at("messages").at(0).at("role") == "user");
        REQUIRE(content.size() == 2);
        CHECK(content[0].at("text") == "<article>Text.</article>\n");
        CHECK(content[0].at("cache_control").at("type") == "ephemeral");
        CHECK(content[1].at("text") == "Give your take.");
        CHECK_FALSE(content[1].contains("cache_control"));
        CHECK(body.at("tools").at(0).at("name") == "submit_take");
        CHECK(body.at("tools").at(0).at("input_schema") == json::parse(k_schema));
        CHECK_FALSE(body.at("tools").at(0).at("description").get<std::string>().empty());
        CHECK(body.at("tool_choice") == json::parse(R"({"type":"tool","name":"submit_take"})"));
        CHECK_FALSE(body.contains("temperature"));
        CHECK(body.dump().find(k_key) == std::string::npos);
    }
    SECTION("sends temperature only when configured") {
        auto s = seat();
        s.temperature = 0.25;
        CHECK(json::parse(codec->build(request(), s, k_key).body).at("temperature") == 0.25);
    }
    SECTION("a thinking model gets adaptive thinking, its effort and JSON-schema output, never "
            "a forced tool or a temperature") {
        auto s = thinking_seat();
        s.temperature = 0.25;
        auto r = request();
        r.effort = Effort::high;
        r.json_schema = R"({"type":"object","properties":{"confidence":{"type":"number",
            "minimum":0,"maximum":1}},"required":["confidence"],"additionalProperties":false})";
        const json body = json::parse(codec->build(r, s, k_key).body);
        CHECK(body.at("thinking") == json{{"type", "adaptive"}});
        CHECK(body.at("output_config").at("effort") == "high");
        CHECK(body.at("output_config").at("format") ==
              json::parse(R"({"type":"json_schema","schema":{"type":"object","properties":{
                  "confidence":{"type":"number"}},"required":["confidence"],
                  "additionalProperties":false}})"));
        CHECK_FALSE(body.contains("tools"));
        CHECK_FALSE(body.contains("tool_choice"));
        CHECK_FALSE(body.contains("temperature"));
    }
    SECTION("a model with a tool structure that thinks still gets no forced tool") {
        auto s = thinking_seat();
        s.traits.structured = StructuredOutput::tool;
        const json body = json::parse(codec->build(request(), s, k_key).body);
        CHECK_FALSE(body.contains("tool_choice"));
        CHECK(body.at("output_config").contains("format"));
    }
    SECTION("a budget model: thinking.budget_tokens at an effort that thinks, none at one that "
            "does not") {
        auto s = seat();
        s.traits.reasoning = Reasoning::opt_in;
        s.traits.control = ReasoningControl::budget;
        s.traits.effort_values = {"0", "4096", "16384"};
        s.temperature = 0.5;
        auto r = request();
        r.effort = Effort::medium;
        json body = json::parse(codec->build(r, s, k_key).body);
        CHECK(body.at("thinking") == json{{"type", "enabled"}, {"budget_tokens", 4096}});
        CHECK_FALSE(body.contains("tool_choice"));
        CHECK_FALSE(body.contains("temperature"));
        r.effort = Effort::low;
        body = json::parse(codec->build(r, s, k_key).body);
        CHECK_FALSE(body.contains("thinking"));
        CHECK(body.at("tool_choice").at("type") == "tool");
        CHECK(body.at("temperature") == 0.5);
    }
    SECTION("sends one block without cache_control when there is no cacheable prefix") {
        auto r = request();
        r.cacheable_prefix = 0;
        const json content =
            json::parse(codec->build(r, seat(), k_key).body).at("messages").at(0).at("content");
        REQUIRE(content.size() == 1);
        CHECK(content[0].at("text") == r.user);
        CHECK_FALSE(content[0].contains("cache_control"));
    }
    SECTION("marks the whole user text when the prefix covers it") {
        auto r = request();
        r.cacheable_prefix = r.user.size() + 5;
        const json content =
            json::parse(codec->build(r, seat(), k_key).body).at("messages").at(0).at("content");
        REQUIRE(content.size() == 1);
        CHECK(content[0].contains("cache_control"));
    }
    SECTION("sends no tools without a schema") {
        auto r = request();
        r.json_schema.clear();
        const json body = json::parse(codec->build(r, seat(), k_key).body);
        CHECK_FALSE(body.contains("tools"));
        CHECK_FALSE(body.contains("tool_choice"));
    }
}

TEST_CASE("anthropic::parse") {
    const auto codec = make_anthropic_codec();

    SECTION("reads the tool input as text and counts usage as billed") {
        testing::ReplyUsage usage;
        usage.input = 100;
        usage.output = 50;
        usage.cached = 30;
        usage.cache_write = 20;
        const auto reply = codec->parse(
            response(200,
                     testing::anthropic_tool_reply("submit_take", R"({"stance":"bullish"})", usage),
                     {{"Request-Id", "req_123"}}),
            request(), seat());
        REQUIRE(reply);
        CHECK(json::parse(reply->text) == json::parse(R"({"stance":"bullish"})"));
        CHECK(reply->model == "claude-sonnet-4-6");
        CHECK(reply->finish_reason == "tool_use");
        CHECK(reply->request_id == "req_123");
        CHECK(reply->usage.input_tokens == 150);
        CHECK(reply->usage.cached_tokens == 30);
        CHECK(reply->usage.cache_write_tokens == 20);
        CHECK(reply->usage.output_tokens == 50);
    }
    SECTION("reads text blocks") {
        const auto reply = codec->parse(response(200, testing::anthropic_text_reply("{\"a\":1}")),
                                        request(), seat());
        REQUIRE(reply);
        CHECK(reply->text == "{\"a\":1}");
        CHECK(reply->finish_reason == "end_turn");
    }
    SECTION("fails on a refusal") {
        const auto reply = codec->parse(
            response(200, testing::anthropic_text_reply("", {}, "refusal")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "refusal");
        CHECK(reply.error().message == "the model refused to answer");
    }
    SECTION("fails on a max_tokens stop") {
        const auto reply =
            codec->parse(response(200, testing::anthropic_text_reply("{\"st", {}, "max_tokens")),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "anthropic: HTTP 200 max_tokens: reply cut at "
                                          "max_tokens=1000 before the answer was complete");
    }
    SECTION("fails on empty text") {
        const auto reply =
            codec->parse(response(200, testing::anthropic_text_reply("")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "empty_reply");
        CHECK(reply.error().message == "the reply held no text");
    }
    SECTION("fails on a body that is not JSON, with an excerpt") {
        const auto reply = codec->parse(response(200, std::string(300, 'x')), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "bad_response");
        CHECK(reply.error().message == "reply is not JSON: " + std::string(200, 'x') + "...");
    }
    SECTION("reads the error shape") {
        const auto reply = codec->parse(
            response(529, testing::anthropic_error("overloaded_error", "Overloaded", "req_529")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().http_status == 529);
        CHECK(reply.error().type == "overloaded_error");
        CHECK(reply.error().message == "Overloaded");
        CHECK(reply.error().request_id == "req_529");
        CHECK(reply.error().describe() ==
              "anthropic: HTTP 529 overloaded_error: Overloaded (request req_529)");
    }
    SECTION("puts an error's type and message on one line") {
        const auto reply = codec->parse(
            response(400, testing::anthropic_error("odd\ntype", "first\r\nsecond\x1b[0m")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "odd type");
        CHECK(reply.error().message == "first  second [0m");
    }
    SECTION("falls back to the raw body for an unknown shape") {
        const auto reply =
            codec->parse(response(502, "<html>Bad gateway</html>"), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "anthropic: HTTP 502 <html>Bad gateway</html>");
    }
    SECTION("names the variable to check for a bad key") {
        const auto reply =
            codec->parse(response(401, testing::anthropic_error("authentication_error",
                                                                "invalid x-api-key " + k_key)),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "authentication_error");
        CHECK(reply.error().message ==
              "the API key was rejected: check ANTHROPIC_API_KEY in the environment");
        CHECK(reply.error().describe().find(k_key) == std::string::npos);
    }
}

TEST_CASE("anthropic::classify") {
    const auto codec = make_anthropic_codec();

    SECTION("retries 429, 529 and 503") {
        CHECK(
            codec
                ->classify(response(429, testing::anthropic_error("rate_limit_error", "slow down")))
                .retry);
        CHECK(codec
                  ->classify(
                      response(529, testing::anthropic_error("overloaded_error", "Overloaded")))
                  .retry);
        CHECK(codec->classify(response(503, "")).retry);
        CHECK(codec->classify(response(408, "")).retry);
        CHECK(codec->classify(response(409, "")).retry);
    }
    SECTION("never retries other 4xx or a success") {
        CHECK_FALSE(
            codec->classify(response(400, testing::anthropic_error("invalid_request_error", "bad")))
                .retry);
        CHECK_FALSE(codec->classify(response(401, "")).retry);
        CHECK_FALSE(codec->classify(response(404, "")).retry);
        CHECK_FALSE(codec->classify(response(200, "{}")).retry);
    }
    SECTION("never retries a reached spend limit") {
        const auto hint = codec->classify(response(
            429, testing::anthropic_error("rate_limit_error", "enforced_spend_limit_reached")));
        CHECK_FALSE(hint.retry);
        CHECK(hint.reason == "enforced_spend_limit_reached");
    }
    SECTION("lets x-should-retry override the status") {
        CHECK_FALSE(codec->classify(response(529, "", {{"x-should-retry", "false"}})).retry);
        CHECK(codec->classify(response(400, "", {{"X-Should-Retry", "true"}})).retry);
    }
}
