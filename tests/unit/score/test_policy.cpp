#include "records.hpp"

#include <catch2/catch.hpp>
#include <roundtable/score/policy.hpp>

using namespace roundtable;
using namespace roundtable::testing;
using score::ScorePolicy;

TEST_CASE("policy::parse_score_policy") {
    SECTION("the panel's figures") {
        auto p = score::parse_score_policy("accuracy<0.6");
        REQUIRE(p);
        CHECK(p->seat.empty());
        CHECK(p->figure == ScorePolicy::Figure::accuracy);
        CHECK(p->threshold.op == util::Threshold::Op::lt);
        CHECK(p->threshold.number == 0.6);
        auto b = score::parse_score_policy(" brier >= 0.5 ");
        REQUIRE(b);
        CHECK(b->figure == ScorePolicy::Figure::brier);
        CHECK(b->threshold.op == util::Threshold::Op::ge);
        CHECK(b->text == "brier >= 0.5");
        CHECK(score::parse_score_policy("accuracy-round1<=0.5")->figure ==
              ScorePolicy::Figure::accuracy_round1);
        CHECK(score::parse_score_policy("accuracy_round1=1")->threshold.op ==
              util::Threshold::Op::eq);
    }
    SECTION("a seat's figures") {
        auto p = score::parse_score_policy("seat:gpt:accuracy<0.5");
        REQUIRE(p);
        CHECK(p->seat == "gpt");
        CHECK(p->figure == ScorePolicy::Figure::accuracy);
        CHECK(p->threshold.number == 0.5);
        CHECK(score::parse_score_policy("seat:claude-2:brier>0.4")->seat == "claude-2");
    }
    SECTION("what is not one of the forms") {
        const std::string forms =
            "expected FIGURE OP NUMBER or seat:NAME:FIGURE OP NUMBER, FIGURE one of accuracy, "
            "accuracy-round1 or brier, OP one of <, <=, >, >= or =, e.g. accuracy<0.6 or "
            "seat:gpt:brier>0.5";
        for (const char* bad :
             {"precision<0.5", "accuracy", "accuracy<", "accuracy<x", "seat:accuracy<0.5",
              "seat::accuracy<0.5", "accuracy<0.5.1", "stance=bearish"}) {
            INFO(bad);
            auto p = score::parse_score_policy(bad);
            REQUIRE_FALSE(p);
            CHECK(p.error() == "--fail-on '" + std::string(bad) + "': " + forms);
        }
        CHECK(score::parse_score_policy("").error() ==
              "--fail-on: empty expression (" + forms + ")");
    }
    SECTION("comma-separated expressions in one value") {
        auto all = score::parse_score_policies({"accuracy<0.6,brier>0.5", "seat:a:accuracy<1"});
        REQUIRE(all);
        CHECK(all->size() == 3);
        CHECK_FALSE(score::parse_score_policies({"accuracy<0.6,"}));
    }
}

TEST_CASE("policy::check_policies") {
    const auto s = score::compute(sample_records(), sample_outcomes(), 0.01);
    auto check = [&](const std::string& text) {
        auto policies = score::parse_score_policies({text});
        REQUIRE(policies);
        auto checks = score::check_policies(*policies, s);
        REQUIRE(checks);
        REQUIRE(checks->size() == 1);
        return checks->front();
    };
    SECTION("the panel: final vote 2/3, round-1 vote 3/3, pooled Brier .677625") {
        CHECK(check("accuracy<0.7").matched);
        CHECK(*check("accuracy<0.7").value == 0.6667);
        CHECK_FALSE(check("accuracy<0.6").matched);
        CHECK(check("accuracy=0.6667").matched); // compared as shown, to 4 decimals
        CHECK_FALSE(check("accuracy-round1<1").matched);
        CHECK(check("brier>0.5").matched);
        CHECK(*check("brier>0.5").value == 0.6776);
        CHECK_FALSE(check("brier>0.7").matched);
    }
    SECTION("a seat: a final 1/4, b final 3/4, c Brier 1.0044") {
        CHECK(check("seat:a:accuracy<0.5").matched);
        CHECK_FALSE(check("seat:b:accuracy<0.5").matched);
        CHECK(check("seat:b:accuracy-round1>=0.75").matched);
        CHECK(check("seat:c:brier>1").matched);
        CHECK(*check("seat:c:brier>1").value == 1.0044);
    }
    SECTION("an unknown seat is an error naming the seats") {
        auto policies = score::parse_score_policies({"seat:gtp:accuracy<0.5"});
        auto checks = score::check_policies(*policies, s);
        REQUIRE_FALSE(checks);
        CHECK(checks.error() ==
              "--fail-on 'seat:gtp:accuracy<0.5': no seat 'gtp' in the cards (seats: a, b, c)");
    }
    SECTION("nothing scored: no value, no match") {
        auto empty = score::compute(sample_records(), score::Outcomes{}, 0.01);
        auto policies = score::parse_score_policies({"accuracy<0.6", "seat:a:brier>0"});
        auto checks = score::check_policies(*policies, empty);
        REQUIRE(checks);
        for (const auto& c : *checks) {
            CHECK_FALSE(c.value);
            CHECK_FALSE(c.matched);
        }
    }
}
