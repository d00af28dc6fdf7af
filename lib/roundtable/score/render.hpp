// Renderings of a Score: a text table for the terminal (seats as rows, then the
// panel and the baseline), the "roundtable.score/v1" JSON contract and its JSON
// Schema, and HTML -- a standalone page, or its sections for the batch report --
// with inline-SVG charts (a reliability diagram per seat, accuracy by agreement,
// round-1 vs final accuracy) and no script or network resource.
//
// Every figure is shown rounded to 4 decimals (round4), the value --fail-on
// compares; a figure with nothing scored is "-" in text and HTML, null in JSON.
// All functions are pure and thread-safe.
#pragma once

#include <roundtable/score/score.hpp>
#include <string>

namespace roundtable::score {

// Renders `score` as terminal text; never fails.
std::string render_text(const Score& score);

// Renders `score` as the v1 JSON contract, indented by 2, with a trailing newline;
// `with_ids` adds the lists of ids that were not scored. Never fails.
std::string render_json(const Score& score, bool with_ids = false);

// Returns the JSON Schema (draft 2020-12) of the v1 score JSON, pretty-printed; never fails.
std::string score_json_schema();

// Returns the CSS the HTML sections use; never fails.
std::string html_style();

// Renders the score as HTML sections (headings, tables, inline SVG), every seat
// name and id escaped, for a page of the caller's; never fails.
std::string html_sections(const Score& score);

// Renders `score` as one standalone HTML page; never fails.
std::string render_html(const Score& score);

} // namespace roundtable::score
