#include "records.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/score/render.hpp>

using namespace roundtable;
using namespace roundtable::testing;
using nlohmann::json;

TEST_CASE("json::render_json") {
    const auto s = score::compute(sample_records(), sample_outcomes(), 0.01);
    const json j = json::parse(score::render_json(s));

    SECTION("the contract's names and the hand-computed figures, rounded to 4 decimals") {
        CHECK(j.at("schema") == "roundtable.score/v1");
        CHECK(j.at("articles") == json::parse(R"({"cards":5,"scored":4,"no_outcome":1,
            "no_card":1,"duplicates":0,"failed":0})"));
        CHECK(j.at("band") == 0.01);
        CHECK(j.at("baseline") == json::parse(R"({"label":"bullish","n":4,"accuracy":0.5})"));

        const json& a = j.at("seats").at(0);
        CHECK(a.at("seat") == "a");
        CHECK(a.at("model") == "model-a");
        CHECK(a.at("n") == 4);
        CHECK(a.at("accuracy_round1") == 0.25);
        CHECK(a.at("accuracy_final") == 0.25);
        CHECK(a.at("accuracy_final_ci") == json::array({0.0456, 0.6994})); // Wilson 1/4
        CHECK(a.at("brier") == 0.7434);
        CHECK(a.at("n_round1") == 4);
        const json& c = j.at("seats").at(2);
        CHECK(c.at("n") == 2);
        CHECK(c.at("n_round1") == 3);
        CHECK(c.at("accuracy_round1") == 0.6667);
        CHECK(c.at("accuracy_round1_ci") == json::array({0.2077, 0.9385})); // Wilson 2/3
        CHECK(c.at("accuracy_final") == 0.0);
        CHECK(c.at("brier") == 1.0044);

        const json& p = j.at("panel");
        CHECK(p.at("n") == 4);
        CHECK(p.at("abstained") == 1);
        CHECK(p.at("abstained_round1") == 1);
        CHECK(p.at("accuracy_round1_vote") == 1.0);
        CHECK(p.at("accuracy_final_vote") == 0.6667);
        CHECK(p.at("accuracy_final_vote_ci") == json::array({0.2077, 0.9385}));
        CHECK(p.at("brier") == 0.6776);
        CHECK(p.at("shifts") == json::parse(R"({"n":4,"toward_outcome":1,"away_from_outcome":2})"));
        CHECK(p.at("by_agreement") == json::parse(R"([
            {"votes":"2-0","n":1,"accuracy":0.0,"abstained":0},
            {"votes":"2-1","n":1,"accuracy":1.0,"abstained":0},
            {"votes":"1-1","n":0,"accuracy":null,"abstained":1},
            {"votes":"1-1-1","n":1,"accuracy":1.0,"abstained":0}])"));
    }
    SECTION("calibration: ten bins of 0.1, empty ones null") {
        const json& bins = j.at("seats").at(1).at("calibration");
        REQUIRE(bins.size() == 10);
        CHECK(bins.at(0) == json::parse(R"({"low":0.0,"high":0.1,"n":0,"mean_confidence":null,
            "accuracy":null})"));
        CHECK(bins.at(5) == json::parse(R"({"low":0.5,"high":0.6,"n":1,"mean_confidence":0.55,
            "accuracy":1.0})"));
        CHECK(bins.at(7) == json::parse(R"({"low":0.7,"high":0.8,"n":1,"mean_confidence":0.7,
            "accuracy":0.0})"));
        CHECK(bins.at(9).at("high") == 1.0);
    }
    SECTION("the ids not scored only when asked") {
        CHECK_FALSE(j.at("articles").contains("no_card_ids"));
        const json v = json::parse(score::render_json(s, true));
        CHECK(v.at("articles").at("no_card_ids") == json::array({"x9"}));
        CHECK(v.at("articles").at("no_outcome_ids") == json::array({"c5"}));
        CHECK(v.at("articles").at("duplicate_ids") == json::array());
    }
    SECTION("nothing scored: figures are null, not 0") {
        const json e = json::parse(score::render_json(score::compute({}, {}, 0.02)));
        CHECK(e.at("band") == 0.02);
        CHECK(e.at("baseline") == json::parse(R"({"label":null,"n":0,"accuracy":null})"));
        CHECK(e.at("seats") == json::array());
        CHECK(e.at("panel").at("accuracy_final_vote").is_null());
        CHECK(e.at("panel").at("accuracy_final_vote_ci").is_null());
        CHECK(e.at("panel").at("brier").is_null());
    }
}
