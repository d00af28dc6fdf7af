#include <catch2/catch.hpp>
#include <roundtable/util/units.hpp>

using roundtable::util::format_size;

TEST_CASE("units::format_size") {
    SECTION("bytes") {
        CHECK(format_size(0) == "0 bytes");
        CHECK(format_size(1) == "1 byte");
        CHECK(format_size(1023) == "1023 bytes");
    }
    SECTION("binary units with one decimal") {
        CHECK(format_size(1024) == "1.0 KiB");
        CHECK(format_size(1536) == "1.5 KiB");
        CHECK(format_size(1024 * 1024) == "1.0 MiB");
        CHECK(format_size(2 * 1024 * 1024) == "2.0 MiB");
        CHECK(format_size(5ULL * 1024 * 1024 * 1024 / 2) == "2.5 GiB");
    }
}
