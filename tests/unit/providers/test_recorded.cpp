// Every codec against real replies of reasoning models, recorded by others' SDK
// test suites (tests/data/recorded/SOURCES.md names each one's origin).
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <roundtable/providers/codec.hpp>
#include <sstream>
#include <string>
#include <support/codec_fixtures.hpp>

using namespace roundtable;
using namespace roundtable::providers;
using nlohmann::json;
using roundtable::testing::response;

namespace {

std::string recorded(const std::string& name) {
    return testing::recorded_reply(name);
}

Request take(int max_tokens = 16000) {
    return testing::codec_request("Read the article.", "take", "", max_tokens);
}

SeatConfig seat(std::string provider, std::string model) {
    return testing::codec_seat("seat", std::move(provider), std::move(model), "KEY");
}

} // namespace

TEST_CASE("recorded::anthropic") {
    const auto codec = make_anthropic_codec();

    SECTION("thinking with a signature, then text: only the text is read; thinking is counted") {
        const auto reply =
            codec->parse(response(200, recorded("anthropic-opus-5-thinking-signature.json")),
                         take(), seat("anthropic", "claude-opus-5"));
        REQUIRE(reply.has_value());
        const json body = json::parse(recorded("anthropic-opus-5-thinking-signature.json"));
        std::string text;
        for (const auto& block : body.at("content")) {
            if (block.at("type") == "text") {
                text += block.at("text").get<std::string>();
            }
        }
        CHECK(reply->text == text);
        CHECK(reply->text.find(body.at("content").at(0).at("signature").get<std::string>()) ==
              std::string::npos);
        CHECK(reply->usage.output_tokens == 1699); // thinking included
        CHECK(reply->usage.reasoning_tokens == 139);
        CHECK(reply->usage.input_tokens == 51);
        CHECK(reply->finish_reason == "end_turn");
    }
    SECTION("adaptive thinking at xhigh, summarized") {
        const auto reply =
            codec->parse(response(200, recorded("anthropic-opus-5-adaptive-summarized-xhigh.json")),
                         take(), seat("anthropic", "claude-opus-5"));
        REQUIRE(reply.has_value());
        CHECK(reply->usage.output_tokens == 44);
        CHECK(reply->usage.reasoning_tokens == 33);
        CHECK_FALSE(reply->text.empty());
    }
    SECTION("omitted thinking (empty text, a signature) and several text blocks are joined") {
        const std::string body_text = recorded("anthropic-sonnet-5-omitted-thinking-default.json");
        const auto reply =
            codec->parse(response(200, body_text), take(), seat("anthropic", "claude-sonnet-5"));
        REQUIRE(reply.has_value());
        const json body = json::parse(body_text);
        std::string text;
        int text_blocks = 0;
        for (const auto& block : body.at("content")) {
            if (block.at("type") == "text") {
                text += block.at("text").get<std::string>();
                ++text_blocks;
            }
        }
        CHECK(text_blocks > 1);
        CHECK(reply->text == text);
        CHECK(reply->usage.reasoning_tokens == 28);
    }
    SECTION("redacted_thinking blocks are skipped") {
        const std::string body_text = recorded("anthropic-sonnet-4-5-redacted-thinking.json");
        const auto reply =
            codec->parse(response(200, body_text), take(), seat("anthropic", "claude-sonnet-4-5"));
        REQUIRE(reply.has_value());
        const json body = json::parse(body_text);
        bool redacted = false;
        for (const auto& block : body.at("content")) {
            if (block.at("type") == "redacted_thinking") {
                redacted = true;
                CHECK(reply->text.find(block.at("data").get<std::string>()) == std::string::npos);
            }
        }
        CHECK(redacted);
        CHECK_FALSE(reply->text.empty());
    }
    SECTION("structured output arrives as a text block holding the object") {
        const auto reply = codec->parse(
            response(200, recorded("anthropic-sonnet-4-5-output-config-json-schema.json")), take(),
            seat("anthropic", "claude-sonnet-4-5"));
        REQUIRE(reply.has_value());
        CHECK(json::parse(reply->text).is_object());
    }
    SECTION("an unknown model is a model_not_found failure naming the seat and the id") {
        auto s = seat("anthropic", "claude-sonet-4-5");
        s.name = "claude";
        const auto reply = codec->parse(
            response(404, recorded("anthropic-error-404-unknown-model-messages.json")), take(), s);
        REQUIRE_FALSE(reply.has_value());
        CHECK(reply.error().type == "model_not_found");
        CHECK(reply.error().request_id == "req_011CdufXo8Y2LVfY2veyuQWG");
        CHECK(reply.error().message ==
              "seat 'claude': model 'claude-sonet-4-5' is not found at anthropic: check the id "
              "(roundtable models lists the catalogue)");
        CHECK_FALSE(codec->classify(response(404, "{}")).retry);
    }
    SECTION("an effort level the model lacks is a 400 that is not retried") {
        const http::Response r =
            response(400, recorded("anthropic-error-400-effort-xhigh-unsupported.json"));
        CHECK_FALSE(codec->classify(r).retry);
        const auto reply = codec->parse(r, take(), seat("anthropic", "claude-opus-4-6"));
        REQUIRE_FALSE(reply.has_value());
        CHECK(reply.error().message.find("does not support effort level 'xhigh'") !=
              std::string::npos);
    }
}

