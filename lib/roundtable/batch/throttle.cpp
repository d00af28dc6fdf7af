#include <algorithm>
#include <limits>
#include <roundtable/batch/throttle.hpp>
#include <roundtable/http/abort.hpp>

namespace roundtable::batch {

namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

// Bucket levels are kept in units x 60,000 so that a limit of N a minute refills
// exactly N scaled units a millisecond.
constexpr std::int64_t k_scale = 60'000;

// How long a "remaining 0" without a reset time stops calls.
constexpr milliseconds k_default_block{1000};

std::int64_t smaller_nonzero(std::int64_t a, std::int64_t b) {
    if (a <= 0) {
        return std::max<std::int64_t>(b, 0);
    }
    if (b <= 0) {
        return a;
    }
    return std::min(a, b);
}

milliseconds ceil_ms(std::chrono::steady_clock::duration d) {
    return d <= std::chrono::steady_clock::duration::zero() ? milliseconds(0)
                                                            : std::chrono::ceil<milliseconds>(d);
}

} // namespace

ThrottleLimits tighter(ThrottleLimits a, ThrottleLimits b) {
    return {smaller_nonzero(a.rpm, b.rpm), smaller_nonzero(a.tpm, b.tpm)};
}

std::int64_t estimate_tokens(const providers::Request& request) {
    const std::size_t bytes =
        request.system.size() + request.user.size() + request.json_schema.size();
    return static_cast<std::int64_t>(bytes / 4) + std::max(request.max_tokens, 0);
}

// ---- TokenBucket -------------------------------------------------------------------------------

TokenBucket::TokenBucket(std::int64_t per_minute, milliseconds burst, TimePoint now)
    : m_per_minute(std::max<std::int64_t>(per_minute, 0)),
      m_burst(std::max(burst, milliseconds(1))), m_level(0), m_last(now) {
    m_level = capacity();
}

std::int64_t TokenBucket::capacity() const {
    return std::max(m_per_minute * m_burst.count(), k_scale);
}

void TokenBucket::refill(TimePoint now) {
    if (!limited()) {
        m_last = std::max(m_last, now);
        return;
    }
    const std::int64_t elapsed =
        std::chrono::duration_cast<milliseconds>(now - m_last).count(); // whole ms only
    if (elapsed <= 0) {
        return;
    }
    m_last += milliseconds(elapsed); // the part of a millisecond left over refills next time
    const std::int64_t room = capacity() - m_level;
    if (room <= 0) {
        return;
    }
    if (elapsed >= room / m_per_minute + 1) {
        m_level = capacity();
    } else {
        m_level = std::min(capacity(), m_level + elapsed * m_per_minute);
    }
}

std::int64_t TokenBucket::level(TimePoint now) {
    refill(now);
    if (!limited()) {
        return std::numeric_limits<std::int64_t>::max();
    }
    // Round towards negative infinity: a bucket 0.5 in debt holds -1 whole units.
    return m_level >= 0 ? m_level / k_scale : -((-m_level + k_scale - 1) / k_scale);
}

milliseconds TokenBucket::reserve(std::int64_t units, TimePoint now) {
    if (!limited()) {
        return milliseconds(0);
    }
    refill(now);
    units = std::max<std::int64_t>(units, 0);
    const std::int64_t need = std::min(units * k_scale, capacity());
    milliseconds wait{0};
    if (m_level < need) {
        const std::int64_t missing = need - m_level;
        // Counted from the last whole millisecond refilled, which is at most `now`.
        wait = milliseconds((missing + m_per_minute - 1) / m_per_minute);
    }
    m_level -= units * k_scale;
    return wait;
}

void TokenBucket::give_back(std::int64_t units, TimePoint now) {
    if (!limited()) {
        return;
    }
    refill(now);
    m_level = std::min(capacity(), m_level + units * k_scale);
}

void TokenBucket::lower_to(std::int64_t units, TimePoint now) {
    if (!limited()) {
        return;
    }
    refill(now);
    m_level = std::min(m_level, std::max<std::int64_t>(units, 0) * k_scale);
}

void TokenBucket::set_limit(std::int64_t per_minute, TimePoint now) {
    per_minute = std::max<std::int64_t>(per_minute, 0);
    if (per_minute == m_per_minute) {
        return;
    }
    const bool was_limited = limited();
    refill(now);
    m_per_minute = per_minute;
    m_last = now;
    if (!was_limited) {
        m_level = capacity();
    }
    m_level = std::min(m_level, capacity());
}

