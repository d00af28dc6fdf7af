#include <catch2/catch.hpp>
#include <roundtable/article/encoding.hpp>
#include <string>

using namespace roundtable::article;

TEST_CASE("encoding::strip_bom") {
    SECTION("drops a leading UTF-8 BOM") {
        CHECK(strip_bom("\xEF\xBB\xBFHello") == "Hello");
    }
    SECTION("keeps text without a BOM, and a BOM that is not leading") {
        CHECK(strip_bom("Hello") == "Hello");
        CHECK(strip_bom("a\xEF\xBB\xBF") == "a\xEF\xBB\xBF");
    }
}

TEST_CASE("encoding::binary_reason") {
    SECTION("text is not binary") {
        CHECK_FALSE(binary_reason("Plain text.\tTabs,\r\nCRLF,\fform feed.").has_value());
        CHECK_FALSE(binary_reason("caf\xC3\xA9").has_value());
    }
    SECTION("a NUL byte") {
        CHECK(binary_reason(std::string("text\0more", 9)) == std::string("NUL bytes"));
    }
    SECTION("mostly control bytes") {
        CHECK(binary_reason("\x01\x02\x03\x04text") == std::string("50% control bytes"));
    }
    SECTION("a few control bytes are tolerated") {
        CHECK_FALSE(binary_reason("\x01"
                                  "abcdefghijklmnopqrst")
                        .has_value());
    }
    SECTION("UTF-16 byte order marks") {
        CHECK(binary_reason(std::string("\xFF\xFEh\0i\0", 6)) ==
              std::string("UTF-16 byte order mark"));
        CHECK(binary_reason(std::string("\xFE\xFF\0h\0i", 6)) ==
              std::string("UTF-16 byte order mark"));
    }
    SECTION("only the first 64 KiB is judged") {
        std::string bytes(64 * 1024, 'a');
        bytes.append(std::string(1000, '\0'));
        CHECK_FALSE(binary_reason(bytes).has_value());
    }
}

TEST_CASE("encoding::repair_utf8") {
    SECTION("valid UTF-8 is unchanged") {
        const auto repaired =
            repair_utf8("caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xF0\x9F\x98\x80");
        CHECK(repaired.replaced == 0);
        CHECK(repaired.text == "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xF0\x9F\x98\x80");
    }
    SECTION("a stray continuation byte and an invalid lead byte") {
        const auto repaired = repair_utf8("a\x80"
                                          "b\xFF"
                                          "c");
        CHECK(repaired.replaced == 2);
        CHECK(repaired.text == "a\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD"
                               "c");
    }
    SECTION("a truncated sequence is one replacement (maximal subpart)") {
        const auto repaired = repair_utf8("x\xE2\x82"
                                          "y");
        CHECK(repaired.replaced == 1);
        CHECK(repaired.text == "x\xEF\xBF\xBDy");
    }
    SECTION("a truncated sequence at the end") {
        const auto repaired = repair_utf8("end\xF0\x9F\x98");
        CHECK(repaired.replaced == 1);
        CHECK(repaired.text == "end\xEF\xBF\xBD");
    }
    SECTION("overlong encodings and surrogates are invalid, byte by byte") {
        CHECK(repair_utf8("\xC0\xAF").replaced == 2);
        CHECK(repair_utf8("\xED\xA0\x80").replaced == 3);
    }
    SECTION("Latin-1 text") {
        const auto repaired = repair_utf8("caf\xE9 cr\xE8me");
        CHECK(repaired.replaced == 2);
        CHECK(repaired.text == "caf\xEF\xBF\xBD cr\xEF\xBF\xBDme");
    }
}

TEST_CASE("encoding::count_code_points") {
    SECTION("ASCII") {
        CHECK(count_code_points("hello") == 5);
    }
    SECTION("multi-byte code points count once") {
        CHECK(count_code_points("caf\xC3\xA9") == 4); // é: 2 bytes
        CHECK(count_code_points("\xE2\x82\xAC"
                                "5") == 2);                 // €: 3 bytes
        CHECK(count_code_points("\xF0\x9F\x98\x80!") == 2); // 😀: 4 bytes
    }
    SECTION("empty") {
        CHECK(count_code_points("") == 0);
    }
}
