#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <mutex>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/curl_transport.hpp>
#include <thread>

using namespace roundtable::http;
using roundtable::testing::FakeServer;
using roundtable::testing::RecordedRequest;
using roundtable::testing::Scripted;
using namespace std::chrono_literals;

namespace {

Request post(const FakeServer& server, std::string path, std::string body = "{}") {
    Request request;
    request.url = server.base_url() + path;
    request.headers = {{"content-type", "application/json"}, {"x-api-key", "sk-secret-key"}};
    request.body = std::move(body);
    return request;
}

// Clears the abort flag on entry and exit, so one test's abort never leaks into another.
struct AbortGuard {
    AbortGuard() { clear_abort(); }
    ~AbortGuard() { clear_abort(); }
    AbortGuard(const AbortGuard&) = delete;
    AbortGuard& operator=(const AbortGuard&) = delete;
};

} // namespace

TEST_CASE("http::make_curl_transport") {
    AbortGuard guard;
    FakeServer server;
    auto transport = make_curl_transport();

    SECTION("returns status, headers and body of a success") {
        server.enqueue("/v1/messages", roundtable::testing::json_reply(200, R"({"ok":true})",
                                                                       {{"Request-Id", "req_42"}}));
        auto result = transport->perform(post(server, "/v1/messages", R"({"q":1})"));
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body == R"({"ok":true})");
        CHECK(result->header("request-id") == "req_42");
        CHECK(result->header("REQUEST-ID") == "req_42");
        CHECK(result->header("content-type") == "application/json");
        CHECK(result->effective_url == server.base_url() + "/v1/messages");

        const auto requests = server.requests();
        REQUIRE(requests.size() == 1);
        CHECK(requests[0].method == "POST");
        CHECK(requests[0].path == "/v1/messages");
        CHECK(requests[0].body == R"({"q":1})");
        CHECK(requests[0].header("x-api-key") == "sk-secret-key");
    }
    SECTION("returns an error status as a response, not an error") {
        server.enqueue("/v1/chat/completions",
                       roundtable::testing::json_reply(
                           401, roundtable::testing::openai_error("Incorrect API key provided",
                                                                  "invalid_request_error",
                                                                  "invalid_api_key")));
        auto result = transport->perform(post(server, "/v1/chat/completions"));
        REQUIRE(result.has_value());
        CHECK(result->status == 401);
        CHECK(result->body.find("invalid_api_key") != std::string::npos);
    }
    SECTION("sends GET without a body and records the query-less path") {
        server.set_default("/page", Scripted{200, {}, "<html></html>", "text/html"});
        Request request;
        request.method = "GET";
        request.url = server.base_url() + "/page?x=1";
        auto result = transport->perform(request);
        REQUIRE(result.has_value());
        CHECK(result->body == "<html></html>");
        REQUIRE(server.requests().size() == 1);
        CHECK(server.requests()[0].method == "GET");
        CHECK(server.requests()[0].path == "/page");
    }
    SECTION("sends the User-Agent") {
        server.set_default("/v1/messages", Scripted{});
        REQUIRE(transport->perform(post(server, "/v1/messages")).has_value());
        REQUIRE(server.requests().size() == 1);
        CHECK(server.requests()[0].header("user-agent") == "roundtable/" ROUNDTABLE_VERSION);
    }
    SECTION("reuses one connection for sequential calls") {
        server.set_default("/v1/messages", Scripted{200, {}, R"({"n":1})"});
        for (int i = 0; i < 10; ++i) {
            auto result = transport->perform(post(server, "/v1/messages"));
            REQUIRE(result.has_value());
            CHECK(result->status == 200);
        }
        CHECK(server.requests().size() == 10);
        CHECK(server.connections_seen() == 1);
        CHECK(transport->connections_opened() == 1);
    }
    SECTION("serves calls from 4 threads at once") {
        // The handler holds each request until 4 are in flight, so success proves concurrency.
        std::mutex mutex;
        std::condition_variable all_in;
        int in_flight = 0;
        server.set_handler("/v1/chat/completions", [&](const RecordedRequest&) {
            std::unique_lock lock(mutex);
            ++in_flight;
            all_in.notify_all();
            all_in.wait_for(lock, 5s, [&] { return in_flight >= 4; });
            return Scripted{200, {}, roundtable::testing::openai_text_reply("hi")};
        });
        std::atomic<int> successes{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&] {
                auto result = transport->perform(post(server, "/v1/chat/completions"));
                if (result && result->status == 200 &&
                    result->body.find("\"hi\"") != std::string::npos) {
                    ++successes;
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        CHECK(successes == 4);
        CHECK(server.max_concurrency("/v1/chat") == 4);
        CHECK(server.connections_seen() == 4);
    }
    SECTION("times out a slow reply") {
        Scripted slow;
        slow.latency = 2s;
        server.enqueue("/v1/messages", slow);
        auto request = post(server, "/v1/messages");
        request.timeout = 300ms;
        auto result = transport->perform(request);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::timeout);
        CHECK(result.error().message.starts_with("timeout error: "));
    }
    SECTION("reports a dropped connection") {
        Scripted drop;
        drop.body = roundtable::testing::anthropic_text_reply("this reply is cut off half way");
        drop.fault = Scripted::Fault::drop;
        server.enqueue("/v1/messages", drop);
        auto result = transport->perform(post(server, "/v1/messages"));
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::dropped);
        CHECK(result.error().message.starts_with("dropped error: "));
    }
    SECTION("returns a truncated body as a complete 200 response") {
        Scripted cut;
        cut.body = R"({"content":[{"type":"text","text":"hello"}]})";
        cut.fault = Scripted::Fault::truncate;
        cut.truncate_at = 12;
        server.enqueue("/v1/messages", cut);
        auto result = transport->perform(post(server, "/v1/messages"));
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body == R"({"content":[)");
    }
    SECTION("refuses a response over the size cap") {
        server.enqueue("/v1/messages",
                       Scripted{200, {}, std::string(10'000, 'x'), "application/octet-stream"});
        auto request = post(server, "/v1/messages");
        request.max_response_bytes = 1000;
        auto result = transport->perform(request);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::too_large);
        CHECK(result.error().message == "too_large error: response larger than 1000 bytes");
    }
    SECTION("keeps request headers out of error messages") {
        int closed_port = 0;
        {
            FakeServer gone;
            closed_port = gone.port();
        }
        Request request;
        request.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/messages";
        request.headers = {{"x-api-key", "sk-secret-key"}};
        auto result = transport->perform(request);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::connect);
        CHECK(result.error().message.starts_with("connect error: "));
        CHECK(result.error().message.find("sk-secret-key") == std::string::npos);
        CHECK(result.error().message.find('\n') == std::string::npos);
    }
    SECTION("follows redirects only when allowed") {
        server.set_default("/old", Scripted{302, {{"Location", "/new"}}, "", "text/plain"});
        server.set_default("/new", Scripted{200, {}, "moved here", "text/plain"});
        Request request;
        request.method = "GET";
        request.url = server.base_url() + "/old";

        auto not_followed = transport->perform(request);
        REQUIRE(not_followed.has_value());
        CHECK(not_followed->status == 302);

        request.max_redirects = 3;
        auto followed = transport->perform(request);
        REQUIRE(followed.has_value());
        CHECK(followed->status == 200);
        CHECK(followed->body == "moved here");
        CHECK(followed->effective_url == server.base_url() + "/new");
    }
    SECTION("refuses schemes other than http and https") {
        Request request;
        request.method = "GET";
        request.url = "file:///etc/passwd";
        auto result = transport->perform(request);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::other);
    }
    SECTION("streams a body from read_body with its declared length") {
        server.set_handler("/v1/files", [](const RecordedRequest& r) {
            return Scripted{
                200, {}, std::to_string(r.body.size()) + ":" + r.body.substr(0, 8), "text/plain"};
        });
        // 300 KB in small reads: libcurl asks several times, and the server gets every byte.
        std::string expected;
        for (int i = 0; i < 30'000; ++i) {
            expected += "line " + std::to_string(i % 10) + "\n";
        }
        std::size_t at = 0;
        int reads = 0;
        Request request = post(server, "/v1/files", "ignored");
        request.body_size = static_cast<std::int64_t>(expected.size());
        request.read_body = [&](char* out, std::size_t size) {
            ++reads;
            const std::size_t n = std::min({size, std::size_t{4096}, expected.size() - at});
            std::copy_n(expected.data() + at, n, out);
            at += n;
            return n;
        };
        auto result = transport->perform(request);
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body == std::to_string(expected.size()) + ":line 0\nl");
        CHECK(reads > 10);
        REQUIRE(server.requests().size() == 1);
        CHECK(server.requests()[0].body == expected);
        CHECK(server.requests()[0].header("content-length") == std::to_string(expected.size()));
    }
    SECTION("hands a success's body to on_body in pieces, keeping none of it") {
        std::string big;
        for (int i = 0; i < 50'000; ++i) {
            big += "result " + std::to_string(i) + "\n";
        }
        server.set_default("/results", Scripted{200, {}, big, "application/jsonl"});
        std::string received;
        int pieces = 0;
        Request request;
        request.method = "GET";
        request.url = server.base_url() + "/results";
        request.on_body = [&](std::string_view piece) {
            ++pieces;
            received.append(piece);
            return true;
        };
        auto result = transport->perform(request);
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body.empty());
        CHECK(received == big);
        CHECK(pieces > 1);

        SECTION("max_response_bytes still bounds the whole") {
            request.max_response_bytes = 10'000;
            auto cut = transport->perform(request);
            REQUIRE_FALSE(cut.has_value());
            CHECK(cut.error().kind == TransportError::Kind::too_large);
        }
        SECTION("a sink that says stop stops the transfer") {
            request.on_body = [](std::string_view) { return false; };
            auto stopped = transport->perform(request);
            REQUIRE_FALSE(stopped.has_value());
            CHECK(stopped.error().kind == TransportError::Kind::other);
            CHECK(stopped.error().message.find("reader stopped") != std::string::npos);
        }
    }
    SECTION("keeps an error status's body whole even with on_body set") {
        server.set_default(
            "/results",
            Scripted{404, {}, R"({"error":{"message":"no such file"}})", "application/json"});
        bool called = false;
        Request request;
        request.method = "GET";
        request.url = server.base_url() + "/results";
        request.on_body = [&](std::string_view) {
            called = true;
            return true;
        };
        auto result = transport->perform(request);
        REQUIRE(result.has_value());
        CHECK(result->status == 404);
        CHECK(result->body.find("no such file") != std::string::npos);
        CHECK_FALSE(called);
    }
    SECTION("answers unscripted paths with a 404 JSON error") {
        auto result = transport->perform(post(server, "/nowhere"));
        REQUIRE(result.has_value());
        CHECK(result->status == 404);
        CHECK(
            result->body ==
            R"({"error":{"message":"fake server: nothing scripted for POST /nowhere","type":"not_found_error"}})");
    }
}