TEST_CASE("recorded::openai") {
    const auto codec = make_openai_codec();

    SECTION("reasoning tokens are part of completion_tokens") {
        const auto reply =
            codec->parse(response(200, recorded("openai-gpt-5-chat-reasoning-tokens.json")), take(),
                         seat("openai", "gpt-5"));
        REQUIRE(reply.has_value());
        CHECK(reply->usage.input_tokens == 304);
        CHECK(reply->usage.output_tokens == 161);
        CHECK(reply->usage.reasoning_tokens == 128);
    }
    SECTION("max_tokens and temperature refusals are not retried and say why") {
        for (const char* name : {"openai-error-max-tokens-reasoning-model.json",
                                 "openai-error-temperature-reasoning-model-responses.json"}) {
            const http::Response r = response(400, recorded(name));
            CHECK_FALSE(codec->classify(r).retry);
            const auto reply = codec->parse(r, take(), seat("openai", "gpt-5"));
            REQUIRE_FALSE(reply.has_value());
            CHECK(reply.error().message.find("Unsupported parameter") != std::string::npos);
        }
    }
    SECTION("an unknown model names the seat and points to roundtable models") {
        auto s = seat("openai", "gpt-5.2-proo");
        s.name = "gpt";
        const auto reply = codec->parse(
            response(404, recorded("openai-error-404-unknown-model-chat.json")), take(), s);
        REQUIRE_FALSE(reply.has_value());
        CHECK(reply.error().type == "model_not_found");
        CHECK(reply.error().message.find("seat 'gpt': model 'gpt-5.2-proo' is not found") == 0);
    }
}

TEST_CASE("recorded::xai") {
    const auto codec = make_xai_codec();
    const auto reply =
        codec->parse(response(200, recorded("xai-grok-3-mini-reasoning-content.json")), take(),
                     seat("xai", "grok-3-mini"));
    REQUIRE(reply.has_value());
    const json body = json::parse(recorded("xai-grok-3-mini-reasoning-content.json"));
    const json& message = body.at("choices").at(0).at("message");
    // The answer is content, never the reasoning_content beside it.
    CHECK(reply->text == message.at("content").get<std::string>());
    CHECK_FALSE(message.at("reasoning_content").get<std::string>().empty());
    // Reasoning is counted apart from completion_tokens and billed as output.
    CHECK(reply->usage.reasoning_tokens == 228);
    CHECK(reply->usage.output_tokens == 1 + 228);
    CHECK(reply->usage.input_tokens == 12);
}

