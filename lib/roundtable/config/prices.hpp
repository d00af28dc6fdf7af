// Model ids and prices: the table built from data/models.toml (embedded at build
// time) and the [models] / [defaults] tables of a user's config.toml.
//
// A PriceTable maps (provider, model) to a Price in USD per million tokens, and
// each provider to its default model. Building or merging a table is not
// thread-safe; a built table is read-only and safe to share between threads
// (builtin() returns one that is built once, thread-safely).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace roundtable::config {

// USD per million tokens. A zero cached_input / cache_write means "no separate
// rate": those tokens are billed at the input rate.
struct Price {
    double input = 0;
    double output = 0;
    double cached_input = 0;
    double cache_write = 0;
};

class PriceTable {
public:
    // Returns the table of data/models.toml; throws Error(Exit::config) if the embedded text is
    // invalid.
    static const PriceTable& builtin();

    // Adds or replaces prices and default models from the [models] and [defaults] tables of
    // the TOML `text` (other top-level tables are ignored); `source` names it in messages.
    // Throws Error(Exit::config, "SOURCE:LINE: ...") on a parse error, unknown key or wrong type.
    void merge_toml(std::string_view text, const std::string& source);

    // Sets the price of `model` at `provider`, replacing any previous one; never fails.
    void set(const std::string& provider, const std::string& model, const Price& price);

    // Sets the default model of `provider`; never fails.
    void set_default_model(const std::string& provider, const std::string& model);

    // Returns the price of `model` at `provider`, or nullopt if the model is not listed.
    std::optional<Price> find(std::string_view provider, std::string_view model) const;

    // Returns the default model of `provider`, or nullopt if it has none (offline,
    // openai-compatible).
    std::optional<std::string> default_model(std::string_view provider) const;

    // Returns the estimated cost in USD of one call. Token counts are as billed
    // (providers::TokenUsage): input includes cached reads and cache writes. An
    // unlisted model costs 0.
    double cost(std::string_view provider, std::string_view model, std::int64_t input_tokens,
                std::int64_t output_tokens, std::int64_t cached_tokens = 0,
                std::int64_t cache_write_tokens = 0) const;

private:
    std::map<std::string, std::map<std::string, Price, std::less<>>, std::less<>> m_prices;
    std::map<std::string, std::string, std::less<>> m_defaults;
};

} // namespace roundtable::config