TEST_CASE("http::request_abort stops a transfer") {
    AbortGuard guard;
    FakeServer server;
    auto transport = make_curl_transport();

    SECTION("aborts a slow call in flight") {
        Scripted slow;
        slow.latency = 10s;
        server.enqueue("/v1/messages", slow);
        std::expected<Response, TransportError> result = std::unexpected(TransportError{});
        const auto started = std::chrono::steady_clock::now();
        std::thread caller([&] { result = transport->perform(post(server, "/v1/messages")); });
        while (server.requests().empty() && std::chrono::steady_clock::now() - started < 5s) {
            std::this_thread::sleep_for(10ms);
        }
        request_abort();
        caller.join();
        const auto elapsed = std::chrono::steady_clock::now() - started;
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::aborted);
        CHECK(result.error().message == "aborted error: transfer stopped on request");
        CHECK(elapsed < 3s); // generous: the reply would take 10 s
    }
    SECTION("aborts at once when the flag is already set") {
        server.set_default("/v1/messages", Scripted{});
        request_abort();
        auto result = transport->perform(post(server, "/v1/messages"));
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportError::Kind::aborted);
        clear_abort();
        auto again = transport->perform(post(server, "/v1/messages"));
        REQUIRE(again.has_value());
        CHECK(again->status == 200);
    }
    SECTION("leaves a transfer that is not abortable to finish (a batch job's create call)") {
        Scripted slow{200, {}, R"({"id":"msgbatch_1"})"};
        slow.latency = 600ms;
        server.enqueue("/v1/messages/batches", slow);
        Request request = post(server, "/v1/messages/batches");
        request.abortable = false;
        std::expected<Response, TransportError> result = std::unexpected(TransportError{});
        const auto started = std::chrono::steady_clock::now();
        std::thread caller([&] { result = transport->perform(request); });
        while (server.requests().empty() && std::chrono::steady_clock::now() - started < 5s) {
            std::this_thread::sleep_for(10ms);
        }
        request_abort();
        caller.join();
        REQUIRE(result.has_value());
        CHECK(result->body == R"({"id":"msgbatch_1"})");
        CHECK(std::chrono::steady_clock::now() - started >= 600ms);
    }
}
