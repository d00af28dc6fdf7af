#include <fake/replies.hpp>
#include <nlohmann/json.hpp>

namespace roundtable::testing {

namespace {

using nlohmann::json;

json anthropic_usage(const ReplyUsage& usage) {
    return {{"input_tokens", usage.input},
            {"output_tokens", usage.output},
            {"cache_creation_input_tokens", usage.cache_write},
            {"cache_read_input_tokens", usage.cached}};
}

json anthropic_message(json content, std::string_view stop_reason, std::string_view model,
                       const ReplyUsage& usage) {
    return {{"id", "msg_fake_0001"},         {"type", "message"},
            {"role", "assistant"},           {"model", model},
            {"content", std::move(content)}, {"stop_reason", stop_reason},
            {"stop_sequence", nullptr},      {"usage", anthropic_usage(usage)}};
}

json openai_completion(json message, std::string_view finish_reason, std::string_view model,
                       const ReplyUsage& usage) {
    return {{"id", "chatcmpl-fake0001"},
            {"object", "chat.completion"},
            {"created", 1767225600},
            {"model", model},
            {"choices", json::array({{{"index", 0},
                                      {"message", std::move(message)},
                                      {"finish_reason", finish_reason}}})},
            {"usage",
             {{"prompt_tokens", usage.input},
              {"completion_tokens", usage.output},
              {"total_tokens", usage.input + usage.output},
              {"prompt_tokens_details", {{"cached_tokens", usage.cached}}},
              {"completion_tokens_details", {{"reasoning_tokens", usage.reasoning}}}}}};
}

} // namespace

std::string anthropic_text_reply(std::string_view text, const ReplyUsage& usage,
                                 std::string_view stop_reason, std::string_view model) {
    return anthropic_message(json::array({{{"type", "text"}, {"text", text}}}), stop_reason, model,
                             usage)
        .dump();
}

std::string anthropic_tool_reply(std::string_view tool_name, std::string_view input_json,
                                 const ReplyUsage& usage, std::string_view model) {
    json block = {{"type", "tool_use"},
                  {"id", "toolu_fake0001"},
                  {"name", tool_name},
                  {"input", json::parse(input_json)}};
    return anthropic_message(json::array({std::move(block)}), "tool_use", model, usage).dump();
}

std::string openai_text_reply(std::string_view text, const ReplyUsage& usage,
                              std::string_view finish_reason, std::string_view model) {
    return openai_completion({{"role", "assistant"}, {"content", text}, {"refusal", nullptr}},
                             finish_reason, model, usage)
        .dump();
}

std::string openai_refusal_reply(std::string_view refusal, std::string_view model) {
    return openai_completion({{"role", "assistant"}, {"content", nullptr}, {"refusal", refusal}},
                             "stop", model, ReplyUsage{})
        .dump();
}

std::string gemini_text_reply(std::string_view text, const ReplyUsage& usage,
                              std::string_view finish_reason, std::string_view model,
                              std::string_view thought) {
    json parts = json::array();
    if (!thought.empty()) {
        parts.push_back({{"text", thought}, {"thought", true}});
    }
    parts.push_back({{"text", text}});
    json usage_metadata = {{"promptTokenCount", usage.input},
                           {"candidatesTokenCount", usage.output},
                           {"totalTokenCount", usage.input + usage.output + usage.reasoning}};
    if (usage.cached > 0) {
        usage_metadata["cachedContentTokenCount"] = usage.cached;
    }
    if (usage.reasoning > 0) {
        usage_metadata["thoughtsTokenCount"] = usage.reasoning;
    }
    return json{
        {"candidates", json::array({{{"content", {{"parts", std::move(parts)}, {"role", "model"}}},
                                     {"finishReason", finish_reason},
                                     {"index", 0}}})},
        {"usageMetadata", std::move(usage_metadata)},
        {"modelVersion", model},
        {"responseId", "fake-response-0001"}}
        .dump();
}

std::string gemini_blocked_reply(std::string_view reason) {
    return json{{"promptFeedback", {{"blockReason", reason}}},
                {"usageMetadata", {{"promptTokenCount", 100}, {"totalTokenCount", 100}}},
                {"modelVersion", "gemini-2.5-pro"},
                {"responseId", "fake-response-0002"}}
        .dump();
}

std::string anthropic_error(std::string_view type, std::string_view message,
                            std::string_view request_id) {
    return json{{"type", "error"},
                {"error", {{"type", type}, {"message", message}}},
                {"request_id", request_id}}
        .dump();
}

std::string openai_error(std::string_view message, std::string_view type, std::string_view code) {
    return json{{"error",
                 {{"message", message},
                  {"type", type},
                  {"param", nullptr},
                  {"code", code.empty() ? json(nullptr) : json(code)}}}}
        .dump();
}

std::string openrouter_error(std::string_view message, int code, std::string_view raw) {
    json error = {{"message", message}, {"code", code}};
    if (!raw.empty()) {
        error["metadata"] = {{"raw", raw}, {"provider_name", "fake-upstream"}};
    }
    return json{{"error", std::move(error)}}.dump();
}

std::string gemini_error(int code, std::string_view status, std::string_view message) {
    return json{
        {"error",
         {{"code", code}, {"message", message}, {"status", status}, {"details", json::array()}}}}
        .dump();
}

std::string gemini_rate_limit_error(std::string_view retry_delay, std::string_view quota_id) {
    json details = json::array();
    if (!quota_id.empty()) {
        details.push_back(
            {{"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
             {"violations",
              json::array(
                  {{{"quotaMetric", "generativelanguage.googleapis.com/generate_content_requests"},
                    {"quotaId", quota_id}}})}});
    }
    details.push_back(
        {{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", retry_delay}});
    return json{{"error",
                 {{"code", 429},
                  {"message",
                   "You exceeded your current quota, please check your plan and billing details."},
                  {"status", "RESOURCE_EXHAUSTED"},
                  {"details", std::move(details)}}}}
        .dump();
}

std::string xai_error(std::string_view code, std::string_view message) {
    return json{{"code", code}, {"error", message}}.dump();
}

std::string vllm_error(std::string_view message, std::string_view type, int code) {
    return json{{"object", "error"},
                {"message", message},
                {"type", type},
                {"param", nullptr},
                {"code", code}}
        .dump();
}

Scripted json_reply(int status, std::string body, http::Headers headers) {
    Scripted reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.headers = std::move(headers);
    return reply;
}

} // namespace roundtable::testing
