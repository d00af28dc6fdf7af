// CI policies of `roundtable score` (--fail-on EXPR): thresholds on scored
// figures that make the command exit 1 when crossed.
//
// Forms: FIGURE OP NUMBER for the panel, seat:NAME:FIGURE OP NUMBER for a seat,
// where FIGURE is accuracy (the final vote's, or the seat's final stance's),
// accuracy-round1 (the round-1 vote's, or the seat's take's) or brier (the pooled
// Brier of every seat, or the seat's), and OP is <, <=, >, >= or =. Figures are
// compared as shown, rounded to 4 decimals. Several expressions may share one
// flag, comma-separated. Pure functions; thread-safe.
#pragma once

#include <expected>
#include <optional>
#include <roundtable/score/score.hpp>
#include <roundtable/util/threshold.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::score {

struct ScorePolicy {
    enum class Figure { accuracy, accuracy_round1, brier };

    std::string text; // the expression as written, for messages
    std::string seat; // empty: the panel
    Figure figure = Figure::accuracy;
    util::Threshold threshold;
};

struct PolicyCheck {
    std::string text;
    std::optional<double> value; // rounded to 4 decimals; nullopt: nothing was scored
    bool matched = false;
};

// Parses one expression; returns "--fail-on 'EXPR': ..." saying what was expected
// if it is not one of the forms above.
std::expected<ScorePolicy, std::string> parse_score_policy(std::string_view text);

// Parses every --fail-on value, each possibly holding comma-separated expressions;
// returns the first expression's error.
std::expected<std::vector<ScorePolicy>, std::string>
parse_score_policies(const std::vector<std::string>& values);

// Checks `policies` against `score`; a figure with nothing scored does not match.
// Returns "--fail-on 'EXPR': no seat 'x' in the cards (seats: ...)" for a seat
// that no card has.
std::expected<std::vector<PolicyCheck>, std::string>
check_policies(const std::vector<ScorePolicy>& policies, const Score& score);

} // namespace roundtable::score
