#include <catch2/catch.hpp>
#include <roundtable/panel/vote.hpp>

using namespace roundtable::panel;

TEST_CASE("vote::count_votes") {
    SECTION("clear majority") {
        auto r = count_votes({{"a", Stance::bearish, 0.6},
                              {"b", Stance::bearish, 0.7},
                              {"c", Stance::bearish, 0.8},
                              {"d", Stance::bullish, 0.9}});
        REQUIRE(r.stance == Stance::bearish);
        CHECK(r.votes.bearish == 3);
        CHECK(r.votes.bullish == 1);
        CHECK(r.agreement == Approx(0.75));
    }
    SECTION("two-two tie broken by summed confidence") {
        auto r = count_votes({{"a", Stance::bearish, 0.6},
                              {"b", Stance::bearish, 0.6},
                              {"c", Stance::bullish, 0.9},
                              {"d", Stance::bullish, 0.5}});
        REQUIRE(r.stance == Stance::bullish);
        CHECK(r.agreement == Approx(0.5));
    }
    SECTION("exact tie is split") {
        auto r = count_votes({{"a", Stance::bearish, 0.7},
                              {"b", Stance::bullish, 0.7},
                              {"c", Stance::neutral, 0.5},
                              {"d", Stance::neutral, 0.9},
                              {"e", Stance::bearish, 0.7},
                              {"f", Stance::bullish, 0.7}});
        // bearish 2 (1.4), bullish 2 (1.4), neutral 2 (1.4): all tied
        CHECK_FALSE(r.stance.has_value());
        CHECK(r.agreement == Approx(2.0 / 6.0));
    }
    SECTION("tie only among the leaders matters") {
        auto r = count_votes({{"a", Stance::neutral, 0.9},
                              {"b", Stance::neutral, 0.9},
                              {"c", Stance::bullish, 0.5},
                              {"d", Stance::bullish, 0.5},
                              {"e", Stance::bearish, 0.99}});
        REQUIRE(r.stance == Stance::neutral);
    }
    SECTION("no ballots is split") {
        auto r = count_votes({});
        CHECK_FALSE(r.stance.has_value());
        CHECK(r.votes.total() == 0);
    }
}

TEST_CASE("card::Consensus labels") {
    Consensus c;
    c.votes = {3, 0, 1};
    c.stance = Stance::bearish;
    CHECK(c.vote_label() == "3-1");
    CHECK(c.stance_label() == "bearish");
    c.votes = {4, 0, 0};
    CHECK(c.vote_label() == "4-0");
    c.votes = {1, 2, 1};
    CHECK(c.vote_label() == "2-1-1");
    c.stance.reset();
    CHECK(c.stance_label() == "split");
}
