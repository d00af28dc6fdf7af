#include <algorithm>
#include <atomic>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/http/redact.hpp>
#include <roundtable/providers/call_log.hpp>
#include <roundtable/providers/http_provider.hpp>

namespace roundtable::providers {

namespace {

std::uint64_t next_seed() {
    static std::atomic<std::uint64_t> counter{std::random_device{}()};
    return counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed);
}

// A Transport that counts and times the attempts made through it, for --verbose. One per
// call, on the calling thread.
class TimedTransport final : public http::Transport {
public:
    TimedTransport(http::Transport& inner, http::Clock& clock) : m_inner(inner), m_clock(clock) {}

    std::expected<http::Response, http::TransportError>
    perform(const http::Request& request) override {
        ++m_attempts;
        const auto started = m_clock.now();
        auto result = m_inner.perform(request);
        m_elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - started);
        return result;
    }

    int attempts() const { return m_attempts; }
    std::chrono::milliseconds elapsed() const { return m_elapsed; }

private:
    http::Transport& m_inner;
    http::Clock& m_clock;
    int m_attempts = 0;
    std::chrono::milliseconds m_elapsed{0};
};

// Returns "host[:port]/path" of `url`: no scheme, no query string (where a key may travel).
std::string host_and_path(std::string_view url) {
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        url.remove_prefix(scheme + 3);
    }
    return std::string(url.substr(0, url.find_first_of("?#")));
}

// Returns the provider's request id from the usual response headers, or "".
std::string request_id_of(const http::Response& response) {
    for (const char* name : {"request-id", "x-request-id", "x-goog-request-id", "cf-ray"}) {
        if (std::string id = response.header(name); !id.empty()) {
            return id;
        }
    }
    return {};
}

} // namespace

std::string_view failure_type(const http::TransportError& error) {
    using Kind = http::TransportError::Kind;
    switch (error.kind) {
    case Kind::connect:
    case Kind::dropped:
        return "connection";
    case Kind::timeout:
        return "timeout";
    case Kind::too_large:
        return "too_large";
    case Kind::aborted:
        return "aborted";
    case Kind::other:
        break;
    }
    return "transport";
}

HttpProvider::HttpProvider(std::unique_ptr<Codec> codec, SeatConfig seat, std::string api_key,
                           std::shared_ptr<http::Transport> transport, http::Clock& clock,
                           http::RetryPolicy policy)
    : m_codec(std::move(codec)), m_seat(std::move(seat)), m_api_key(std::move(api_key)),
      m_transport(std::move(transport)), m_clock(clock), m_policy(policy) {}

std::string_view HttpProvider::kind() const {
    return m_codec->kind();
}

const std::string& HttpProvider::model() const {
    return m_seat.model;
}

std::string HttpProvider::scrub(std::string text) const {
    return http::redact_token(std::move(text), m_api_key);
}

