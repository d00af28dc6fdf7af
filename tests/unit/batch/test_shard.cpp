#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <roundtable/batch/shard.hpp>
#include <set>
#include <string>
#include <vector>

using namespace roundtable::batch;

TEST_CASE("shard::parse_shard") {
    SECTION("K/N forms") {
        auto s = parse_shard("2/3");
        REQUIRE(s);
        CHECK(s->index == 2);
        CHECK(s->count == 3);
        CHECK(parse_shard("1/1"));
    }
    SECTION("bad forms") {
        for (std::string bad :
             {"", "3", "0/3", "4/3", "a/3", "1/", "/3", "1/0", "-1/3", "1/3/4", " 1/3"}) {
            INFO(bad);
            auto s = parse_shard(bad);
            REQUIRE_FALSE(s);
            CHECK(s.error() == "--shard: expected K/N with 1 <= K <= N (got '" + bad + "')");
        }
    }
}

TEST_CASE("shard::in_shard") {
    std::vector<std::string> ids;
    for (int i = 0; i < 300; ++i) {
        ids.push_back(fmt::format("article-{}.txt", i));
    }
    SECTION("1/3, 2/3 and 3/3 partition a list exactly") {
        std::multiset<std::string> seen;
        std::size_t smallest = ids.size();
        for (std::uint64_t k = 1; k <= 3; ++k) {
            std::size_t n = 0;
            for (const auto& id : ids) {
                if (in_shard(id, Shard{k, 3})) {
                    seen.insert(id);
                    ++n;
                }
            }
            smallest = std::min(smallest, n);
        }
        CHECK(seen.size() == ids.size());
        for (const auto& id : ids) {
            CHECK(seen.count(id) == 1);
        }
        CHECK(smallest > 50); // roughly balanced
    }
    SECTION("1/1 keeps everything; the choice is stable") {
        for (const auto& id : ids) {
            CHECK(in_shard(id, Shard{1, 1}));
        }
        CHECK(in_shard("x", Shard{2, 5}) == in_shard("x", Shard{2, 5}));
    }
}
