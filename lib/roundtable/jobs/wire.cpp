#include <nlohmann/json.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/wire.hpp>
#include <roundtable/util/text.hpp>

namespace roundtable::jobs {

using nlohmann::json;

namespace {

// Returns the path of `url` ("https://host/v1/chat/completions" -> "/v1/chat/completions").
std::string path_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

std::string string_at(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A failure the batch reported; its type and message come from outside and are put on one line.
providers::Failure batch_failure(std::string type, std::string message) {
    providers::Failure f;
    f.type = util::one_line(type);
    f.message = util::one_line(message);
    f.batch = true;
    return f;
}

// An error object of any of the protocols ({type, message}, {code, message},
// {error: {type, message}}, {status, message}) as a Failure.
providers::Failure error_failure(const json& error, std::string fallback_type) {
    const json& inner =
        error.contains("error") && error["error"].is_object() ? error["error"] : error;
    std::string type = string_at(inner, "type");
    if (type.empty()) {
        type = string_at(inner, "status");
    }
    if (type.empty() && inner.contains("code")) {
        type = inner["code"].is_string() ? inner["code"].get<std::string>() : inner["code"].dump();
    }
    if (type.empty()) {
        type = std::move(fallback_type);
    }
    std::string message = string_at(inner, "message");
    return batch_failure(std::move(type), message.empty() ? "the batch gave no reason" : message);
}

ResultLine openai_result(const json& line) {
    ResultLine result;
    result.id = string_at(line, "custom_id");
    const auto response = line.find("response");
    if (response != line.end() && response->is_object() && response->contains("body")) {
        http::Response r;
        r.status = response->value("status_code", 0);
        r.body = (*response)["body"].dump();
        if (const std::string id = string_at(*response, "request_id"); !id.empty()) {
            r.headers.emplace_back("x-request-id", id);
        }
        result.response = std::move(r);
        return result;
    }
    const auto error = line.find("error");
    if (error != line.end() && error->is_object()) {
        providers::Failure f = error_failure(*error, "errored");
        if (f.type == "batch_expired") {
            f.type = "expired"; // the completion window ended before the request ran
        }
        result.failure = std::move(f);
    } else {
        result.failure = batch_failure("errored", "the batch gave neither a response nor an error");
    }
    return result;
}

ResultLine anthropic_result(const json& line) {
    ResultLine result;
    result.id = string_at(line, "custom_id");
    const json& outcome = line.at("result");
    const std::string type = string_at(outcome, "type");
    if (type == "succeeded") {
        http::Response r;
        r.status = 200;
        r.body = outcome.at("message").dump();
        result.response = std::move(r);
    } else if (type == "errored") {
        result.failure = error_failure(outcome.value("error", json::object()), "errored");
    } else if (type == "expired") {
        result.failure =
            batch_failure("expired", "the batch ended (24 hours) before this request ran");
    } else if (type == "canceled") {
        result.failure =
            batch_failure("canceled", "the batch was canceled before this request ran");
    } else {
        result.failure = batch_failure("errored", "unknown result type \"" +
                                                      providers::wire::excerpt(type, 40) + "\"");
    }
    return result;
}

ResultLine gemini_result(const json& line) {
    ResultLine result;
    result.id = string_at(line, "key");
    if (result.id.empty() && line.contains("metadata") && line["metadata"].is_object()) {
        result.id = string_at(line["metadata"], "key");
    }
    if (line.contains("response") && line["response"].is_object()) {
        http::Response r;
        r.status = 200;
        r.body = line["response"].dump();
        result.response = std::move(r);
    } else if (line.contains("error") && line["error"].is_object()) {
        result.failure = error_failure(line["error"], "errored");
    } else if (line.contains("status") && line["status"].is_object()) {
        result.failure = error_failure(line["status"], "errored");
    } else {
        result.failure = batch_failure("errored", "the batch gave neither a response nor an error");
    }
    return result;
}

} // namespace

std::optional<Protocol> protocol_of(std::string_view provider) {
    if (provider == "openai" || provider == "xai") {
        return Protocol::openai_files;
    }
    if (provider == "anthropic") {
        return Protocol::anthropic_messages;
    }
    if (provider == "gemini") {
        return Protocol::gemini;
    }
    return std::nullopt;
}

std::string request_line(Protocol protocol, const providers::Codec& codec, const std::string& id,
                         const providers::Request& request, const providers::SeatConfig& seat) {
    const http::Request built = codec.build(request, seat, "");
    json body = json::parse(built.body);
    json line;
    switch (protocol) {
    case Protocol::openai_files:
        line = {{"custom_id", id}, {"method", "POST"}, {"url", path_of(built.url)}, {"body", body}};
        break;
    case Protocol::anthropic_messages:
        line = {{"custom_id", id}, {"params", std::move(body)}};
        break;
    case Protocol::gemini:
        line = {{"request", std::move(body)}, {"metadata", {{"key", id}}}};
        break;
    }
    return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::expected<ResultLine, std::string> read_result(Protocol protocol, std::string_view line) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::unexpected("a result line is not a JSON object");
    }
    ResultLine result;
    try {
        switch (protocol) {
        case Protocol::openai_files:
            result = openai_result(j);
            break;
        case Protocol::anthropic_messages:
            result = anthropic_result(j);
            break;
        case Protocol::gemini:
            result = gemini_result(j);
            break;
        }
    } catch (const json::exception& e) {
        return std::unexpected(std::string("a result line lacks a field: ") + e.what());
    }
    if (result.id.empty()) {
        return std::unexpected("a result line names no request id");
    }
    return result;
}

std::expected<providers::Reply, providers::Failure> outcome(const providers::Codec& codec,
                                                            const ResultLine& result,
                                                            const providers::Request& request,
                                                            const providers::SeatConfig& seat) {
    if (!result.response) {
        providers::Failure f = result.failure.value_or(batch_failure("errored", "no result"));
        f.provider = seat.provider;
        f.batch = true;
        return std::unexpected(std::move(f));
    }
    auto parsed = codec.parse(*result.response, request, seat);
    if (parsed) {
        parsed->batch = true;
        if (parsed->request_id.empty()) {
            parsed->request_id = result.response->header("x-request-id");
        }
    } else {
        parsed.error().batch = true;
    }
    return parsed;
}

} // namespace roundtable::jobs
