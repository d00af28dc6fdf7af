#include <catch2/catch.hpp>
#include <roundtable/batch/policy.hpp>

using namespace roundtable::batch;

namespace {

CardFacts facts(std::string stance, double agreement, std::size_t ungrounded, std::size_t failed) {
    CardFacts f;
    f.stance = std::move(stance);
    f.agreement = agreement;
    f.ungrounded = ungrounded;
    f.failed_seats = failed;
    return f;
}

bool match(std::string_view expr, const CardFacts& f) {
    auto p = parse_policy(expr);
    REQUIRE(p);
    return p->matches(f);
}

} // namespace

TEST_CASE("policy::parse_policy") {
    const auto bearish = facts("bearish", 0.75, 0, 0);
    const auto split = facts("split", 0.5, 3, 1);
    SECTION("stance=") {
        CHECK(match("stance=bearish", bearish));
        CHECK_FALSE(match("stance=bullish", bearish));
        CHECK(match("stance=split", split));
        CHECK(match(" stance = neutral ", facts("neutral", 1, 0, 0)));
    }
    SECTION("agreement with each operator") {
        CHECK(match("agreement<0.8", bearish));
        CHECK_FALSE(match("agreement<0.75", bearish));
        CHECK(match("agreement<=0.75", bearish));
        CHECK(match("agreement>0.5", bearish));
        CHECK_FALSE(match("agreement>0.75", bearish));
        CHECK(match("agreement>=0.75", bearish));
        CHECK(match("agreement=0.75", bearish));
        CHECK_FALSE(match("agreement=0.5", bearish));
    }
    SECTION("ungrounded and failed-seats") {
        CHECK(match("ungrounded>0", split));
        CHECK_FALSE(match("ungrounded>0", bearish));
        CHECK(match("failed-seats>0", split));
        CHECK_FALSE(match("failed-seats>0", bearish));
        CHECK(match("failed-seats>=1", split));
    }
    SECTION("bad expressions say what was expected") {
        auto error = [](std::string_view expr) {
            auto p = parse_policy(expr);
            REQUIRE_FALSE(p);
            return p.error();
        };
        CHECK(error("") ==
              "--fail-on: empty expression (expected e.g. stance=bearish or agreement<0.5)");
        CHECK(error("mood=sad") == "--fail-on 'mood=sad': unknown field 'mood' (expected stance, "
                                   "agreement, ungrounded or failed-seats)");
        CHECK(error("stance=up") == "--fail-on 'stance=up': expected stance=bearish, "
                                    "stance=neutral, stance=bullish or stance=split");
        CHECK(error("stance>bearish") == "--fail-on 'stance>bearish': expected stance=bearish, "
                                         "stance=neutral, stance=bullish or stance=split");
        CHECK(
            error("agreement") ==
            "--fail-on 'agreement': expected agreement followed by <, <=, >, >= or = and a number");
        CHECK(error("agreement~0.5") == "--fail-on 'agreement~0.5': expected agreement followed by "
                                        "<, <=, >, >= or = and a number");
        CHECK(error("stance") == "--fail-on 'stance': expected stance=bearish, stance=neutral, "
                                 "stance=bullish or stance=split");
        CHECK(error("agreement<") == "--fail-on 'agreement<': expected agreement followed by <, "
                                     "<=, >, >= or = and a number");
        CHECK(error("ungrounded>x") == "--fail-on 'ungrounded>x': expected ungrounded followed by "
                                       "<, <=, >, >= or = and a number");
        CHECK(error("failed-seats>1x") == "--fail-on 'failed-seats>1x': expected failed-seats "
                                          "followed by <, <=, >, >= or = and a number");
    }
}

TEST_CASE("policy::parse_policies") {
    SECTION("repeatable and comma-separated") {
        auto ps = parse_policies({"stance=bearish,agreement<0.5", "ungrounded>0"});
        REQUIRE(ps);
        REQUIRE(ps->size() == 3);
        CHECK((*ps)[0].text == "stance=bearish");
        CHECK((*ps)[1].text == "agreement<0.5");
        CHECK((*ps)[2].text == "ungrounded>0");
    }
    SECTION("the first bad expression is the error") {
        auto ps = parse_policies({"stance=bearish,,ungrounded>0"});
        REQUIRE_FALSE(ps);
        CHECK(ps.error() ==
              "--fail-on: empty expression (expected e.g. stance=bearish or agreement<0.5)");
    }
}
