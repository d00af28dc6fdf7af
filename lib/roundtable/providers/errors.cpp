// The shared codec helpers of wire.hpp: error body shapes, common failures,
// JSON access that never throws.
#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <mutex>
#include <roundtable/article/encoding.hpp>
#include <roundtable/http/retry.hpp>
#include <roundtable/providers/wire.hpp>
#include <roundtable/util/json_depth.hpp>
#include <roundtable/util/json_text.hpp>
#include <roundtable/util/text.hpp>
#include <unordered_map>

namespace roundtable::providers::wire {

namespace {

using util::one_line;

std::optional<ErrorBody> read_nested(const json& body, const json& error) {
    ErrorBody out;
    out.message = text_at(error, "message");
    // Gemini names its kind in `status`; OpenAI's `code` is more specific than its
    // `type` (invalid_api_key vs invalid_request_error); OpenRouter's code is a number.
    const json* code = error.contains("code") ? &error["code"] : nullptr;
    if (const auto status = text_at(error, "status"); !status.empty()) {
        out.type = status;
    } else if (code != nullptr && code->is_string() && !code->get<std::string>().empty()) {
        out.type = code->get<std::string>();
    } else if (const auto type = text_at(error, "type"); !type.empty()) {
        out.type = type;
    } else if (code != nullptr && code->is_number()) {
        out.type = text_at(error, "code");
    }
    if (const json* metadata = object_at(error, "metadata")) {
        if (const auto raw = text_at(*metadata, "raw"); !raw.empty()) {
            out.message += fmt::format(" (upstream: {})", excerpt(raw));
        }
    }
    out.request_id = text_at(body, "request_id");
    if (out.message.empty() && out.type.empty()) {
        return std::nullopt;
    }
    return out;
}

} // namespace

std::string join_url(std::string_view base_url, std::string_view fallback, std::string_view path) {
    std::string_view base = base_url.empty() ? fallback : base_url;
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    return std::string(base) + std::string(path);
}

std::string excerpt(std::string_view text, std::size_t limit) {
    // A response body is bytes: the excerpt is repaired to valid UTF-8 before it can reach a card.
    if (text.size() <= limit) {
        return one_line(article::repair_utf8(text).text);
    }
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return one_line(article::repair_utf8(text.substr(0, cut)).text) + "...";
}

std::optional<json> parse_object(std::string_view body) {
    if (!util::json_depth_ok(body)) {
        return std::nullopt; // refused before nlohmann recurses into it
    }
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return std::nullopt;
    }
    return parsed;
}

const json* object_at(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    if (it == object.end() || !it->is_object()) {
        return nullptr;
    }
    return &*it;
}

std::string text_at(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    if (it == object.end()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number()) {
        return it->dump();
    }
    return {};
}

std::int64_t int_at(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return 0;
    }
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number()) {
        return 0;
    }
    if (it->is_number_float()) {
        // Converting a double outside int64's range is undefined: such a count reads as 0.
        const double value = it->get<double>();
        return value > -9.2e18 && value < 9.2e18 ? static_cast<std::int64_t>(value) : 0;
    }
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX) {
        return 0;
    }
    return it->get<std::int64_t>();
}

bool contains_nocase(std::string_view haystack, std::string_view needle) {
    const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                                [](char a, char b) {
                                    return std::tolower(static_cast<unsigned char>(a)) ==
                                           std::tolower(static_cast<unsigned char>(b));
                                });
    return it != haystack.end();
}

std::optional<ErrorBody> read_error(const json& body) {
    if (!body.is_object()) {
        return std::nullopt;
    }
    // Anthropic {"type":"error","error":{...},"request_id"}, OpenAI-style and Gemini
    // {"error":{...}}.
    if (const json* error = object_at(body, "error")) {
        return read_nested(body, *error);
    }
    // vLLM {"object":"error","message","type","code"}.
    if (text_at(body, "object") == "error") {
        ErrorBody out;
        out.message = text_at(body, "message");
        out.type = text_at(body, "type");
        if (out.type.empty()) {
            out.type = text_at(body, "code");
        }
        return out;
    }
    // xAI {"code":"<text>","error":"<message>"}.
    const auto it = body.find("error");
    if (it != body.end() && it->is_string()) {
        ErrorBody out;
        out.message = it->get<std::string>();
        out.type = text_at(body, "code");
        return out;
    }
    return std::nullopt;
}

Failure error_failure(std::string_view provider, const http::Response& response,
                      std::string request_id) {
    const auto body = parse_object(response.body);
    if (body) {
        if (auto error = read_error(*body)) {
            if (request_id.empty()) {
                request_id = error->request_id;
            }
            return make_failure(provider, response.status, one_line(error->type),
                                error->message.empty() ? std::string("no message")
                                                       : one_line(error->message),
                                std::move(request_id));
        }
    }
    std::string message =
        response.body.empty() ? std::string("empty response body") : excerpt(response.body);
    return make_failure(provider, response.status, "", std::move(message), std::move(request_id));
}

Failure bad_response(std::string_view provider, const http::Response& response,
                     std::string_view what, std::string request_id) {
    std::string message = response.body.empty()
                              ? fmt::format("{}: empty body", what)
                              : fmt::format("{}: {}", what, excerpt(response.body));
    return make_failure(provider, response.status, "bad_response", std::move(message),
                        std::move(request_id));
}

std::string bad_key_message(const SeatConfig& seat) {
    if (seat.api_key_env.empty()) {
        return fmt::format("the API key was rejected: set api_key_env for seat '{}' to a variable "
                           "holding a valid key",
                           seat.name);
    }
    return fmt::format("the API key was rejected: check {} in the environment", seat.api_key_env);
}

