#include <catch2/catch.hpp>
#include <roundtable/util/json_depth.hpp>
#include <string>

using roundtable::util::json_depth;
using roundtable::util::json_depth_ok;
using roundtable::util::k_max_json_depth;

TEST_CASE("json_depth::json_depth") {
    SECTION("objects and arrays count, scalars do not") {
        CHECK(json_depth("42") == 0);
        CHECK(json_depth("{}") == 1);
        CHECK(json_depth(R"({"a": [1, {"b": [[]]}], "c": {}})") == 5);
    }
    SECTION("brackets inside strings and after escaped quotes do not count") {
        CHECK(json_depth(R"({"a": "[[[{{{", "b": "\"[[["})") == 1);
        CHECK(json_depth(R"(["\\", [1]])") == 2);
    }
    SECTION("unbalanced text is measured as far as it goes") {
        CHECK(json_depth("[[[") == 3);
        CHECK(json_depth("]]]{") == 1);
    }
    SECTION("the scan stops once past the bound") {
        const std::string deep(1'000'000, '[');
        CHECK(json_depth(deep) == k_max_json_depth + 1);
        CHECK_FALSE(json_depth_ok(deep));
    }
    SECTION("the bound itself is accepted, one more is refused") {
        const std::string at =
            std::string(k_max_json_depth, '[') + std::string(k_max_json_depth, ']');
        const std::string over = "[" + at + "]";
        CHECK(json_depth_ok(at));
        CHECK_FALSE(json_depth_ok(over));
    }
}

TEST_CASE("json_depth::balanced_end") {
    using roundtable::util::balanced_end;
    SECTION("the end of the value that opens at the offset, one past its bracket") {
        CHECK(balanced_end(R"(x {"a": [1, {"b": 2}]} y)", 2) == 22u);
        CHECK(balanced_end("[[1], [2]] tail", 0) == 10u);
        CHECK(balanced_end("{}", 0) == 2u);
    }
    SECTION("brackets inside strings, escaped quotes included, do not count") {
        CHECK(balanced_end(R"({"a": "}]\"}"} z)", 0) == 14u);
    }
    SECTION("text that ends first, or no bracket at the offset") {
        CHECK_FALSE(balanced_end(R"({"a": [1, 2})", 0).has_value());
        CHECK_FALSE(balanced_end(R"({"a": "})", 0).has_value());
        CHECK_FALSE(balanced_end("abc", 0).has_value());
        CHECK_FALSE(balanced_end("{}", 5).has_value());
    }
}

TEST_CASE("json_depth::JsonStrings tells a string's bytes apart") {
    roundtable::util::JsonStrings strings;
    std::string outside;
    for (const char c : std::string_view(R"(a"b\"c"d)")) {
        if (!strings.inside(c)) {
            outside += c;
        }
    }
    CHECK(outside == "ad");
}
