#include <catch2/catch.hpp>
#include <roundtable/http/client.hpp>

using namespace roundtable::http;

TEST_CASE("http::Response::header") {
    Response response;
    response.headers = {
        {"Content-Type", "application/json"}, {"X-Request-Id", "req-1"}, {"x-request-id", "req-2"}};

    SECTION("matches names in any case") {
        CHECK(response.header("content-type") == "application/json");
        CHECK(response.header("CONTENT-TYPE") == "application/json");
    }
    SECTION("returns the first of repeated headers") {
        CHECK(response.header("x-request-id") == "req-1");
    }
    SECTION("returns an empty string for a missing header") {
        CHECK(response.header("retry-after").empty());
        CHECK(response.header("content-typ").empty());
    }
}

TEST_CASE("http::TransportError::kind_name") {
    using Kind = TransportError::Kind;
    SECTION("names every kind") {
        CHECK(TransportError{Kind::connect, ""}.kind_name() == "connect");
        CHECK(TransportError{Kind::timeout, ""}.kind_name() == "timeout");
        CHECK(TransportError{Kind::dropped, ""}.kind_name() == "dropped");
        CHECK(TransportError{Kind::too_large, ""}.kind_name() == "too_large");
        CHECK(TransportError{Kind::aborted, ""}.kind_name() == "aborted");
        CHECK(TransportError{Kind::other, ""}.kind_name() == "other");
    }
}
