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

const std::string k_key = "AIza-SENTINEL-0123456789";
const std::string k_schema = R"({"type":"object","properties":{"summary":{"type":"string"}}})";

SeatConfig seat() {
    return testing::codec_seat("gemini", "gemini", "gemini-2.5-pro", "GEMINI_API_KEY");
}

Request request() {
    Request r =
        testing::codec_request("<article>Text.</article>\nSummarize.", "consensus", k_schema, 800);
    return r;
}

} // namespace

TEST_CASE("gemini::build") {
    const auto codec = make_gemini_codec();
    REQUIRE(codec->kind() == "gemini");

    SECTION("posts to generateContent with the key in a header, never in the URL") {
        const auto built = codec->build(request(), seat(), k_key);
        CHECK(built.url == "https://generativelanguage.googleapis.com/v1beta/models/"
                           "gemini-2.5-pro:generateContent");
        CHECK(built.url.find(k_key) == std::string::npos);
        CHECK(header(built, "x-goog-api-key") == k_key);
        CHECK(header(built, "content-type") == "application/json");
    }
    SECTION("tolerates a trailing slash and a models/ prefix") {
        auto s = seat();
        s.base_url = "http://127.0.0.1:7/";
        s.model = "models/gemini-2.5-flash";
        CHECK(codec->build(request(), s, k_key).url ==
              "http://127.0.0.1:7/v1beta/models/gemini-2.5-flash:generateContent");
    }
    SECTION("sends systemInstruction, contents and a JSON schema generation config") {
        const json body = json::parse(codec->build(request(), seat(), k_key).body);
        CHECK(body.at("systemInstruction") ==
              json::parse(R"({"parts":[{"text":"You are an analyst."}]})"));
        CHECK(
            body.at("contents") ==
            json::parse(
                R"([{"role":"user","parts":[{"text":"<article>Text.</article>\nSummarize."}]}])"));
        const json& config = body.at("generationConfig");
        CHECK(config.at("maxOutputTokens") == 800);
        CHECK(config.at("responseMimeType") == "application/json");
        CHECK(config.at("responseJsonSchema") == json::parse(k_schema));
        CHECK_FALSE(config.contains("temperature"));
        CHECK_FALSE(config.contains("responseSchema"));
    }
    SECTION("sends temperature only when configured") {
        auto s = seat();
        s.temperature = 1.0;
        CHECK(json::parse(codec->build(request(), s, k_key).body)
                  .at("generationConfig")
                  .at("temperature") == 1.0);
    }
}

