#include <catch2/catch.hpp>
#include <roundtable/http/redact.hpp>

using namespace roundtable::http;

TEST_CASE("redact::redact_token") {
    SECTION("masks a key that stands whole") {
        CHECK(redact_token("Incorrect API key provided: sk-live-12345678.", "sk-live-12345678") ==
              "Incorrect API key provided: <redacted>.");
        CHECK(redact_token("key=AIzaSecret&alt=json", "AIzaSecret") == "key=<redacted>&alt=json");
        CHECK(redact_token("x", "x") == "<redacted>");
    }
    SECTION("leaves text that only contains a short key") {
        CHECK(redact_token(R"({"max_tokens": 2048, "text": "te x t"})", "x") ==
              R"({"max_tokens": 2048, "text": "te <redacted> t"})");
        CHECK(redact_token("max_tokens text next", "x") == "max_tokens text next");
        CHECK(redact_token("sk-abcdef-more", "sk-abcdef") == "sk-abcdef-more");
    }
    SECTION("an empty key masks nothing") {
        CHECK(redact_token("anything", "") == "anything");
    }
}

TEST_CASE("redact::redact_header") {
    CHECK(redact_header("Authorization", "Bearer x", "x") == "<redacted>");
    CHECK(redact_header("x-api-key", "k", "k") == "<redacted>");
    CHECK(redact_header("X-Goog-Api-Key", "g", "g") == "<redacted>");
    CHECK(redact_header("content-type", "application/json", "x") == "application/json");
    CHECK(redact_header("x-custom", "token x", "x") == "token <redacted>");
}

TEST_CASE("redact::redact_url") {
    CHECK(redact_url("https://h/v1beta/models/m:generateContent?key=x&alt=json", "x") ==
          "https://h/v1beta/models/m:generateContent?key=<redacted>&alt=json");
    CHECK(redact_url("https://x.example/x?x=y&a=x", "x") == "https://x.example/x?x=y&a=<redacted>");
    CHECK(redact_url("https://h/p?key=a%2Bb", "a+b") == "https://h/p?key=<redacted>");
    CHECK(redact_url("https://h/p?key=x#frag", "x") == "https://h/p?key=<redacted>#frag");
    CHECK(redact_url("https://h/x/path", "x") == "https://h/x/path");
    CHECK(redact_url("https://h/p?flag&key=", "x") == "https://h/p?flag&key=");
}
