// The fake provider server's own knowledge of today's reasoning models, and
// the replies it computes from it: each protocol answers the way the
// provider's docs say the real one does (read 2026-11-30; the page is named
// beside each rule in fake_models.cpp). It is written apart from
// data/models.toml, so the end-to-end tests check roundtable's catalogue and
// codecs against it rather than against themselves.
//
// What it does, per request:
// - refuses what the real provider refuses, with its 400 body: Anthropic
//   manual thinking on Claude 5, temperature on models without sampling, a
//   forced tool_choice while thinking (or at all, on Sonnet 5.5), JSON-schema
//   keywords its structured output does not take, an effort level the model
//   does not have; OpenAI max_tokens and temperature on reasoning models;
//   xAI reasoning_effort on models that refuse it; Gemini thinkingLevel and
//   thinkingBudget together, a level on a budget model and the reverse;
//   an output budget above the model's maximum; an unknown model id (404);
// - thinks before it answers, spending reasoning tokens out of the same output
//   budget (more at higher effort), and stops at the budget: a reply cut
//   while thinking has no visible text, in each provider's own shape;
// - bills what it produced, counted by each provider's rules, into a Bill the
//   tests compare with the card's usage; every xAI reply also says what it
//   cost, usage.cost_in_usd_ticks, at the model's list price;
// - answers the model endpoints (Anthropic and OpenAI/xAI GET /v1/models/{id},
//   Gemini GET /v1beta/models/{id}).
//
// Thread-safe: the bill is guarded; everything else is read-only.
#pragma once

#include <cstdint>
#include <fake/fake_server.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::testing {

struct FakeModel {
    std::string provider; // anthropic | openai | gemini | xai
    std::string id;
    std::vector<std::string> levels;  // effort levels it accepts; empty: none (see effort_refused)
    std::string default_level;        // the level it thinks at when none is sent; "": no thinking
    bool budget = false;              // thinking is set by a token budget, not a level
    bool effort_refused = false;      // sending an effort parameter is a 400 (older Grok models)
    bool refuses_sampling = true;     // a temperature is a 400
    bool refuses_forced_tool = false; // a forced tool_choice is a 400 even without thinking
    std::int64_t max_output = 128'000;
    std::int64_t context = 1'000'000;
    double usd_in = 0;  // list price per million input tokens (xAI only: its replies state a cost)
    double usd_out = 0; // per million output tokens, reasoning included
};

// Returns every model the fake knows; never fails.
const std::vector<FakeModel>& fake_models();

// Returns the model `id` of `provider`, or nullptr when the fake does not know it.
const FakeModel* find_fake_model(std::string_view provider, std::string_view id);

// Returns the reasoning tokens the fake spends at `level` ("low" ... "max"); never fails.
std::int64_t fake_thinking_tokens(std::string_view level);

// Tokens the fake billed, by each provider's counting rule, summed over its replies.
struct Bill {
    std::int64_t calls = 0;
    std::int64_t input = 0;     // prompt tokens
    std::int64_t output = 0;    // visible answer and reasoning together
    std::int64_t reasoning = 0; // reasoning alone
    std::int64_t ticks = 0;     // what the replies said they cost (xAI: 1 USD = 1e10 ticks)
};

// Computes reasoning-model replies for the four protocols.
class FakeProviders {
public:
    // What the fake answers as visible text for a request: the JSON object of the round.
    using Answer = std::function<std::string(const std::string& provider, const RecordedRequest&)>;

    // Answers with `answer`'s text once the thinking is done; never fails.
    explicit FakeProviders(Answer answer);

    // Returns the reply to `request` for the protocol of its path, or nullopt when the path is
    // none of the four protocols' (generation or model endpoints).
    std::optional<Scripted> serve(const RecordedRequest& request);

    // Sets the reasoning tokens every reply of `provider` spends, whatever the level (to force a
    // cut); nullopt: by level. Never fails.
    void set_thinking(const std::string& provider, std::optional<std::int64_t> tokens);

    // Returns what the fake billed `provider` ("" for all providers); never fails.
    Bill bill(const std::string& provider = "") const;

    // Returns every 400 / 404 the fake answered, as "provider: message"; never fails.
    std::vector<std::string> refusals() const;

private:
    Scripted generate(const std::string& provider, const std::string& model,
                      const RecordedRequest& request);
    void charge(const std::string& provider, const Bill& bill);
    void refused(const std::string& provider, const std::string& message);

    Answer m_answer;
    mutable std::mutex m_mutex;
    std::map<std::string, Bill> m_bills;
    std::map<std::string, std::int64_t> m_thinking;
    std::vector<std::string> m_refusals;
};

} // namespace roundtable::testing
