#include "records.hpp"

#include <catch2/catch.hpp>
#include <roundtable/score/score.hpp>

using namespace roundtable;
using namespace roundtable::testing;

TEST_CASE("score::wilson_interval") {
    // Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score).
    SECTION("published values") {
        auto check = [](std::size_t k, std::size_t n, double low, double high) {
            auto ci = score::wilson_interval(k, n);
            REQUIRE(ci);
            CHECK(score::round4(ci->low) == Approx(low).margin(1e-12));
            CHECK(score::round4(ci->high) == Approx(high).margin(1e-12));
        };
        check(81, 263, 0.2553, 0.3662);
        check(15, 148, 0.0624, 0.1605);
        check(0, 20, 0.0, 0.1611);
        check(1, 29, 0.0061, 0.1718);
    }
    SECTION("small samples stay inside 0-1 and are symmetric") {
        auto half = score::wilson_interval(5, 10);
        CHECK(score::round4(half->low) == Approx(0.2366));
        CHECK(score::round4(half->high) == Approx(0.7634));
        auto all = score::wilson_interval(10, 10);
        CHECK(score::round4(all->low) == Approx(0.7225));
        CHECK(all->high == 1.0);
        auto none = score::wilson_interval(0, 1);
        CHECK(none->low == 0.0);
        CHECK(score::round4(none->high) == Approx(0.7935));
    }
    SECTION("n = 0 has no interval") {
        CHECK_FALSE(score::wilson_interval(0, 0));
    }
}

TEST_CASE("score::brier") {
    using panel::Stance;
    SECTION("the definition: chosen p = c, others (1 - c) / 2, sum of (p - y)^2") {
        // Right at 0.8: (0.8-1)^2 + 0.1^2 + 0.1^2 = 0.04 + 0.01 + 0.01.
        CHECK(score::brier(Stance::bullish, 0.8, Stance::bullish) == Approx(0.06));
        // Wrong at 0.8: 0.8^2 + (0.1-1)^2 + 0.1^2 = 0.64 + 0.81 + 0.01.
        CHECK(score::brier(Stance::bullish, 0.8, Stance::bearish) == Approx(1.46));
        CHECK(score::brier(Stance::bullish, 0.8, Stance::neutral) == Approx(1.46));
    }
    SECTION("the extremes") {
        CHECK(score::brier(Stance::neutral, 1.0, Stance::neutral) == 0.0);
        CHECK(score::brier(Stance::neutral, 1.0, Stance::bearish) == Approx(2.0));
        // No confidence at all: 0 for the chosen stance, 0.5 for each other.
        CHECK(score::brier(Stance::neutral, 0.0, Stance::neutral) == Approx(1.0 + 0.25 + 0.25));
        // A third each is the same whatever happened: (2/3)^2 + 2 (1/3)^2 = 2/3.
        CHECK(score::brier(Stance::bearish, 1.0 / 3.0, Stance::bullish) == Approx(2.0 / 3.0));
        CHECK(score::brier(Stance::bearish, 1.0 / 3.0, Stance::bearish) == Approx(2.0 / 3.0));
    }
    SECTION("confidence outside 0-1 is clamped") {
        CHECK(score::brier(Stance::bullish, 1.7, Stance::bullish) == 0.0);
        CHECK(score::brier(Stance::bullish, -0.2, Stance::bullish) == Approx(1.5));
    }
}

TEST_CASE("score::calibration_bin") {
    SECTION("each edge k/10 opens bin k") {
        for (int k = 0; k < 10; ++k) {
            INFO(k);
            CHECK(score::calibration_bin(k / 10.0) == static_cast<std::size_t>(k));
            CHECK(score::calibration_bin(0.1 * k) == static_cast<std::size_t>(k));
        }
    }
    SECTION("just below an edge stays in the bin before it") {
        CHECK(score::calibration_bin(0.0999) == 0);
        CHECK(score::calibration_bin(0.2999) == 2);
        CHECK(score::calibration_bin(0.6999) == 6);
        CHECK(score::calibration_bin(0.9999) == 9);
    }
    SECTION("1.0 is in the last bin, outside values are clamped") {
        CHECK(score::calibration_bin(1.0) == 9);
        CHECK(score::calibration_bin(1.5) == 9);
        CHECK(score::calibration_bin(-0.3) == 0);
    }
}

