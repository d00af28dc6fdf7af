// Hand-built card records and outcomes for the score tests, with every figure
// they produce worked out by hand in the comments of test_score.cpp.
//
// Three seats (a, b, c) on five cards; outcomes for four of them and for one
// id ("x9") that has no card.
#pragma once

#include <optional>
#include <roundtable/score/score.hpp>
#include <string>
#include <vector>

namespace roundtable::testing {

using panel::Stance;

inline score::SeatRecord seat_record(std::string name, std::optional<Stance> round1, double c1,
                                     std::optional<Stance> final, double cf) {
    score::SeatRecord s;
    s.seat = std::move(name);
    s.model = "model-" + s.seat;
    s.round1 = round1;
    s.round1_confidence = c1;
    s.final = final;
    s.final_confidence = cf;
    return s;
}

inline score::CardRecord card_record(std::string id, std::vector<score::SeatRecord> seats,
                                     std::optional<Stance> round1_vote,
                                     std::optional<Stance> final_vote, std::string label) {
    score::CardRecord r;
    r.id = std::move(id);
    r.seats = std::move(seats);
    r.round1_vote = round1_vote;
    r.final_vote = final_vote;
    r.vote_label = std::move(label);
    return r;
}

// c1 (bullish): a bullish .8 -> bullish .9; b bearish .6 -> bullish .55; c neutral .5 -> neutral
// .5. c2 (bearish): a bullish .7 -> bullish .7; b bearish .9 -> bearish .9; c bearish .6 -> neutral
// .65. c3 (neutral): a bullish .95 -> bearish .35; b neutral .4 -> bearish .7; c neutral .5, failed
// after. c4 (bullish): a bearish .6 -> bearish .6; b bullish .6 -> bullish .6; c failed in round 1.
// c5 (no outcome): a and b bullish.
inline std::vector<score::CardRecord> sample_records() {
    return {
        card_record("c1",
                    {seat_record("a", Stance::bullish, 0.8, Stance::bullish, 0.9),
                     seat_record("b", Stance::bearish, 0.6, Stance::bullish, 0.55),
                     seat_record("c", Stance::neutral, 0.5, Stance::neutral, 0.5)},
                    Stance::bullish, Stance::bullish, "2-1"),
        card_record("c2",
                    {seat_record("a", Stance::bullish, 0.7, Stance::bullish, 0.7),
                     seat_record("b", Stance::bearish, 0.9, Stance::bearish, 0.9),
                     seat_record("c", Stance::bearish, 0.6, Stance::neutral, 0.65)},
                    Stance::bearish, Stance::bearish, "1-1-1"),
        card_record("c3",
                    {seat_record("a", Stance::bullish, 0.95, Stance::bearish, 0.35),
                     seat_record("b", Stance::neutral, 0.4, Stance::bearish, 0.7),
                     seat_record("c", Stance::neutral, 0.5, std::nullopt, 0.5)},
                    Stance::neutral, Stance::bearish, "2-0"),
        card_record("c4",
                    {seat_record("a", Stance::bearish, 0.6, Stance::bearish, 0.6),
                     seat_record("b", Stance::bullish, 0.6, Stance::bullish, 0.6),
                     seat_record("c", std::nullopt, 0.5, std::nullopt, 0.5)},
                    std::nullopt, std::nullopt, "1-1"),
        card_record("c5",
                    {seat_record("a", Stance::bullish, 0.7, Stance::bullish, 0.7),
                     seat_record("b", Stance::bullish, 0.7, Stance::bullish, 0.7)},
                    Stance::bullish, Stance::bullish, "2-0"),
    };
}

inline score::Outcomes sample_outcomes() {
    score::Outcomes o;
    auto add = [&](std::string id, Stance s) {
        o.ids.push_back(id);
        o.label_of.emplace(std::move(id), s);
    };
    add("c1", Stance::bullish);
    add("c2", Stance::bearish);
    add("x9", Stance::bearish);
    add("c3", Stance::neutral);
    add("c4", Stance::bullish);
    return o;
}

} // namespace roundtable::testing
