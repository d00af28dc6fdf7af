// The outcomes file of `roundtable score`: what happened after each article, as
// a label or a market return, keyed by the article's id.
//
// Two formats, told apart by the file's extension (.csv; .jsonl, .ndjson, .json)
// or else by its first character ('{' is JSONL):
//  - CSV with a header row naming an `id` column and a `label` column, a
//    `return` column, or both (names in any case; other columns are ignored).
//    Fields may be quoted ("a, b" and "" inside quotes); blank lines and lines
//    starting with '#' are skipped, so a file can say where it came from.
//  - JSONL: one object per line, {"id": "...", "label": "bullish"} or
//    {"id": "...", "return": 0.023}; blank lines are skipped.
// A label is bearish, neutral or bullish (any case). A return is a fraction
// (0.023 is +2.3%) mapped with the band: above +band bullish, below -band
// bearish, else neutral. A row holding both uses its label.
//
// Every bad row is an error naming the file and line: a missing or empty id, an
// id given twice, an unknown label, a return that is not a finite number, a row
// with neither, a wrong number of CSV fields, an unterminated quote, a JSONL line
// that is not an object. Pure functions; thread-safe.
#pragma once

#include <expected>
#include <roundtable/score/score.hpp>
#include <string>
#include <string_view>

namespace roundtable::score {

enum class OutcomeFormat { csv, jsonl };

// Returns the format of the file `name` holding `text`: by extension, else JSONL
// when the first character that is not blank is '{', else CSV. Never fails.
OutcomeFormat detect_outcome_format(std::string_view name, std::string_view text);

// Parses `text` (the content of `name`) at band `band`; returns "NAME:LINE: problem"
// for the first bad row, or "NAME: problem" for an empty file or a bad header.
std::expected<Outcomes, std::string> parse_outcomes(std::string_view text, const std::string& name,
                                                    double band);

// Reads and parses the outcomes file at `path`; returns "PATH: reason" if it
// cannot be read (missing, a folder, over 64 MiB) or parse_outcomes' error.
std::expected<Outcomes, std::string> read_outcomes(const std::string& path, double band);

} // namespace roundtable::score