std::expected<Reply, Failure> HttpProvider::complete(const Request& request) {
    const auto started = m_clock.now();
    const http::Request http_request = m_codec->build(request, m_seat, m_api_key);
    const Codec& codec = *m_codec;

    // --verbose: each attempt is timed by the transport below and described to the call sink
    // as soon as it is classified; a success waits for its parse, to show its tokens.
    bool with_bodies = false;
    const std::shared_ptr<const CallSink> sink = call_sink(&with_bodies);
    TimedTransport timed(*m_transport, m_clock);
    const auto describe = [&](const std::expected<http::Response, http::TransportError>& result,
                              std::optional<TokenUsage> usage) {
        HttpCall call;
        call.seat = m_seat.name;
        call.method = http_request.method;
        call.host_path = host_and_path(http_request.url);
        call.attempt = timed.attempts();
        call.latency = timed.elapsed();
        call.usage = usage;
        if (result) {
            call.status = result->status;
            call.request_id = scrub(request_id_of(*result));
        } else {
            call.error = std::string(result.error().kind_name());
        }
        if (with_bodies) {
            call.request_body = scrub(truncate_body(http_request.body));
            call.response_body = result ? scrub(truncate_body(result->body)) : std::string();
        }
        (*sink)(call);
    };

    const http::Classify classify =
        [&](std::expected<http::Response, http::TransportError> result) {
            http::Attempt attempt{std::move(result), http::Verdict::fail, std::nullopt};
            if (!attempt.result) {
                attempt.verdict = http::is_retryable_error(attempt.result.error())
                                      ? http::Verdict::retry
                                      : http::Verdict::fail;
            } else if (attempt.result->status >= 200 && attempt.result->status < 300) {
                attempt.verdict = http::Verdict::success;
            } else {
                const RetryHint hint = codec.classify(*attempt.result);
                attempt.verdict = hint.retry ? http::Verdict::retry : http::Verdict::fail;
                attempt.server_wait = hint.server_wait;
            }
            if (sink && attempt.verdict != http::Verdict::success) {
                describe(attempt.result, std::nullopt);
            }
            return attempt;
        };
    // The seat's timeout bounds the whole call, retries and their waits included.
    const auto budget = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(m_seat.timeout_s, 0.001) * 1000.0));
    http::RetryOutcome outcome = http::perform_with_retries(timed, http_request, m_policy, m_clock,
                                                            classify, next_seed(), budget);
    const auto latency =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - started);
    const int attempts = std::max(outcome.attempts, 1);
    const RateLimits rate_limits =
        outcome.last ? http::parse_rate_limit(*outcome.last, std::chrono::system_clock::now())
                     : RateLimits{};

    auto fail = [&](Failure failure) -> std::expected<Reply, Failure> {
        failure.provider = std::string(kind());
        failure.attempts = attempts;
        failure.rate_limits = rate_limits;
        if (!outcome.give_up_reason.empty() &&
            !outcome.give_up_reason.starts_with("gave up after")) {
            failure.message += fmt::format(" ({})", outcome.give_up_reason);
        }
        failure.type = scrub(std::move(failure.type));
        failure.message = scrub(std::move(failure.message));
        failure.request_id = scrub(std::move(failure.request_id));
        return std::unexpected(std::move(failure));
    };

    if (!outcome.last) {
        const http::TransportError& error = outcome.last.error();
        Failure failure;
        failure.type = std::string(failure_type(error));
        failure.message = error.message.empty() ? std::string(error.kind_name()) : error.message;
        return fail(std::move(failure));
    }
    auto parsed = m_codec->parse(*outcome.last, request, m_seat);
    if (sink && outcome.verdict == http::Verdict::success) {
        describe(outcome.last, parsed ? std::optional(parsed->usage) : std::nullopt);
    }
    if (!parsed) {
        return fail(std::move(parsed.error()));
    }
    parsed->latency = latency;
    parsed->attempts = attempts;
    parsed->rate_limits = rate_limits;
    return parsed;
}

std::expected<std::string, Failure> HttpProvider::check_model() {
    const std::optional<http::Request> lookup = m_codec->build_model_lookup(m_seat, m_api_key);
    if (!lookup) {
        return std::string("not checked (no model endpoint)");
    }
    auto result = m_transport->perform(*lookup);
    if (!result) {
        Failure failure;
        failure.provider = std::string(kind());
        failure.type = std::string(failure_type(result.error()));
        failure.message =
            scrub(result.error().message.empty() ? std::string(result.error().kind_name())
                                                 : result.error().message);
        return std::unexpected(std::move(failure));
    }
    auto found = m_codec->parse_model_lookup(*result, m_seat);
    if (!found) {
        found.error().message = scrub(std::move(found.error().message));
    }
    return found;
}

std::string HttpProvider::describe_request(const Request& request) const {
    // Only where the key travels is it masked: header values and the URL's query string. The
    // body is printed as sent (it holds no key), so a short key cannot corrupt it.
    const http::Request http_request = m_codec->build(request, m_seat, m_api_key);
    std::string out =
        fmt::format("{} {}\n", http_request.method, http::redact_url(http_request.url, m_api_key));
    for (const auto& [name, value] : http_request.headers) {
        out += fmt::format("{}: {}\n", name, http::redact_header(name, value, m_api_key));
    }
    out += "\n";
    const auto body = nlohmann::json::parse(http_request.body, nullptr, false);
    out += body.is_discarded() ? http_request.body : body.dump(2);
    out += "\n";
    return out;
}

} // namespace roundtable::providers