// ---- Throttle ----------------------------------------------------------------------------------

Throttle::Throttle(ThrottleLimits limits, http::Clock& clock, milliseconds burst)
    : m_clock(clock), m_configured(limits), m_requests(limits.rpm, burst, clock.now()),
      m_tokens(limits.tpm, burst, clock.now()) {}

milliseconds Throttle::blocked_for(TimePoint now) const {
    milliseconds wait{0};
    if (m_requests_blocked_until) {
        wait = std::max(wait, ceil_ms(*m_requests_blocked_until - now));
    }
    if (m_tokens_blocked_until) {
        wait = std::max(wait, ceil_ms(*m_tokens_blocked_until - now));
    }
    return wait;
}

bool Throttle::acquire(std::int64_t tokens) {
    tokens = std::max<std::int64_t>(tokens, 0);
    milliseconds wait{0};
    {
        const std::lock_guard lock(m_mutex);
        const TimePoint now = m_clock.now();
        wait =
            std::max({m_requests.reserve(1, now), m_tokens.reserve(tokens, now), blocked_for(now)});
    }
    for (;;) {
        if (wait > milliseconds(0) && !http::abort_requested()) {
            m_clock.sleep_for(wait);
        }
        if (http::abort_requested()) {
            const std::lock_guard lock(m_mutex);
            const TimePoint now = m_clock.now();
            m_requests.give_back(1, now);
            m_tokens.give_back(tokens, now);
            return false;
        }
        // A "remaining 0" may have been observed while this call slept.
        const std::lock_guard lock(m_mutex);
        wait = blocked_for(m_clock.now());
        if (wait == milliseconds(0)) {
            return true;
        }
    }
}

void Throttle::settle(std::int64_t estimated, std::int64_t actual) {
    if (actual <= 0) {
        return; // no usage reported: the estimate stands
    }
    const std::lock_guard lock(m_mutex);
    m_tokens.give_back(std::max<std::int64_t>(estimated, 0) - actual, m_clock.now());
}

void Throttle::observe(const providers::RateLimits& limits) {
    if (limits.empty()) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    const TimePoint now = m_clock.now();
    if (limits.limit_requests && *limits.limit_requests > 0) {
        m_requests.set_limit(smaller_nonzero(m_requests.per_minute(), *limits.limit_requests), now);
    }
    if (limits.limit_tokens && *limits.limit_tokens > 0) {
        m_tokens.set_limit(smaller_nonzero(m_tokens.per_minute(), *limits.limit_tokens), now);
    }
    const auto apply = [now](std::optional<std::int64_t> remaining,
                             std::optional<milliseconds> reset, TokenBucket& bucket,
                             std::optional<TimePoint>& blocked_until) {
        if (!remaining) {
            return;
        }
        bucket.lower_to(*remaining, now);
        if (*remaining == 0) {
            const TimePoint until = now + reset.value_or(k_default_block);
            blocked_until = blocked_until ? std::max(*blocked_until, until) : until;
        }
    };
    apply(limits.remaining_requests, limits.reset_requests, m_requests, m_requests_blocked_until);
    apply(limits.remaining_tokens, limits.reset_tokens, m_tokens, m_tokens_blocked_until);
}

ThrottleLimits Throttle::limits() const {
    const std::lock_guard lock(m_mutex);
    return {m_requests.per_minute(), m_tokens.per_minute()};
}

// ---- ThrottledProvider -------------------------------------------------------------------------

std::expected<providers::Reply, providers::Failure>
ThrottledProvider::complete(const providers::Request& request) {
    const std::int64_t estimate = estimate_tokens(request);
    if (!m_throttle->acquire(estimate)) {
        providers::Failure failure;
        failure.provider = std::string(kind());
        failure.type = "aborted";
        failure.message = "interrupted while waiting for the rate limit";
        failure.attempts = 0;
        return std::unexpected(std::move(failure));
    }
    auto result = inner().complete(request);
    if (result) {
        m_throttle->settle(estimate, result->usage.input_tokens + result->usage.output_tokens);
        m_throttle->observe(result->rate_limits);
    } else {
        m_throttle->observe(result.error().rate_limits);
    }
    return result;
}

} // namespace roundtable::batch
