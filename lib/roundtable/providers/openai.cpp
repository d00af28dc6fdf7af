// The OpenAI-style chat completions codec in its three flavours: OpenAI, xAI
// (which counts reasoning tokens apart and signals a bad key with 400) and any
// OpenAI-compatible server (Ollama, vLLM, llama.cpp, OpenRouter), which expects
// max_tokens and an optional key. Reasoning models get max_completion_tokens,
// reasoning_effort only where their catalogue entry has that control, and no
// temperature when they refuse sampling parameters; xAI's reasoning_content is
// read past.
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/wire.hpp>

namespace roundtable::providers {

namespace {

using wire::json;

enum class Flavor { openai, xai, compatible };

std::string_view kind_of(Flavor flavor) {
    switch (flavor) {
    case Flavor::openai:
        return "openai";
    case Flavor::xai:
        return "xai";
    case Flavor::compatible:
        return "openai-compatible";
    }
    return "openai";
}

std::string_view default_base_of(Flavor flavor) {
    switch (flavor) {
    case Flavor::openai:
        return "https://api.openai.com/v1";
    case Flavor::xai:
        return "https://api.x.ai/v1";
    case Flavor::compatible:
        return "";
    }
    return "";
}

std::string content_text(const json& message) {
    const auto it = message.find("content");
    if (it == message.end()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    std::string text;
    if (it->is_array()) { // some compatible servers send content parts
        for (const auto& part : *it) {
            if (part.is_string()) {
                text += part.get<std::string>();
            } else if (wire::text_at(part, "type") == "text") {
                text += wire::text_at(part, "text");
            }
        }
    }
    return text;
}

class OpenAiCodec final : public Codec {
public:
    explicit OpenAiCodec(Flavor flavor) : m_flavor(flavor) {}

    std::string_view kind() const override { return kind_of(m_flavor); }

    http::Request build(const Request& request, const SeatConfig& seat,
                        const std::string& api_key) const override {
        json messages = json::array();
        if (!request.system.empty()) {
            messages.push_back({{"role", "system"}, {"content", request.system}});
        }
        messages.push_back({{"role", "user"}, {"content", request.user}});
        json body = {{"model", seat.model}, {"messages", std::move(messages)}};
        body[m_flavor == Flavor::compatible ? "max_tokens" : "max_completion_tokens"] =
            request.max_tokens;
        if (const auto effort = wire::control_value(request, seat, ReasoningControl::effort)) {
            body["reasoning_effort"] = *effort;
        }
        if (const auto schema = wire::schema_of(request);
            schema && seat.traits.structured != StructuredOutput::prompt) {
            body["response_format"] = {
                {"type", "json_schema"},
                {"json_schema",
                 {{"name", wire::schema_name_of(request)}, {"strict", true}, {"schema", *schema}}}};
        }
        if (const auto temperature = wire::temperature_of(request, seat)) {
            body["temperature"] = *temperature;
        }
        http::Request out = wire::base_request(
            seat, wire::join_url(seat.base_url, default_base_of(m_flavor), "/chat/completions"),
            body);
        if (!api_key.empty()) {
            out.headers.emplace_back("authorization", "Bearer " + api_key);
        }
        return out;
    }

    std::expected<Reply, Failure> parse(const http::Response& response, const Request& request,
                                        const SeatConfig& seat) const override {
        const std::string_view provider = kind();
        std::string request_id = response.header("x-request-id");
        const bool ok_status = response.status >= 200 && response.status < 300;
        const auto body = wire::parse_object(response.body);
        // vLLM (and OpenRouter) may put an error body in a 200 reply.
        if (!ok_status || (body && !body->contains("choices") && wire::read_error(*body))) {
            Failure failure = wire::error_failure(provider, response, std::move(request_id));
            if (is_bad_key(failure)) {
                failure.message = wire::bad_key_message(seat);
            } else if (is_model_not_found(failure)) {
                failure.type = "model_not_found";
                failure.message = wire::model_not_found_message(seat);
            }
            return std::unexpected(std::move(failure));
        }
        if (!body) {
            return std::unexpected(
                wire::bad_response(provider, response, "reply is not JSON", std::move(request_id)));
        }

        Reply reply;
        reply.request_id = std::move(request_id);
        reply.model = wire::text_at(*body, "model");
        if (const json* usage = wire::object_at(*body, "usage")) {
            reply.usage.input_tokens = wire::int_at(*usage, "prompt_tokens");
            if (const json* details = wire::object_at(*usage, "prompt_tokens_details")) {
                reply.usage.cached_tokens = wire::int_at(*details, "cached_tokens");
            }
            reply.usage.output_tokens = wire::int_at(*usage, "completion_tokens");
            if (const json* details = wire::object_at(*usage, "completion_tokens_details")) {
                reply.usage.reasoning_tokens = wire::int_at(*details, "reasoning_tokens");
            }
            if (m_flavor == Flavor::xai) { // xAI counts reasoning apart from completion_tokens
                reply.usage.output_tokens += reply.usage.reasoning_tokens;
            }
            // xAI's own figure of what the call was billed (docs.x.ai "Cost Tracking").
            if (const auto ticks = usage->find("cost_in_usd_ticks");
                ticks != usage->end() && ticks->is_number_integer()) {
                const bool fits =
                    ticks->is_number_unsigned()
                        ? ticks->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)
                        : ticks->get<std::int64_t>() >= 0;
                if (fits) {
                    reply.usage.billed_ticks = ticks->get<std::int64_t>();
                }
            }
        }

        const auto choices = body->find("choices");
        if (choices == body->end() || !choices->is_array() || choices->empty()) {
            return std::unexpected(wire::make_failure(provider, response.status, "empty_reply",
                                                      "the reply held no choices",
                                                      reply.request_id));
        }
        const json& choice = choices->front();
        reply.finish_reason = wire::text_at(choice, "finish_reason");
        static const json k_empty = json::object();
        const json* message = wire::object_at(choice, "message");
        if (message == nullptr) {
            message = &k_empty;
        }
        if (const auto refusal = wire::text_at(*message, "refusal"); !refusal.empty()) {
            return std::unexpected(wire::make_failure(
                provider, response.status, "refusal",
                "the model refused: " + wire::excerpt(refusal), reply.request_id));
        }
        if (reply.finish_reason == "length") {
            return std::unexpected(wire::cut_failure(provider, response.status, request,
                                                     reply.usage, !content_text(*message).empty(),
                                                     reply.request_id));
        }
        if (reply.finish_reason == "content_filter") {
            return std::unexpected(wire::make_failure(
                provider, response.status, "content_filter",
                "the reply was stopped by the provider's content filter", reply.request_id));
        }
        reply.text = content_text(*message);
        if (reply.text.empty()) {
            return std::unexpected(wire::make_failure(provider, response.status, "empty_reply",
                                                      "the reply held no text", reply.request_id));
        }
        return reply;
    }

    std::optional<http::Request> build_model_lookup(const SeatConfig& seat,
                                                    const std::string& api_key) const override {
        if (m_flavor == Flavor::compatible) {
            return std::nullopt; // servers differ: vLLM and llama.cpp list models only
        }
        http::Request out =
            wire::get_request(seat, wire::join_url(seat.base_url, default_base_of(m_flavor),
                                                   "/models/" + seat.model));
        if (!api_key.empty()) {
            out.headers.emplace_back("authorization", "Bearer " + api_key);
        }
        return out;
    }

    std::expected<std::string, Failure> parse_model_lookup(const http::Response& response,
                                                           const SeatConfig& seat) const override {
        // OpenAI's model object carries no limits: {id, object, created, owned_by}.
        return wire::model_lookup_result(kind(), response, seat, "max_output_tokens",
                                         response.header("x-request-id"));
    }

    RetryHint classify(const http::Response& response) const override {
        if (auto fixed = wire::fixed_hint(response)) {
            return *fixed;
        }
        if (const auto body = wire::parse_object(response.body)) {
            if (const auto error = wire::read_error(*body)) {
                if (m_flavor == Flavor::xai) {
                    if (wire::contains_nocase(error->message, "credit") ||
                        wire::contains_nocase(error->message, "spending limit")) {
                        return RetryHint{false, std::nullopt,
                                         "credits or spending limit exhausted"};
                    }
                } else if (error->type == "insufficient_quota" ||
                           error_type_is(*body, "insufficient_quota")) {
                    return RetryHint{false, std::nullopt, "insufficient_quota"};
                }
            }
        }
        return wire::generic_hint(response);
    }

private:
    bool is_bad_key(const Failure& failure) const {
        if (failure.http_status == 401) {
            return true;
        }
        return m_flavor == Flavor::xai && failure.http_status == 400 &&
               (wire::contains_nocase(failure.message, "api key") ||
                wire::contains_nocase(failure.type, "api key"));
    }

    // OpenAI answers 404 with code model_not_found; xAI 404 (or 400) naming the model.
    static bool is_model_not_found(const Failure& failure) {
        if (failure.type == "model_not_found") {
            return true;
        }
        return (failure.http_status == 404 || failure.http_status == 400) &&
               wire::contains_nocase(failure.message, "model") &&
               (wire::contains_nocase(failure.message, "not found") ||
                wire::contains_nocase(failure.message, "does not exist"));
    }

    static bool error_type_is(const json& body, std::string_view type) {
        const json* error = wire::object_at(body, "error");
        return error != nullptr &&
               (wire::text_at(*error, "type") == type || wire::text_at(*error, "code") == type);
    }

    Flavor m_flavor;
};

} // namespace

std::unique_ptr<Codec> make_openai_codec() {
    return std::make_unique<OpenAiCodec>(Flavor::openai);
}

std::unique_ptr<Codec> make_xai_codec() {
    return std::make_unique<OpenAiCodec>(Flavor::xai);
}

std::unique_ptr<Codec> make_openai_compatible_codec() {
    return std::make_unique<OpenAiCodec>(Flavor::compatible);
}

} // namespace roundtable::providers
