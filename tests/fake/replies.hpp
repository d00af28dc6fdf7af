// Canned reply bodies in each provider's wire format, for scripting the fake
// server: successful text replies (Anthropic Messages, OpenAI-style chat
// completions as used by OpenAI, xAI and compatible servers, Gemini
// generateContent) and every error body shape of PROVIDERS.md.
//
// Pure functions returning JSON text; thread-safe.
#pragma once

#include <cstdint>
#include <fake/fake_server.hpp>
#include <string>
#include <string_view>

namespace roundtable::testing {

// Token counts written as-is into each provider's usage fields; what each field
// includes (cached, reasoning) follows that provider's rules in PROVIDERS.md.
struct ReplyUsage {
    std::int64_t input = 100; // input_tokens / prompt_tokens / promptTokenCount
    std::int64_t output = 50; // output_tokens / completion_tokens / candidatesTokenCount
    std::int64_t cached = 0;  // cache_read_input_tokens / cached_tokens / cachedContentTokenCount
    std::int64_t cache_write = 0; // cache_creation_input_tokens (Anthropic only)
    std::int64_t reasoning = 0;   // reasoning_tokens / thoughtsTokenCount (not Anthropic)
};

// Returns an Anthropic Messages reply with one text block; never fails.
std::string anthropic_text_reply(std::string_view text, const ReplyUsage& usage = {},
                                 std::string_view stop_reason = "end_turn",
                                 std::string_view model = "claude-sonnet-4-6");

// Returns an Anthropic Messages reply whose object arrives as a tool_use block's input
// (`input_json` must be a JSON object's text); throws nlohmann::json::parse_error if it is not
// JSON.
std::string anthropic_tool_reply(std::string_view tool_name, std::string_view input_json,
                                 const ReplyUsage& usage = {},
                                 std::string_view model = "claude-sonnet-4-6");

// Returns an OpenAI-style chat completion with one choice (OpenAI, xAI, compatible servers); never
// fails.
std::string openai_text_reply(std::string_view text, const ReplyUsage& usage = {},
                              std::string_view finish_reason = "stop",
                              std::string_view model = "gpt-5");

// Returns an OpenAI-style chat completion whose message is a refusal (content null); never fails.
std::string openai_refusal_reply(std::string_view refusal, std::string_view model = "gpt-5");

// Returns a Gemini generateContent reply with one candidate; a non-empty `thought`
// adds a leading part marked thought: true that readers must skip. Never fails.
std::string gemini_text_reply(std::string_view text, const ReplyUsage& usage = {},
                              std::string_view finish_reason = "STOP",
                              std::string_view model = "gemini-2.5-pro",
                              std::string_view thought = "");

// Returns a Gemini reply with no candidates and promptFeedback.blockReason `reason`; never fails.
std::string gemini_blocked_reply(std::string_view reason = "SAFETY");

// Returns {"type":"error","error":{"type","message"},"request_id"}; never fails.
std::string anthropic_error(std::string_view type, std::string_view message,
                            std::string_view request_id = "req_fake_0001");

// Returns {"error":{"message","type","param","code"}} with null param (and code when empty); never
// fails.
std::string openai_error(std::string_view message, std::string_view type,
                         std::string_view code = "");

// Returns OpenRouter's variant: a numeric code and metadata.raw holding the upstream body; never
// fails.
std::string openrouter_error(std::string_view message, int code, std::string_view raw = "");

// Returns {"error":{"code","message","status","details":[]}}; never fails.
std::string gemini_error(int code, std::string_view status, std::string_view message);

// Returns a Gemini 429 RESOURCE_EXHAUSTED body with a RetryInfo retryDelay (such as "3s")
// and, when `quota_id` is set, a QuotaFailure violation naming it; never fails.
std::string gemini_rate_limit_error(std::string_view retry_delay, std::string_view quota_id = "");

// Returns xAI's flat {"code":"<text>","error":"<message>"}; never fails.
std::string xai_error(std::string_view code, std::string_view message);

// Returns vLLM's flat {"object":"error","message","type","code"}; never fails.
std::string vllm_error(std::string_view message, std::string_view type = "BadRequestError",
                       int code = 400);

// Returns a scripted reply with `status` and `body` (JSON); never fails.
Scripted json_reply(int status, std::string body, http::Headers headers = {});

} // namespace roundtable::testing
