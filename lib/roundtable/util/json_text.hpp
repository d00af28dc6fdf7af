// JSON text written fast. Request bodies carry the article and the prompts (kilobytes of
// text per call), and nlohmann/json's serializer decodes every byte of every string through
// its UTF-8 automaton: it was the largest single cost of a corpus run's CPU. dump_json()
// writes the same bytes as nlohmann's dump(indent, ' ', false, error_handler_t::replace)
// (keys in the object's order, strings with the same escapes, numbers by nlohmann itself),
// copying runs of plain text whole; a string that is not valid UTF-8 is handed to nlohmann,
// so its replacement characters are exactly nlohmann's.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace roundtable::util {

// Returns `value` as JSON text, byte for byte what value.dump(indent, ' ', false,
// nlohmann::json::error_handler_t::replace) returns (indent < 0: compact); with `depth`, the
// text as it appears nested that deep in an indented document (its inner lines indented for
// that depth); never fails.
std::string dump_json(const nlohmann::json& value, int indent = -1, int depth = 0);

// Appends `text` to `out` as a JSON string literal (quotes included), as dump_json() writes
// it; never fails (bytes that are not UTF-8 become U+FFFD, as nlohmann writes them).
void append_json_string(std::string& out, std::string_view text);

} // namespace roundtable::util