TEST_CASE("recorded::gemini") {
    const auto codec = make_gemini_codec();

    SECTION("thoughts are counted apart from candidates; the signature is not text") {
        const std::string body_text = recorded("gemini-3.5-flash-thoughts-tokens.json");
        const auto reply =
            codec->parse(response(200, body_text), take(), seat("gemini", "gemini-3.5-flash"));
        REQUIRE(reply.has_value());
        CHECK(reply->usage.reasoning_tokens == 72);
        CHECK(reply->usage.output_tokens == 1 + 72);
        CHECK(reply->usage.input_tokens == 15);
        const json part =
            json::parse(body_text).at("candidates").at(0).at("content").at("parts").at(0);
        REQUIRE(part.contains("thoughtSignature"));
        CHECK(reply->text == part.at("text").get<std::string>());
    }
    SECTION("parts marked thought are skipped") {
        const std::string body_text = recorded("gemini-3-pro-preview-thought-parts.json");
        const auto reply =
            codec->parse(response(200, body_text), take(), seat("gemini", "gemini-3-pro-preview"));
        REQUIRE(reply.has_value());
        const json parts = json::parse(body_text).at("candidates").at(0).at("content").at("parts");
        std::string expected;
        bool thought_seen = false;
        for (const auto& part : parts) {
            if (part.value("thought", false)) {
                thought_seen = true;
                CHECK(reply->text.find(part.at("text").get<std::string>()) == std::string::npos);
            } else if (part.contains("text")) {
                expected += part.at("text").get<std::string>();
            }
        }
        CHECK(thought_seen);
        CHECK(reply->text == expected);
        CHECK(reply->usage.reasoning_tokens == 1001);
    }
    SECTION("a short reply with thoughts") {
        const auto reply =
            codec->parse(response(200, recorded("gemini-3-pro-preview-thoughts-tokens.json")),
                         take(), seat("gemini", "gemini-3-pro-preview"));
        REQUIRE(reply.has_value());
        CHECK(reply->usage.reasoning_tokens == 258);
    }
    SECTION("MAX_TOKENS with no parts is a cut that carries what was billed") {
        Request r = take(5);
        const auto reply =
            codec->parse(response(200, recorded("gemini-2.5-pro-max-tokens-no-text.json")), r,
                         seat("gemini", "gemini-2.5-pro"));
        REQUIRE_FALSE(reply.has_value());
        CHECK(reply.error().type == "max_tokens");
        CHECK(reply.error().message ==
              "reply cut at max_tokens=5: reasoning took 2 of them, and no answer was written");
        CHECK(reply.error().usage.reasoning_tokens == 2);
        CHECK(reply.error().usage.output_tokens == 2);
        CHECK(reply.error().usage.input_tokens == 15);
    }
    SECTION("both thinking controls, or a level the model lacks, are 400s not retried") {
        const json both = json::parse(
            recorded("gemini-3.1-pro-preview-errors-minimal-and-level-plus-budget.json"));
        for (const char* key : {"thinkingLevelAndBudgetResponse", "reasoningNoneResponse"}) {
            const http::Response r = response(400, both.at(key).dump());
            CHECK_FALSE(codec->classify(r).retry);
            const auto reply = codec->parse(r, take(), seat("gemini", "gemini-3.1-pro-preview"));
            REQUIRE_FALSE(reply.has_value());
            CHECK(reply.error().type == "INVALID_ARGUMENT");
        }
    }
    SECTION("an unknown model names the seat and the id") {
        auto s = seat("gemini", "gemini-3.6-flahs");
        s.name = "gemini";
        const auto reply = codec->parse(
            response(404, recorded("gemini-error-404-unknown-model-generatecontent.json")), take(),
            s);
        REQUIRE_FALSE(reply.has_value());
        CHECK(reply.error().type == "model_not_found");
        CHECK(reply.error().message.find("model 'gemini-3.6-flahs' is not found at gemini") !=
              std::string::npos);
    }
}
