// The rounds of a panel and the JSON object each asks a model for (DESIGN §4).
//
// The schemas here are sent to providers as structured-output schemas and used
// to validate replies. Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace roundtable::guard {

enum class Round { take, rebuttal, consensus };

// Returns "take", "rebuttal" or "consensus".
std::string_view round_name(Round round);

// Returns the JSON Schema (as JSON text) of the object `round` asks for.
std::string_view round_schema(Round round);

// Returns the output tokens the visible answer of `round` needs at most (the JSON object the
// round's prompt asks for, with room to spare); a reasoning model's allowance comes on top.
int answer_tokens(Round round);

} // namespace roundtable::guard
