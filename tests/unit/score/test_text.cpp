#include "records.hpp"

#include <catch2/catch.hpp>
#include <roundtable/score/render.hpp>

using namespace roundtable;
using namespace roundtable::testing;

TEST_CASE("text::render_text") {
    const auto s = score::compute(sample_records(), sample_outcomes(), 0.01);
    const std::string text = score::render_text(s);
    INFO(text);

    SECTION("the table: seats, then the panel and the baseline, every figure to 4 decimals") {
        // Worked out in test_score.cpp; intervals are Wilson's for 1/4, 3/4, 0/2, 2/3 and 2/4.
        const std::string table =
            "SEAT      MODEL           N  ROUND 1   FINAL  95% CI             BRIER\n"
            "a         model-a         4   0.2500  0.2500  [0.0456, 0.6994]  0.7434\n"
            "b         model-b         4   0.7500  0.7500  [0.3006, 0.9544]  0.4484\n"
            "c         model-c         2   0.6667  0.0000  [0.0000, 0.6576]  1.0044\n"
            "panel     vote            3   1.0000  0.6667  [0.2077, 0.9385]  0.6776\n"
            "baseline  always bullish  4        -  0.5000  [0.1500, 0.8500]       -\n";
        CHECK(text.find(table) != std::string::npos);
    }
    SECTION("the counts line") {
        CHECK(
            text.starts_with("roundtable score: 4 of 5 cards scored (returns banded at ±0.01)\n"
                             "not scored: 1 card without an outcome, 1 outcome without a card\n"));
    }
    SECTION("failed lines and duplicate ids are said") {
        auto records = sample_records();
        records.push_back(records[0]);
        auto dup = score::compute(records, sample_outcomes(), 0.01);
        dup.articles.failed = 2;
        CHECK(score::render_text(dup).find(
                  "\nalso not scored: 2 failed article lines; 1 duplicate card id (the last card "
                  "of each id is scored)\n") != std::string::npos);
        CHECK(text.find("also not scored") == std::string::npos);
    }
    SECTION("the panel: abstentions and shifts") {
        CHECK(text.find("final vote: 3 scored, 1 split (abstained); round-1 vote: 3 scored, 1 "
                        "split\n") != std::string::npos);
        CHECK(text.find("shifts in the rebuttal round: 4 (1 toward the outcome, 2 away)\n") !=
              std::string::npos);
    }
    SECTION("accuracy by agreement, most agreement first") {
        CHECK(text.find("BY AGREEMENT (final vote)\n"
                        "VOTE   N  ACCURACY  SPLIT\n"
                        "2-0    1    0.0000      0\n"
                        "2-1    1    1.0000      0\n"
                        "1-1    0         -      1\n"
                        "1-1-1  1    1.0000      0\n") != std::string::npos);
    }
    SECTION("calibration: only the bins that hold answers") {
        CHECK(text.find("SEAT  CONFIDENCE  N  MEAN CONF  ACCURACY\n") != std::string::npos);
        CHECK(text.find("c     0.5-0.6     1     0.5000    0.0000\n"
                        "      0.6-0.7     1     0.6500    0.0000\n") != std::string::npos);
        CHECK(text.find("0.0-0.1") == std::string::npos);
    }
    SECTION("nothing scored: dashes, no agreement or calibration table") {
        const std::string empty = score::render_text(score::compute(sample_records(), {}, 0.01));
        CHECK(empty.find("\na         model-a  0        -      -  -           -\n") !=
              std::string::npos);
        CHECK(empty.find("BY AGREEMENT") == std::string::npos);
        CHECK(empty.find("CALIBRATION") == std::string::npos);
    }
}
