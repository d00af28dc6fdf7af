// The Gemini generateContent codec: JSON Schema structured output, thinking
// set by thinkingLevel (Gemini 3) or thinkingBudget (2.5) -- never both --,
// thought parts and thought signatures skipped, blocked prompts and safety
// stops as failures, and the RetryInfo / QuotaFailure details that decide a 429.
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/wire.hpp>

namespace roundtable::providers {

namespace {

using wire::json;

constexpr std::string_view k_kind = "gemini";

// Returns error.details[] as an array (empty when absent).
const json& details_of(const json& body) {
    static const json k_none = json::array();
    const json* error = wire::object_at(body, "error");
    if (error == nullptr) {
        return k_none;
    }
    const auto it = error->find("details");
    return it != error->end() && it->is_array() ? *it : k_none;
}

bool has_type(const json& detail, std::string_view suffix) {
    const std::string type = wire::text_at(detail, "@type");
    return type.size() >= suffix.size() &&
           type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses a protobuf Duration as JSON ("3s", "0.5s"); nullopt when it is not one.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    if (text.size() < 2 || text.back() != 's') {
        return std::nullopt;
    }
    text.remove_suffix(1);
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds) ||
        seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(std::llround(std::min(seconds, 1e9) * 1000.0)));
}

bool is_bad_key(const json& body, const Failure& failure) {
    if (failure.http_status != 400 && failure.http_status != 401 && failure.http_status != 403) {
        return false;
    }
    for (const auto& detail : details_of(body)) {
        if (wire::text_at(detail, "reason") == "API_KEY_INVALID") {
            return true;
        }
    }
    return failure.type == "API_KEY_INVALID" ||
           wire::contains_nocase(failure.message, "API key not valid");
}

// Returns the text of a candidate's parts, skipping thought parts (thought: true); parts may
// carry a thoughtSignature, which is not text.
std::string visible_text(const json& candidate) {
    std::string text;
    const json* content = wire::object_at(candidate, "content");
    if (content == nullptr) {
        return text;
    }
    const auto parts = content->find("parts");
    if (parts == content->end() || !parts->is_array()) {
        return text;
    }
    for (const auto& part : *parts) {
        const auto thought = part.find("thought");
        if (thought != part.end() && thought->is_boolean() && thought->get<bool>()) {
            continue;
        }
        text += wire::text_at(part, "text");
    }
    return text;
}

std::string model_path(std::string_view model) {
    if (model.starts_with("models/")) {
        model.remove_prefix(7);
    }
    return fmt::format("/v1beta/models/{}:generateContent", model);
}

class GeminiCodec final : public Codec {
public:
    std::string_view kind() const override { return k_kind; }

    http::Request build(const Request& request, const SeatConfig& seat,
                        const std::string& api_key) const override {
        json body = json::object();
        if (!request.system.empty()) {
            body["systemInstruction"] = {{"parts", json::array({{{"text", request.system}}})}};
        }
        body["contents"] =
            json::array({{{"role", "user"}, {"parts", json::array({{{"text", request.user}}})}}});
        json config = {{"maxOutputTokens", request.max_tokens}};
        if (const auto temperature = wire::temperature_of(request, seat)) {
            config["temperature"] = *temperature;
        }
        if (const auto level = wire::control_value(request, seat, ReasoningControl::effort)) {
            config["thinkingConfig"] = {{"thinkingLevel", *level}};
        } else if (seat.traits.control == ReasoningControl::budget) {
            const std::string& budget = seat.traits.value_for(request.effort);
            config["thinkingConfig"] = {
                {"thinkingBudget", std::stoll(budget.empty() ? "0" : budget)}};
        }
        if (const auto schema = wire::schema_of(request);
            schema && seat.traits.structured != StructuredOutput::prompt) {
            config["responseMimeType"] = "application/json";
            config["responseJsonSchema"] = *schema;
        }
        body["generationConfig"] = std::move(config);
        http::Request out = wire::base_request(
            seat,
            wire::join_url(seat.base_url, "https://generativelanguage.googleapis.com",
                           model_path(seat.model)),
            body);
        if (!api_key.empty()) {
            out.headers.emplace_back("x-goog-api-key", api_key);
        }
        return out;
    }

