// The batch wire formats against recorded real replies (tests/data/recorded/SOURCES.md): a
// result line must become the same Reply the synchronous codec makes of the same body.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/codec.hpp>
#include <sstream>
#include <string>
#include <support/codec_fixtures.hpp>

using namespace roundtable;
using namespace roundtable::jobs;
using nlohmann::json;
using roundtable::testing::response;

namespace {

std::string recorded(const std::string& name) {
    return testing::recorded_reply(name);
}

providers::Request take() {
    return testing::codec_request("Read the article.", "take", "", 16000);
}

providers::SeatConfig seat(std::string provider, std::string model) {
    return testing::codec_seat("seat", std::move(provider), std::move(model), "KEY");
}

// Checks that the batch outcome of `line` equals the synchronous parse of `body`.
void same_as_sync(const providers::Codec& codec, Protocol protocol, const std::string& line,
                  const std::string& body, const providers::SeatConfig& s, const std::string& id) {
    const auto result = read_result(protocol, line);
    REQUIRE(result.has_value());
    CHECK(result->id == id);
    const auto batch = outcome(codec, *result, take(), s);
    const auto sync = codec.parse(response(200, body), take(), s);
    REQUIRE(sync.has_value());
    REQUIRE(batch.has_value());
    CHECK(batch->batch);
    CHECK_FALSE(sync->batch);
    CHECK(batch->text == sync->text);
    CHECK(batch->finish_reason == sync->finish_reason);
    CHECK(batch->usage.input_tokens == sync->usage.input_tokens);
    CHECK(batch->usage.output_tokens == sync->usage.output_tokens);
    CHECK(batch->usage.reasoning_tokens == sync->usage.reasoning_tokens);
}

} // namespace

TEST_CASE("wire::protocol_of") {
    CHECK(protocol_of("openai") == Protocol::openai_files);
    CHECK(protocol_of("xai") == Protocol::openai_files);
    CHECK(protocol_of("anthropic") == Protocol::anthropic_messages);
    CHECK(protocol_of("gemini") == Protocol::gemini);
    CHECK_FALSE(protocol_of("offline"));
    CHECK_FALSE(protocol_of("openai-compatible"));
}

TEST_CASE("wire::request lines carry the synchronous body") {
    const auto request = take();
    SECTION("openai: custom_id, method, url path, body") {
        const auto codec = providers::make_openai_codec();
        const auto s = seat("openai", "gpt-5.5");
        const json line =
            json::parse(request_line(Protocol::openai_files, *codec, "k1", request, s));
        CHECK(line.at("custom_id") == "k1");
        CHECK(line.at("method") == "POST");
        CHECK(line.at("url") == "/v1/chat/completions");
        CHECK(line.at("body") == json::parse(codec->build(request, s, "").body));
        CHECK(line.at("body").at("model") == "gpt-5.5");
    }
    SECTION("anthropic: custom_id and params") {
        const auto codec = providers::make_anthropic_codec();
        const auto s = seat("anthropic", "claude-sonnet-5-5");
        const json line =
            json::parse(request_line(Protocol::anthropic_messages, *codec, "k2", request, s));
        CHECK(line.at("custom_id") == "k2");
        CHECK(line.at("params") == json::parse(codec->build(request, s, "").body));
        CHECK_FALSE(line.contains("body"));
    }
    SECTION("gemini: request and metadata.key") {
        const auto codec = providers::make_gemini_codec();
        const auto s = seat("gemini", "gemini-4-neon");
        const json line = json::parse(request_line(Protocol::gemini, *codec, "k3", request, s));
        CHECK(line.at("metadata").at("key") == "k3");
        CHECK(line.at("request") == json::parse(codec->build(request, s, "").body));
    }
}

TEST_CASE("wire::openai result lines") {
    const auto codec = providers::make_openai_codec();
    const auto s = seat("openai", "gpt-4o-mini");
    SECTION("the documented output line (recorded)") {
        const std::string line = recorded("openai-batch-output-line.jsonl");
        const json body = json::parse(line).at("response").at("body");
        same_as_sync(*codec, Protocol::openai_files, line, body.dump(), s, "request-2");
        const auto batch = outcome(*codec, *read_result(Protocol::openai_files, line), take(), s);
        REQUIRE(batch);
        CHECK(batch->text == "2 + 2 equals 4.");
        CHECK(batch->request_id == "req_c187b3");
    }
    SECTION("a recorded gpt-5 completion inside a batch line") {
        const std::string body = recorded("openai-gpt-5-chat-reasoning-tokens.json");
        const json line = {
            {"id", "batch_req_1"},
            {"custom_id", "r1"},
            {"response",
             {{"status_code", 200}, {"request_id", "req_1"}, {"body", json::parse(body)}}},
            {"error", nullptr}};
        same_as_sync(*codec, Protocol::openai_files, line.dump(), body, seat("openai", "gpt-5"),
                     "r1");
    }
    SECTION("an error status inside the line fails like the synchronous call") {
        const std::string body = recorded("openai-error-404-unknown-model-chat.json");
        const json line = {
            {"custom_id", "r2"},
            {"response",
             {{"status_code", 404}, {"request_id", "req_2"}, {"body", json::parse(body)}}},
            {"error", nullptr}};
        const auto batch =
            outcome(*codec, *read_result(Protocol::openai_files, line.dump()), take(), s);
        const auto sync = codec->parse(response(404, body), take(), s);
        REQUIRE_FALSE(batch);
        REQUIRE_FALSE(sync);
        CHECK(batch.error().type == sync.error().type);
        CHECK(batch.error().http_status == 404);
        CHECK(batch.error().batch);
    }
    SECTION("an expired request from the error file") {
        const json line = {
            {"custom_id", "r3"},
            {"response", nullptr},
            {"error",
             {{"code", "batch_expired"},
              {"message",
               "This request could not be executed before the completion window expired."}}}};
        const auto batch =
            outcome(*codec, *read_result(Protocol::openai_files, line.dump()), take(), s);
        REQUIRE_FALSE(batch);
        CHECK(batch.error().type == "expired");
        CHECK(batch.error().provider == "openai");
        CHECK(batch.error().describe().find("completion window") != std::string::npos);
    }
}

