// The HTTP call log behind --verbose: every attempt an HttpProvider makes is
// described as an HttpCall and handed to the process's call sink, if one is set.
// -v prints one line per call (seat, method, host and path, status, attempt,
// latency, tokens, the provider's request id); -vv adds the request and response
// bodies, truncated, with the seat's key masked (http/redact.hpp). No key is ever
// part of an HttpCall: the URL and bodies are masked before the sink sees them.
//
// Thread-safe: set_call_sink() may race with calls (an atomic swap), and the sink is
// called from the seats' threads at once, so it must be thread-safe itself.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <roundtable/providers/provider.hpp>
#include <string>
#include <string_view>

namespace roundtable::providers {

// One HTTP attempt of a seat, as --verbose shows it.
struct HttpCall {
    std::string seat;
    std::string method;
    std::string host_path; // "api.anthropic.com/v1/messages": no scheme, no query string
    int status = 0;        // 0 when no response came
    std::string error;     // the transport error kind when no response came: "timeout", ...
    int attempt = 1;
    std::chrono::milliseconds latency{0};
    std::optional<TokenUsage> usage; // on a reply that parsed
    std::string request_id;
    std::string request_body; // only when the sink asked for bodies; truncated, key masked
    std::string response_body;
};

using CallSink = std::function<void(const HttpCall&)>;

// Makes `sink` receive every HTTP attempt from now on (null: none), with bodies when
// `with_bodies`; never fails.
void set_call_sink(CallSink sink, bool with_bodies);

// Returns the current sink (null when none) and whether it wants bodies; never fails.
std::shared_ptr<const CallSink> call_sink(bool* with_bodies = nullptr);

// Returns `body` cut to `limit` bytes (at a UTF-8 boundary) with "… (N more bytes)" appended
// when cut; never fails.
std::string truncate_body(std::string_view body, std::size_t limit = 2000);

// Returns the one line -v prints for `call` (no newline), e.g. "http claude POST
// api.anthropic.com/v1/messages 200 attempt 1 1.24 s tokens 1200/340 request req_1"; and
// with bodies, the line followed by indented "> " request and "< " response lines.
// Never fails.
std::string describe_call(const HttpCall& call);

} // namespace roundtable::providers
