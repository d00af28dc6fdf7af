#include <catch2/catch.hpp>
#include <roundtable/providers/call_log.hpp>

using namespace roundtable::providers;
using namespace std::chrono_literals;

TEST_CASE("call_log::describe_call") {
    HttpCall call;
    call.seat = "claude";
    call.method = "POST";
    call.host_path = "api.anthropic.com/v1/messages";
    call.status = 200;
    call.attempt = 2;
    call.latency = 1240ms;
    SECTION("a reply: tokens and request id") {
        call.usage = TokenUsage{1200, 340, 0, 0, 0};
        call.request_id = "req_1";
        CHECK(describe_call(call) == "http claude POST api.anthropic.com/v1/messages 200 attempt 2 "
                                     "1.24 s tokens 1200/340 request req_1");
    }
    SECTION("no response") {
        call.status = 0;
        call.error = "timeout";
        CHECK(describe_call(call) ==
              "http claude POST api.anthropic.com/v1/messages no response (timeout) attempt 2 "
              "1.24 s");
    }
    SECTION("bodies under the line") {
        call.request_body = "{\"a\": 1}";
        call.response_body = "line one\nline two";
        CHECK(describe_call(call) == "http claude POST api.anthropic.com/v1/messages 200 attempt 2 "
                                     "1.24 s\n  > {\"a\": 1}\n  < line one\n  < line two");
    }
    SECTION("no escape sequence from a response reaches the terminal") {
        call.request_id = "req\x1b]0;t\x07";
        call.response_body = "<h1>\x1b[2JBad gateway</h1>";
        CHECK(describe_call(call) == "http claude POST api.anthropic.com/v1/messages 200 attempt 2 "
                                     "1.24 s request req ]0;t \n  < <h1>[2JBad gateway</h1>");
    }
}

TEST_CASE("call_log::truncate_body") {
    CHECK(truncate_body("short", 10) == "short");
    CHECK(truncate_body("0123456789abc", 10) == "0123456789… (3 more bytes)");
    CHECK(truncate_body("ééééé", 3) == "é… (8 more bytes)"); // never half a character
}
