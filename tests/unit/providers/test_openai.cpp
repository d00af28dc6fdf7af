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

const std::string k_key = "sk-proj-SENTINEL-0123456789";
const std::string k_schema =
    R"({"type":"object","properties":{"stance":{"type":"string"}},"required":["stance"],
                                 "additionalProperties":false})";

SeatConfig seat(std::string provider = "openai") {
    return testing::codec_seat("gpt", std::move(provider), "gpt-5", "OPENAI_API_KEY");
}

Request request() {
    Request r =
        testing::codec_request("<article>Text.</article>\nGive your take.", "take", k_schema, 900);
    return r;
}

} // namespace

TEST_CASE("openai::build") {
    const auto codec = make_openai_codec();
    REQUIRE(codec->kind() == "openai");

    SECTION("posts to chat completions with a bearer key") {
        const auto built = codec->build(request(), seat(), k_key);
        CHECK(built.url == "https://api.openai.com/v1/chat/completions");
        CHECK(header(built, "authorization") == "Bearer " + k_key);
        CHECK(header(built, "content-type") == "application/json");
    }
    SECTION("tolerates a trailing slash on base_url") {
        auto s = seat();
        s.base_url = "http://127.0.0.1:9/v1/";
        CHECK(codec->build(request(), s, k_key).url == "http://127.0.0.1:9/v1/chat/completions");
    }
    SECTION("sends messages, max_completion_tokens and a strict json_schema") {
        const json body = json::parse(codec->build(request(), seat(), k_key).body);
        CHECK(body.at("model") == "gpt-5");
        CHECK(body.at("messages") ==
              json::parse(R"([{"role":"system","content":"You are an analyst."},
                                 {"role":"user","content":"<article>Text.</article>\nGive your take."}])"));
        CHECK(body.at("max_completion_tokens") == 900);
        CHECK_FALSE(body.contains("max_tokens"));
        CHECK(body.at("response_format").at("type") == "json_schema");
        CHECK(body.at("response_format").at("json_schema").at("name") == "take");
        CHECK(body.at("response_format").at("json_schema").at("strict") == true);
        CHECK(body.at("response_format").at("json_schema").at("schema") == json::parse(k_schema));
        CHECK_FALSE(body.contains("temperature"));
    }
    SECTION("sends temperature only when configured") {
        auto r = request();
        r.temperature = 0.5;
        CHECK(json::parse(codec->build(r, seat(), k_key).body).at("temperature") == 0.5);
    }
}

TEST_CASE("openai_compatible::build") {
    const auto codec = make_openai_compatible_codec();
    REQUIRE(codec->kind() == "openai-compatible");
    auto s = seat("openai-compatible");
    s.base_url = "http://localhost:11434/v1";

    SECTION("sends max_tokens and no authorization without a key") {
        const auto built = codec->build(request(), s, "");
        CHECK(built.url == "http://localhost:11434/v1/chat/completions");
        CHECK(header(built, "authorization") == "<absent>");
        const json body = json::parse(built.body);
        CHECK(body.at("max_tokens") == 900);
        CHECK_FALSE(body.contains("max_completion_tokens"));
        CHECK(body.at("response_format").at("json_schema").at("strict") == true);
    }
    SECTION("sends a bearer key when one is set") {
        CHECK(header(codec->build(request(), s, k_key), "authorization") == "Bearer " + k_key);
    }
}

