// Per-provider requests-per-minute and tokens-per-minute limits of corpus mode:
// a Throttle (two token buckets, shared by every seat of one provider: protocol and server) and
// a Provider decorator that takes from it before each call.
//
// Each bucket refills continuously at its per-minute limit and holds one
// second's worth (at least one request): providers enforce per-minute limits
// over shorter intervals too, so a smooth rate avoids the 429s a whole minute's
// burst invites, at the same long-run rate. A call is estimated at
// estimate_tokens() before it goes and corrected with the reply's usage after.
// The buckets never speed up beyond the configured limits, and they slow down
// when the provider's rate-limit headers say so: a per-minute limit below the
// configured one is adopted, a remaining count below the bucket's level lowers
// it, and a remaining count of 0 stops every call until the reset time. Headers
// are read after each call (the last HTTP response of it), so calls already in
// flight are not held back; the provider's 429 and the retries cover those.
//
// Thread-safe: any number of threads may acquire, settle and observe at once.
// Waiters are served in arrival order (each acquire reserves its tokens at once
// and sleeps until they are due), on the Clock given, waking early on Ctrl-C.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <roundtable/http/client.hpp>
#include <roundtable/providers/provider.hpp>

namespace roundtable::batch {

// Per-minute limits of one provider; 0 means no limit of our own.
struct ThrottleLimits {
    std::int64_t rpm = 0; // requests per minute
    std::int64_t tpm = 0; // tokens (input + output) per minute

    bool operator==(const ThrottleLimits&) const = default;
};

// Returns the tighter of `a` and `b` field by field (the smaller nonzero value);
// never fails.
ThrottleLimits tighter(ThrottleLimits a, ThrottleLimits b);

// Returns the tokens `request` is expected to use before it is sent: the bytes of
// its system, user and schema text divided by 4 (about 4 bytes a token in English
// text), plus max_tokens (the most it may write); never fails.
std::int64_t estimate_tokens(const providers::Request& request);

// One token bucket: a level that refills at `per_minute` units a minute up to a
// capacity of one burst window's worth (at least one unit). All arithmetic is in
// integers (units scaled by 60,000, time in whole milliseconds), so waits are
// exact. Not thread-safe on its own: Throttle locks around it.
class TokenBucket {
public:
    // Makes a full bucket of `per_minute` units a minute (0: unlimited) with a burst window of
    // `burst`; never fails.
    TokenBucket(std::int64_t per_minute, std::chrono::milliseconds burst,
                std::chrono::steady_clock::time_point now);

    // Returns whether the bucket has a limit; never fails.
    bool limited() const { return m_per_minute > 0; }
    // Returns the limit in units a minute, 0 when unlimited; never fails.
    std::int64_t per_minute() const { return m_per_minute; }
    // Returns how many whole units the bucket holds at `now` (negative while in debt, the
    // largest int64 when unlimited); never fails.
    std::int64_t level(std::chrono::steady_clock::time_point now);

    // Reserves `units` at `now` and returns how long the caller must wait before using
    // them: until the bucket would hold `units`, or, for more than its capacity, until it
    // would be full. The level may go negative (later callers wait longer); never fails.
    std::chrono::milliseconds reserve(std::int64_t units,
                                      std::chrono::steady_clock::time_point now);

    // Returns `units` to the bucket (a correction or a cancelled reservation), up to its
    // capacity; a negative `units` takes more. Never fails.
    void give_back(std::int64_t units, std::chrono::steady_clock::time_point now);

    // Lowers the level to `units` if it holds more; never fails.
    void lower_to(std::int64_t units, std::chrono::steady_clock::time_point now);

    // Sets a new limit (0: unlimited), keeping the level within the new capacity; never fails.
    void set_limit(std::int64_t per_minute, std::chrono::steady_clock::time_point now);

private:
    void refill(std::chrono::steady_clock::time_point now);
    std::int64_t capacity() const;

    std::int64_t m_per_minute;
    std::chrono::milliseconds m_burst;
    std::int64_t m_level; // units x 60,000
    std::chrono::steady_clock::time_point m_last;
};

class Throttle {
public:
    // Makes a throttle with full buckets of `limits`, waiting on `clock` (which must
    // outlive it) with buckets holding `burst` worth of each limit; never fails.
    Throttle(ThrottleLimits limits, http::Clock& clock,
             std::chrono::milliseconds burst = std::chrono::seconds(1));

    // Waits until a request of `tokens` estimated tokens may go and takes it from both
    // buckets; a request larger than the token bucket goes when the bucket is full. Returns
    // false, taking nothing, when an abort is requested (http/abort.hpp) before it may go.
    bool acquire(std::int64_t tokens);

    // Corrects a call acquired at `estimated` tokens that used `actual`; never fails.
    void settle(std::int64_t estimated, std::int64_t actual);

    // Slows the buckets down to what the provider's rate-limit headers in `limits` say
    // (never speeds them up); a remaining count of 0 without a reset time stops calls for one
    // second. Never fails.
    void observe(const providers::RateLimits& limits);

    // Returns the limits in force: the configured ones, tightened by the headers; never fails.
    ThrottleLimits limits() const;

private:
    // Returns how long calls must still wait for a "remaining 0" of the headers.
    std::chrono::milliseconds blocked_for(std::chrono::steady_clock::time_point now) const;

    http::Clock& m_clock;
    ThrottleLimits m_configured;
    mutable std::mutex m_mutex;
    TokenBucket m_requests;
    TokenBucket m_tokens;
    std::optional<std::chrono::steady_clock::time_point> m_requests_blocked_until;
    std::optional<std::chrono::steady_clock::time_point> m_tokens_blocked_until;
};

class ThrottledProvider : public providers::ProviderDecorator {
public:
    // Wraps `inner`, taking every call from `throttle` (shared by the seats of one
    // provider); never fails.
    ThrottledProvider(std::shared_ptr<providers::Provider> inner,
                      std::shared_ptr<Throttle> throttle)
        : ProviderDecorator(std::move(inner)), m_throttle(std::move(throttle)) {}

    // Calls the inner provider once the throttle allows, then settles the estimate with the
    // reply's usage and lets the throttle observe the rate-limit headers; returns the inner
    // result unchanged, or an "aborted" failure when Ctrl-C came while waiting.
    std::expected<providers::Reply, providers::Failure>
    complete(const providers::Request& request) override;

private:
    std::shared_ptr<Throttle> m_throttle;
};

} // namespace roundtable::batch
