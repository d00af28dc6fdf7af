#include <fake/fault_injector.hpp>
#include <fake/replies.hpp>
#include <random>
#include <roundtable/guard/extract.hpp>
#include <string>

namespace roundtable::testing {

namespace {

enum class Protocol { anthropic, openai, gemini };

Protocol protocol_of(const std::string& path) {
    if (path.find(":generateContent") != std::string::npos) {
        return Protocol::gemini;
    }
    if (path.ends_with("/messages")) {
        return Protocol::anthropic;
    }
    return Protocol::openai;
}

// FNV-1a over the path and the body: a request's identity, the same in every build.
std::uint64_t request_hash(const RecordedRequest& request) {
    std::uint64_t hash = 14695981039346656037ULL;
    const auto mix = [&hash](std::string_view text) {
        for (const unsigned char c : text) {
            hash = (hash ^ c) * 1099511628211ULL;
        }
    };
    mix(request.path);
    mix("\n");
    mix(request.body);
    return hash;
}

// Returns an error reply with `status` in the wire format of `protocol`.
Scripted error_reply(Protocol protocol, int status, http::Headers headers = {}) {
    struct Shape {
        const char* anthropic_type;
        const char* openai_type;
        const char* gemini_status;
        const char* message;
    };
    const Shape shape = status == 429   ? Shape{"rate_limit_error", "rate_limit_exceeded",
                                              "RESOURCE_EXHAUSTED", "rate limit reached"}
                        : status == 503 ? Shape{"overloaded_error", "service_unavailable",
                                                "UNAVAILABLE", "the service is overloaded"}
                                        : Shape{"api_error", "server_error", "INTERNAL",
                                                "an internal error occurred"};
    std::string body;
    switch (protocol) {
    case Protocol::anthropic:
        body = anthropic_error(shape.anthropic_type, shape.message);
        break;
    case Protocol::openai:
        body = openai_error(shape.message, shape.openai_type);
        break;
    case Protocol::gemini:
        body = gemini_error(status, shape.gemini_status, shape.message);
        break;
    }
    return json_reply(status, std::move(body), std::move(headers));
}

// Returns a successful reply whose model text is `text`, in the wire format of `protocol`.
Scripted text_reply(Protocol protocol, std::string_view text) {
    switch (protocol) {
    case Protocol::anthropic:
        return json_reply(200, anthropic_text_reply(text));
    case Protocol::openai:
        return json_reply(200, openai_text_reply(text));
    case Protocol::gemini:
        return json_reply(200, gemini_text_reply(text));
    }
    return json_reply(200, openai_text_reply(text));
}

Scripted inflict(FaultKind kind, const RecordedRequest& request, Scripted reply,
                 std::mt19937& rng) {
    const Protocol protocol = protocol_of(request.path);
    const auto pick = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    switch (kind) {
    case FaultKind::rate_limited:
        return error_reply(protocol, 429, {{"retry-after", std::to_string(pick(2))}});
    case FaultKind::server_error:
        return error_reply(protocol, 500);
    case FaultKind::unavailable:
        return error_reply(protocol, 503);
    case FaultKind::dropped:
        reply.fault = Scripted::Fault::drop;
        reply.truncate_at = 0; // half the body, then the connection closes
        return reply;
    case FaultKind::truncated:
        reply.fault = Scripted::Fault::truncate;
        reply.truncate_at = reply.body.size() / 2;
        return reply;
    case FaultKind::invalid_json: {
        static constexpr std::array<std::string_view, 3> k_texts{
            "I would rather answer in prose: the recall weighs on the stock.",
            R"({"stance": "bearish", "confidence": 0.8, "headline": "The recall)",
            "{stance: bearish, confidence: high, headline: 'The recall'}"};
        return text_reply(protocol, k_texts[static_cast<std::size_t>(pick(3))]);
    }
    case FaultKind::slow_drip:
        reply.fault = Scripted::Fault::drip;
        reply.drip_pieces = 8;
        reply.drip_pause = std::chrono::milliseconds(30);
        return reply;
    case FaultKind::oversized: {
        std::string text = R"({"stance": "bearish", "analysis": ")";
        text.append(guard::k_max_reply_bytes + 1024, 'x');
        text += "\"}";
        return text_reply(protocol, text);
    }
    }
    return reply;
}

} // namespace

std::string_view fault_name(FaultKind kind) {
    switch (kind) {
    case FaultKind::rate_limited:
        return "rate_limited";
    case FaultKind::server_error:
        return "server_error";
    case FaultKind::unavailable:
        return "unavailable";
    case FaultKind::dropped:
        return "dropped";
    case FaultKind::truncated:
        return "truncated";
    case FaultKind::invalid_json:
        return "invalid_json";
    case FaultKind::slow_drip:
        return "slow_drip";
    case FaultKind::oversized:
        return "oversized";
    }
    return "unknown";
}

FaultInjector::FaultInjector(std::uint32_t seed, double rate, Observer observer)
    : m_seed(seed), m_rate(rate), m_observer(std::move(observer)) {
    for (const FaultKind kind : k_fault_kinds) {
        m_counts[kind] = 0;
    }
}

Scripted FaultInjector::apply(const RecordedRequest& request, Scripted reply) {
    if (reply.status < 200 || reply.status >= 300) {
        return reply;
    }
    const std::uint64_t hash = request_hash(request);
    std::uint32_t occurrence = 0;
    {
        std::lock_guard lock(m_mutex);
        occurrence = m_seen[hash]++;
        ++m_considered;
    }
    std::seed_seq seeds{m_seed, static_cast<std::uint32_t>(hash),
                        static_cast<std::uint32_t>(hash >> 32), occurrence};
    std::mt19937 rng(seeds);
    if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= m_rate) {
        return reply;
    }
    // Every kind alike, but an oversized reply (a MiB to build, send and parse) a quarter as often.
    std::discrete_distribution<std::size_t> pick_kind{4, 4, 4, 4, 4, 4, 4, 1};
    static_assert(k_fault_kinds.back() == FaultKind::oversized && k_fault_kinds.size() == 8);
    const auto kind = k_fault_kinds[pick_kind(rng)];
    {
        std::lock_guard lock(m_mutex);
        ++m_counts[kind];
    }
    if (m_observer) {
        m_observer(request, kind);
    }
    return inflict(kind, request, std::move(reply), rng);
}

void FaultInjector::install(FakeServer& server) {
    server.set_filter([this](const RecordedRequest& request, Scripted reply) {
        return apply(request, std::move(reply));
    });
}

std::map<FaultKind, int> FaultInjector::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

int FaultInjector::considered() const {
    std::lock_guard lock(m_mutex);
    return m_considered;
}

} // namespace roundtable::testing
