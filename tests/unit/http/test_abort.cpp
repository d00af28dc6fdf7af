#include <catch2/catch.hpp>
#include <roundtable/http/abort.hpp>

using namespace roundtable::http;

TEST_CASE("http::request_abort") {
    clear_abort();
    SECTION("sets the flag until cleared") {
        CHECK_FALSE(abort_requested());
        request_abort();
        CHECK(abort_requested());
        request_abort();
        CHECK(abort_requested());
        clear_abort();
        CHECK_FALSE(abort_requested());
    }
    clear_abort();
}
