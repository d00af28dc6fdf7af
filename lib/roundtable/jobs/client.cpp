#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <roundtable/jobs/client.hpp>

namespace roundtable::jobs {

using nlohmann::json;
using providers::Failure;

namespace {

std::string lower(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

std::string before(const std::string& url, std::string_view mark) {
    const auto at = url.rfind(mark);
    return at == std::string::npos ? url : url.substr(0, at);
}

std::int64_t count(const json& counts, const char* key) {
    const auto it = counts.find(key);
    return it != counts.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Failure bad_reply(const std::string& provider, const std::string& what) {
    Failure f;
    f.provider = provider;
    f.type = "bad_response";
    f.message = "batch API: " + what;
    return f;
}

JobStatus openai_status(const json& batch) {
    JobStatus s;
    s.id = text(batch, "id");
    s.state = text(batch, "status");
    s.ended = s.state == "completed" || s.state == "failed" || s.state == "expired" ||
              s.state == "cancelled";
    const json counts = batch.value("request_counts", json::object());
    s.succeeded = count(counts, "completed");
    s.failed = count(counts, "failed");
    s.pending = std::max<std::int64_t>(0, count(counts, "total") - s.succeeded - s.failed);
    s.results = text(batch, "output_file_id");
    s.errors = text(batch, "error_file_id");
    return s;
}

JobStatus anthropic_status(const json& batch) {
    JobStatus s;
    s.id = text(batch, "id");
    s.state = text(batch, "processing_status");
    s.ended = s.state == "ended";
    const json counts = batch.value("request_counts", json::object());
    s.succeeded = count(counts, "succeeded");
    s.failed = count(counts, "errored") + count(counts, "expired") + count(counts, "canceled");
    s.pending = count(counts, "processing");
    s.results = text(batch, "results_url");
    return s;
}

JobStatus gemini_status(const json& operation) {
    JobStatus s;
    s.id = text(operation, "name");
    const json meta = operation.value("metadata", json::object());
    s.state = text(meta, "state");
    s.ended = operation.value("done", false);
    const json stats = meta.value("batchStats", json::object());
    auto number = [&](const char* key) -> std::int64_t { // int64 fields come as strings
        const auto it = stats.find(key);
        if (it == stats.end()) {
            return 0;
        }
        return it->is_string() ? std::stoll(it->get<std::string>()) : it->get<std::int64_t>();
    };
    s.succeeded = number("successfulRequestCount");
    s.failed = number("failedRequestCount");
    s.pending = number("pendingRequestCount");
    const json response = operation.value("response", json::object());
    s.results = text(response, "responsesFile");
    if (response.contains("inlinedResponses")) {
        for (const auto& item :
             response["inlinedResponses"].value("inlinedResponses", json::array())) {
            s.inline_results.push_back(item.dump());
        }
    }
    return s;
}

} // namespace

Client::Client(Protocol protocol, const providers::Codec& codec, providers::SeatConfig seat,
               std::string api_key, http::Transport& transport)
    : m_protocol(protocol), m_codec(codec), m_seat(std::move(seat)), m_transport(transport) {
    providers::Request probe;
    probe.max_tokens = 1;
    const http::Request built = codec.build(probe, m_seat, api_key);
    for (const auto& header : built.headers) {
        if (lower(header.first) != "content-type") {
            m_auth.push_back(header);
        }
    }
    switch (protocol) {
    case Protocol::openai_files:
        m_root = before(built.url, "/chat/completions");
        break;
    case Protocol::anthropic_messages:
        m_root = before(built.url, "/messages");
        break;
    case Protocol::gemini:
        m_root = before(built.url, "/models/");
        m_create = before(built.url, ":generateContent") + ":batchGenerateContent";
        break;
    }
}

http::Request Client::make(std::string method, std::string url) const {
    http::Request request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.headers = m_auth;
    request.timeout = std::chrono::milliseconds(300'000);
    request.max_response_bytes = std::size_t{1} << 30; // result files of a large job
    return request;
}

std::expected<std::string, Failure> Client::send(http::Request request) const {
    auto response = m_transport.perform(request);
    if (!response) {
        Failure f;
        f.provider = m_seat.provider;
        f.type = std::string(response.error().kind_name());
        f.message = "batch API: " + response.error().message;
        return std::unexpected(std::move(f));
    }
    if (response->status < 200 || response->status >= 300) {
        providers::Request probe;
        auto parsed = m_codec.parse(*response, probe, m_seat);
        if (!parsed) {
            return std::unexpected(std::move(parsed.error()));
        }
        Failure f;
        f.provider = m_seat.provider;
        f.http_status = response->status;
        f.type = "http_error";
        f.message = "batch API: HTTP " + std::to_string(response->status);
        return std::unexpected(std::move(f));
    }
    return std::move(response->body);
}

std::expected<JobStatus, Failure> Client::submit(const std::vector<std::string>& lines,
                                                 const std::string& label) const {
    std::expected<std::string, Failure> body;
    switch (m_protocol) {
    case Protocol::openai_files: {
        const std::string boundary = "roundtable-batch-boundary-7c1f";
        std::string form;
        form += "--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n";
        form += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                label + ".jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n";
        for (const auto& line : lines) {
            form += line;
            form += '\n';
        }
        form += "\r\n--" + boundary + "--\r\n";
        http::Request upload = make("POST", m_root + "/files");
        upload.headers.emplace_back("content-type", "multipart/form-data; boundary=" + boundary);
        upload.body = std::move(form);
        auto uploaded = send(std::move(upload));
        if (!uploaded) {
            return std::unexpected(std::move(uploaded.error()));
        }
        const json file = json::parse(*uploaded, nullptr, false);
        if (file.is_discarded() || text(file, "id").empty()) {
            return std::unexpected(bad_reply(m_seat.provider, "the file upload returned no id"));
        }
        http::Request create = make("POST", m_root + "/batches");
        create.headers.emplace_back("content-type", "application/json");
        create.body = json{{"input_file_id", text(file, "id")},
                           {"endpoint", "/v1/chat/completions"},
                           {"completion_window", "24h"},
                           {"metadata", {{"roundtable", label}}}}
                          .dump();
        body = send(std::move(create));
        break;
    }
    case Protocol::anthropic_messages: {
        std::string requests = "{\"requests\":[";
        for (std::size_t i = 0; i < lines.size(); ++i) {
            requests += (i ? "," : "") + lines[i];
        }
        requests += "]}";
        http::Request create = make("POST", m_root + "/messages/batches");
        create.headers.emplace_back("content-type", "application/json");
        create.body = std::move(requests);
        body = send(std::move(create));
        break;
    }
    case Protocol::gemini: {
        std::string requests = "{\"batch\":{\"display_name\":" + json(label).dump() +
                               ",\"input_config\":{\"requests\":{\"requests\":[";
        for (std::size_t i = 0; i < lines.size(); ++i) {
            requests += (i ? "," : "") + lines[i];
        }
        requests += "]}}}}";
        http::Request create = make("POST", m_create);
        create.headers.emplace_back("content-type", "application/json");
        create.body = std::move(requests);
        body = send(std::move(create));
        break;
    }
    }
    if (!body) {
        return std::unexpected(std::move(body.error()));
    }
    const json reply = json::parse(*body, nullptr, false);
    if (reply.is_discarded() || !reply.is_object()) {
        return std::unexpected(
            bad_reply(m_seat.provider, "the create call returned no JSON object"));
    }
    JobStatus status = m_protocol == Protocol::openai_files         ? openai_status(reply)
                       : m_protocol == Protocol::anthropic_messages ? anthropic_status(reply)
                                                                    : gemini_status(reply);
    if (status.id.empty()) {
        return std::unexpected(bad_reply(m_seat.provider, "the create call returned no job id"));
    }
    return status;
}

std::expected<JobStatus, Failure> Client::poll(const std::string& id) const {
    std::string url = m_protocol == Protocol::openai_files ? m_root + "/batches/" + id
                      : m_protocol == Protocol::anthropic_messages
                          ? m_root + "/messages/batches/" + id
                          : m_root + "/" + id;
    auto body = send(make("GET", std::move(url)));
    if (!body) {
        return std::unexpected(std::move(body.error()));
    }
    const json reply = json::parse(*body, nullptr, false);
    if (reply.is_discarded() || !reply.is_object()) {
        return std::unexpected(bad_reply(m_seat.provider, "a job status is not a JSON object"));
    }
    try {
        return m_protocol == Protocol::openai_files         ? openai_status(reply)
               : m_protocol == Protocol::anthropic_messages ? anthropic_status(reply)
                                                            : gemini_status(reply);
    } catch (const std::exception& e) {
        return std::unexpected(
            bad_reply(m_seat.provider, std::string("a job status: ") + e.what()));
    }
}

std::expected<void, Failure>
Client::results(const JobStatus& status, const std::function<void(std::string_view)>& each) const {
    auto lines_of = [&](const std::string& body) {
        std::size_t start = 0;
        while (start < body.size()) {
            std::size_t end = body.find('\n', start);
            if (end == std::string::npos) {
                end = body.size();
            }
            std::string_view line(body.data() + start, end - start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            if (!line.empty()) {
                each(line);
            }
            start = end + 1;
        }
    };
    for (const auto& line : status.inline_results) {
        each(line);
    }
    std::vector<std::string> urls;
    switch (m_protocol) {
    case Protocol::openai_files:
        for (const auto* file : {&status.results, &status.errors}) {
            if (!file->empty()) {
                urls.push_back(m_root + "/files/" + *file + "/content");
            }
        }
        break;
    case Protocol::anthropic_messages:
        if (!status.results.empty()) {
            urls.push_back(status.results);
        }
        break;
    case Protocol::gemini:
        if (!status.results.empty()) {
            urls.push_back(before(m_root, "/v1beta") + "/download/v1beta/" + status.results +
                           ":download?alt=media");
        }
        break;
    }
    for (auto& url : urls) {
        auto body = send(make("GET", std::move(url)));
        if (!body) {
            return std::unexpected(std::move(body.error()));
        }
        lines_of(*body);
    }
    return {};
}

std::expected<JobStatus, Failure> Client::cancel(const std::string& id) const {
    std::string url = m_protocol == Protocol::openai_files ? m_root + "/batches/" + id + "/cancel"
                      : m_protocol == Protocol::anthropic_messages
                          ? m_root + "/messages/batches/" + id + "/cancel"
                          : m_root + "/" + id + ":cancel";
    http::Request request = make("POST", std::move(url));
    request.headers.emplace_back("content-type", "application/json");
    request.body = "{}";
    auto body = send(std::move(request));
    if (!body) {
        return std::unexpected(std::move(body.error()));
    }
    return poll(id);
}

} // namespace roundtable::jobs
