// What a seat's model is and accepts: how it reasons, the control that sets
// how much, its output limit, whether it takes sampling parameters, and how it
// returns a JSON object. config/ fills a ModelTraits for every seat from the
// model catalogue (data/models.toml, overridable under [models] in a user's
// config); the codecs read it so that no request carries a parameter the
// model refuses, and the pipeline reads it to size each call's output budget.
//
// Plain data and pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roundtable::providers {

// How hard a seat thinks: mapped per model to the provider's own control.
enum class Effort { low, medium, high };

// Returns "low", "medium" or "high"; never fails.
std::string_view effort_name(Effort effort);

// Parses "low", "medium" or "high"; returns nullopt for anything else.
std::optional<Effort> parse_effort(std::string_view name);

// Returns the level below `effort`, or nullopt for low.
std::optional<Effort> lower_effort(Effort effort);

// Whether and when a model reasons before it answers.
enum class Reasoning {
    none,       // it does not reason
    opt_in,     // it reasons only when asked (a level, or a thinking budget above zero)
    default_on, // it reasons unless told otherwise
    always,     // it always reasons
};

// Returns "none", "opt-in", "default" or "always"; never fails.
std::string_view reasoning_name(Reasoning reasoning);

// Parses the names reasoning_name() returns; nullopt for anything else.
std::optional<Reasoning> parse_reasoning(std::string_view name);

// The parameter that sets how much a model reasons.
enum class ReasoningControl {
    none,   // no control: nothing is sent
    effort, // a named level: Anthropic output_config.effort, OpenAI/xAI reasoning_effort,
            // Gemini 3 thinkingLevel
    budget, // a token count: Anthropic thinking.budget_tokens, Gemini 2.5 thinkingBudget
};

// Returns "none", "effort" or "budget"; never fails.
std::string_view control_name(ReasoningControl control);

// Parses the names control_name() returns; nullopt for anything else.
std::optional<ReasoningControl> parse_control(std::string_view name);

// How a model is made to answer with one JSON object.
enum class StructuredOutput {
    json_schema, // the provider's JSON-schema output (Anthropic output_config.format,
                 // OpenAI/xAI response_format, Gemini responseJsonSchema)
    tool,        // a forced tool call (Anthropic models that do not think)
    prompt,      // nothing but the prompt's instructions (servers without either)
};

// Returns "json_schema", "tool" or "prompt"; never fails.
std::string_view structured_name(StructuredOutput structured);

// Parses the names structured_name() returns; nullopt for anything else.
std::optional<StructuredOutput> parse_structured(std::string_view name);

struct ModelTraits {
    bool listed = false; // the model is in the catalogue; false: the safe assumptions below
    Reasoning reasoning = Reasoning::none;
    ReasoningControl control = ReasoningControl::none;
    // The control's value for low, medium and high: a level word in the provider's own
    // vocabulary ("minimal", "high", ...) or, for a budget, a token count ("0" = no thinking).
    std::array<std::string, 3> effort_values{};
    Effort default_effort = Effort::medium; // the provider's own default, for `roundtable models`
    std::int64_t max_output = 0;            // largest output budget the model takes; 0: unknown
    std::int64_t context = 0;               // context window in tokens; 0: unknown
    bool sampling = true;                   // accepts temperature
    StructuredOutput structured = StructuredOutput::json_schema;

    // Returns whether the model reasons (and so spends reasoning tokens out of its output
    // budget) when asked at `effort`: a default-on or always-on model unless that level's value
    // turns reasoning off ("0" budget, "none" level), an opt-in model when that level's value
    // turns it on; never fails.
    bool thinks_at(Effort effort) const;

    // Returns the control's value for `effort` ("" when the model has no control); never fails.
    const std::string& value_for(Effort effort) const {
        return effort_values[static_cast<std::size_t>(effort)];
    }
};

} // namespace roundtable::providers