Failure cut_failure(std::string_view provider, int status, const Request& request,
                    const TokenUsage& usage, bool partial_text, std::string request_id) {
    std::string message;
    if (usage.reasoning_tokens > 0) {
        message = fmt::format("reply cut at max_tokens={}: reasoning took {} of them, and {}",
                              request.max_tokens, usage.reasoning_tokens,
                              partial_text ? "the answer was cut short" : "no answer was written");
    } else if (partial_text) {
        message = fmt::format("reply cut at max_tokens={} before the answer was complete",
                              request.max_tokens);
    } else {
        message = fmt::format("reply cut at max_tokens={} with no answer written (the budget went "
                              "to reasoning)",
                              request.max_tokens);
    }
    Failure failure =
        make_failure(provider, status, "max_tokens", std::move(message), std::move(request_id));
    failure.usage = usage;
    return failure;
}

std::string model_not_found_message(const SeatConfig& seat) {
    return fmt::format("seat '{}': model '{}' is not found at {}: check the id (roundtable "
                       "models lists the catalogue)",
                       seat.name, seat.model, seat.provider);
}

Failure make_failure(std::string_view provider, int status, std::string type, std::string message,
                     std::string request_id) {
    Failure failure;
    failure.provider = std::string(provider);
    failure.http_status = status;
    failure.type = std::move(type);
    failure.message = std::move(message);
    failure.request_id = std::move(request_id);
    return failure;
}

http::Request get_request(const SeatConfig& seat, std::string url) {
    http::Request request;
    request.method = "GET";
    request.url = std::move(url);
    request.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::min(seat.timeout_s, 60.0) * 1000.0));
    request.connect_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(seat.connect_timeout_s * 1000.0));
    request.max_redirects = 0;
    return request;
}

std::expected<std::string, Failure>
model_lookup_result(std::string_view provider, const http::Response& response,
                    const SeatConfig& seat, std::string_view limit_key, std::string request_id) {
    if (response.status == 404) {
        Failure failure = error_failure(provider, response, std::move(request_id));
        failure.type = "model_not_found";
        failure.message = model_not_found_message(seat);
        return std::unexpected(std::move(failure));
    }
    if (response.status < 200 || response.status >= 300) {
        Failure failure = error_failure(provider, response, std::move(request_id));
        if (response.status == 401 || response.status == 403) {
            failure.message = bad_key_message(seat);
        }
        return std::unexpected(std::move(failure));
    }
    const auto body = parse_object(response.body);
    if (!body) {
        return std::unexpected(
            bad_response(provider, response, "model reply is not JSON", std::move(request_id)));
    }
    const std::int64_t limit = int_at(*body, limit_key);
    return limit > 0 ? fmt::format("model found, max output {} tokens", limit)
                     : std::string("model found");
}

http::Request base_request(const SeatConfig& seat, std::string url, const json& body) {
    http::Request request;
    request.method = "POST";
    request.url = std::move(url);
    request.headers.emplace_back("content-type", "application/json");
    // Replace rather than throw: a prompt with invalid UTF-8 fails one seat upstream, not the run.
    request.body = util::dump_json(body);
    request.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(seat.timeout_s * 1000.0));
    request.connect_timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(seat.connect_timeout_s * 1000.0));
    request.max_redirects = 0;
    return request;
}

std::optional<double> temperature_of(const Request& request, const SeatConfig& seat) {
    if (!seat.traits.sampling) {
        return std::nullopt;
    }
    return request.temperature ? request.temperature : seat.temperature;
}

std::optional<std::string> control_value(const Request& request, const SeatConfig& seat,
                                         ReasoningControl control) {
    if (seat.traits.control != control || !seat.traits.thinks_at(request.effort)) {
        return std::nullopt;
    }
    const std::string& value = seat.traits.value_for(request.effort);
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<json> schema_of(const Request& request) {
    if (request.json_schema.empty()) {
        return std::nullopt;
    }
    // A run sends a handful of schemas (one per round) thousands of times: each is parsed once.
    // The map is bounded in case some caller makes schemas up as it goes.
    static std::mutex mutex;
    static std::unordered_map<std::string, std::optional<json>> parsed;
    const std::lock_guard lock(mutex);
    if (const auto it = parsed.find(request.json_schema); it != parsed.end()) {
        return it->second;
    }
    if (parsed.size() >= 64) {
        parsed.clear();
    }
    return parsed.emplace(request.json_schema, parse_object(request.json_schema)).first->second;
}

std::string schema_name_of(const Request& request) {
    if (!request.schema_name.empty()) {
        return request.schema_name;
    }
    switch (request.round) {
    case Round::take:
        return "take";
    case Round::rebuttal:
        return "rebuttal";
    case Round::consensus:
        return "consensus";
    }
    return "reply";
}

RetryHint generic_hint(const http::Response& response) {
    RetryHint hint;
    if (response.status >= 200 && response.status < 300) {
        return hint;
    }
    if (const auto header = http::should_retry_header(response)) {
        hint.retry = *header;
        if (!hint.retry) {
            hint.reason = "x-should-retry: false";
        }
        return hint;
    }
    hint.retry = http::is_retryable_status(response.status);
    return hint;
}

std::optional<RetryHint> fixed_hint(const http::Response& response) {
    if ((response.status >= 200 && response.status < 300) || http::should_retry_header(response)) {
        return generic_hint(response);
    }
    return std::nullopt;
}

} // namespace roundtable::providers::wire