TEST_CASE("score::label_for_return") {
    using panel::Stance;
    SECTION("exactly +-band is neutral") {
        CHECK(score::label_for_return(0.01, 0.01) == Stance::neutral);
        CHECK(score::label_for_return(-0.01, 0.01) == Stance::neutral);
        CHECK(score::label_for_return(0.0, 0.01) == Stance::neutral);
    }
    SECTION("beyond the band") {
        CHECK(score::label_for_return(0.0101, 0.01) == Stance::bullish);
        CHECK(score::label_for_return(-0.0101, 0.01) == Stance::bearish);
        CHECK(score::label_for_return(0.023, 0.01) == Stance::bullish);
        CHECK(score::label_for_return(0.023, 0.03) == Stance::neutral);
    }
    SECTION("a band of 0 leaves only 0 neutral") {
        CHECK(score::label_for_return(0.0, 0.0) == Stance::neutral);
        CHECK(score::label_for_return(1e-9, 0.0) == Stance::bullish);
        CHECK(score::label_for_return(-1e-9, 0.0) == Stance::bearish);
    }
}

TEST_CASE("score::shift_direction") {
    using panel::Stance;
    using score::ShiftDirection;
    CHECK(score::shift_direction(Stance::bearish, Stance::bullish, Stance::bullish) ==
          ShiftDirection::toward);
    CHECK(score::shift_direction(Stance::bearish, Stance::neutral, Stance::bullish) ==
          ShiftDirection::toward);
    CHECK(score::shift_direction(Stance::bullish, Stance::neutral, Stance::bullish) ==
          ShiftDirection::away);
    CHECK(score::shift_direction(Stance::neutral, Stance::bearish, Stance::bullish) ==
          ShiftDirection::away);
    CHECK(score::shift_direction(Stance::bullish, Stance::bearish, Stance::neutral) ==
          ShiftDirection::neither);
}

TEST_CASE("score::record_of") {
    using panel::Stance;
    panel::Card card;
    card.seats = {{"a", "anthropic", "claude-x", true, "", "", {}},
                  {"b", "openai", "gpt-x", true, "", "", {}},
                  {"c", "gemini", "gemini-x", false, "rebuttal: HTTP 500", "", {}},
                  {"d", "xai", "grok-x", false, "HTTP 503", "", {}}};
    panel::Take ta;
    ta.seat = "a";
    ta.stance = Stance::bullish;
    ta.confidence = 0.6;
    panel::Take tb;
    tb.seat = "b";
    tb.stance = Stance::bearish;
    tb.confidence = 0.9;
    panel::Take tc;
    tc.seat = "c";
    tc.stance = Stance::bullish;
    tc.confidence = 0.2;
    card.takes = {ta, tb, tc};

    SECTION("a rebuttal gives the final stance; a seat that failed after round 1 has none") {
        panel::Rebuttal ra;
        ra.seat = "a";
        ra.stance_after = Stance::bearish;
        ra.confidence_after = 0.7;
        panel::Rebuttal rb;
        rb.seat = "b";
        rb.stance_after = Stance::bearish;
        rb.confidence_after = 0.95;
        card.rebuttals = {ra, rb};
        card.consensus.stance = Stance::bearish;
        card.consensus.votes.bearish = 2;
        card.consensus.agreement = 1.0;

        auto r = score::record_of("id-1", card);
        CHECK(r.id == "id-1");
        REQUIRE(r.seats.size() == 4);
        CHECK(r.seats[0].model == "claude-x");
        CHECK(r.seats[0].round1 == Stance::bullish);
        CHECK(r.seats[0].round1_confidence == 0.6);
        CHECK(r.seats[0].final == Stance::bearish);
        CHECK(r.seats[0].final_confidence == 0.7);
        CHECK(r.seats[1].final == Stance::bearish);
        CHECK(r.seats[2].round1 == Stance::bullish);
        CHECK_FALSE(r.seats[2].final);
        CHECK_FALSE(r.seats[3].round1);
        CHECK_FALSE(r.seats[3].final);
        // Round 1: bullish 2 (0.6 + 0.2) against bearish 1: bullish, though the final is bearish.
        CHECK(r.round1_vote == Stance::bullish);
        CHECK(r.final_vote == Stance::bearish);
        CHECK(r.vote_label == "2-0");
    }
    SECTION("without a rebuttal round the take is the final stance of a standing seat") {
        card.seats[2].ok = true;
        card.consensus.stance = std::nullopt;
        auto r = score::record_of("id-2", card);
        CHECK(r.seats[0].final == Stance::bullish);
        CHECK(r.seats[0].final_confidence == 0.6);
        CHECK(r.seats[2].final == Stance::bullish);
        CHECK_FALSE(r.final_vote);
    }
    SECTION("a round-1 tie is broken by confidence, an exact one is split") {
        card.takes = {ta, tb};
        CHECK(score::record_of("x", card).round1_vote == Stance::bearish); // 0.9 > 0.6
        card.takes[1].confidence = 0.6;
        CHECK_FALSE(score::record_of("x", card).round1_vote);
    }
}

