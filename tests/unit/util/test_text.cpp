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

TEST_CASE("text::one_line") {
    using roundtable::util::one_line;
    CHECK(one_line("a\nb\r\nc\td") == "a b  c d");
    CHECK(one_line(std::string("\x1b[31mred\x7f\0z", 11)) == " [31mred  z");
    CHECK(one_line("caf\xC3\xA9 \xE2\x80\xA8") == "caf\xC3\xA9 \xE2\x80\xA8"); // UTF-8 bytes stay
    CHECK(one_line("8-bit CSI \xC2\x9B"
                   "1m, NEL \xC2\x85, NBSP \xC2\xA0") == "8-bit CSI  1m, NEL  , NBSP \xC2\xA0");
    CHECK(one_line("").empty());
}

TEST_CASE("text::drop_controls") {
    using roundtable::util::drop_controls;
    CHECK(drop_controls("a\x1b[1mb\x07\x7f") == "a[1mb");
    CHECK(drop_controls("keep\ttab\nline\r\n") == "keep\ttab\nline\r\n");
    CHECK(drop_controls("\xC2\x9B"
                        "1m\xC2\x80\xC2\xA0\xC2") == "1m\xC2\xA0\xC2"); // C1 gone, NBSP kept
    CHECK(drop_controls(std::string("\0\f\v", 3)).empty());
}