    std::expected<Reply, Failure> parse(const http::Response& response, const Request& request,
                                        const SeatConfig& seat) const override {
        const auto body = wire::parse_object(response.body);
        std::string request_id = body ? wire::text_at(*body, "responseId") : std::string();
        const bool ok_status = response.status >= 200 && response.status < 300;
        if (!ok_status || (body && wire::object_at(*body, "error") != nullptr)) {
            Failure failure = wire::error_failure(k_kind, response, std::move(request_id));
            if (body && is_bad_key(*body, failure)) {
                failure.type = "API_KEY_INVALID";
                failure.message = wire::bad_key_message(seat);
            } else if (failure.http_status == 404 &&
                       wire::contains_nocase(failure.message, "models/")) {
                failure.type = "model_not_found";
                failure.message = wire::model_not_found_message(seat);
            }
            return std::unexpected(std::move(failure));
        }
        if (!body) {
            return std::unexpected(
                wire::bad_response(k_kind, response, "reply is not JSON", std::move(request_id)));
        }

        Reply reply;
        reply.request_id = std::move(request_id);
        reply.model = wire::text_at(*body, "modelVersion");
        if (const json* usage = wire::object_at(*body, "usageMetadata")) {
            reply.usage.input_tokens = wire::int_at(*usage, "promptTokenCount");
            reply.usage.cached_tokens = wire::int_at(*usage, "cachedContentTokenCount");
            // candidatesTokenCount excludes thoughtsTokenCount; both are billed as output.
            reply.usage.reasoning_tokens = wire::int_at(*usage, "thoughtsTokenCount");
            reply.usage.output_tokens =
                wire::int_at(*usage, "candidatesTokenCount") + reply.usage.reasoning_tokens;
        }

        const auto candidates = body->find("candidates");
        if (candidates == body->end() || !candidates->is_array() || candidates->empty()) {
            std::string reason;
            if (const json* feedback = wire::object_at(*body, "promptFeedback")) {
                reason = wire::text_at(*feedback, "blockReason");
            }
            if (!reason.empty()) {
                return std::unexpected(wire::make_failure(
                    k_kind, response.status, "blocked",
                    fmt::format("the prompt was blocked ({})", reason), reply.request_id));
            }
            return std::unexpected(wire::make_failure(k_kind, response.status, "no_candidates",
                                                      "the reply held no candidates",
                                                      reply.request_id));
        }
        const json& candidate = candidates->front();
        reply.finish_reason = wire::text_at(candidate, "finishReason");
        if (reply.finish_reason == "MAX_TOKENS") {
            return std::unexpected(wire::cut_failure(k_kind, response.status, request, reply.usage,
                                                     !visible_text(candidate).empty(),
                                                     reply.request_id));
        }
        if (!reply.finish_reason.empty() && reply.finish_reason != "STOP" &&
            reply.finish_reason != "FINISH_REASON_UNSPECIFIED") {
            return std::unexpected(wire::make_failure(
                k_kind, response.status, reply.finish_reason,
                fmt::format("the reply was stopped by the provider (finishReason {})",
                            reply.finish_reason),
                reply.request_id));
        }
        reply.text = visible_text(candidate);
        if (reply.text.empty()) {
            return std::unexpected(wire::make_failure(k_kind, response.status, "empty_reply",
                                                      "the reply held no text", reply.request_id));
        }
        return reply;
    }

    std::optional<http::Request> build_model_lookup(const SeatConfig& seat,
                                                    const std::string& api_key) const override {
        std::string_view model = seat.model;
        if (model.starts_with("models/")) {
            model.remove_prefix(7);
        }
        http::Request out = wire::get_request(
            seat, wire::join_url(seat.base_url, "https://generativelanguage.googleapis.com",
                                 fmt::format("/v1beta/models/{}", model)));
        if (!api_key.empty()) {
            out.headers.emplace_back("x-goog-api-key", api_key);
        }
        return out;
    }

    std::expected<std::string, Failure> parse_model_lookup(const http::Response& response,
                                                           const SeatConfig& seat) const override {
        return wire::model_lookup_result(k_kind, response, seat, "outputTokenLimit", "");
    }

    RetryHint classify(const http::Response& response) const override {
        if (auto fixed = wire::fixed_hint(response)) {
            return *fixed;
        }
        RetryHint hint = wire::generic_hint(response);
        const auto body = wire::parse_object(response.body);
        if (!body) {
            return hint;
        }
        for (const auto& detail : details_of(*body)) {
            if (has_type(detail, "google.rpc.QuotaFailure")) {
                const auto violations = detail.find("violations");
                if (violations == detail.end() || !violations->is_array()) {
                    continue;
                }
                for (const auto& violation : *violations) {
                    if (wire::text_at(violation, "quotaId").find("PerDay") != std::string::npos) {
                        return RetryHint{false, std::nullopt,
                                         fmt::format("daily quota exhausted ({})",
                                                     wire::text_at(violation, "quotaId"))};
                    }
                }
            } else if (has_type(detail, "google.rpc.RetryInfo") && hint.retry) {
                hint.server_wait = parse_duration(wire::text_at(detail, "retryDelay"));
            }
        }
        return hint;
    }
};

} // namespace

std::unique_ptr<Codec> make_gemini_codec() {
    return std::make_unique<GeminiCodec>();
}

} // namespace roundtable::providers
