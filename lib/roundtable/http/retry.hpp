// Retrying a request, protocol-agnostic: the caller classifies each attempt
// (success, retry or fail, plus any wait its protocol puts in a body), and
// perform_with_retries() waits and tries again the way the official SDKs do:
// a server-given wait (retry-after-ms, retry-after) when there is one, else an
// exponential backoff with jitter. A server wait over the cap ends the retries
// instead of sleeping, and an abort request stops at once.
//
// Pure functions plus one loop; thread-safe as long as the Transport and Clock
// passed in are.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <roundtable/http/client.hpp>
#include <string>
#include <string_view>

namespace roundtable::http {

struct RetryPolicy {
    int max_retries = 2;
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds max_backoff{8000};
    double jitter = 0.25;
    std::chrono::milliseconds max_server_wait{60000};
};

enum class Verdict { success, retry, fail };

struct Attempt {
    std::expected<Response, TransportError> result;
    Verdict verdict = Verdict::fail;
    std::optional<std::chrono::milliseconds> server_wait; // from a protocol body (Gemini RetryInfo)
};

struct RetryOutcome {
    std::expected<Response, TransportError> last;
    int attempts = 0;
    Verdict verdict = Verdict::fail; // success or fail; retries exhausted count as fail
    std::string give_up_reason;      // empty unless retries stopped early or ran out
};

using Classify = std::function<Attempt(std::expected<Response, TransportError>)>;

// Sends `request` until `classify` says success or fail, the retries run out, a
// server asks to wait longer than policy.max_server_wait, the `budget` (when given:
// the whole call's time, attempts and waits together, from `clock`) runs out, or an
// abort is requested; returns the last result with a give-up reason in the last four
// cases. Each attempt's timeout is cut to what is left of the budget. Transport
// errors of kind too_large and aborted are never retried.
RetryOutcome perform_with_retries(Transport& transport, const Request& request,
                                  const RetryPolicy& policy, Clock& clock, const Classify& classify,
                                  std::uint64_t seed,
                                  std::optional<std::chrono::milliseconds> budget = std::nullopt);

// Hears, on the thread making the call, each retry perform_with_retries() is about to wait
// for: the failed attempt's HTTP status (0 when no response came) and the wait.
using RetryListener = std::function<void(int status, std::chrono::milliseconds wait)>;

// Makes `listener` hear the retries of perform_with_retries() on this thread while it lives
// (the one before it is restored after); never fails.
class ScopedRetryListener {
public:
    explicit ScopedRetryListener(RetryListener listener);
    ScopedRetryListener(const ScopedRetryListener&) = delete;
    ScopedRetryListener& operator=(const ScopedRetryListener&) = delete;
    ~ScopedRetryListener();

private:
    RetryListener m_listener;
    const RetryListener* m_previous;
};

// Classifies an attempt the generic way: connect/timeout/dropped errors and
// retryable statuses retry, 2xx succeeds, x-should-retry overrides; never fails.
Attempt classify_generic(std::expected<Response, TransportError> result);

// Returns whether `status` is worth retrying: 408, 409, 429 or any 5xx; never fails.
bool is_retryable_status(int status);

// Returns whether a transport error of this kind is worth retrying (connect, timeout, dropped);
// never fails.
bool is_retryable_error(const TransportError& error);

// Returns the x-should-retry header as a bool, or nullopt when it is absent or neither "true" nor
// "false".
std::optional<bool> should_retry_header(const Response& response);

// Returns the wait the server asked for: retry-after-ms (milliseconds, fractional
// allowed), else retry-after (seconds or an HTTP date, relative to `now`); nullopt
// when neither header is present and valid. A date in the past gives 0 ms.
std::optional<std::chrono::milliseconds>
server_retry_after(const Response& response, std::chrono::system_clock::time_point now);

// Parses an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); returns nullopt if `text` is not one
// or its year is outside k_min_year..k_max_year (rate_limit.hpp).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// Returns the backoff before retry number `retry_index` (0-based): min(base * 2^n,
// max_backoff) less up to `jitter` of it, drawn from `rng_state` (advanced); never fails.
std::chrono::milliseconds backoff_delay(int retry_index, const RetryPolicy& policy,
                                        std::uint64_t& rng_state);

} // namespace roundtable::http
