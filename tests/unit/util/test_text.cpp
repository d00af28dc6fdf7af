#include <catch2/catch.hpp>
#include <roundtable/util/text.hpp>

using roundtable::util::trim;

TEST_CASE("text::trim") {
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim("\f\vx\v") == "x");
    CHECK(trim(" \t\r\n").empty());
    CHECK(trim("").empty());
    CHECK(trim("--a--", "-") == "a");
    CHECK(trim("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0"); // UTF-8 spaces are text, not ASCII
    static_assert(trim(" q ") == "q");
}
