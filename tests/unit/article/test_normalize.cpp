#include <catch2/catch.hpp>
#include <roundtable/article/normalize.hpp>
#include <string>

using namespace roundtable::article;

TEST_CASE("normalize::normalize_text") {
    SECTION("CRLF and CR become LF") {
        CHECK(normalize_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree");
    }
    SECTION("tabs, NBSP and Unicode spaces become one space") {
        CHECK(normalize_text("a\tb\xC2\xA0"
                             "c\xE2\x80\x83"
                             "d\xE3\x80\x80"
                             "e\xE2\x80\xAF"
                             "f") == "a b c d e f");
        CHECK(normalize_text("a \t \xC2\xA0 b") == "a b");
    }
    SECTION("trailing and leading spaces of lines are trimmed") {
        CHECK(normalize_text("  first   \n   second  ") == "first\nsecond");
    }
    SECTION("three or more newlines become one blank line") {
        CHECK(normalize_text("p1\n\n\n\n\np2") == "p1\n\np2");
        CHECK(normalize_text("p1\n \n\t\n  \np2") == "p1\n\np2");
        CHECK(normalize_text("p1\n\np2") == "p1\n\np2");
    }
    SECTION("blank lines at both ends are removed") {
        CHECK(normalize_text("\n\n  \n text \n\n\n") == "text");
    }
    SECTION("line and paragraph separators") {
        CHECK(normalize_text("a\xE2\x80\xA8"
                             "b\xE2\x80\xA9"
                             "c") == "a\nb\n\nc");
    }
    SECTION("quotes, dashes and other characters are kept verbatim") {
        const std::string text =
            "\xE2\x80\x9CNo,\xE2\x80\x9D she said \xE2\x80\x94 it\xE2\x80\x99s 5\xE2\x80\x93"
            "7%.";
        CHECK(normalize_text(text) == text);
        CHECK(normalize_text("a\xE2\x80\x8B"
                             "b") == "a\xE2\x80\x8B"
                                     "b"); // zero-width space is not a space
    }
    SECTION("whitespace only becomes empty") {
        CHECK(normalize_text(" \n\t\r\n\xC2\xA0") == "");
    }
    SECTION("control characters are dropped: no escape sequence reaches a terminal") {
        CHECK(normalize_text("rose \x1b[2J\x1b]0;title\x07 12%") == "rose [2J]0;title 12%");
        CHECK(normalize_text(std::string("a\0b\x7f"
                                         "c\x01",
                                         6)) == "abc");
        CHECK(normalize_text("8-bit \xC2\x9B"
                             "31m CSI and \xC2\x85 NEL") == "8-bit 31m CSI and NEL");
        CHECK(normalize_text("\x1b\n\x1b line") == "line");
        CHECK(normalize_text("\xC2\xA9 2026 \xC2\xBF") == "\xC2\xA9 2026 \xC2\xBF"); // not C1
    }
}

TEST_CASE("normalize::normalize_line") {
    SECTION("puts text on one line") {
        CHECK(normalize_line("  Markets\n\n  rally\tagain ") == "Markets rally again");
    }
}

TEST_CASE("normalize::plain_text_title") {
    SECTION("a short first line without a full stop") {
        CHECK(plain_text_title("Rates rise again\nThe central bank said.") == "Rates rise again");
    }
    SECTION("a short first line ending in '.' but followed by a blank line") {
        CHECK(plain_text_title("Rates rise again.\n\nThe central bank said.") ==
              "Rates rise again.");
    }
    SECTION("a first sentence of a paragraph is not a title") {
        CHECK(plain_text_title("The bank raised rates.\nIt said more may follow.") == "");
    }
    SECTION("a hard-wrapped line ending in a comma is not a title") {
        CHECK(plain_text_title("The bank raised rates on Tuesday,\nciting inflation.") == "");
    }
    SECTION("a line over 120 code points is not a title") {
        const std::string long_line(121, 'x');
        CHECK(plain_text_title(long_line + "\n\nBody.") == "");
        const std::string just_fits(120, 'x');
        CHECK(plain_text_title(just_fits + "\n\nBody.") == just_fits);
    }
    SECTION("length counts code points, not bytes") {
        std::string accented;
        for (int i = 0; i < 100; ++i) {
            accented += "\xC3\xA9"; // 100 code points, 200 bytes
        }
        CHECK(plain_text_title(accented + "\n\nBody.") == accented);
    }
    SECTION("a Markdown heading marker is dropped") {
        CHECK(plain_text_title("# Rates rise\n\nBody.") == "Rates rise");
    }
    SECTION("empty text has no title") {
        CHECK(plain_text_title("") == "");
    }
}
