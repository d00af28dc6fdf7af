// Batch wire formats: one request line of a provider's batch job, and one result
// line back, for the three batch protocols (OpenAI and xAI: a JSONL file of
// {custom_id, method, url, body} uploaded through the Files API; Anthropic
// Message Batches: {custom_id, params} inline; Gemini Batch Mode: {request,
// metadata.key} inline, or {key, request} in a file). The body of each line is
// exactly what the provider's synchronous codec (providers/codec.hpp) would
// send, and each result is parsed by that codec's parse(), so a batch reply
// becomes the same Reply (or Failure) as the synchronous call would have.
//
// Everything here is pure and thread-safe; nothing does I/O.
#pragma once

#include <expected>
#include <optional>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>
#include <string_view>

namespace roundtable::jobs {

enum class Protocol { openai_files, anthropic_messages, gemini };

// Returns the batch protocol of provider `provider` ("openai", "xai", "anthropic", "gemini"),
// or nullopt for one without a batch API here (offline, openai-compatible servers).
std::optional<Protocol> protocol_of(std::string_view provider);

// Returns the batch request line (one JSON object, no newline) asking `request` of `seat`
// under `id`, built from `codec`'s synchronous request body; never fails.
std::string request_line(Protocol protocol, const providers::Codec& codec, const std::string& id,
                         const providers::Request& request, const providers::SeatConfig& seat);

// One result line, read but not yet parsed by the codec: the provider's HTTP-like response
// for the request, or a failure the batch system gave instead (errored without a response,
// expired, canceled).
struct ResultLine {
    std::string id;
    std::optional<http::Response> response;
    std::optional<providers::Failure> failure;
};

// Reads one result line (a file line, or a Gemini inline response); returns the reason when
// it is not JSON of the protocol's result shape or names no id.
std::expected<ResultLine, std::string> read_result(Protocol protocol, std::string_view line);

// Turns `result` into the outcome of `request` on `seat` through `codec` (the same parse as a
// synchronous reply), marked as batch; the failure when the batch system gave one.
std::expected<providers::Reply, providers::Failure> outcome(const providers::Codec& codec,
                                                            const ResultLine& result,
                                                            const providers::Request& request,
                                                            const providers::SeatConfig& seat);

} // namespace roundtable::jobs
