// HttpProvider: a Provider that speaks one wire protocol (a Codec) over a
// shared http::Transport, retrying the way the official SDKs do
// (http::perform_with_retries) with the codec deciding what is retryable.
//
// Thread-safe: complete() keeps no per-call state in members, so several
// threads may call it at once, provided the Transport and Clock are
// thread-safe (the libcurl transport and both http clocks are).
#pragma once

#include <memory>
#include <roundtable/http/client.hpp>
#include <roundtable/http/retry.hpp>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>

namespace roundtable::providers {

class HttpProvider final : public Provider {
public:
    // Makes a provider for `seat` sending `api_key` (may be empty) through
    // `transport`, waiting on `clock`; never fails. `clock` must outlive it.
    HttpProvider(std::unique_ptr<Codec> codec, SeatConfig seat, std::string api_key,
                 std::shared_ptr<http::Transport> transport, http::Clock& clock,
                 http::RetryPolicy policy);

    // Returns the codec's protocol name; never fails.
    std::string_view kind() const override;

    // Returns the seat's model id; never fails.
    const std::string& model() const override;

    // Sends `request` with retries; returns the reply (latency and attempts
    // filled in) or the failure of the last attempt, never holding the key.
    std::expected<Reply, Failure> complete(const Request& request) override;

    // Returns the method, URL, headers (secrets as "<redacted>") and pretty JSON
    // body complete() would send; never fails.
    std::string describe_request(const Request& request) const override;

    // GETs the codec's model endpoint once (no retries); returns what it says of the model, or
    // the failure, never holding the key.
    std::expected<std::string, Failure> check_model() override;

private:
    // Replaces every whole-token occurrence of the key in `text` with "<redacted>"
    // (http::redact_token); never fails.
    std::string scrub(std::string text) const;

    std::unique_ptr<Codec> m_codec;
    SeatConfig m_seat;
    std::string m_api_key;
    std::shared_ptr<http::Transport> m_transport;
    http::Clock& m_clock;
    http::RetryPolicy m_policy;
};

// Returns "connection", "timeout", "too_large", "aborted" or "transport" for a transport error
// kind; never fails.
std::string_view failure_type(const http::TransportError& error);

} // namespace roundtable::providers
