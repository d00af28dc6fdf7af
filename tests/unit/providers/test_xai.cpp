#include <catch2/catch.hpp>
#include <fake/replies.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <support/codec_fixtures.hpp>

using namespace roundtable;
using namespace roundtable::providers;
using nlohmann::json;
using roundtable::testing::response;

namespace {

const std::string k_key = "xai-SENTINEL-0123456789";

SeatConfig seat() {
    return testing::codec_seat("grok", "xai", "grok-4", "XAI_API_KEY");
}

Request request() {
    Request r = testing::codec_request("Give your take.", "rebuttal", R"({"type":"object"})", 700);
    return r;
}

} // namespace

TEST_CASE("xai::build") {
    const auto codec = make_xai_codec();
    REQUIRE(codec->kind() == "xai");

    SECTION("posts to xAI's chat completions with a bearer key") {
        const auto built = codec->build(request(), seat(), k_key);
        CHECK(built.url == "https://api.x.ai/v1/chat/completions");
        bool found = false;
        for (const auto& [name, value] : built.headers) {
            found = found || (name == "authorization" && value == "Bearer " + k_key);
        }
        CHECK(found);
        const json body = json::parse(built.body);
        CHECK(body.at("model") == "grok-4");
        CHECK(body.at("max_completion_tokens") == 700);
        CHECK(body.at("response_format").at("json_schema").at("name") == "rebuttal");
        CHECK_FALSE(body.contains("temperature"));
    }
}

TEST_CASE("xai::parse") {
    const auto codec = make_xai_codec();

    SECTION("adds reasoning tokens to output tokens") {
        testing::ReplyUsage usage;
        usage.input = 120;
        usage.cached = 100;
        usage.output = 30;
        usage.reasoning = 200;
        const auto reply =
            codec->parse(response(200, testing::openai_text_reply("{}", usage, "stop", "grok-4"),
                                  {{"x-request-id", "x-1"}}),
                         request(), seat());
        REQUIRE(reply);
        CHECK(reply->usage.input_tokens == 120);
        CHECK(reply->usage.cached_tokens == 100);
        CHECK(reply->usage.output_tokens == 230);
        CHECK(reply->request_id == "x-1");
        CHECK(reply->model == "grok-4");
    }
    SECTION("reads what xAI billed the call (usage.cost_in_usd_ticks), and nothing else as it") {
        // The usage object as docs.x.ai's "Cost Tracking" page describes it (read 2026-11-30):
        // cost_in_usd_ticks is the amount billed after every discount, 1 USD = 1e10 ticks.
        json body = json::parse(testing::openai_text_reply("{}", {}, "stop", "grok-4"));
        body["usage"]["cost_in_usd_ticks"] = 37756000;
        auto reply = codec->parse(response(200, body.dump()), request(), seat());
        REQUIRE(reply);
        CHECK(reply->usage.billed_ticks == 37756000);
        CHECK(static_cast<double>(reply->usage.billed_ticks) / k_ticks_per_usd ==
              Approx(0.0037756));
        for (const json& bad : {json(-5), json(1.5), json("37756000"), json(nullptr)}) {
            body["usage"]["cost_in_usd_ticks"] = bad;
            reply = codec->parse(response(200, body.dump()), request(), seat());
            REQUIRE(reply);
            CHECK(reply->usage.billed_ticks == -1);
        }
        body["usage"].erase("cost_in_usd_ticks");
        reply = codec->parse(response(200, body.dump()), request(), seat());
        REQUIRE(reply);
        CHECK(reply->usage.billed_ticks == -1);
    }
    SECTION("a token count past int64's range reads as 0, never as an undefined conversion") {
        json body = json::parse(testing::openai_text_reply("{}", {}, "stop", "grok-4"));
        body["usage"]["prompt_tokens"] = 1e300;
        body["usage"]["completion_tokens"] = 18446744073709551615ULL;
        const auto reply = codec->parse(response(200, body.dump()), request(), seat());
        REQUIRE(reply);
        CHECK(reply->usage.input_tokens == 0);
        CHECK(reply->usage.output_tokens == 0);
    }
    SECTION("reads the flat error shape") {
        const auto reply =
            codec->parse(response(422, testing::xai_error("Client specified an invalid argument",
                                                          "Unknown field 'foo'")),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().describe() ==
              "xai: HTTP 422 Client specified an invalid argument: Unknown field 'foo'");
    }
    SECTION("names the variable to check for a bad key on 400") {
        const auto reply = codec->parse(
            response(400, testing::xai_error(
                              "Client specified an invalid argument",
                              "Incorrect API key provided: " + k_key.substr(0, 6) +
                                  "***. You can obtain an API key from https://console.x.ai.")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().message ==
              "the API key was rejected: check XAI_API_KEY in the environment");
        CHECK(reply.error().describe().find(k_key.substr(0, 6)) == std::string::npos);
    }
    SECTION("keeps the provider's message for other 400s") {
        const auto reply =
            codec->parse(response(400, testing::xai_error("Client specified an invalid argument",
                                                          "Model grok-4 does not support parameter "
                                                          "reasoningEffort.")),
                         request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().message == "Model grok-4 does not support parameter reasoningEffort.");
    }
    SECTION("a model it does not know names the seat and points to roundtable models") {
        const auto reply = codec->parse(
            response(404, testing::xai_error("not-found", "The model grok-9 does not exist or your "
                                                          "team does not have access to it.")),
            request(), seat());
        REQUIRE_FALSE(reply);
        CHECK(reply.error().type == "model_not_found");
        CHECK(reply.error().message ==
              "seat 'grok': model 'grok-4' is not found at xai: check the id (roundtable models "
              "lists the catalogue)");
    }
}

TEST_CASE("xai::classify") {
    const auto codec = make_xai_codec();

    SECTION("retries a plain rate limit") {
        CHECK(codec
                  ->classify(
                      response(429, testing::xai_error("Too many requests", "Rate limit exceeded")))
                  .retry);
    }
    SECTION("never retries exhausted credits or a reached spending limit") {
        const auto credits = codec->classify(
            response(429, testing::xai_error("Some resource has been exhausted",
                                             "Your team has used all available credits or reached "
                                             "its monthly spending limit.")));
        CHECK_FALSE(credits.retry);
        CHECK(credits.reason == "credits or spending limit exhausted");
    }
    SECTION("never retries a bad key") {
        CHECK_FALSE(
            codec->classify(response(400, testing::xai_error("x", "Incorrect API key provided")))
                .retry);
    }
}
