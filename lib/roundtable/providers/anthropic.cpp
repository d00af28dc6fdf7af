// The Anthropic Messages codec. The round's object comes as JSON-schema
// structured output (output_config.format); a forced tool call only for a
// model that does not think, since thinking models refuse a forced
// tool_choice. Reasoning is set by output_config.effort with adaptive
// thinking, or by thinking.budget_tokens on models with a manual budget; the
// system text and the article prefix are marked for prompt caching. Replies
// are read past thinking and redacted_thinking blocks.
#include <array>
#include <fmt/format.h>
#include <roundtable/providers/codec.hpp>
#include <roundtable/providers/wire.hpp>

namespace roundtable::providers {

namespace {

using wire::json;

constexpr std::string_view k_kind = "anthropic";
constexpr std::string_view k_version = "2023-06-01";

json text_block(std::string_view text, bool cache) {
    json block = {{"type", "text"}, {"text", text}};
    if (cache) {
        block["cache_control"] = {{"type", "ephemeral"}};
    }
    return block;
}

json user_content(const Request& request) {
    json content = json::array();
    const std::size_t prefix = request.cacheable_prefix;
    if (prefix == 0 || prefix >= request.user.size()) {
        content.push_back(text_block(request.user, prefix != 0));
        return content;
    }
    const std::string_view user = request.user;
    content.push_back(text_block(user.substr(0, prefix), true));
    content.push_back(text_block(user.substr(prefix), false));
    return content;
}

// Returns `schema` without the keywords Anthropic's structured output refuses with a 400
// (numeric bounds, string lengths, array sizes); the reply is still validated against the whole
// schema (guard/validate). Works on a copy.
json without_bounds(json schema) {
    static constexpr std::array<std::string_view, 10> k_refused{
        "minimum",   "maximum",   "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "minItems",         "maxItems",         "uniqueItems"};
    if (schema.is_object()) {
        for (const std::string_view keyword : k_refused) {
            schema.erase(std::string(keyword));
        }
        for (auto& member : schema.items()) {
            member.value() = without_bounds(std::move(member.value()));
        }
    } else if (schema.is_array()) {
        for (auto& item : schema) {
            item = without_bounds(std::move(item));
        }
    }
    return schema;
}

std::string tool_name(const Request& request) {
    return "submit_" + wire::schema_name_of(request);
}

class AnthropicCodec final : public Codec {
public:
    std::string_view kind() const override { return k_kind; }

    http::Request build(const Request& request, const SeatConfig& seat,
                        const std::string& api_key) const override {
        json body = {{"model", seat.model}, {"max_tokens", request.max_tokens}};
        if (!request.system.empty()) {
            body["system"] = json::array({text_block(request.system, true)});
        }
        body["messages"] = json::array({{{"role", "user"}, {"content", user_content(request)}}});
        json output_config = json::object();
        bool thinking = seat.traits.thinks_at(request.effort);
        if (const auto effort = wire::control_value(request, seat, ReasoningControl::effort)) {
            body["thinking"] = {{"type", "adaptive"}};
            output_config["effort"] = *effort;
        } else if (const auto budget =
                       wire::control_value(request, seat, ReasoningControl::budget)) {
            body["thinking"] = {{"type", "enabled"}, {"budget_tokens", std::stoll(*budget)}};
        } else if (seat.traits.control == ReasoningControl::budget) {
            thinking = false; // a budget model asked for no thinking gets none
        }
        if (const auto schema = wire::schema_of(request)) {
            if (seat.traits.structured == StructuredOutput::tool && !thinking) {
                const std::string name = tool_name(request);
                body["tools"] =
                    json::array({{{"name", name},
                                  {"description",
                                   fmt::format("Submit your {} as one object matching this schema.",
                                               wire::schema_name_of(request))},
                                  {"input_schema", *schema}}});
                body["tool_choice"] = {{"type", "tool"}, {"name", name}};
            } else if (seat.traits.structured != StructuredOutput::prompt) {
                output_config["format"] = {{"type", "json_schema"},
                                           {"schema", without_bounds(*schema)}};
            }
        }
        if (!output_config.empty()) {
            body["output_config"] = std::move(output_config);
        }
        if (const auto temperature = wire::temperature_of(request, seat);
            temperature && !thinking) {
            body["temperature"] = *temperature; // thinking takes no sampling parameters
        }
        http::Request out = wire::base_request(
            seat, wire::join_url(seat.base_url, "https://api.anthropic.com", "/v1/messages"), body);
        if (!api_key.empty()) {
            out.headers.emplace_back("x-api-key", api_key);
        }
        out.headers.emplace_back("anthropic-version", std::string(k_version));
        return out;
    }

    std::expected<Reply, Failure> parse(const http::Response& response, const Request& request,
                                        const SeatConfig& seat) const override {
        std::string request_id = response.header("request-id");
        const bool ok_status = response.status >= 200 && response.status < 300;
        const auto body = wire::parse_object(response.body);
        if (!ok_status || (body && wire::text_at(*body, "type") == "error")) {
            Failure failure = wire::error_failure(k_kind, response, std::move(request_id));
            if (response.status == 401) {
                failure.message = wire::bad_key_message(seat);
            } else if (response.status == 404 && failure.type == "not_found_error" &&
                       wire::contains_nocase(failure.message, "model")) {
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
        reply.model = wire::text_at(*body, "model");
        reply.finish_reason = wire::text_at(*body, "stop_reason");
        if (const json* usage = wire::object_at(*body, "usage")) {
            const auto cache_read = wire::int_at(*usage, "cache_read_input_tokens");
            const auto cache_write = wire::int_at(*usage, "cache_creation_input_tokens");
            reply.usage.input_tokens =
                wire::int_at(*usage, "input_tokens") + cache_read + cache_write;
            reply.usage.cached_tokens = cache_read;
            reply.usage.cache_write_tokens = cache_write;
            reply.usage.output_tokens = wire::int_at(*usage, "output_tokens"); // thinking included
            if (const json* details = wire::object_at(*usage, "output_tokens_details")) {
                reply.usage.reasoning_tokens = wire::int_at(*details, "thinking_tokens");
            }
        }

        const auto content = body->find("content");
        bool tool_found = false;
        std::string text;
        if (content != body->end() && content->is_array()) {
            for (const auto& block : *content) {
                // thinking and redacted_thinking blocks (with their signatures) are skipped.
                const std::string type = wire::text_at(block, "type");
                if (type == "tool_use" && !tool_found && block.contains("input")) {
                    tool_found = true;
                    text = block["input"].dump();
                } else if (type == "text" && !tool_found) {
                    text += wire::text_at(block, "text");
                }
            }
        }

        if (reply.finish_reason == "refusal") {
            std::string message = "the model refused to answer";
            if (!text.empty() && !tool_found) {
                message += ": " + wire::excerpt(text);
            }
            return std::unexpected(wire::make_failure(k_kind, response.status, "refusal",
                                                      std::move(message), reply.request_id));
        }
        if (reply.finish_reason == "max_tokens") {
            return std::unexpected(wire::cut_failure(k_kind, response.status, request, reply.usage,
                                                     !text.empty(), reply.request_id));
        }
        if (text.empty()) {
            return std::unexpected(wire::make_failure(k_kind, response.status, "empty_reply",
                                                      "the reply held no text", reply.request_id));
        }
        reply.text = std::move(text);
        return reply;
    }

    std::optional<http::Request> build_model_lookup(const SeatConfig& seat,
                                                    const std::string& api_key) const override {
        http::Request out =
            wire::get_request(seat, wire::join_url(seat.base_url, "https://api.anthropic.com",
                                                   "/v1/models/" + seat.model));
        if (!api_key.empty()) {
            out.headers.emplace_back("x-api-key", api_key);
        }
        out.headers.emplace_back("anthropic-version", std::string(k_version));
        return out;
    }

    std::expected<std::string, Failure> parse_model_lookup(const http::Response& response,
                                                           const SeatConfig& seat) const override {
        return wire::model_lookup_result(k_kind, response, seat, "max_tokens",
                                         response.header("request-id"));
    }

    RetryHint classify(const http::Response& response) const override {
        if (auto fixed = wire::fixed_hint(response)) {
            return *fixed;
        }
        if (const auto body = wire::parse_object(response.body)) {
            if (const auto error = wire::read_error(*body)) {
                const std::string both = error->type + " " + error->message;
                if (wire::contains_nocase(both, "enforced_spend_limit_reached") ||
                    wire::contains_nocase(both, "spend limit")) {
                    return RetryHint{false, std::nullopt, "enforced_spend_limit_reached"};
                }
            }
        }
        return wire::generic_hint(response);
    }
};

} // namespace

std::unique_ptr<Codec> make_anthropic_codec() {
    return std::make_unique<AnthropicCodec>();
}

} // namespace roundtable::providers
