// The model catalogue: every model roundtable knows, with its prices, limits,
// how it reasons and what it accepts (providers::ModelTraits), the docs page
// each entry came from, each provider's default model, and how much a seat
// may reason at each effort level. Built from data/models.toml (embedded at
// build time) and the [models] / [defaults] tables of a user's config.toml,
// which override it field by field.
//
// Building or merging a catalogue is not thread-safe; a built catalogue is
// read-only and safe to share between threads (builtin() returns one that is
// built once, thread-safely).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <roundtable/providers/model.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::config {

// USD per million tokens. A zero cached_input / cache_write means "no separate
// rate": those tokens are billed at the input rate. Prompts of more than
// `long_context` input tokens (when it is above zero) are billed at the long_*
// rates instead (Gemini Pro above 200k tokens, for example).
struct Price {
    double input = 0;
    double output = 0;
    double cached_input = 0;
    double cache_write = 0;
    double batch_discount = 0; // share taken off every rate in the provider's batch API (0.5)
    std::int64_t long_context = 0;
    double long_input = 0;
    double long_output = 0;
    double long_cached_input = 0;
};

struct ModelEntry {
    std::string provider;
    std::string id;
    Price price;
    providers::ModelTraits traits; // traits.listed is true
    bool legacy = false;           // an older id that still serves
    std::string source;            // the docs page it came from, and the date it was read
    std::string note;              // why it is a default, or what to know about it
};

// Billed tokens of one call, as providers::TokenUsage counts them: input includes cached reads
// and cache writes; output includes reasoning.
struct BilledTokens {
    std::int64_t input = 0;
    std::int64_t output = 0;
    std::int64_t cached = 0;
    std::int64_t cache_write = 0;
};

// How much a seat may reason at one effort level, and how long its call may take.
struct ReasoningBudget {
    std::int64_t tokens = 0; // the reasoning allowance added to a call's answer budget
    double timeout_s = 0;    // the default per-call timeout of a reasoning model at this level
};

class Catalogue {
public:
    // Returns the catalogue of data/models.toml; throws Error(Exit::config) if the embedded text
    // is invalid.
    static const Catalogue& builtin();

    // Adds or replaces models (field by field) and default models from the [models] and
    // [defaults] tables of the TOML `text` (other top-level tables are ignored); `source` names
    // it in messages. Throws Error(Exit::config, "SOURCE:LINE: ...") on a parse error, unknown
    // key, wrong type or a bad value.
    void merge_toml(std::string_view text, const std::string& source);

    // Adds `entry`, replacing any entry of the same provider and id; never fails.
    void set(ModelEntry entry);

    // Sets the default model of `provider`; never fails.
    void set_default_model(const std::string& provider, const std::string& model);

    // Returns the entry of `model` at `provider`, or nullptr if it is not listed.
    const ModelEntry* find(std::string_view provider, std::string_view model) const;

    // Returns the default model of `provider`, or nullopt if it has none (offline,
    // openai-compatible).
    std::optional<std::string> default_model(std::string_view provider) const;

    // Returns every entry, by provider (anthropic, openai, gemini, xai, openai-compatible) and
    // then in the order they were added; never fails.
    std::vector<const ModelEntry*> entries() const;

    // Returns the traits of `model` at `provider`: its entry's, else the safe assumptions for an
    // unlisted model of that provider (see unlisted_traits()); never fails.
    providers::ModelTraits traits(std::string_view provider, std::string_view model) const;

    // Returns the reasoning allowance and default timeout at `effort`; never fails.
    const ReasoningBudget& reasoning(providers::Effort effort) const {
        return m_reasoning[static_cast<std::size_t>(effort)];
    }

    // Returns the effort a seat gets when neither its config nor a flag sets one; never fails.
    providers::Effort default_effort() const { return m_default_effort; }

    // Returns the estimated cost in USD of one call's `tokens` (as billed; see BilledTokens),
    // at the batch rate when `batch` is set. An unlisted model costs 0.
    double cost(std::string_view provider, std::string_view model, const BilledTokens& tokens,
                bool batch = false) const;

    // Returns the estimated cost in USD of one call (see the overload above).
    double cost(std::string_view provider, std::string_view model, std::int64_t input_tokens,
                std::int64_t output_tokens, std::int64_t cached_tokens = 0,
                std::int64_t cache_write_tokens = 0) const {
        return cost(provider, model,
                    BilledTokens{input_tokens, output_tokens, cached_tokens, cache_write_tokens});
    }

    // Sets the reasoning allowance and timeout of `effort`, and the default effort (used when
    // reading data/models.toml's [reasoning] table); never fails.
    void set_reasoning(providers::Effort effort, ReasoningBudget budget) {
        m_reasoning[static_cast<std::size_t>(effort)] = budget;
    }
    void set_default_effort(providers::Effort effort) { m_default_effort = effort; }

private:
    std::map<std::string, std::vector<ModelEntry>, std::less<>> m_models;
    std::map<std::string, std::string, std::less<>> m_defaults;
    std::array<ReasoningBudget, 3> m_reasoning{};
    providers::Effort m_default_effort = providers::Effort::medium;
};

// Returns what roundtable assumes of a model the catalogue does not list: for the four
// providers, that it may reason (a reasoning allowance is budgeted) but is sent no reasoning
// control and no sampling parameter, with JSON-schema output; for openai-compatible servers, a
// model that does not reason and takes temperature. Never fails.
providers::ModelTraits unlisted_traits(std::string_view provider);

} // namespace roundtable::config
