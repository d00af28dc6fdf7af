// Codecs: one per wire protocol (Anthropic Messages, OpenAI-style chat
// completions as spoken by OpenAI, xAI and compatible servers, Gemini
// generateContent). A codec turns a Request into the exact HTTP request,
// turns any HTTP response (2xx or error) into a Reply or a Failure, and says
// whether an error response is worth retrying. Codecs do no I/O; HttpProvider
// (http_provider.hpp) runs them over a Transport.
//
// Codecs hold no state: every function is pure and thread-safe.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>
#include <string_view>

namespace roundtable::providers {

// What a codec says about an HTTP response that is not a success.
struct RetryHint {
    bool retry = false;
    std::optional<std::chrono::milliseconds> server_wait; // a wait the protocol put in the body
    std::string reason; // why a retryable-looking status is not retried ("insufficient_quota", ...)
};

class Codec {
public:
    virtual ~Codec() = default;

    // Returns the protocol name: "anthropic", "openai", "xai", "gemini" or "openai-compatible".
    virtual std::string_view kind() const = 0;

    // Builds the HTTP request for `request` on `seat`, sending `api_key` in the
    // protocol's auth header (none when it is empty); never fails.
    virtual http::Request build(const Request& request, const SeatConfig& seat,
                                const std::string& api_key) const = 0;

    // Parses `response` (any status) to the request built from `request`; returns
    // a Failure for an error body, a refusal, a filtered, cut or empty reply, or
    // a body that is not the protocol's JSON.
    virtual std::expected<Reply, Failure>
    parse(const http::Response& response, const Request& request, const SeatConfig& seat) const = 0;

    // Returns whether a non-2xx `response` is worth retrying, and any wait its
    // body asks for; a 2xx response is never retried. Never fails.
    virtual RetryHint classify(const http::Response& response) const = 0;

    // Builds the GET of the provider's model endpoint for the seat's model id (Anthropic,
    // OpenAI and xAI GET /v1/models/{id}, Gemini GET /v1beta/models/{id}); nullopt when the
    // protocol has none (OpenAI-compatible servers). Never fails.
    virtual std::optional<http::Request> build_model_lookup(const SeatConfig& seat,
                                                            const std::string& api_key) const = 0;

    // Reads the model endpoint's `response`: a short description of the model, or a Failure
    // (type "model_not_found" naming the seat and the id when the provider does not know it).
    virtual std::expected<std::string, Failure>
    parse_model_lookup(const http::Response& response, const SeatConfig& seat) const = 0;
};

// Returns the Anthropic Messages codec; never fails.
std::unique_ptr<Codec> make_anthropic_codec();

// Returns the OpenAI chat completions codec; never fails.
std::unique_ptr<Codec> make_openai_codec();

// Returns the xAI codec (OpenAI-style, with xAI's usage and error rules); never fails.
std::unique_ptr<Codec> make_xai_codec();

// Returns the codec for any OpenAI-compatible server (Ollama, vLLM, llama.cpp, OpenRouter); never
// fails.
std::unique_ptr<Codec> make_openai_compatible_codec();

// Returns the Gemini generateContent codec; never fails.
std::unique_ptr<Codec> make_gemini_codec();

// Returns the codec for provider name `provider`, or nullptr when it names no
// HTTP protocol (including "offline").
std::unique_ptr<Codec> make_codec(std::string_view provider);

} // namespace roundtable::providers