TEST_CASE("wire::anthropic result lines") {
    const auto codec = providers::make_anthropic_codec();
    const auto s = seat("anthropic", "claude-opus-5");
    SECTION("succeeded: a recorded message") {
        const std::string body = recorded("anthropic-opus-5-thinking-signature.json");
        const json line = {{"custom_id", "a1"},
                           {"result", {{"type", "succeeded"}, {"message", json::parse(body)}}}};
        same_as_sync(*codec, Protocol::anthropic_messages, line.dump(), body, s, "a1");
    }
    SECTION("errored, expired and canceled are failures with their kind") {
        const json errored = {
            {"custom_id", "a2"},
            {"result",
             {{"type", "errored"},
              {"error",
               {{"type", "error"},
                {"error",
                 {{"type", "invalid_request_error"}, {"message", "max_tokens: too large"}}}}}}}};
        auto batch =
            outcome(*codec, *read_result(Protocol::anthropic_messages, errored.dump()), take(), s);
        REQUIRE_FALSE(batch);
        CHECK(batch.error().type == "invalid_request_error");
        CHECK(batch.error().message == "max_tokens: too large");
        for (const char* kind : {"expired", "canceled"}) {
            const json line = {{"custom_id", "a3"}, {"result", {{"type", kind}}}};
            batch =
                outcome(*codec, *read_result(Protocol::anthropic_messages, line.dump()), take(), s);
            REQUIRE_FALSE(batch);
            CHECK(batch.error().type == kind);
            CHECK(batch.error().provider == "anthropic");
        }
    }
    SECTION("a type or message from outside is put on one line (a fuzzer's find)") {
        const json unknown = {{"custom_id", "a4"}, {"result", {{"type", "odd\n\x1b[2Jtype\r"}}}};
        auto batch =
            outcome(*codec, *read_result(Protocol::anthropic_messages, unknown.dump()), take(), s);
        REQUIRE_FALSE(batch);
        CHECK(batch.error().message == "unknown result type \"odd  [2Jtype \"");
        CHECK(batch.error().describe().find_first_of("\r\n\x1b") == std::string::npos);
        const json errored = {
            {"custom_id", "a5"},
            {"result",
             {{"type", "errored"},
              {"error", {{"type", "bad\ntype"}, {"message", "line one\nline two"}}}}}};
        batch =
            outcome(*codec, *read_result(Protocol::anthropic_messages, errored.dump()), take(), s);
        REQUIRE_FALSE(batch);
        CHECK(batch.error().type == "bad type");
        CHECK(batch.error().message == "line one line two");
    }
}

TEST_CASE("wire::gemini result lines") {
    const auto codec = providers::make_gemini_codec();
    const auto s = seat("gemini", "gemini-3.5-flash");
    const std::string body = recorded("gemini-3.5-flash-thoughts-tokens.json");
    SECTION("a file line: key and response") {
        const json line = {{"key", "g1"}, {"response", json::parse(body)}};
        same_as_sync(*codec, Protocol::gemini, line.dump(), body, s, "g1");
    }
    SECTION("an inline response: metadata.key and response") {
        const json line = {{"response", json::parse(body)}, {"metadata", {{"key", "g2"}}}};
        same_as_sync(*codec, Protocol::gemini, line.dump(), body, s, "g2");
    }
    SECTION("a status object is a failure") {
        const json line = {
            {"key", "g3"},
            {"error",
             {{"code", 4}, {"message", "Deadline expired"}, {"status", "DEADLINE_EXCEEDED"}}}};
        const auto batch = outcome(*codec, *read_result(Protocol::gemini, line.dump()), take(), s);
        REQUIRE_FALSE(batch);
        CHECK(batch.error().type == "DEADLINE_EXCEEDED");
        CHECK(batch.error().message == "Deadline expired");
    }
    SECTION("a MAX_TOKENS reply (recorded) fails as max_tokens, as it does synchronously") {
        const std::string cut = recorded("gemini-2.5-pro-max-tokens-no-text.json");
        const json line = {{"key", "g4"}, {"response", json::parse(cut)}};
        const auto batch = outcome(*codec, *read_result(Protocol::gemini, line.dump()), take(), s);
        const auto sync = codec->parse(response(200, cut), take(), s);
        REQUIRE_FALSE(batch);
        REQUIRE_FALSE(sync);
        CHECK(batch.error().type == sync.error().type);
    }
}

TEST_CASE("wire::bad result lines are reasons, not crashes") {
    CHECK_FALSE(read_result(Protocol::openai_files, "not json"));
    CHECK_FALSE(read_result(Protocol::openai_files, "[1,2]"));
    CHECK_FALSE(read_result(Protocol::anthropic_messages, R"({"custom_id":"x"})"));
    CHECK_FALSE(read_result(Protocol::gemini, R"({"response":{}})")); // no key
    const auto no_id =
        read_result(Protocol::openai_files, R"({"response":{"status_code":200,"body":{}}})");
    REQUIRE_FALSE(no_id);
    CHECK(no_id.error() == "a result line names no request id");
}