TEST_CASE("openai::parse") {
    const auto codec = make_openai_codec();

    SECTION("reads content and usage as billed") {
        testing::ReplyUsage usage;
        usage.input = 100;
        usage.cached = 40;
        usage.output = 50;
        usage.reasoning = 20;
        const auto reply = codec->parse(
            response(200, testing::openai_text_reply("{\"stance\":\"neutral\"}", usage),
                     {{"x-request-id", "req_9"}}),
            request(), seat());
        REQUIRE(reply);
        CHECK(reply->text == "{\"stance\":\"neutral\"}");
        CHECK(reply->model == "gpt-5");
        CHECK(reply->finish_reason == "stop");
        CHECK(reply->request_id == "req_9");
        CHECK(reply->usage.input_tokens == 100);
        CHECK(reply->usage.cached_tokens == 40);
        CHECK(reply->usage.output_tokens == 50);
    }
    SECTION("fails on a refusal") {
        const auto reply =
            codec->parse(response(200, testing::openai_refusal_reply("I can't help with that.")),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "refusal");
        CHECK(reply.error().message == "the model refused: I can't help with that.");
    }
    SECTION("fails on a length stop") {
        const auto reply = codec->parse(
            response(200, testing::openai_text_reply("{\"st", {}, "length")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "max_tokens");
        CHECK(reply.error().message ==
              "reply cut at max_tokens=900 before the answer was complete");
    }
    SECTION("fails on a content filter stop") {
        const auto reply = codec->parse(
            response(200, testing::openai_text_reply("", {}, "content_filter")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "content_filter");
    }
    SECTION("fails on empty content and on no choices") {
        const auto empty =
            codec->parse(response(200, testing::openai_text_reply("")), request(), seat());
        REQUIRE_FALSE(empty);
        CHECK(empty.error().type == "empty_reply");
        const auto none = codec->parse(response(200, R"({"choices":[]})"), request(), seat());
        REQUIRE_FALSE(none);
        CHECK(none.error().message == "the reply held no choices");
    }
    SECTION("reads the OpenAI error shape") {
        const auto reply =
            codec->parse(response(429,
                                  testing::openai_error("You exceeded your current quota.",
                                                        "insufficient_quota", "insufficient_quota"),
                                  {{"x-request-id", "req_q"}}),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "openai: HTTP 429 insufficient_quota: You exceeded your "
                                          "current quota. (request req_q)");
    }
    SECTION("names the variable to check for a bad key, never the key") {
        const auto reply = codec->parse(
            response(401, testing::openai_error("Incorrect API key provided: " + k_key + ".",
                                                "invalid_request_error", "invalid_api_key")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "invalid_api_key");
        CHECK(reply.error().message ==
              "the API key was rejected: check OPENAI_API_KEY in the environment");
        CHECK(reply.error().describe().find(k_key) == std::string::npos);
    }
    SECTION("reads OpenRouter's numeric code and upstream body") {
        const auto reply =
            codec->parse(response(502, testing::openrouter_error("Provider returned error", 502,
                                                                 "upstream exploded")),
                         request(), seat("openai-compatible"));
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "502");
        CHECK(reply.error().message == "Provider returned error (upstream: upstream exploded)");
    }
    SECTION("detects vLLM's flat error shape with HTTP 200") {
        const auto compatible = make_openai_compatible_codec();
        const auto reply = compatible->parse(
            response(200, testing::vllm_error("max_tokens is too large", "BadRequestError", 400)),
            request(), seat("openai-compatible"));
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() ==
              "openai-compatible: HTTP 200 BadRequestError: max_tokens is too large");
    }
    SECTION("names api_key_env for a compatible seat without one") {
        const auto compatible = make_openai_compatible_codec();
        auto s = seat("openai-compatible");
        s.name = "local";
        s.api_key_env.clear();
        const auto reply = compatible->parse(
            response(401, testing::openai_error("bad key", "auth")), request(), s);
        REQUIRE_FALSE(reply);
        CHECK(reply.error().message == "the API key was rejected: set api_key_env for seat 'local' "
                                       "to a variable holding a valid key");
    }
    SECTION("fails on a body that is not JSON") {
        const auto reply = codec->parse(response(200, "not json"), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() ==
              "openai: HTTP 200 bad_response: reply is not JSON: not json");
    }
}

TEST_CASE("openai::classify") {
    const auto codec = make_openai_codec();

    SECTION("retries rate limits and server errors") {
        CHECK(codec
                  ->classify(response(429, testing::openai_error("Rate limit reached", "requests",
                                                                 "rate_limit_exceeded")))
                  .retry);
        CHECK(codec->classify(response(500, "")).retry);
        CHECK(codec->classify(response(503, "")).retry);
    }
    SECTION("never retries insufficient_quota") {
        const auto hint = codec->classify(
            response(429, testing::openai_error("You exceeded your current quota.",
                                                "insufficient_quota", "insufficient_quota")));
        CHECK_FALSE(hint.retry);
        CHECK(hint.reason == "insufficient_quota");
    }
    SECTION("never retries 400, 401, 403, 404") {
        for (const int status : {400, 401, 403, 404}) {
            CHECK_FALSE(codec->classify(response(status, "")).retry);
        }
    }
    SECTION("lets x-should-retry override") {
        CHECK_FALSE(codec->classify(response(503, "", {{"x-should-retry", "false"}})).retry);
        CHECK(
            codec
                ->classify(response(
                    429, testing::openai_error("quota", "insufficient_quota", "insufficient_quota"),
                    {{"x-should-retry", "true"}}))
                .retry);
    }
}
