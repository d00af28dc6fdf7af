// `roundtable score CARDS.jsonl... --outcomes FILE`: each seat and the panel
// scored against what happened (score/score.hpp has the figures), as a text
// table, the "roundtable.score/v1" JSON or a standalone HTML page, with CI
// thresholds (--fail-on accuracy<0.6, brier>0.5, seat:gpt:accuracy<0.5).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace roundtable::commands {

struct ScoreOptions {
    std::vector<std::string> cards; // batch JSONL files ("-": stdin); with from_log, log ids
    std::string outcomes;           // --outcomes FILE (CSV or JSONL)
    double band = 0.01;             // --band: |return| at most this is neutral
    bool from_log = false;          // cards from the card log (all of it when `cards` is empty)
    std::string format = "text";    // text | json | html
    std::string output;             // -o FILE; empty: `out`
    std::vector<std::string> fail_on;
    bool verbose = false; // list the ids that were not scored on `err` (and in the JSON)
    bool quiet = false;   // no notices on `err`
};

// Reads the cards and outcomes, scores them and writes the score; returns 0, or 1
// when a --fail-on threshold was crossed (named on `err`). Throws Error(Exit::usage)
// for a bad flag, an unreadable file or a bad line or row (named "FILE:LINE: ..."),
// and Error(Exit::config) when the card log cannot be opened or read.
int run_score(const ScoreOptions& options, std::ostream& out, std::ostream& err);

// Writes the JSON Schema of the score JSON.
int run_score_schema(std::ostream& out);

} // namespace roundtable::commands
