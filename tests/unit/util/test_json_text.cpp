#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <roundtable/util/json_text.hpp>
#include <string>

using nlohmann::json;
using roundtable::util::append_json_string;
using roundtable::util::dump_json;

namespace {

std::string reference(const json& value, int indent) {
    return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

// Bytes from a small alphabet that holds every case the escaper tells apart: plain ASCII,
// quotes and backslashes, control bytes, DEL, well-formed sequences of every length, and
// bytes that break them (lone continuations, overlong leads, surrogates, F5..FF, cut tails).
std::string random_text(std::mt19937& rng) {
    static const std::vector<std::string> k_pieces = {"a",
                                                      "Z",
                                                      " ",
                                                      "\"",
                                                      "\\",
                                                      "/",
                                                      "\n",
                                                      "\t",
                                                      "\r",
                                                      "\b",
                                                      "\f",
                                                      std::string(1, '\0'),
                                                      "\x01",
                                                      "\x1f",
                                                      "\x7f",
                                                      "\xc3\xa9",
                                                      "\xe2\x82\xac",
                                                      "\xf0\x9f\x93\x88",
                                                      "\x80",
                                                      "\xbf",
                                                      "\xc0\xaf",
                                                      "\xc1",
                                                      "\xc2",
                                                      "\xe0\x80\x80",
                                                      "\xe0\xa0",
                                                      "\xed\xa0\x80",
                                                      "\xed\x9f\xbf",
                                                      "\xef\xbf\xbd",
                                                      "\xf4\x90\x80\x80",
                                                      "\xf4\x8f\xbf\xbf",
                                                      "\xf5",
                                                      "\xff",
                                                      "\xf0\x9f",
                                                      "\xe2\x82"};
    std::uniform_int_distribution<std::size_t> length(0, 24);
    std::uniform_int_distribution<std::size_t> piece(0, k_pieces.size() - 1);
    std::string out;
    for (std::size_t n = length(rng); n > 0; --n) {
        out += k_pieces[piece(rng)];
    }
    return out;
}

json random_value(std::mt19937& rng, int depth) {
    std::uniform_int_distribution<int> kind(0, depth > 3 ? 5 : 7);
    switch (kind(rng)) {
    case 0:
        return nullptr;
    case 1:
        return rng() % 2 == 0;
    case 2:
        return static_cast<std::int64_t>(rng()) - 2'000'000'000;
    case 3:
        return static_cast<double>(rng() % 100'000) / 64.0 - 700.0;
    case 4:
        return static_cast<std::uint64_t>(rng()) << 20;
    case 5:
        return random_text(rng);
    case 6: {
        json array = json::array();
        for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
            array.push_back(random_value(rng, depth + 1));
        }
        return array;
    }
    default: {
        json object = json::object();
        for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
            object[random_text(rng)] = random_value(rng, depth + 1);
        }
        return object;
    }
    }
}

} // namespace

TEST_CASE("json_text::dump_json") {
    SECTION("writes what nlohmann writes for a request body") {
        const json body = {
            {"model", "claude-sonnet-4-6"},
            {"max_tokens", 16000},
            {"temperature", 0.2},
            {"stream", false},
            {"stop", nullptr},
            {"messages",
             {{{"role", "user"},
               {"content", "Shares fell 23%.\n\"Quote\" \\ tab\there \x01 caf\xc3\xa9"}}}},
            {"empty_object", json::object()},
            {"empty_array", json::array()}};
        CHECK(dump_json(body) == reference(body, -1));
        CHECK(dump_json(body, 2) == reference(body, 2));
        CHECK(dump_json(body, 4) == reference(body, 4));
        CHECK(dump_json(body, 0) == reference(body, 0));
    }
    SECTION("a value written at a depth is the text it has nested that deep") {
        const json take = {{"panelist", "gpt"}, {"evidence", {"a", "b"}}, {"stance", "bearish"}};
        const std::string nested = reference(json::array({take}), 2);
        CHECK(nested == "[\n  " + dump_json(take, 2, 1) + "\n]");
    }
    SECTION("control bytes become the escapes nlohmann writes, lower-case hex") {
        CHECK(dump_json(json(std::string("\x01\x1f\x7f", 3))) == "\"\\u0001\\u001f\x7f\"");
        CHECK(dump_json(json("a\nb")) == "\"a\\nb\"");
    }
    SECTION("bytes that are not UTF-8 become U+FFFD exactly as nlohmann replaces them") {
        for (const std::string bad : {"\xff", "ab\xc3", "\xed\xa0\x80x", "\xc0\xaf", "\xe2\x82(",
                                      "\xf4\x90\x80\x80", "x\x80\x80y"}) {
            CAPTURE(bad);
            CHECK(dump_json(json(bad)) == reference(json(bad), -1));
            CHECK(dump_json(json(bad)).find("\xef\xbf\xbd") != std::string::npos);
        }
    }
    SECTION("a byte that needs care is found at every offset of a long run of plain text") {
        int checked = 0;
        for (const std::string special : {"\"", "\\", "\n", "\x01", "\x1f", " ", "\x7f", "\xc3\xa9",
                                          "\xe2\x82\xac", "\xff", "\xc3", "\xed\xa0\x80"}) {
            for (std::size_t length = 0; length <= 40; ++length) {
                for (std::size_t at = 0; at <= length; ++at) {
                    std::string text(length, 'a');
                    text.insert(at, special);
                    CAPTURE(special, length, at);
                    REQUIRE(dump_json(json(text)) == reference(json(text), -1));
                    ++checked;
                }
            }
        }
        CHECK(checked == 12 * 41 * 42 / 2);
    }
    SECTION("20,000 random values, compact and indented, match byte for byte") {
        std::mt19937 rng(20261130);
        int mismatches = 0;
        for (int i = 0; i < 20'000; ++i) {
            const json value = random_value(rng, 0);
            const int indent = i % 3 == 0 ? 2 : -1;
            if (dump_json(value, indent) != reference(value, indent)) {
                ++mismatches;
                FAIL_CHECK(reference(value, -1));
            }
            if (mismatches > 3) {
                break;
            }
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("json_text::append_json_string") {
    std::string out = "[";
    append_json_string(out, "say \"hi\"");
    append_json_string(out, "\xff");
    CHECK(out == "[\"say \\\"hi\\\"\"\"\xef\xbf\xbd\"");
}
