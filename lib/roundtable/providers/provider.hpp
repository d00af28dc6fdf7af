// The Provider interface: one abstract class that every wire protocol (and the
// offline analysts) implements, and the request / reply / failure values that
// cross it.
//
// A Provider belongs to one seat. complete() may be called from several
// threads at once (batch mode runs many panels over the same seats), so
// implementations keep no per-call state in members. A call's failure is a
// value, never an exception: it ends up on the card.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <roundtable/guard/schema.hpp>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/providers/model.hpp>
#include <string>
#include <string_view>

namespace roundtable::providers {

using guard::Round;

// What a seat is asked in one call. Every seat in a round gets byte-identical
// `system` and `user` text; `json_schema` is the round's schema.
struct Request {
    Round round = Round::take;
    std::string system;             // system text: role, rules, fencing declaration
    std::string user;               // user text: the fenced article and the round's question
    std::string schema_name;        // "take" | "rebuttal" | "consensus"
    std::string json_schema;        // JSON Schema text of the expected object
    int max_tokens = 2048;          // the output budget: reasoning and the visible answer together
    Effort effort = Effort::medium; // mapped to the model's reasoning control, if it has one
    std::optional<double> temperature; // sent only when configured and the model takes it
    // Length of the leading part of `user` that is identical in every round for
    // a seat (the fenced article): providers with prompt caching mark it.
    std::size_t cacheable_prefix = 0;
};

// Tokens as billed: input includes cached reads and cache writes; cached is
// also reported on its own; output includes reasoning / thinking tokens, and
// reasoning is also reported on its own when the provider counts it.
// Ticks of billed_ticks in one US dollar.
constexpr double k_ticks_per_usd = 1e10;

struct TokenUsage {
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cached_tokens = 0;      // cache reads (part of input_tokens)
    std::int64_t cache_write_tokens = 0; // cache writes (part of input_tokens)
    std::int64_t reasoning_tokens = 0;   // reasoning / thinking (part of output_tokens)
    // What the provider said the call cost, in ticks of 1e-10 USD: xAI's usage.cost_in_usd_ticks,
    // the amount billed after every discount (batch, cached prompt); -1 when the reply did not
    // say (the catalogue's price is used then). Not added by +=: a cost is summed by the caller.
    std::int64_t billed_ticks = -1;

    TokenUsage& operator+=(const TokenUsage& other) {
        input_tokens += other.input_tokens;
        output_tokens += other.output_tokens;
        cached_tokens += other.cached_tokens;
        cache_write_tokens += other.cache_write_tokens;
        reasoning_tokens += other.reasoning_tokens;
        return *this;
    }
};

// What a provider's rate-limit headers said on the last HTTP response of a call
// (http/rate_limit.hpp); every field is empty when the provider sent none
// (Gemini), no response arrived, or the provider is not an HTTP one.
using RateLimits = http::RateLimitInfo;

struct Reply {
    std::string text;          // the model's text (the JSON object, possibly wrapped)
    std::string model;         // the model id the provider reports
    std::string finish_reason; // provider's own word: end_turn, stop, STOP, ...
    std::string request_id;
    TokenUsage usage;
    std::chrono::milliseconds latency{0}; // wall time of the call, retries included
    int attempts = 1;                     // HTTP attempts made (1 + retries)
    bool cached = false;                  // served from the reply cache, no call made
    bool batch = false;                   // answered through the provider's batch API
    RateLimits rate_limits{};             // the last response's rate-limit headers
};

// A failed call, with what a user needs to act on it. Never holds an API key.
struct Failure {
    std::string provider;   // "anthropic", "openai", ...
    int http_status = 0;    // 0 when no HTTP status was received
    std::string type;       // provider error type/code, or ours: "timeout", "refusal", ...
    std::string message;    // one line
    std::string request_id; // when the provider gave one
    int attempts = 1;
    RateLimits rate_limits{}; // the last response's rate-limit headers (a 429's, say)
    TokenUsage usage;         // what a reply that still failed was billed (a cut reply, say)
    bool batch = false;       // came back from the provider's batch API (billed at its rate)

    // Returns a one-line description, e.g. "anthropic: HTTP 529 overloaded_error:
    // Overloaded (request req_123, 3 attempts)".
    std::string describe() const;
};

class Provider {
public:
    virtual ~Provider() = default;

    // Returns the protocol name: "anthropic", "openai", "gemini", "xai",
    // "openai-compatible" or "offline".
    virtual std::string_view kind() const = 0;

    // Returns the configured model id.
    virtual const std::string& model() const = 0;

    // Sends `request` (with retries as configured); returns the reply, or the
    // failure after the last attempt.
    virtual std::expected<Reply, Failure> complete(const Request& request) = 0;

    // Returns the exact HTTP request(s) complete() would send, keys redacted,
    // for --dry-run. The offline provider describes its lens instead.
    virtual std::string describe_request(const Request& request) const = 0;

    // Asks the provider's model endpoint whether the configured model id exists; returns a
    // short description of it ("max output 128000 tokens"), "not checked" for providers with no
    // such endpoint, or the failure (type "model_not_found" for an unknown id).
    virtual std::expected<std::string, Failure> check_model() { return "not checked"; }
};

// A Provider that wraps another -- the reply cache, an in-flight limit, a rate
// throttle -- and adds behaviour around complete(): kind(), model() and
// describe_request() are the inner provider's. Thread-safe as the inner
// provider and the subclass's complete() are.
class ProviderDecorator : public Provider {
public:
    // Wraps `inner`; never fails.
    explicit ProviderDecorator(std::shared_ptr<Provider> inner) : m_inner(std::move(inner)) {}

    // Return the inner provider's; never fail (check_model() fails as the inner one does).
    std::string_view kind() const override { return m_inner->kind(); }
    const std::string& model() const override { return m_inner->model(); }
    std::string describe_request(const Request& request) const override {
        return m_inner->describe_request(request);
    }
    std::expected<std::string, Failure> check_model() override { return m_inner->check_model(); }

protected:
    // Returns the wrapped provider; never fails.
    Provider& inner() const { return *m_inner; }

private:
    std::shared_ptr<Provider> m_inner;
};

} // namespace roundtable::providers