TEST_CASE("gemini::parse") {
    const auto codec = make_gemini_codec();

    SECTION("skips thought parts and counts usage as billed") {
        testing::ReplyUsage usage;
        usage.input = 100;
        usage.cached = 30;
        usage.output = 50;
        usage.reasoning = 20;
        const auto reply = codec->parse(
            response(200, testing::gemini_text_reply("{\"summary\":\"s\"}", usage, "STOP",
                                                     "gemini-2.5-pro", "thinking about it")),
            request(), seat());
        REQUIRE(reply);
        CHECK(reply->text == "{\"summary\":\"s\"}");
        CHECK(reply->model == "gemini-2.5-pro");
        CHECK(reply->finish_reason == "STOP");
        CHECK(reply->request_id == "fake-response-0001");
        CHECK(reply->usage.input_tokens == 100);
        CHECK(reply->usage.cached_tokens == 30);
        CHECK(reply->usage.output_tokens == 70);
    }
    SECTION("concatenates text parts") {
        const auto reply = codec->parse(
            response(200, R"({"candidates":[{"content":{"parts":[{"text":"{\"a\":"},{"text":"1}",
                              "thoughtSignature":"xyz"}]},"finishReason":"STOP"}]})"),
            request(), seat());
        REQUIRE(reply);
        CHECK(reply->text == "{\"a\":1}");
    }
    SECTION("fails on a blocked prompt") {
        const auto reply =
            codec->parse(response(200, testing::gemini_blocked_reply("SAFETY")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "gemini: HTTP 200 blocked: the prompt was blocked "
                                          "(SAFETY) (request fake-response-0002)");
    }
    SECTION("fails on no candidates") {
        const auto reply = codec->parse(response(200, R"({"candidates":[]})"), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "no_candidates");
    }
    SECTION("fails on SAFETY and RECITATION stops") {
        for (const std::string reason : {"SAFETY", "RECITATION"}) {
            const auto reply = codec->parse(
                response(200, testing::gemini_text_reply("", {}, reason)), request(), seat());
            REQUIRE_FALSE(reply);
            CHECK(reply.error().type == reason);
            CHECK(reply.error().message ==
                  "the reply was stopped by the provider (finishReason " + reason + ")");
        }
    }
    SECTION("fails on a MAX_TOKENS stop") {
        const auto reply =
            codec->parse(response(200, testing::gemini_text_reply("{\"su", {}, "MAX_TOKENS")),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().message ==
              "reply cut at max_tokens=800 before the answer was complete");
    }
    SECTION("fails on empty text") {
        const auto reply =
            codec->parse(response(200, testing::gemini_text_reply("")), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "empty_reply");
    }
    SECTION("reads the error shape") {
        const auto reply = codec->parse(
            response(503, testing::gemini_error(503, "UNAVAILABLE", "The model is overloaded.")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "gemini: HTTP 503 UNAVAILABLE: The model is overloaded.");
    }
    SECTION("names the variable to check for API_KEY_INVALID") {
        const std::string body =
            R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.",
            "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
            "reason":"API_KEY_INVALID","domain":"googleapis.com"}]}})";
        const auto reply = codec->parse(response(400, body), request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() == "gemini: HTTP 400 API_KEY_INVALID: the API key was "
                                          "rejected: check GEMINI_API_KEY in the environment");
    }
    SECTION("keeps other 400 errors as the provider said") {
        const auto reply = codec->parse(
            response(400, testing::gemini_error(400, "INVALID_ARGUMENT", "Invalid JSON payload.")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().message == "Invalid JSON payload.");
    }
}

TEST_CASE("gemini::classify") {
    const auto codec = make_gemini_codec();

    SECTION("retries a per-minute quota after the server's delay") {
        const auto hint = codec->classify(
            response(429, testing::gemini_rate_limit_error(
                              "3s", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier")));
        CHECK(hint.retry);
        REQUIRE(hint.server_wait);
        CHECK(*hint.server_wait == std::chrono::milliseconds(3000));
    }
    SECTION("reads fractional delays") {
        const auto hint = codec->classify(response(429, testing::gemini_rate_limit_error("0.5s")));
        CHECK(hint.retry);
        REQUIRE(hint.server_wait);
        CHECK(*hint.server_wait == std::chrono::milliseconds(500));
    }
    SECTION("never retries a per-day quota") {
        const auto hint = codec->classify(
            response(429, testing::gemini_rate_limit_error(
                              "30s", "GenerateRequestsPerDayPerProjectPerModel-FreeTier")));
        CHECK_FALSE(hint.retry);
        CHECK(hint.reason ==
              "daily quota exhausted (GenerateRequestsPerDayPerProjectPerModel-FreeTier)");
    }
    SECTION("retries 503 and 500, not 400") {
        CHECK(
            codec->classify(response(503, testing::gemini_error(503, "UNAVAILABLE", "overloaded")))
                .retry);
        CHECK(codec->classify(response(500, "")).retry);
        CHECK_FALSE(
            codec->classify(response(400, testing::gemini_error(400, "INVALID_ARGUMENT", "bad")))
                .retry);
    }
    SECTION("lets x-should-retry override") {
        CHECK_FALSE(codec->classify(response(503, "", {{"x-should-retry", "false"}})).retry);
    }
}
