#include <roundtable/guard/schema.hpp>

namespace roundtable::guard {

namespace {

// Strict-mode friendly: every property required, no additional properties
// (OpenAI's json_schema strict mode demands both).
constexpr std::string_view k_take_schema = R"({
  "type": "object",
  "properties": {
    "stance": {"type": "string", "enum": ["bearish", "neutral", "bullish"]},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "headline": {"type": "string"},
    "analysis": {"type": "string"},
    "counterpoint": {"type": "string"},
    "evidence": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["stance", "confidence", "headline", "analysis", "counterpoint", "evidence"],
  "additionalProperties": false
})";

constexpr std::string_view k_rebuttal_schema = R"({
  "type": "object",
  "properties": {
    "responds_to": {"type": "array", "items": {"type": "string"}},
    "headline": {"type": "string"},
    "text": {"type": "string"},
    "stance_after": {"type": "string", "enum": ["bearish", "neutral", "bullish"]},
    "confidence_after": {"type": "number", "minimum": 0, "maximum": 1}
  },
  "required": ["responds_to", "headline", "text", "stance_after", "confidence_after"],
  "additionalProperties": false
})";

constexpr std::string_view k_consensus_schema = R"({
  "type": "object",
  "properties": {
    "summary": {"type": "string"},
    "risk": {"type": "string"},
    "opportunity": {"type": "string"}
  },
  "required": ["summary", "risk", "opportunity"],
  "additionalProperties": false
})";

} // namespace

std::string_view round_name(Round round) {
    switch (round) {
    case Round::take:
        return "take";
    case Round::rebuttal:
        return "rebuttal";
    case Round::consensus:
        return "consensus";
    }
    return "take";
}

std::string_view round_schema(Round round) {
    switch (round) {
    case Round::take:
        return k_take_schema;
    case Round::rebuttal:
        return k_rebuttal_schema;
    case Round::consensus:
        return k_consensus_schema;
    }
    return k_take_schema;
}

int answer_tokens(Round round) {
    // A take is a headline, a paragraph, a counterpoint and a few quotes (about 600 tokens in
    // practice); a rebuttal and a synthesis are shorter. Twice that and more, so a verbose
    // model is not cut.
    switch (round) {
    case Round::take:
        return 2048;
    case Round::rebuttal:
        return 1536;
    case Round::consensus:
        return 1024;
    }
    return 2048;
}

} // namespace roundtable::guard
