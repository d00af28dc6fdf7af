#include <catch2/catch.hpp>
#include <roundtable/guard/extract.hpp>
#include <string>
#include <string_view>

using roundtable::guard::extract_json_object;

namespace {

constexpr const char* k_object =
    R"({"summary": "Mixed", "risk": "Debt", "opportunity": "Exports"})";

} // namespace

TEST_CASE("extract::extract_json_object") {
    SECTION("an object alone is returned as is") {
        const auto found = extract_json_object(k_object);
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("surrounding whitespace is dropped") {
        const auto found = extract_json_object(std::string("\n  ") + k_object + "\n\n");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("inside a ```json fence") {
        const auto found = extract_json_object(std::string("```json\n") + k_object + "\n```");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("inside a bare ``` fence with prose around it") {
        const auto found = extract_json_object(std::string("Here you go:\n```\n") + k_object +
                                               "\n```\nHope this helps.");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("inside a fence on one line") {
        const auto found = extract_json_object(std::string("```JSON ") + k_object + "```");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("prose before and after") {
        const auto found =
            extract_json_object(std::string("Sure! My answer is ") + k_object + " -- thanks.");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("braces and escaped quotes inside strings do not end the object") {
        const std::string object =
            R"({"text": "a } brace and a \"quoted {\" word", "n": {"x": 1}})";
        const auto found = extract_json_object("Answer: " + object + " done");
        REQUIRE(found.has_value());
        CHECK(*found == object);
    }
    SECTION("the first balanced {...} that parses is taken") {
        const auto found = extract_json_object(std::string("Fill in {the template} like so: ") +
                                               k_object + R"( or {"other": 1})");
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("a UTF-8 byte-order mark is skipped") {
        const auto found = extract_json_object(std::string("\xEF\xBB\xBF") + k_object);
        REQUIRE(found.has_value());
        CHECK(*found == k_object);
    }
    SECTION("trailing commas are removed") {
        const auto found = extract_json_object(R"({"a": [1, 2,], "b": "x, }",})");
        REQUIRE(found.has_value());
        CHECK(*found == R"({"a": [1, 2], "b": "x, }"})");
    }
    SECTION("an empty reply") {
        CHECK(extract_json_object("").error() == "the reply is empty");
        CHECK(extract_json_object(" \n\t ").error() == "the reply is empty");
        CHECK(extract_json_object("\xEF\xBB\xBF").error() == "the reply is empty");
    }
    SECTION("a refusal: the error quotes its start, cut at 60 characters") {
        const auto found = extract_json_object(
            "I'm sorry, but I can't help with that request because it asks for investment advice.");
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error() == "no JSON object in the reply (starts with: \"I'm sorry, but I can't "
                               "help with that request because "
                               "it ask...\")");
    }
    SECTION("a short reply without an object is quoted whole, line breaks as spaces") {
        CHECK(extract_json_object("No.\n\nSorry.").error() ==
              "no JSON object in the reply (starts with: \"No. Sorry.\")");
    }
    SECTION("a truncated object") {
        CHECK(extract_json_object(R"({"summary": "Mixed", "risk": "De)").error() ==
              "the JSON object in the reply is incomplete (truncated?)");
    }
    SECTION("an object that does not parse is reported with the parser's words") {
        const auto found = extract_json_object(R"({"summary": "Mixed" "risk": "Debt"})");
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().starts_with(
            "the JSON object in the reply does not parse: parse error at line 1"));
    }
    SECTION("inner objects of a broken object are not taken") {
        const auto found = extract_json_object(R"({"a": {"b": 1} "c": 2})");
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().starts_with("the JSON object in the reply does not parse"));
    }
    SECTION("an array is not an object") {
        CHECK(extract_json_object(std::string("[") + k_object + "]").error() ==
              "the reply is a JSON array, not an object");
        CHECK(extract_json_object(std::string("```json\n[") + k_object + "]\n```").error() ==
              "the reply is a JSON array, not an object");
    }
}

namespace {

// True when `s` is valid UTF-8 (no stray continuation byte, no cut sequence,
// no overlong form, no surrogate, nothing past U+10FFFF).
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if ((b & 0xE0U) == 0xC0U) {
            n = 1;
            cp = b & 0x1FU;
        } else if ((b & 0xF0U) == 0xE0U) {
            n = 2;
            cp = b & 0x0FU;
        } else if ((b & 0xF8U) == 0xF0U) {
            n = 3;
            cp = b & 0x07U;
        } else {
            return false;
        }
        if (i + n >= s.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0U) != 0x80U) {
                return false;
            }
            cp = (cp << 6U) | (c & 0x3FU);
        }
        const char32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

} // namespace

TEST_CASE("extract::errors are valid UTF-8") {
    SECTION("a curly quote after a key (the parser stops inside the character)") {
        const std::string reply = "{\"stance\": \"bearish\", \"confidence\": 0.7, "
                                  "\"headline\"\u201c: \"Recall \u201cdeepens\u201d the loss\"}";
        const auto found = extract_json_object(reply);
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().find("does not parse") != std::string::npos);
        CHECK(valid_utf8(found.error()));
    }
    SECTION("a curly quote opening a value") {
        const std::string reply = "{\"headline\": \u201cRecall\u201d}";
        const auto found = extract_json_object(reply);
        REQUIRE_FALSE(found.has_value());
        CHECK(valid_utf8(found.error()));
    }
    SECTION("invalid bytes in the reply's opening are replaced in the excerpt") {
        const std::string reply = "I'm sorry \xE2\x80 \xFF no object";
        const auto found = extract_json_object(reply);
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error().starts_with("no JSON object in the reply"));
        CHECK(valid_utf8(found.error()));
    }
}

TEST_CASE("extract::a number past a double rejects the object, never throws") {
    // Fuzz finding (tests/data/fuzz-regressions/reply): the parser's out_of_range
    // escaped, where only its parse_error was caught.
    const auto found = extract_json_object(R"({"stance": 1e999, "confidence": 0.5})");
    REQUIRE_FALSE(found.has_value());
    CHECK(found.error().find("number overflow") != std::string::npos);
    CHECK(found.error().find("json.exception") == std::string::npos);
    CHECK(valid_utf8(found.error()));
}

TEST_CASE("extract::bounds") {
    using roundtable::guard::k_max_reply_bytes;
    SECTION("a reply nested deeper than the bound is refused before parsing") {
        const std::string deep =
            "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
        const auto found = extract_json_object(deep);
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error() == "the reply nests JSON deeper than 64 levels");
    }
    SECTION("nesting at the bound is read") {
        const std::string at = "{\"a\": " + std::string(63, '[') + std::string(63, ']') + "}";
        CHECK(extract_json_object(at).has_value());
    }
    SECTION("a reply over the size bound is refused") {
        std::string big = "{\"a\": \"" + std::string(k_max_reply_bytes, 'x') + "\"}";
        const auto found = extract_json_object(big);
        REQUIRE_FALSE(found.has_value());
        CHECK(found.error() == "the reply is larger than 1048576 bytes (1048585 bytes)");
    }
}
