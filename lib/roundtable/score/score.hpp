// Scoring cards against outcomes: which seat was right, how often, whether its
// confidence means anything, and whether the rebuttal round helped the panel.
//
// The figures (all over the "scored" articles, those with a card and an outcome):
//  - per seat: accuracy of the round-1 stance and of the final stance, each with
//    a 95% Wilson interval and its n; the Brier score of the final stance and
//    its confidence (the stance gets p = confidence, each other stance
//    (1 - confidence) / 2; Brier is the mean over articles of the sum over the
//    three stances of (p - y)^2, y = 1 for the outcome); calibration in ten bins
//    of 0.1 of the final confidence ([0, 0.1), ..., [0.9, 1.0]).
//  - the panel: accuracy of the round-1 vote (counted from the takes as the
//    pipeline counts the final vote) and of the final vote, a split vote
//    abstaining (counted apart, not scored); accuracy by agreement level (the
//    final vote's label: 4-0, 3-1, 2-2, 2-1-1, ...); stance shifts in the rebuttal
//    round toward or away from the outcome (by distance on bearish < neutral <
//    bullish: bearish -> neutral under a bullish outcome moves toward it); the
//    mean Brier of every seat's final stance, pooled.
//  - a baseline: the majority class of the outcomes (ties go to the first of
//    bearish, neutral, bullish) and its accuracy.
//
// A seat's final stance is its rebuttal's stance_after and confidence_after, or,
// when the panel ran without a rebuttal round, its take's; a seat that failed in
// the rebuttal round has a round-1 stance and no final one. Pure functions and
// value types; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <roundtable/panel/card.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace roundtable::score {

inline constexpr std::string_view k_score_schema = "roundtable.score/v1";
inline constexpr double k_default_band = 0.01;
inline constexpr std::size_t k_bins = 10;

// --- what scoring keeps of one card ---

struct SeatRecord {
    std::string seat;
    std::string model;
    std::optional<panel::Stance> round1; // the take's stance; nullopt: no take
    double round1_confidence = 0.5;
    std::optional<panel::Stance> final; // nullopt: the seat failed before the vote
    double final_confidence = 0.5;
};

struct CardRecord {
    std::string id;
    std::vector<SeatRecord> seats;            // in panel order
    std::optional<panel::Stance> round1_vote; // nullopt: split (or no take)
    std::optional<panel::Stance> final_vote;  // the card's consensus; nullopt: split
    std::string vote_label;                   // the final vote, e.g. "3-1"
    double agreement = 0.0;                   // the final vote's agreement, 0-1
};

// Returns what scoring needs of `card`, filed under `id`; never fails.
CardRecord record_of(std::string id, const panel::Card& card);

// --- single figures, exposed for tests ---

struct Interval {
    double low = 0.0;
    double high = 0.0;
};

// Returns the 95% Wilson score interval of `correct` successes in `n` trials;
// nullopt when n is 0.
std::optional<Interval> wilson_interval(std::size_t correct, std::size_t n);

// Returns the Brier score of one forecast: `chosen` at `confidence` (clamped to
// 0-1), each other stance at (1 - confidence) / 2, against `outcome`; never fails.
double brier(panel::Stance chosen, double confidence, panel::Stance outcome);

// Returns the calibration bin (0-9) of `confidence`: bin k holds [k/10, (k+1)/10),
// the last one also 1.0; values outside 0-1 are clamped. Never fails.
std::size_t calibration_bin(double confidence);

enum class ShiftDirection { toward, away, neither };

// Returns whether a move from `from` to `to` brought a seat closer to `outcome`
// on bearish < neutral < bullish, took it further away, or neither; never fails.
ShiftDirection shift_direction(panel::Stance from, panel::Stance to, panel::Stance outcome);

// Returns the stance of a market return `r` (a fraction) at band `band`: above
// +band bullish, below -band bearish, else (exactly +-band too) neutral.
panel::Stance label_for_return(double r, double band);

// --- the score ---

struct Accuracy {
    std::size_t n = 0;
    std::size_t correct = 0;

    // Adds one scored answer; never fails.
    void add(bool right);
    // Returns correct / n; nullopt when n is 0.
    std::optional<double> value() const;
    // Returns the 95% Wilson interval; nullopt when n is 0.
    std::optional<Interval> ci() const;
};

struct CalibrationBin {
    double low = 0.0;
    double high = 0.0;
    std::size_t n = 0;
    double confidence_sum = 0.0;
    std::size_t correct = 0;

    // Returns the mean confidence of the bin; nullopt when it is empty.
    std::optional<double> mean_confidence() const;
    // Returns the share of right answers in the bin; nullopt when it is empty.
    std::optional<double> accuracy() const;
};

struct SeatScore {
    std::string seat;
    std::string model; // the seat's models, comma-separated when they changed across cards
    Accuracy round1;
    Accuracy final;
    double brier_sum = 0.0; // over final.n forecasts
    std::array<CalibrationBin, k_bins> calibration{};

    // Returns the mean Brier score of the final stances; nullopt when there are none.
    std::optional<double> brier() const;
};

struct AgreementScore {
    std::string votes;         // "4-0", "3-1", ...
    double agreement = 0.0;    // share of seats behind the largest group
    Accuracy accuracy;         // the final votes of this level that were not split
    std::size_t abstained = 0; // split final votes of this level
};

struct PanelScore {
    std::size_t n = 0;                // scored articles
    std::size_t abstained = 0;        // split final votes
    std::size_t abstained_round1 = 0; // split round-1 votes
    Accuracy round1_vote;
    Accuracy final_vote;
    std::vector<AgreementScore> by_agreement; // most agreement first
    std::size_t shifts = 0;                   // seats that changed stance in the rebuttal round
    std::size_t toward_outcome = 0;
    std::size_t away_from_outcome = 0;
    double brier_sum = 0.0; // every seat's final forecast, pooled
    std::size_t brier_n = 0;

    // Returns the pooled mean Brier of the seats' final stances; nullopt when there are none.
    std::optional<double> brier() const;
};

struct Baseline {
    std::optional<panel::Stance> label; // nullopt: nothing scored
    Accuracy accuracy;
};

struct ArticleCounts {
    std::size_t cards = 0;      // distinct card ids
    std::size_t scored = 0;     // cards with an outcome
    std::size_t no_outcome = 0; // cards without an outcome
    std::size_t no_card = 0;    // outcomes without a card
    std::size_t duplicates = 0; // card ids seen again (the last card of an id is scored)
    std::size_t failed = 0;     // articles whose batch line is an error (set by the reader)
    std::vector<std::string> no_outcome_ids; // in card order
    std::vector<std::string> no_card_ids;    // in outcome order
    std::vector<std::string> duplicate_ids;
};

struct Score {
    ArticleCounts articles;
    double band = k_default_band;
    Baseline baseline;
    std::vector<SeatScore> seats; // first-seen order
    PanelScore panel;
};

// The outcomes of a corpus: a label per article id, in file order.
struct Outcomes {
    std::vector<std::string> ids;                            // file order
    std::unordered_map<std::string, panel::Stance> label_of; // id -> outcome
};

// Scores `cards` (a later card of an id replaces an earlier one) against
// `outcomes`; `band` is reported as given. Never fails: with nothing scored every
// figure is empty (nullopt).
Score compute(const std::vector<CardRecord>& cards, const Outcomes& outcomes, double band);

// Returns `x` rounded to 4 decimals, the precision every output shows; never fails.
double round4(double x);

} // namespace roundtable::score
