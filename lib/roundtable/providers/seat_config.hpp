// A seat's configuration: which provider, model and options it uses. Plain data
// filled by config/ (TOML, environment, flags) and read by the provider factory.
#pragma once

#include <cstdint>
#include <optional>
#include <roundtable/providers/model.hpp>
#include <string>

namespace roundtable::providers {

struct SeatConfig {
    std::string name;        // seat name on the card: "claude", "gpt", "bull", ...
    std::string provider;    // anthropic | openai | gemini | xai | openai-compatible | offline
    std::string model;       // model id (offline: the lens, "bull" | "bear" | "skeptic" | "quant")
    std::string base_url;    // empty: the provider's default
    std::string api_key_env; // environment variable holding the key; empty: none
    ModelTraits traits;      // from the model catalogue (config/catalogue.hpp)
    Effort effort = Effort::medium; // effort = "..." / --effort; mapped by traits to the control
    // The reasoning allowance of each effort level (data/models.toml [reasoning]): a call's
    // output budget is this plus what the round's answer needs, never above traits.max_output.
    std::array<std::int64_t, 3> reasoning_tokens{4096, 16384, 32768};
    std::optional<int> max_tokens;     // the output budget of every call, overriding the above
    std::optional<double> temperature; // sent only to models that take sampling parameters
    double timeout_s = 120.0;
    double connect_timeout_s = 10.0;
    int retries = 2;
    // Corpus mode's per-minute limits for this seat's provider kind (the smallest of its
    // seats counts); 0: none of our own, only the provider's rate-limit headers slow it.
    std::int64_t rpm = 0; // requests per minute
    std::int64_t tpm = 0; // tokens (input + output) per minute
};

} // namespace roundtable::providers
