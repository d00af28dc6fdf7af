// The computed consensus: the panel's stance is counted from the seats' final
// stances, never taken from a model. Pure functions; thread-safe.
#pragma once

#include <roundtable/panel/card.hpp>
#include <vector>

namespace roundtable::panel {

struct Ballot {
    std::string seat;
    Stance stance = Stance::neutral;
    double confidence = 0.5;
};

struct VoteResult {
    std::optional<Stance> stance; // nullopt: an exact tie ("split")
    Votes votes;
    double agreement = 0.0; // share of ballots that agree with the winning stance
};

// Returns the majority stance of `ballots`; a tie between the largest groups is
// broken by their summed confidence, and an exact tie (or no ballots) is split.
VoteResult count_votes(const std::vector<Ballot>& ballots);

// Returns whether `text` (the chair's summary) names a stance other than `stance`
// without naming `stance` itself, e.g. "the panel is bullish" under a bearish vote;
// false for a split vote or a text that names no stance.
bool contradicts_stance(std::string_view text, std::optional<Stance> stance);

} // namespace roundtable::panel