TEST_CASE("score::compute") {
    using panel::Stance;
    const auto s = score::compute(sample_records(), sample_outcomes(), 0.01);

    SECTION("articles: cards, scored, ids on one side only") {
        CHECK(s.articles.cards == 5);
        CHECK(s.articles.scored == 4);
        CHECK(s.articles.no_outcome == 1);
        CHECK(s.articles.no_outcome_ids == std::vector<std::string>{"c5"});
        CHECK(s.articles.no_card == 1);
        CHECK(s.articles.no_card_ids == std::vector<std::string>{"x9"});
        CHECK(s.articles.duplicates == 0);
        CHECK(s.band == 0.01);
    }
    SECTION("seats: round-1 and final accuracy with n") {
        REQUIRE(s.seats.size() == 3);
        const auto& a = s.seats[0];
        CHECK(a.seat == "a");
        CHECK(a.model == "model-a");
        // a: round 1 right on c1 only; final right on c1 only.
        CHECK(a.round1.n == 4);
        CHECK(a.round1.correct == 1);
        CHECK(a.final.n == 4);
        CHECK(*a.final.value() == 0.25);
        const auto& b = s.seats[1];
        // b: round 1 wrong on c1 only (3/4); final wrong on c3 only (3/4).
        CHECK(*b.round1.value() == 0.75);
        CHECK(*b.final.value() == 0.75);
        const auto& c = s.seats[2];
        // c: round 1 on c1, c2, c3 (right on c2, c3); final on c1, c2 (both wrong).
        CHECK(c.round1.n == 3);
        CHECK(c.round1.correct == 2);
        CHECK(c.final.n == 2);
        CHECK(*c.final.value() == 0.0);
        auto ci = c.final.ci();
        CHECK(ci->low == 0.0);
        CHECK(score::round4(ci->high) == Approx(0.6576)); // Wilson 0/2
    }
    SECTION("seats: Brier of the final stance") {
        // a: right .9 -> 1.5 (.1)^2 = .015; wrong .7 -> 1.5 (.49) + .5 = 1.235;
        //    wrong .35 -> .68375; wrong .6 -> 1.04. Mean 2.97375 / 4 = .7434375.
        CHECK(*s.seats[0].brier() == Approx(0.7434375));
        CHECK(score::round4(*s.seats[0].brier()) == Approx(0.7434));
        // b: .30375 + .015 + 1.235 + .24 = 1.79375; / 4 = .4484375.
        CHECK(*s.seats[1].brier() == Approx(0.4484375));
        // c: wrong .5 -> .875; wrong .65 -> 1.13375. Mean 1.004375.
        CHECK(*s.seats[2].brier() == Approx(1.004375));
        // Pooled over 10 forecasts: 6.776250 / 10.
        CHECK(*s.panel.brier() == Approx(0.677625));
        CHECK(s.panel.brier_n == 10);
    }
    SECTION("seats: calibration bins") {
        const auto& b = s.seats[1].calibration;
        CHECK(b[5].n == 1); // .55, right
        CHECK(*b[5].accuracy() == 1.0);
        CHECK(*b[5].mean_confidence() == Approx(0.55));
        CHECK(b[7].n == 1); // .7, wrong
        CHECK(*b[7].accuracy() == 0.0);
        CHECK(b[9].n == 1); // .9, right
        CHECK(b[6].n == 1); // .6, right
        CHECK(b[0].n == 0);
        CHECK_FALSE(b[0].accuracy());
        CHECK_FALSE(b[0].mean_confidence());
        CHECK(b[3].low == Approx(0.3));
        CHECK(b[3].high == Approx(0.4));
        const auto& c = s.seats[2].calibration;
        CHECK(c[5].n == 1); // .5 is the lower edge of bin 5
        CHECK(c[6].n == 1); // .65
        CHECK(*c[6].mean_confidence() == Approx(0.65));
        std::size_t total = 0;
        for (const auto& bin : s.seats[0].calibration) {
            total += bin.n;
        }
        CHECK(total == 4);
    }
    SECTION("panel: votes, abstentions") {
        const auto& p = s.panel;
        CHECK(p.n == 4);
        // Round 1: c1 bullish, c2 bearish, c3 neutral all right; c4 split.
        CHECK(p.round1_vote.n == 3);
        CHECK(*p.round1_vote.value() == 1.0);
        CHECK(p.abstained_round1 == 1);
        // Final: c1, c2 right, c3 bearish wrong; c4 split.
        CHECK(p.final_vote.n == 3);
        CHECK(p.final_vote.correct == 2);
        CHECK(p.abstained == 1);
    }
    SECTION("panel: accuracy by agreement, most agreement first") {
        const auto& levels = s.panel.by_agreement;
        REQUIRE(levels.size() == 4);
        CHECK(levels[0].votes == "2-0");
        CHECK(levels[0].accuracy.n == 1);
        CHECK(*levels[0].accuracy.value() == 0.0);
        CHECK(levels[1].votes == "2-1");
        CHECK(*levels[1].accuracy.value() == 1.0);
        CHECK(levels[2].votes == "1-1");
        CHECK(levels[2].accuracy.n == 0);
        CHECK(levels[2].abstained == 1);
        CHECK_FALSE(levels[2].accuracy.value());
        CHECK(levels[3].votes == "1-1-1");
        CHECK(*levels[3].accuracy.value() == 1.0);
    }
    SECTION("panel: shifts toward and away from the outcome") {
        // b c1 bearish->bullish (bullish): toward; b c3 neutral->bearish (neutral): away;
        // c c2 bearish->neutral (bearish): away; a c3 bullish->bearish (neutral): neither.
        CHECK(s.panel.shifts == 4);
        CHECK(s.panel.toward_outcome == 1);
        CHECK(s.panel.away_from_outcome == 2);
    }
    SECTION("baseline: the majority class of the scored outcomes") {
        CHECK(s.baseline.label == Stance::bullish); // c1, c4
        CHECK(s.baseline.accuracy.n == 4);
        CHECK(*s.baseline.accuracy.value() == 0.5);
    }
}

