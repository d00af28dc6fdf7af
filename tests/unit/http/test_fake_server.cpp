#include <catch2/catch.hpp>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/http/curl_transport.hpp>

using namespace roundtable::testing;
using namespace std::chrono_literals;
using nlohmann::json;
namespace http = roundtable::http;

namespace {

http::Request post(const FakeServer& server, std::string path, std::string body = "{}") {
    http::Request request;
    request.url = server.base_url() + path;
    request.body = std::move(body);
    return request;
}

} // namespace

TEST_CASE("testing::FakeServer") {
    FakeServer server;
    auto transport = http::make_curl_transport();

    SECTION("listens on a loopback port") {
        CHECK(server.port() > 0);
        CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
    }
    SECTION("replies from the queue in order, then the default") {
        server.enqueue("/v1/messages", json_reply(200, "first"));
        server.enqueue("/v1/messages", json_reply(201, "second"));
        server.set_default("/v1/messages", json_reply(202, "default"));
        CHECK(transport->perform(post(server, "/v1/messages"))->body == "first");
        CHECK(transport->perform(post(server, "/v1/messages"))->status == 201);
        CHECK(transport->perform(post(server, "/v1/messages"))->body == "default");
        CHECK(transport->perform(post(server, "/v1/messages"))->body == "default");
    }
    SECTION("matches exact paths, ignoring the query string") {
        const std::string gemini = "/v1beta/models/gemini-2.5-pro:generateContent";
        server.set_default(gemini, json_reply(200, gemini_text_reply("hi")));
        CHECK(transport->perform(post(server, gemini + "?alt=json"))->status == 200);
        CHECK(transport->perform(post(server, "/v1beta/models/other:generateContent"))->status ==
              404);
    }
    SECTION("computes replies with a handler") {
        server.set_handler("/echo", [](const RecordedRequest& request) {
            return json_reply(200,
                              request.method + " " + request.body + " " + request.header("X-Test"));
        });
        auto request = post(server, "/echo", "payload");
        request.headers = {{"X-Test", "yes"}};
        CHECK(transport->perform(request)->body == "POST payload yes");
    }
    SECTION("records requests with lower-cased header names") {
        auto request = post(server, "/v1/messages", R"({"a":1})");
        request.headers = {{"Anthropic-Version", "2023-06-01"}};
        REQUIRE(transport->perform(request).has_value());
        const auto requests = server.requests();
        REQUIRE(requests.size() == 1);
        const auto& headers = requests[0].headers;
        CHECK(std::find(headers.begin(), headers.end(),
                        std::pair<std::string, std::string>{"anthropic-version", "2023-06-01"}) !=
              headers.end());
        CHECK(requests[0].connection.starts_with("127.0.0.1:"));
        CHECK(requests[0].body == R"({"a":1})");
    }
    SECTION("forgets statistics on reset_stats") {
        server.set_default("/x", json_reply(200, "{}"));
        REQUIRE(transport->perform(post(server, "/x")).has_value());
        CHECK(server.max_concurrency() == 1);
        server.reset_stats();
        CHECK(server.requests().empty());
        CHECK(server.connections_seen() == 0);
        CHECK(server.max_concurrency() == 0);
        CHECK(transport->perform(post(server, "/x"))->status == 200);
    }
    SECTION("counts concurrency only for the given path prefix") {
        server.set_default("/a/1", json_reply(200, "{}"));
        server.set_default("/b/1", json_reply(200, "{}"));
        REQUIRE(transport->perform(post(server, "/a/1")).has_value());
        CHECK(server.max_concurrency("/a") == 1);
        CHECK(server.max_concurrency("/b") == 0);
    }
}

