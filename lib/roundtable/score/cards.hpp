// Reading the cards to score from the JSONL of `roundtable batch`: one line per
// article, {"id": ..., "card": {...}} or {"id": ..., "error": ..., "exit": N}.
//
// Each card goes through the card's own JSON contract (panel::from_json) and is
// kept only as a score::CardRecord, so memory grows with the number of cards,
// not with their text. Error lines (articles that failed) are counted, not
// scored. Not thread-safe: one reader per stream.
#pragma once

#include <cstddef>
#include <expected>
#include <iosfwd>
#include <roundtable/score/score.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::score {

struct CardLines {
    std::vector<CardRecord> cards; // in file order
    std::size_t error_lines = 0;   // articles whose line is an error, not a card
};

// Parses one batch line (`name` and 1-based `line` name it in errors) and appends
// its record to `into`; blank lines are skipped. Returns "NAME:LINE: problem" if
// the line is not JSON, has no string id, or holds neither a card of the
// roundtable.card/v1 contract nor an error.
std::expected<void, std::string> read_card_line(std::string_view text, const std::string& name,
                                                std::size_t line, CardLines& into);

// Reads every line of `in` (named `name` in errors) into `into`; returns the
// first bad line's error.
std::expected<void, std::string> read_card_lines(std::istream& in, const std::string& name,
                                                 CardLines& into);

} // namespace roundtable::score