TEST_CASE("score::compute edge cases") {
    using panel::Stance;
    SECTION("a card id seen again: the last card is scored and the duplicate counted") {
        auto records = sample_records();
        auto again = records[0];
        again.final_vote = Stance::bearish; // now wrong for c1
        records.push_back(again);
        auto s = score::compute(records, sample_outcomes(), 0.01);
        CHECK(s.articles.cards == 5);
        CHECK(s.articles.duplicates == 1);
        CHECK(s.articles.duplicate_ids == std::vector<std::string>{"c1"});
        CHECK(s.panel.final_vote.correct == 1);
    }
    SECTION("nothing scored: empty figures, every seat still listed") {
        auto s = score::compute(sample_records(), score::Outcomes{}, 0.01);
        CHECK(s.articles.scored == 0);
        CHECK(s.articles.no_outcome == 5);
        CHECK(s.seats.size() == 3);
        CHECK_FALSE(s.seats[0].final.value());
        CHECK_FALSE(s.seats[0].brier());
        CHECK_FALSE(s.panel.final_vote.value());
        CHECK_FALSE(s.panel.brier());
        CHECK_FALSE(s.baseline.label);
        CHECK(s.panel.by_agreement.empty());
    }
    SECTION("baseline ties go to the first of bearish, neutral, bullish") {
        score::Outcomes o;
        o.ids = {"c1", "c2"};
        o.label_of = {{"c1", Stance::bullish}, {"c2", Stance::neutral}};
        auto s = score::compute(sample_records(), o, 0.01);
        CHECK(s.baseline.label == Stance::neutral);
        CHECK(*s.baseline.accuracy.value() == 0.5);
    }
    SECTION("a seat's models are listed once each, in order") {
        auto records = sample_records();
        records[1].seats[0].model = "model-a2";
        auto s = score::compute(records, sample_outcomes(), 0.01);
        CHECK(s.seats[0].model == "model-a, model-a2");
    }
}

TEST_CASE("score::round4") {
    CHECK(score::round4(0.74343) == Approx(0.7434));
    CHECK(score::round4(0.66667) == Approx(0.6667));
    CHECK(score::round4(1.0) == 1.0);
    CHECK(score::round4(0.0) == 0.0);
    // Decimal ties round up as on paper: these Brier scores are .01215 + .33135 + .00375 =
    // .34725, whose mean .11575 comes out a hair below the tie in binary.
    using panel::Stance;
    const double mean = (score::brier(Stance::bearish, 0.91, Stance::bearish) +
                         score::brier(Stance::neutral, 0.53, Stance::neutral) +
                         score::brier(Stance::bullish, 0.95, Stance::bullish)) /
                        3.0;
    CHECK(mean * 10000.0 < 1157.5);
    CHECK(score::round4(mean) == Approx(0.1158));
    CHECK(score::round4(0.00005) == Approx(0.0001));
    CHECK(score::round4(0.115749) == Approx(0.1157));
}
