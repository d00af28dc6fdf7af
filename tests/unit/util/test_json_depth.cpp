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
