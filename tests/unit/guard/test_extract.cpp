#include <catch2/catch.hpp>
#include <roundtable/guard/extract.hpp>
#include <string>

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
