// Validation of a model's reply against its round's contract (DESIGN §4–§5.1).
//
// validate_reply extracts the JSON object leniently (extract.hpp), checks it
// against the round's fields, applies a short list of documented coercions and
// returns a clean object holding only the contract's fields. When a reply is
// invalid, repair_instruction gives the text for the one repair call.
//
// Coercions (everything else is an error naming the field):
//   - strings are trimmed of surrounding whitespace, and control characters
//     (util::drop_controls: escape sequences, DEL, C1) are removed from them;
//   - confidence / confidence_after given as a numeric string ("0.8"), as a
//     percentage string ("80%", "80") or as a number above 10 up to 100 (80)
//     become a fraction (0.8); bare numbers above 1 up to 10 are ambiguous
//     (a 0-10 scale?) and rejected;
//   - stance / stance_after synonyms, case-insensitive: negative, bear,
//     pessimistic, down -> bearish; positive, bull, optimistic, up -> bullish;
//     mixed, balanced, hold -> neutral;
//   - evidence / responds_to given as one string become a one-element list;
//     blank entries in those lists are dropped;
//   - unknown fields are dropped.
// Pure functions; thread-safe.
#pragma once

#include <expected>
#include <roundtable/guard/schema.hpp>
#include <string>
#include <string_view>

namespace roundtable::guard {

// Returns the clean JSON object text (the round's fields only, in contract
// order) of `reply`; returns an error prefixed with the round's name when no
// object can be extracted or a field is missing, of the wrong type or out of
// range, e.g. "take: missing field 'stance'" or "rebuttal: 'text' is empty".
std::expected<std::string, std::string> validate_reply(Round round, std::string_view reply);

// Returns the text appended to the user prompt for the repair call: it says
// the previous reply was invalid, quotes `error` (invalid UTF-8 in it replaced
// with U+FFFD, so the request body can always be written) and restates the JSON
// shape `round` requires; never fails.
std::string repair_instruction(Round round, const std::string& error);

} // namespace roundtable::guard
