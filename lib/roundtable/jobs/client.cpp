#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <roundtable/jobs/client.hpp>
#include <roundtable/util/text.hpp>
#include <sys/stat.h>

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
    s.state = util::one_line(text(batch, "status")); // shown in progress lines
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
    s.state = util::one_line(text(batch, "processing_status"));
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
    s.state = util::one_line(text(meta, "state"));
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
    return s;
}

// Returns whether `j` is one of a Gemini batch's inline responses ({response | error,
// metadata: {key}}), which a parse streams or drops instead of keeping.
bool inline_response(const json& j) {
    if (!j.is_object() || !(j.contains("response") || j.contains("error"))) {
        return false;
    }
    const auto meta = j.find("metadata");
    return meta != j.end() && meta->is_object() && meta->contains("key");
}

// Parses a Gemini operation, handing each inline response to `each` (when given) and keeping
// none of them: a job of thousands of responses never becomes one document in memory.
json parse_operation(const std::string& body,
                     const std::function<void(std::string_view)>* each = nullptr) {
    return json::parse(
        body,
        [each](int depth, json::parse_event_t event, json& parsed) {
            if (event != json::parse_event_t::object_end || depth == 0 ||
                !inline_response(parsed)) {
                return true;
            }
            if (each != nullptr) {
                (*each)(parsed.dump());
            }
            return false;
        },
        false);
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
    auto text = std::make_shared<std::string>();
    for (const auto& line : lines) {
        *text += line;
        *text += '\n';
    }
    auto at = std::make_shared<std::size_t>(0);
    auto read = [text, at](char* out, std::size_t size) {
        const std::size_t n = std::min(size, text->size() - *at);
        std::memcpy(out, text->data() + *at, n);
        *at += n;
        return n;
    };
    return submit_stream(read, static_cast<std::int64_t>(text->size()), label);
}

std::expected<JobStatus, Failure> Client::submit_file(const std::string& path,
                                                      const std::string& label) const {
    std::shared_ptr<std::FILE> file(std::fopen(path.c_str(), "rb"), [](std::FILE* f) {
        if (f != nullptr) {
            std::fclose(f);
        }
    });
    struct stat info {};
    if (!file || ::fstat(::fileno(file.get()), &info) != 0) {
        Failure f;
        f.provider = m_seat.provider;
        f.type = "spool";
        f.message =
            "batch API: cannot read the job's request lines: " + std::string(std::strerror(errno));
        return std::unexpected(std::move(f));
    }
    auto read = [file](char* out, std::size_t size) {
        return std::fread(out, 1, size, file.get());
    };
    return submit_stream(read, static_cast<std::int64_t>(info.st_size), label);
}

namespace {

// libcurl's CURL_READFUNC_ABORT (curl.h is not included here): stops an upload.
constexpr std::size_t k_read_abort = 0x10000000;

// A request body of three parts, read in pieces for a streamed upload: `head`, the job's
// lines, `tail`. With `inline_array` the lines become the elements of a JSON array: every
// '\n' between lines turns into ',' and the last one into ' ', byte for byte, so the size
// stays known before the first byte is sent.
struct StreamedBody {
    std::string head;
    std::string tail;
    std::function<std::size_t(char*, std::size_t)> lines;
    std::int64_t line_bytes = 0;
    bool inline_array = false;
    std::int64_t sent = 0; // of the whole body

    std::int64_t size() const {
        return static_cast<std::int64_t>(head.size() + tail.size()) + line_bytes;
    }

    std::size_t read(char* out, std::size_t room) {
        std::size_t written = 0;
        const auto head_size = static_cast<std::int64_t>(head.size());
        const std::int64_t total = size();
        while (written < room && sent < total) {
            if (sent < head_size) {
                const auto n = std::min<std::size_t>(room - written,
                                                     static_cast<std::size_t>(head_size - sent));
                std::memcpy(out + written, head.data() + sent, n);
                written += n;
                sent += static_cast<std::int64_t>(n);
            } else if (sent < head_size + line_bytes) {
                const auto want = std::min<std::size_t>(
                    room - written, static_cast<std::size_t>(head_size + line_bytes - sent));
                const std::size_t n = lines(out + written, want);
                if (n == 0) {
                    return k_read_abort; // the file is shorter than it was
                }
                if (inline_array) {
                    for (std::size_t i = 0; i < n; ++i) {
                        const bool last =
                            sent + static_cast<std::int64_t>(i) + 1 == head_size + line_bytes;
                        char& c = out[written + i];
                        c = c == '\n' ? (last ? ' ' : ',') : c;
                    }
                }
                written += n;
                sent += static_cast<std::int64_t>(n);
            } else {
                const auto offset = static_cast<std::size_t>(sent - head_size - line_bytes);
                const std::size_t n = std::min(room - written, tail.size() - offset);
                std::memcpy(out + written, tail.data() + offset, n);
                written += n;
                sent += static_cast<std::int64_t>(n);
            }
        }
        return written;
    }
};

void stream_body(http::Request& request, std::shared_ptr<StreamedBody> body) {
    request.body_size = body->size();
    request.read_body = [body](char* out, std::size_t size) { return body->read(out, size); };
}

} // namespace

