// CI policies of corpus mode (--fail-on EXPR): expressions over one article's
// result that make the batch exit 1 when any article matches.
//
// Forms: stance=bearish|neutral|bullish|split, and FIELD OP NUMBER where FIELD
// is agreement (0-1), ungrounded (claims not found in the article) or
// failed-seats, and OP is <, <=, >, >= or =. Several expressions may share one
// flag, comma-separated. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <expected>
#include <roundtable/util/threshold.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::batch {

// The numbers of one finished card that policies and the summary look at.
struct CardFacts {
    std::string stance; // "bearish", "neutral", "bullish" or "split"
    double agreement = 0.0;
    std::size_t ungrounded = 0;
    std::size_t failed_seats = 0;
};

struct Policy {
    enum class Field { stance, agreement, ungrounded, failed_seats };

    std::string text; // the expression as written, for messages
    Field field = Field::stance;
    std::string stance;        // for Field::stance
    util::Threshold threshold; // for the numeric fields

    // Returns whether `facts` match this policy; never fails.
    bool matches(const CardFacts& facts) const;
};

// Parses one expression; returns a message saying what was expected if it is not
// one of the forms above.
std::expected<Policy, std::string> parse_policy(std::string_view text);

// Parses every --fail-on value, each possibly holding comma-separated expressions;
// returns the first expression's error.
std::expected<std::vector<Policy>, std::string>
parse_policies(const std::vector<std::string>& values);

} // namespace roundtable::batch