TEST_CASE("testing::replies") {
    SECTION("anthropic_text_reply has the Messages shape") {
        const auto reply = json::parse(anthropic_text_reply("hello", {10, 5, 3, 2, 0}));
        CHECK(reply.at("content").at(0).at("type") == "text");
        CHECK(reply.at("content").at(0).at("text") == "hello");
        CHECK(reply.at("stop_reason") == "end_turn");
        CHECK(reply.at("usage").at("input_tokens") == 10);
        CHECK(reply.at("usage").at("cache_read_input_tokens") == 3);
        CHECK(reply.at("usage").at("cache_creation_input_tokens") == 2);
    }
    SECTION("anthropic_tool_reply puts the object in tool_use input") {
        const auto reply = json::parse(anthropic_tool_reply("verdict", R"({"stance":"agree"})"));
        CHECK(reply.at("content").at(0).at("type") == "tool_use");
        CHECK(reply.at("content").at(0).at("input").at("stance") == "agree");
        CHECK(reply.at("stop_reason") == "tool_use");
    }
    SECTION("openai replies have the chat completion shape") {
        const auto reply = json::parse(openai_text_reply("hi", {100, 40, 20, 0, 30}, "length"));
        CHECK(reply.at("choices").at(0).at("message").at("content") == "hi");
        CHECK(reply.at("choices").at(0).at("finish_reason") == "length");
        CHECK(reply.at("usage").at("prompt_tokens_details").at("cached_tokens") == 20);
        CHECK(reply.at("usage").at("completion_tokens_details").at("reasoning_tokens") == 30);
        const auto refusal = json::parse(openai_refusal_reply("I can't help with that."));
        CHECK(refusal.at("choices").at(0).at("message").at("content").is_null());
        CHECK(refusal.at("choices").at(0).at("message").at("refusal") == "I can't help with that.");
    }
    SECTION("gemini replies have the generateContent shape") {
        const auto reply = json::parse(
            gemini_text_reply("answer", {7, 3, 0, 0, 4}, "STOP", "gemini-2.5-pro", "hmm"));
        const auto& parts = reply.at("candidates").at(0).at("content").at("parts");
        REQUIRE(parts.size() == 2);
        CHECK(parts.at(0).at("thought") == true);
        CHECK(parts.at(1).at("text") == "answer");
        CHECK(reply.at("usageMetadata").at("thoughtsTokenCount") == 4);
        CHECK(reply.at("responseId") == "fake-response-0001");
        const auto blocked = json::parse(gemini_blocked_reply());
        CHECK_FALSE(blocked.contains("candidates"));
        CHECK(blocked.at("promptFeedback").at("blockReason") == "SAFETY");
    }
    SECTION("error bodies have each provider's shape") {
        CHECK(
            anthropic_error("overloaded_error", "Overloaded") ==
            R"({"error":{"message":"Overloaded","type":"overloaded_error"},"request_id":"req_fake_0001","type":"error"})");
        CHECK(
            openai_error("You exceeded your current quota", "insufficient_quota",
                         "insufficient_quota") ==
            R"({"error":{"code":"insufficient_quota","message":"You exceeded your current quota","param":null,"type":"insufficient_quota"}})");
        CHECK(
            xai_error("Client specified an invalid argument", "Incorrect API key provided") ==
            R"({"code":"Client specified an invalid argument","error":"Incorrect API key provided"})");
        CHECK(
            vllm_error("bad", "BadRequestError", 400) ==
            R"({"code":400,"message":"bad","object":"error","param":null,"type":"BadRequestError"})");
        CHECK(
            gemini_error(400, "INVALID_ARGUMENT", "API key not valid.") ==
            R"({"error":{"code":400,"details":[],"message":"API key not valid.","status":"INVALID_ARGUMENT"}})");
        const auto routed = json::parse(openrouter_error("upstream failed", 502, R"({"x":1})"));
        CHECK(routed.at("error").at("code") == 502);
        CHECK(routed.at("error").at("metadata").at("raw") == R"({"x":1})");
        const auto limited =
            json::parse(gemini_rate_limit_error("3s", "GenerateRequestsPerDayPerProjectPerModel"));
        const auto& details = limited.at("error").at("details");
        REQUIRE(details.size() == 2);
        CHECK(details.at(0).at("violations").at(0).at("quotaId") ==
              "GenerateRequestsPerDayPerProjectPerModel");
        CHECK(details.at(1).at("@type") == "type.googleapis.com/google.rpc.RetryInfo");
        CHECK(details.at(1).at("retryDelay") == "3s");
    }
}