std::expected<JobStatus, Failure> Client::submit_stream(LineReader read, std::int64_t bytes,
                                                        const std::string& label) const {
    std::expected<std::string, Failure> body;
    auto streamed = std::make_shared<StreamedBody>();
    streamed->lines = std::move(read);
    streamed->line_bytes = bytes;
    switch (m_protocol) {
    case Protocol::openai_files: {
        const std::string boundary = "roundtable-batch-boundary-7c1f";
        streamed->head = "--" + boundary +
                         "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n" +
                         "--" + boundary +
                         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + label +
                         ".jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n";
        streamed->tail = "\r\n--" + boundary + "--\r\n";
        http::Request upload = make("POST", m_root + "/files");
        upload.headers.emplace_back("content-type", "multipart/form-data; boundary=" + boundary);
        stream_body(upload, streamed);
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
        create.abortable = false; // a job it creates is recorded before Ctrl-C stops us
        create.body = json{{"input_file_id", text(file, "id")},
                           {"endpoint", "/v1/chat/completions"},
                           {"completion_window", "24h"},
                           {"metadata", {{"roundtable", label}}}}
                          .dump();
        body = send(std::move(create));
        break;
    }
    case Protocol::anthropic_messages: {
        streamed->head = "{\"requests\":[";
        streamed->tail = "]}";
        streamed->inline_array = true;
        http::Request create = make("POST", m_root + "/messages/batches");
        create.headers.emplace_back("content-type", "application/json");
        create.abortable = false; // a job it creates is recorded before Ctrl-C stops us
        stream_body(create, streamed);
        body = send(std::move(create));
        break;
    }
    case Protocol::gemini: {
        streamed->head = "{\"batch\":{\"display_name\":" + json(label).dump() +
                         ",\"input_config\":{\"requests\":{\"requests\":[";
        streamed->tail = "]}}}}";
        streamed->inline_array = true;
        http::Request create = make("POST", m_create);
        create.headers.emplace_back("content-type", "application/json");
        create.abortable = false; // a job it creates is recorded before Ctrl-C stops us
        stream_body(create, streamed);
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
    const json reply = m_protocol == Protocol::gemini ? parse_operation(*body)
                                                      : json::parse(*body, nullptr, false);
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
    if (m_protocol == Protocol::gemini && status.results.empty()) {
        // Inline responses: read from the operation once more, one response at a time.
        auto body = send(make("GET", m_root + "/" + status.id));
        if (!body) {
            return std::unexpected(std::move(body.error()));
        }
        parse_operation(*body, &each);
        return {};
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
        // The file arrives in pieces; a line is handed over once its '\n' (or the end) came.
        std::string partial;
        bool skipping = false; // inside a line over max_result_line
        auto line_done = [&] {
            std::string_view line(partial);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            if (!skipping && !line.empty()) {
                each(line);
            }
            partial.clear();
            skipping = false;
        };
        http::Request request = make("GET", std::move(url));
        request.on_body = [&](std::string_view piece) {
            while (!piece.empty()) {
                const auto end = piece.find('\n');
                const std::string_view part = piece.substr(0, end);
                if (!skipping && partial.size() + part.size() > max_result_line) {
                    skipping = true;
                    partial.clear();
                    partial.shrink_to_fit();
                }
                if (!skipping) {
                    partial.append(part);
                }
                if (end == std::string_view::npos) {
                    break;
                }
                line_done();
                piece.remove_prefix(end + 1);
            }
            return true;
        };
        auto body = send(std::move(request));
        if (!body) {
            return std::unexpected(std::move(body.error()));
        }
        line_done();
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
