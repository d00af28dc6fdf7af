#include <algorithm>
#include <atomic>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/providers/http_provider.hpp>

namespace roundtable::providers {

namespace {

constexpr std::string_view k_redacted = "<redacted>";

bool is_secret_header(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower == "x-api-key" || lower == "authorization" || lower == "x-goog-api-key" ||
           lower == "api-key" || lower == "proxy-authorization";
}

std::uint64_t next_seed() {
    static std::atomic<std::uint64_t> counter{std::random_device{}()};
    return counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed);
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
    if (m_api_key.empty()) {
        return text;
    }
    for (std::size_t at = text.find(m_api_key); at != std::string::npos;
         at = text.find(m_api_key, at)) {
        text.replace(at, m_api_key.size(), k_redacted);
        at += k_redacted.size();
    }
    return text;
}

std::expected<Reply, Failure> HttpProvider::complete(const Request& request) {
    const auto started = m_clock.now();
    const http::Request http_request = m_codec->build(request, m_seat, m_api_key);
    const Codec& codec = *m_codec;
    const http::Classify classify =
        [&codec](std::expected<http::Response, http::TransportError> result) {
            http::Attempt attempt{std::move(result), http::Verdict::fail, std::nullopt};
            if (!attempt.result) {
                attempt.verdict = http::is_retryable_error(attempt.result.error())
                                      ? http::Verdict::retry
                                      : http::Verdict::fail;
                return attempt;
            }
            const http::Response& response = *attempt.result;
            if (response.status >= 200 && response.status < 300) {
                attempt.verdict = http::Verdict::success;
                return attempt;
            }
            const RetryHint hint = codec.classify(response);
            attempt.verdict = hint.retry ? http::Verdict::retry : http::Verdict::fail;
            attempt.server_wait = hint.server_wait;
            return attempt;
        };
    http::RetryOutcome outcome = http::perform_with_retries(*m_transport, http_request, m_policy,
                                                            m_clock, classify, next_seed());
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
    const http::Request http_request = m_codec->build(request, m_seat, m_api_key);
    std::string out = fmt::format("{} {}\n", http_request.method, http_request.url);
    for (const auto& [name, value] : http_request.headers) {
        out += fmt::format("{}: {}\n", name,
                           is_secret_header(name) ? k_redacted : std::string_view(value));
    }
    out += "\n";
    const auto body = nlohmann::json::parse(http_request.body, nullptr, false);
    out += body.is_discarded() ? http_request.body : body.dump(2);
    out += "\n";
    return scrub(std::move(out));
}

} // namespace roundtable::providers
