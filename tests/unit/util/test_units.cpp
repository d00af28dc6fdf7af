#include <catch2/catch.hpp>
#include <roundtable/util/units.hpp>

using roundtable::util::format_size;
using roundtable::util::parse_duration;
using roundtable::util::parse_size;

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

TEST_CASE("units::parse_size") {
    SECTION("binary units, any case, with or without B or iB") {
        CHECK(parse_size("4096") == 4096u);
        CHECK(parse_size("200M") == 200u * 1024 * 1024);
        CHECK(parse_size("200MB") == 200u * 1024 * 1024);
        CHECK(parse_size("200mib") == 200u * 1024 * 1024);
        CHECK(parse_size("1G") == 1024u * 1024 * 1024);
        CHECK(parse_size("512k") == 512u * 1024);
        CHECK(parse_size("1.5K") == 1536u);
        CHECK(parse_size("2T") == 2ULL * 1024 * 1024 * 1024 * 1024);
        CHECK(parse_size("10 M") == 10u * 1024 * 1024);
        CHECK(parse_size("0") == 0u);
    }
    SECTION("anything else says what was expected") {
        const std::string expected = "expected a size such as 200M, 1G or 512K (binary units; "
                                     "plain digits are bytes), got ";
        CHECK(parse_size("").error() == expected + "''");
        CHECK(parse_size("M").error() == expected + "'M'");
        CHECK(parse_size("-1M").error() == expected + "'-1M'");
        CHECK(parse_size("5X").error() == expected + "'5X'");
        CHECK(parse_size("5MBB").error() == expected + "'5MBB'");
        CHECK(parse_size("99999999T").error() == "size '99999999T' is too large");
    }
}

TEST_CASE("units::parse_duration") {
    SECTION("seconds, minutes, hours, days and weeks") {
        CHECK(parse_duration("90s") == 90);
        CHECK(parse_duration("30m") == 1800);
        CHECK(parse_duration("12h") == 43200);
        CHECK(parse_duration("7d") == 604800);
        CHECK(parse_duration("2w") == 1209600);
        CHECK(parse_duration("1.5d") == 129600);
        CHECK(parse_duration("7D") == 604800);
    }
    SECTION("a unit is required; negative or absurd durations are refused") {
        const std::string expected = "expected a duration such as 7d, 12h, 30m, 90s or 2w, got ";
        CHECK(parse_duration("7").error() == expected + "'7'");
        CHECK(parse_duration("7 days").error() == expected + "'7 days'");
        CHECK(parse_duration("-1d").error() == expected + "'-1d'");
        CHECK(parse_duration("d").error() == expected + "'d'");
        CHECK(parse_duration("40000d").error() == "duration '40000d' is longer than 100 years");
    }
}
