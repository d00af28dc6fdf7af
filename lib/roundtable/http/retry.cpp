#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/http/retry.hpp>
#include <roundtable/util/text.hpp>

namespace roundtable::http {

namespace {

using util::trim;

// Parses a whole non-negative finite decimal number, or nullopt.
std::optional<double> parse_number(std::string_view text) {
    text = trim(text);
    if (text.empty() ||
        !(std::isdigit(static_cast<unsigned char>(text.front())) || text.front() == '.')) {
        return std::nullopt;
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
        value < 0) {
        return std::nullopt;
    }
    return value;
}

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::chrono::milliseconds to_ms(double milliseconds) {
    constexpr double k_max = 1e12; // about 30 years: far over any cap
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(std::llround(std::min(milliseconds, k_max))));
}

std::uint64_t next_random(std::uint64_t& state) {
    // splitmix64
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::string seconds_text(std::chrono::milliseconds duration) {
    return fmt::format("{:g} s", static_cast<double>(duration.count()) / 1000.0);
}

TransportError aborted_error() {
    return TransportError{TransportError::Kind::aborted, "aborted error: stopped on request"};
}

thread_local const RetryListener* t_retry_listener = nullptr;

} // namespace

ScopedRetryListener::ScopedRetryListener(RetryListener listener)
    : m_listener(std::move(listener)), m_previous(t_retry_listener) {
    t_retry_listener = &m_listener;
}

ScopedRetryListener::~ScopedRetryListener() {
    t_retry_listener = m_previous;
}

bool is_retryable_status(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

bool is_retryable_error(const TransportError& error) {
    using Kind = TransportError::Kind;
    return error.kind == Kind::connect || error.kind == Kind::timeout ||
           error.kind == Kind::dropped;
}

std::optional<bool> should_retry_header(const Response& response) {
    const std::string raw = response.header("x-should-retry");
    const auto value = trim(raw);
    if (value == "true") {
        return true;
    }
    if (value == "false") {
        return false;
    }
    return std::nullopt;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    text = trim(text);
    if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' ||
        text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
        text.substr(25) != " GMT") {
        return std::nullopt;
    }
    static constexpr std::array<std::string_view, 12> k_months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto month_it = std::find(k_months.begin(), k_months.end(), text.substr(8, 3));
    const auto day = parse_int(text.substr(5, 2));
    const auto year = parse_int(text.substr(12, 4));
    const auto hour = parse_int(text.substr(17, 2));
    const auto minute = parse_int(text.substr(20, 2));
    const auto second = parse_int(text.substr(23, 2));
    if (month_it == k_months.end() || !day || !year || !hour || !minute || !second || *hour > 23 ||
        *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    // system_clock counts nanoseconds in 64 bits: see rate_limit.hpp's k_max_year.
    if (*year < k_min_year || *year > k_max_year) {
        return std::nullopt;
    }
    const auto month = static_cast<unsigned>(month_it - k_months.begin() + 1);
    const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(month),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

std::optional<std::chrono::milliseconds>
server_retry_after(const Response& response, std::chrono::system_clock::time_point now) {
    if (const auto ms = parse_number(response.header("retry-after-ms"))) {
        return to_ms(*ms);
    }
    const auto value = response.header("retry-after");
    if (const auto seconds = parse_number(value)) {
        return to_ms(*seconds * 1000.0);
    }
    if (const auto date = parse_http_date(value)) {
        if (*date <= now) {
            return std::chrono::milliseconds(0);
        }
        return std::chrono::ceil<std::chrono::milliseconds>(*date - now);
    }
    return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int retry_index, const RetryPolicy& policy,
                                        std::uint64_t& rng_state) {
    const int exponent = std::clamp(retry_index, 0, 40);
    const double full =
        std::min(static_cast<double>(policy.base.count()) * std::ldexp(1.0, exponent),
                 static_cast<double>(policy.max_backoff.count()));
    const double unit = static_cast<double>(next_random(rng_state) >> 11) * 0x1.0p-53; // [0, 1)
    const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
    return to_ms(full * (1.0 - jitter * unit));
}

Attempt classify_generic(std::expected<Response, TransportError> result) {
    Attempt attempt{std::move(result), Verdict::fail, std::nullopt};
    if (!attempt.result) {
        attempt.verdict =
            is_retryable_error(attempt.result.error()) ? Verdict::retry : Verdict::fail;
        return attempt;
    }
    const Response& response = *attempt.result;
    if (response.status >= 200 && response.status < 300) {
        attempt.verdict = Verdict::success;
    } else if (const auto header = should_retry_header(response)) {
        attempt.verdict = *header ? Verdict::retry : Verdict::fail;
    } else {
        attempt.verdict = is_retryable_status(response.status) ? Verdict::retry : Verdict::fail;
    }
    return attempt;
}

RetryOutcome perform_with_retries(Transport& transport, const Request& request,
                                  const RetryPolicy& policy, Clock& clock, const Classify& classify,
                                  std::uint64_t seed,
                                  std::optional<std::chrono::milliseconds> budget) {
    RetryOutcome outcome{std::unexpected(aborted_error()), 0, Verdict::fail, {}};
    std::uint64_t rng_state = seed;
    const bool deadline = budget.has_value();
    const auto due = clock.now() + budget.value_or(std::chrono::milliseconds(0));
    const auto left = [&] {
        return std::chrono::ceil<std::chrono::milliseconds>(due - clock.now());
    };
    const auto out_of_time = [&] {
        outcome.verdict = Verdict::fail;
        outcome.give_up_reason =
            fmt::format("the call's {} deadline passed",
                        seconds_text(budget.value_or(std::chrono::milliseconds(0))));
        return outcome;
    };
    for (int retry_index = 0;; ++retry_index) {
        if (abort_requested()) {
            outcome.last = std::unexpected(aborted_error());
            outcome.verdict = Verdict::fail;
            outcome.give_up_reason = "aborted";
            return outcome;
        }
        std::optional<Request> cut; // the request with its timeout cut to the time left
        if (deadline) {
            const auto remaining = left();
            if (remaining <= std::chrono::milliseconds(0)) {
                if (outcome.attempts == 0) {
                    outcome.last = std::unexpected(
                        TransportError{TransportError::Kind::timeout, "timeout error: no time"});
                }
                return out_of_time();
            }
            if (remaining < request.timeout) {
                cut = request;
                cut->timeout = remaining;
                cut->connect_timeout = std::min(cut->connect_timeout, remaining);
            }
        }
        Attempt attempt = classify(transport.perform(cut ? *cut : request));
        ++outcome.attempts;
        if (!attempt.result && !is_retryable_error(attempt.result.error())) {
            attempt.verdict =
                attempt.verdict == Verdict::success ? Verdict::success : Verdict::fail;
        }
        outcome.last = std::move(attempt.result);
        outcome.verdict = attempt.verdict == Verdict::success ? Verdict::success : Verdict::fail;
        if (cut && !outcome.last && outcome.last.error().kind == TransportError::Kind::timeout) {
            return out_of_time(); // the attempt had all the time left
        }
        if (attempt.verdict != Verdict::retry) {
            return outcome;
        }
        if (deadline && left() <= std::chrono::milliseconds(0)) {
            return out_of_time();
        }
        if (retry_index >= policy.max_retries) {
            outcome.give_up_reason = fmt::format("gave up after {} attempts", outcome.attempts);
            return outcome;
        }

        std::optional<std::chrono::milliseconds> wait = attempt.server_wait;
        if (!wait && outcome.last) {
            wait = server_retry_after(*outcome.last, std::chrono::system_clock::now());
        }
        if (wait && *wait > policy.max_server_wait) {
            outcome.give_up_reason =
                fmt::format("server asked to wait {}, over the {} cap", seconds_text(*wait),
                            seconds_text(policy.max_server_wait));
            return outcome;
        }
        const auto pause = wait ? std::max(*wait, std::chrono::milliseconds(0))
                                : backoff_delay(retry_index, policy, rng_state);
        if (deadline && pause >= left()) {
            outcome.give_up_reason = fmt::format(
                "a retry after {} would pass the call's {} deadline", seconds_text(pause),
                seconds_text(budget.value_or(std::chrono::milliseconds(0))));
            return outcome;
        }
        if (t_retry_listener != nullptr && *t_retry_listener) {
            (*t_retry_listener)(outcome.last ? outcome.last->status : 0, pause);
        }
        clock.sleep_for(pause);
    }
}

} // namespace roundtable::http
