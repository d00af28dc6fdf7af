#include <catch2/catch.hpp>
#include <roundtable/render/wrap.hpp>
#include <string>

using namespace roundtable::render;

namespace {

// Returns whether `text` is valid UTF-8 (no cut multi-byte sequence).
bool valid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80             ? 1
                             : (c & 0xE0) == 0xC0 ? 2
                             : (c & 0xF0) == 0xE0 ? 3
                             : (c & 0xF8) == 0xF0 ? 4
                                                  : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

} // namespace

TEST_CASE("wrap::display_width") {
    SECTION("ascii counts one column per byte") {
        CHECK(display_width("hello") == 5);
    }
    SECTION("multi-byte code points count once, wide ones twice") {
        CHECK(display_width("Zürich") == 6);
        CHECK(display_width("北京") == 4);
        CHECK(display_width("→ •") == 3);
    }
    SECTION("escape sequences take no room") {
        CHECK(display_width("\x1b[1mbold\x1b[0m") == 4);
    }
    SECTION("a malformed byte counts one column") {
        CHECK(display_width(std::string("a\xff") + "b") == 3);
    }
}

TEST_CASE("wrap::unit_length") {
    SECTION("lengths of units") {
        CHECK(unit_length("ü", 0) == 2);
        CHECK(unit_length("北", 0) == 3);
        CHECK(unit_length("\x1b[31mx", 0) == 5);
        CHECK(unit_length("\xe2\x82", 0) == 1); // truncated sequence
        CHECK(unit_length("a", 1) == 0);
    }
}

TEST_CASE("wrap::wrap") {
    SECTION("words fill lines up to the width") {
        auto lines = wrap("the quick brown fox jumps over the lazy dog", 15);
        REQUIRE(lines.size() == 3);
        CHECK(lines[0] == "the quick brown");
        CHECK(lines[1] == "fox jumps over");
        CHECK(lines[2] == "the lazy dog");
    }
    SECTION("hanging indent for bullets") {
        auto lines = wrap("alpha beta gamma delta", 12, "  • ", "    ");
        REQUIRE(lines.size() == 4);
        CHECK(lines[0] == "  • alpha");
        CHECK(lines[1] == "    beta");
        CHECK(lines[3] == "    delta");
        auto more = wrap("ab cd ef gh", 12, "  • ", "    ");
        REQUIRE(more.size() == 2);
        CHECK(more[0] == "  • ab cd ef");
        CHECK(more[1] == "    gh");
    }
    SECTION("whitespace and line breaks collapse; blank text gives no lines") {
        auto lines = wrap("a \n\n  b\tc", 40);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == "a b c");
        CHECK(wrap("   \n ", 40).empty());
    }
    SECTION("a long multi-byte word is cut between code points") {
        std::string word;
        for (int i = 0; i < 30; ++i) {
            word += "ü北";
        }
        auto lines = wrap("x " + word, 7, "", "");
        REQUIRE(lines.size() > 3);
        for (const std::string& line : lines) {
            CHECK(valid_utf8(line));
            CHECK(display_width(line) <= 7);
        }
    }
    SECTION("colour codes do not count against the width") {
        auto lines = wrap("\x1b[31mred\x1b[0m words here", 9);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] == "\x1b[31mred\x1b[0m words");
        CHECK(lines[1] == "here");
    }
    SECTION("no trailing spaces") {
        for (const std::string& line : wrap("trailing   spaces   everywhere  ", 10, "", "  ")) {
            CHECK_FALSE(line.ends_with(' '));
        }
    }
}

TEST_CASE("wrap::trim_line_ends") {
    SECTION("spaces before line ends go, others stay") {
        CHECK(trim_line_ends("a  \n b \t\nc ") == "a\n b\nc");
        CHECK(trim_line_ends("x\n\n") == "x\n\n");
    }
}
