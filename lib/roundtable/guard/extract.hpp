// Lenient extraction of the JSON object a model was asked for (DESIGN §5.1).
//
// Models wrap their JSON in code fences, add prose before or after it, start
// with a byte-order mark or leave a trailing comma. extract_json_object finds
// the object in such a reply and returns its text; it does not check the
// object against a round's contract (see validate.hpp). Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <exception>
#include <expected>
#include <string>
#include <string_view>

namespace roundtable::guard {

// The largest reply read (README, "Bounds"): a take is a few KiB of JSON.
inline constexpr std::size_t k_max_reply_bytes = 1024 * 1024;

// Returns the text of the JSON object in `reply`: the whole reply, the inside
// of a ```json / ``` fence, or the first balanced {...} that parses amid prose
// (strings and escapes respected; a UTF-8 BOM and trailing commas before } or ]
// are tolerated, the latter removed); returns an error message when the reply
// is empty, is a JSON array, holds a truncated or unparsable object, or holds
// no object at all: `no JSON object in the reply (starts with: "I'm sorry...")`,
// is over k_max_reply_bytes, or nests JSON deeper than util::k_max_json_depth
// (refused before any parsing). Errors are valid UTF-8.
std::expected<std::string, std::string> extract_json_object(std::string_view reply);

// Returns the message of a JSON library exception without its "[json.exception...] " prefix,
// as valid UTF-8 (the parser's "last read" token can end inside a character); never fails.
std::string json_error_message(const std::exception& error);

} // namespace roundtable::guard
