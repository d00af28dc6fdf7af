// Helpers the codecs share: JSON access that never throws, URL joining, the
// five error body shapes of PROVIDERS.md, and the failures every protocol
// reports the same way (cut, empty, not JSON, bad key).
//
// Internal to providers/ and jobs/ (it brings in nlohmann/json): include it only
// from the codec and batch wire .cpp files. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <string_view>

namespace roundtable::providers::wire {

using json = nlohmann::json;

constexpr std::size_t k_excerpt_chars = 200;

// Returns `base_url` (or `fallback` when it is empty) without trailing slashes, followed by `path`;
// never fails.
std::string join_url(std::string_view base_url, std::string_view fallback, std::string_view path);

// Returns `text` cut to `limit` bytes (on a UTF-8 boundary) with "..." appended when cut, invalid
// UTF-8 replaced with U+FFFD; never fails.
std::string excerpt(std::string_view text, std::size_t limit = k_excerpt_chars);

// Parses `body` as a JSON object; returns nullopt when it is not JSON, not an object, or nests
// deeper than util::k_max_json_depth (checked before parsing).
std::optional<json> parse_object(std::string_view body);

// Returns the member `key` of `object` when it is an object, else nullptr.
const json* object_at(const json& object, std::string_view key);

// Returns member `key` as text: a string as is, a number in decimal; "" when absent or of another
// type.
std::string text_at(const json& object, std::string_view key);

// Returns member `key` as an integer; 0 when absent, not a number, or past int64's range.
std::int64_t int_at(const json& object, std::string_view key);

// Returns whether `haystack` contains `needle`, ignoring ASCII case; never fails.
bool contains_nocase(std::string_view haystack, std::string_view needle);

// A provider error read from a body.
struct ErrorBody {
    std::string type;
    std::string message;
    std::string request_id;
};

// Reads any of the five error shapes (Anthropic, OpenAI-style incl. OpenRouter,
// Gemini, xAI flat, vLLM flat); returns nullopt when `body` is none of them.
std::optional<ErrorBody> read_error(const json& body);

// Returns a Failure for an error `response`: its parsed error body, or the raw
// body truncated when the body is no known shape; never fails.
Failure error_failure(std::string_view provider, const http::Response& response,
                      std::string request_id);

// Returns a Failure of type "bad_response" saying the reply is not the protocol's JSON; never
// fails.
Failure bad_response(std::string_view provider, const http::Response& response,
                     std::string_view what, std::string request_id);

// Returns the message for a rejected key, naming the variable to check (never the key); never
// fails.
std::string bad_key_message(const SeatConfig& seat);

// Returns the Failure (type "max_tokens") for a reply to `request` that stopped at its output
// budget, carrying the billed `usage` and saying whether reasoning took the budget and whether
// any answer text came (`partial_text`); never fails.
Failure cut_failure(std::string_view provider, int status, const Request& request,
                    const TokenUsage& usage, bool partial_text, std::string request_id);

// Returns the message for a model id the provider does not know, naming the seat and the id and
// pointing to `roundtable models`; never fails.
std::string model_not_found_message(const SeatConfig& seat);

// Returns a Failure with the given fields; never fails.
Failure make_failure(std::string_view provider, int status, std::string type, std::string message,
                     std::string request_id);

// Returns a GET of `url` with the seat's timeouts (for model endpoints); never fails.
http::Request get_request(const SeatConfig& seat, std::string url);

// Reads a model endpoint's reply: "max output N tokens" (from `limit_key` of a 200 body, when
// present), or a Failure: "model_not_found" for a 404, the error body otherwise; never fails.
std::expected<std::string, Failure>
model_lookup_result(std::string_view provider, const http::Response& response,
                    const SeatConfig& seat, std::string_view limit_key, std::string request_id);

// Returns an http::Request with the seat's timeouts, `url`, content-type JSON and `body`; never
// fails.
http::Request base_request(const SeatConfig& seat, std::string url, const json& body);

// Returns the temperature to send: the request's, else the seat's; nullopt when neither is set
// or the seat's model takes no sampling parameters.
std::optional<double> temperature_of(const Request& request, const SeatConfig& seat);

// Returns the value of the seat model's reasoning control at the request's effort when the
// model's control is `control` and it reasons at that effort; nullopt otherwise (nothing is
// sent).
std::optional<std::string> control_value(const Request& request, const SeatConfig& seat,
                                         ReasoningControl control);

// Returns the request's JSON schema parsed, or nullopt when it is empty or not a JSON object.
std::optional<json> schema_of(const Request& request);

// Returns the request's schema name, or the round's name when it is empty; never fails.
std::string schema_name_of(const Request& request);

// Returns the verdict shared by every protocol for a non-2xx response: the
// x-should-retry header when present, else whether the status is retryable; never fails.
RetryHint generic_hint(const http::Response& response);

// Returns the hint when no protocol rule may change it (a 2xx status, or an
// x-should-retry header); nullopt otherwise.
std::optional<RetryHint> fixed_hint(const http::Response& response);

} // namespace roundtable::providers::wire
